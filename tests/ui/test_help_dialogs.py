"""Help › Keyboard Shortcuts and Help › About crmdesk, as a user reads them."""

from __future__ import annotations

from importlib import metadata

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication, QKeySequence
from pytestqt.qtbot import QtBot

from crmdesk import __version__
from crmdesk.ui.help_dialogs import AboutDialog, ShortcutsDialog
from crmdesk.ui.main_window import MainWindow
from tests.ui._helpers import answer_dialog


def _shortcuts(qtbot: QtBot, window: MainWindow) -> ShortcutsDialog:
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def groups(dialog: ShortcutsDialog) -> list[str]:
    tree = dialog.tree
    return [
        tree.topLevelItem(i).text(0)
        for i in range(tree.topLevelItemCount())
        if not tree.topLevelItem(i).text(1)
    ]


def about_rows(dialog: AboutDialog) -> dict[str, tuple[str, str]]:
    table = dialog.table
    return {
        table.topLevelItem(i).text(0): (
            table.topLevelItem(i).text(1),
            table.topLevelItem(i).text(2),
        )
        for i in range(table.topLevelItemCount())
    }


# --- keyboard shortcuts -----------------------------------------------------------------------
def test_the_list_has_the_window_s_real_shortcuts_by_menu(qtbot: QtBot, window: MainWindow) -> None:
    shown = _shortcuts(qtbot, window).shown()

    assert shown["Undo"] == "Ctrl+Z"
    assert shown["Redo"] == "Ctrl+Shift+Z or Ctrl+Y"
    assert shown["New deal…"] == "Ctrl+N"
    assert shown["Move to next stage"] == "Ctrl+Right"
    assert shown["Mark as lost…"] == "Ctrl+Shift+L"
    assert shown["Settings…"] == "Ctrl+,"
    assert shown["Keyboard Shortcuts"] == "Ctrl+/"
    assert shown["Reports"] == "Ctrl+5"
    assert shown["Refresh"] == QKeySequence(QKeySequence.StandardKey.Refresh).toString(
        QKeySequence.SequenceFormat.NativeText
    )
    # Each menu of the window is a group, in the menu bar's order.
    assert groups(_shortcuts(qtbot, window))[:4] == ["File", "Edit", "Deal", "View"]


def test_the_list_follows_the_actions_not_a_written_list(qtbot: QtBot, window: MainWindow) -> None:
    window.actions.find.setShortcut(QKeySequence("Ctrl+K"))
    window.actions.open_deal.setShortcut(QKeySequence())
    shown = _shortcuts(qtbot, window).shown()
    assert shown["Find…"] == "Ctrl+K"
    assert "Open deal" not in shown


def test_finding_a_shortcut_by_command_or_key(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _shortcuts(qtbot, window)
    qtbot.keyClicks(dialog.filter_edit, "undo")
    assert dialog.shown() == {"Undo": "Ctrl+Z"}
    assert groups(dialog) == ["Edit"]
    dialog.filter_edit.setText("shift+w")
    assert dialog.shown() == {"Mark as won…": "Ctrl+Shift+W"}
    dialog.filter_edit.clear()
    assert len(dialog.shown()) > 15


def test_help_menu_opens_the_shortcuts(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    menus = {a.text(): a.menu() for a in window.menuBar().actions() if a.menu() is not None}
    assert window.shortcuts_action in menus["&Help"].actions()
    assert window.actions.about in menus["&Help"].actions()
    seen: list[str] = []

    def answer(d: ShortcutsDialog) -> None:
        seen.append(d.shown()["Undo"])
        d.reject()

    opened = answer_dialog(monkeypatch, ShortcutsDialog, answer)
    window.shortcuts_action.trigger()
    assert len(opened) == 1 and seen == ["Ctrl+Z"]


# --- about ------------------------------------------------------------------------------------
def test_about_shows_the_version_the_database_and_the_licences(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts: dict[str, object] = {}

    def answer(d: AboutDialog) -> None:
        facts["version"] = d.version.text()
        facts["database"] = d.database.text()
        facts["rows"] = about_rows(d)
        d.reject()

    opened = answer_dialog(monkeypatch, AboutDialog, answer)
    window.actions.about.trigger()

    assert len(opened) == 1
    assert facts["version"] == f"Version {__version__}"
    assert facts["database"].splitlines()[0] == f"Database: {window.db.display_url}"
    assert facts["database"].splitlines()[1].startswith("SQLite file, schema 00")
    rows = facts["rows"]
    assert rows["Qt"] == (qVersion(), "LGPL-3.0")
    assert rows["PySide6 (Qt for Python)"] == (pyside_version, "LGPL-3.0")
    assert rows["SQLAlchemy"] == (metadata.version("SQLAlchemy"), "MIT")
    assert rows["pyqtgraph"] == (metadata.version("pyqtgraph"), "MIT")
    assert rows["openpyxl"] == (metadata.version("openpyxl"), "MIT")
    assert rows["Python"][1] == "PSF-2.0"


def test_copy_details_puts_the_facts_on_the_clipboard(qtbot: QtBot, window: MainWindow) -> None:
    dialog = AboutDialog(db=window.db, parent=window)
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text.startswith(f"crmdesk {__version__}\n")
    assert window.db.display_url in text
    assert f"SQLAlchemy {metadata.version('SQLAlchemy')} (MIT)" in text
    assert dialog.copy_button.text() == "Copied"
