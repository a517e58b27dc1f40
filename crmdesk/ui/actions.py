"""Every menu and toolbar action of the main window, defined in one place."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoStack

from crmdesk.ui.icons import icon


class Actions(QObject):
    """The main window's actions. Menus, the toolbar and shortcuts all use these."""

    def __init__(self, parent: QObject, undo_stack: QUndoStack) -> None:
        super().__init__(parent)

        def make(
            text: str,
            shortcut: QKeySequence | str | None = None,
            tip: str = "",
            *,
            icon_name: str,
        ) -> QAction:
            action = QAction(icon(icon_name), text, parent)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            if tip:
                action.setStatusTip(tip)
                action.setToolTip(tip)
            return action

        self.new_deal = make(
            self.tr("&New deal…"),
            QKeySequence.StandardKey.New,
            self.tr("Create a deal"),
            icon_name="plus",
        )
        self.open_deal = make(
            self.tr("&Open deal"),
            "Ctrl+O",
            self.tr("Open the selected deal"),
            icon_name="folder-open",
        )
        self.move_left = make(
            self.tr("Move to &previous stage"),
            "Ctrl+Left",
            self.tr("Move the selected cards one stage back"),
            icon_name="arrow-left",
        )
        self.move_right = make(
            self.tr("Move to &next stage"),
            "Ctrl+Right",
            self.tr("Move the selected cards one stage on"),
            icon_name="arrow-right",
        )
        self.mark_won = make(
            self.tr("Mark as &won…"),
            "Ctrl+Shift+W",
            self.tr("Close the selected deals as won"),
            icon_name="trophy",
        )
        self.mark_lost = make(
            self.tr("Mark as &lost…"),
            "Ctrl+Shift+L",
            self.tr("Close the selected deals as lost"),
            icon_name="circle-x",
        )
        self.refresh = make(
            self.tr("&Refresh"),
            QKeySequence.StandardKey.Refresh,
            self.tr("Load the latest data"),
            icon_name="refresh-cw",
        )
        self.find = make(
            self.tr("&Find…"),
            QKeySequence.StandardKey.Find,
            self.tr("Search the board"),
            icon_name="search",
        )
        self.quit = make(self.tr("&Quit"), QKeySequence.StandardKey.Quit, icon_name="log-out")
        self.about = make(self.tr("&About crmdesk"), icon_name="info")
        # File › Export…, Back Up Now…, Restore from Backup… (ui/portability_dialogs.py)
        self.export_data = make(
            self.tr("E&xport…"),
            tip=self.tr("Export deals, customers, contacts or activities, or everything"),
            icon_name="download",
        )
        self.back_up = make(
            self.tr("&Back Up Now…"),
            tip=self.tr("Back the database up to a file now"),
            icon_name="database-backup",
        )
        self.restore_backup = make(
            self.tr("&Restore from Backup…"),
            tip=self.tr("Put a backup in place of this database"),
            icon_name="archive-restore",
        )
        self.undo = undo_stack.createUndoAction(parent, self.tr("&Undo"))
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo.setIcon(icon("undo-2"))
        self.redo = undo_stack.createRedoAction(parent, self.tr("&Redo"))
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        self.redo.setIcon(icon("redo-2"))
