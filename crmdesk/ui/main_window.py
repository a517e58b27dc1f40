"""The main window: navigation between the views, menus, toolbar and status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QDateTime, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from crmdesk.db.engine import Database
from crmdesk.db.netfs import network_filesystem
from crmdesk.domain import Changes, StageKind, UserInfo
from crmdesk.services import deals
from crmdesk.ui.actions import Actions
from crmdesk.ui.activities_view import ActivitiesView
from crmdesk.ui.board.page import BoardPage
from crmdesk.ui.bridge import ChangeBus
from crmdesk.ui.customers_view import CustomersView
from crmdesk.ui.deals_view import DealsView
from crmdesk.ui.errors import error_message
from crmdesk.ui.icons import app_icon, icon
from crmdesk.ui.operations import Operations
from crmdesk.ui.reports.tab import ReportsTab
from crmdesk.ui.welcome import WelcomePage


class MainWindow(QMainWindow):
    """The crmdesk main window.

    Holds the change bus, the undo stack and the operations gateway that every view
    shares. Signals: none of its own.
    """

    VIEW_KEYS = ("pipeline", "deals", "customers", "activities", "reports")
    #: The icon of each view, in the sidebar and the View menu (resources/icons).
    VIEW_ICONS = {
        "pipeline": "square-kanban",
        "deals": "handshake",
        "customers": "building-2",
        "activities": "calendar-check",
        "reports": "chart-column",
    }

    def __init__(
        self, *, db: Database, user: UserInfo, lang: str = "en", confirm: bool = True
    ) -> None:
        super().__init__()
        self.db = db
        self.user = user
        self.lang = lang
        self.setWindowTitle(self.tr("crmdesk"))
        self.setWindowIcon(app_icon())
        self.resize(QSize(1366, 768))
        self.bus = ChangeBus(self)
        self.live: Any = None  # LiveUpdates once started (run_gui starts it)
        self.undo_stack = QUndoStack(self)
        self.ops = Operations(
            db=db,
            user=user,
            bus=self.bus,
            undo_stack=self.undo_stack,
            window=self,
            lang=lang,
            confirm=confirm,
        )
        self.actions = Actions(self, self.undo_stack)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setMinimumWidth(150)
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setMaximumWidth(210)
        self.stack = QStackedWidget()

        self.board = BoardPage(db=db, user=user, ops=self.ops, bus=self.bus, lang=lang)
        self.board.refreshed.connect(self.mark_refreshed)
        self.board.open_requested.connect(self.open_deal)
        self.deals_view = DealsView(db=db, user=user, bus=self.bus, lang=lang)
        self.customers_view = CustomersView(db=db, user=user, ops=self.ops, bus=self.bus, lang=lang)
        self.activities_view = ActivitiesView(db=db, user=user, ops=self.ops, bus=self.bus)
        self.reports = ReportsTab(db=db, user=user, bus=self.bus, lang=lang)
        self.reports.drill_requested.connect(self.show_drill)
        for view in (self.deals_view, self.customers_view, self.activities_view, self.reports):
            view.open_requested.connect(self.open_deal)
        pages: dict[str, tuple[str, QWidget]] = {
            "pipeline": (self.tr("Pipeline"), self.board),
            "deals": (self.tr("Deals"), self.deals_view),
            "customers": (self.tr("Customers"), self.customers_view),
            "activities": (self.tr("Activities"), self.activities_view),
            "reports": (self.tr("Reports"), self.reports),
        }
        for key in self.VIEW_KEYS:
            title, widget = pages[key]
            item = QListWidgetItem(icon(self.VIEW_ICONS[key], role="nav"), title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(150, 40))
            self.nav.addItem(item)
            self.stack.addWidget(widget)
        self.welcome = WelcomePage()
        self.welcome.demo_requested.connect(self._on_welcome_demo_requested)
        self.welcome.import_requested.connect(self._on_welcome_import_requested)
        self.stack.addWidget(self.welcome)
        self.nav.currentRowChanged.connect(self._on_nav_row_changed)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 1176])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self._connect_actions()
        self._build_menus()
        self._build_status_bar()
        self._restore_state()

    # --- construction -----------------------------------------------------------------------
    def _connect_actions(self) -> None:
        a = self.actions
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self._on_about_triggered)
        a.refresh.triggered.connect(self.board.reload)
        a.move_left.triggered.connect(lambda: self.board.move_selection(-1))
        a.move_right.triggered.connect(lambda: self.board.move_selection(+1))
        a.mark_won.triggered.connect(lambda: self._close_selection(StageKind.WON))
        a.mark_lost.triggered.connect(lambda: self._close_selection(StageKind.LOST))
        a.find.triggered.connect(self._on_find_triggered)
        a.open_deal.triggered.connect(self._on_open_deal_triggered)
        a.new_deal.triggered.connect(lambda: self.open_deal(None))
        from crmdesk.ui import portability_dialogs

        portability_dialogs.install(self)  # File › Export…, Back Up Now…, Restore…

    def _build_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(a.new_deal)
        file_menu.addSeparator()
        self.import_action = QAction(icon("folder-open"), self.tr("&Import…"), self)
        self.import_action.triggered.connect(lambda: self.open_import())
        file_menu.addAction(self.import_action)
        for action in (a.export_data, a.back_up, a.restore_backup):
            file_menu.addAction(action)
        file_menu.addSeparator()
        print_report = QAction(icon("printer"), self.tr("&Print Report…"), self)
        print_report.setShortcut(QKeySequence.StandardKey.Print)
        print_report.triggered.connect(lambda: self._print(current_only=True))
        print_pack = QAction(icon("book-open"), self.tr("Print the Management &Pack…"), self)
        print_pack.triggered.connect(lambda: self._print(current_only=False))
        preview = QAction(icon("eye"), self.tr("Print Pre&view…"), self)
        preview.triggered.connect(lambda: self._show_reports().preview_pack(current_only=True))
        export_pdf = QAction(icon("file-down"), self.tr("&Export Pack to PDF…"), self)
        export_pdf.triggered.connect(lambda: self._show_reports().export_pack_pdf())
        for action in (print_report, print_pack, preview, export_pdf):
            file_menu.addAction(action)
        self.print_actions = (print_report, print_pack, preview, export_pdf)
        file_menu.addSeparator()
        self.database_action = QAction(icon("database"), self.tr("&Database…"), self)
        self.database_action.triggered.connect(self.choose_database)
        file_menu.addAction(self.database_action)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addAction(a.undo)
        edit_menu.addAction(a.redo)
        edit_menu.addSeparator()
        edit_menu.addAction(a.find)
        edit_menu.addSeparator()
        self.settings_action = QAction(icon("settings"), self.tr("&Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(lambda: self.open_settings())
        edit_menu.addAction(self.settings_action)
        deal_menu = bar.addMenu(self.tr("&Deal"))
        for action in (a.open_deal, a.move_left, a.move_right, a.mark_won, a.mark_lost):
            deal_menu.addAction(action)
        view_menu = bar.addMenu(self.tr("&View"))
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            action = QAction(icon(self.VIEW_ICONS[self.VIEW_KEYS[row]]), item.text(), self)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _=False, r=row: self.nav.setCurrentRow(r))
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(a.refresh)
        admin_menu = bar.addMenu(self.tr("&Admin"))
        self.users_action = QAction(icon("users"), self.tr("&Users…"), self)
        self.users_action.triggered.connect(self.open_users)
        admin_menu.addAction(self.users_action)
        help_menu = bar.addMenu(self.tr("&Help"))
        self.shortcuts_action = QAction(icon("keyboard"), self.tr("&Keyboard Shortcuts"), self)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(a.about)

        tools = QToolBar(self.tr("Main toolbar"))
        tools.setObjectName("mainToolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.setIconSize(QSize(18, 18))
        for action in (a.new_deal, a.undo, a.redo, a.refresh):
            tools.addAction(action)
        self.addToolBar(tools)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_db = QLabel(self.tr("Database: {url}").format(url=self.db.display_url))
        self.status_user = QLabel(self.tr("User: {name}").format(name=self.user.name))
        self.status_refreshed = QLabel()
        self.status_connection = QLabel()
        self.status_connection.setVisible(False)
        self.status_share = QLabel()
        self.status_share.setObjectName("statusWarning")
        self.status_share.setStyleSheet("color: #e8590c; font-weight: 600;")
        self.network_fs = network_filesystem(self.db.path) if self.db.path else None
        if self.network_fs:
            self.status_share.setText(self.tr("⚠ Database on a network share: one PC at a time"))
            self.status_share.setToolTip(self.share_warning())
        self.status_share.setVisible(bool(self.network_fs))
        bar.addWidget(self.status_share)
        for label in (
            self.status_connection,
            self.status_db,
            self.status_user,
            self.status_refreshed,
        ):
            bar.addPermanentWidget(label)
        self.mark_refreshed()

    # --- live updates --------------------------------------------------------------------------
    def start_live_updates(self, *, poll_seconds: float | None = None) -> None:
        """Follow the other windows' writes on this database (see ``ui/live.py``); stopped
        when the window closes."""
        from crmdesk.ui.live import POLL_SECONDS, LiveUpdates

        if self.live is not None:
            return
        self.live = LiveUpdates(self.db, self, poll_seconds=poll_seconds or POLL_SECONDS)
        self.live.changed.connect(self._on_remote_changes)
        self.live.connection.connect(self._on_connection_changed)
        self.live.start()

    def stop_live_updates(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

    def _on_remote_changes(self, changes: Changes) -> None:
        self.bus.publish(changes)
        self.mark_refreshed()

    def _on_connection_changed(self, ok: bool, reason: str) -> None:
        if ok:
            self.status_connection.setText(self.tr("Connection restored"))
            self.status_connection.setStyleSheet("color: #2f9e44;")
            QTimer.singleShot(5000, self, self._hide_restored)
        else:
            self.status_connection.setText(
                self.tr("Connection to the database lost ({reason}); reconnecting…").format(
                    reason=reason
                )
            )
            self.status_connection.setStyleSheet("color: #e03131; font-weight: 600;")
        self.status_connection.setVisible(True)

    def _hide_restored(self) -> None:
        if self.live is None or self.live._online:
            self.status_connection.setVisible(False)

    def choose_database(self) -> None:
        """File › Database…: point this PC at another database (used from the next start)."""
        from crmdesk.ui.sign_in import ConnectDialog, saved_database_url

        current = saved_database_url() or (str(self.db.path) if self.db.path else None)
        if current is None:
            current = self.db.display_url
        dialog = ConnectDialog(current, self)
        if dialog.exec() == ConnectDialog.DialogCode.Accepted:
            QMessageBox.information(
                self,
                self.tr("Database"),
                self.tr("crmdesk will open {url} when it starts next.").format(url=dialog.url()),
            )

    def share_warning(self) -> str:
        return self.tr(
            "The database file {path} is on a network share ({kind}). SQLite databases on "
            "shared folders are for one PC at a time: two PCs writing to it at once can "
            "damage it. For a team, use a shared PostgreSQL server (see the team setup "
            "guide)."
        ).format(path=self.db.path, kind=self.network_fs)

    def mark_refreshed(self) -> None:
        now = QDateTime.currentDateTime().toString("HH:mm:ss")
        self.status_refreshed.setText(self.tr("Refreshed {time}").format(time=now))

    # --- first run ----------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.board.model.live_count() == 0 and not deals.has_deals(self.db)

    def _on_nav_row_changed(self, row: int) -> None:
        if row == 0 and self.is_empty():
            self.stack.setCurrentWidget(self.welcome)
        else:
            self.stack.setCurrentIndex(row)

    def _on_welcome_demo_requested(self) -> None:
        from crmdesk.demo import DemoError, build_demo

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            build_demo(self.db, locale=self.lang)
        except DemoError as exc:
            QMessageBox.warning(self, self.tr("Demo data"), error_message(exc))
        finally:
            QApplication.restoreOverrideCursor()
        self.bus.publish(Changes.everything())
        self.stack.setCurrentIndex(0)

    def _on_welcome_import_requested(self) -> None:
        self.open_import()
        self._on_nav_row_changed(max(0, self.nav.currentRow()))  # the board once deals exist

    def open_import(self, entity: str = "deals") -> None:
        """File › Import…: the import wizard (its import publishes on the bus)."""
        from crmdesk.ui.import_wizard import ImportWizard

        dialog = ImportWizard(
            db=self.db, user=self.user, bus=self.bus, lang=self.lang, entity=entity, parent=self
        )
        dialog.exec()
        dialog.deleteLater()

    # --- commands ------------------------------------------------------------------------------
    def _close_selection(self, kind: StageKind) -> None:
        pipeline = self.board.pipeline
        cards = self.board.view.selected_cards()
        if pipeline is None or not cards:
            return
        stage = pipeline.won_stage if kind is StageKind.WON else pipeline.lost_stage
        self.ops.move_cards(cards, stage.id, pipeline)

    def _on_find_triggered(self) -> None:
        self.nav.setCurrentRow(0)
        self.board.view.search_edit.setFocus()
        self.board.view.search_edit.selectAll()

    def _on_open_deal_triggered(self) -> None:
        cards = self.board.view.selected_cards()
        if cards:
            self.open_deal(cards[0].id)

    def open_deal(self, deal_id: int | None) -> None:
        """Open the deal dialog (``None``: a new deal)."""
        from crmdesk.ui.deal_dialog import DealDialog

        dialog = DealDialog(
            db=self.db,
            user=self.user,
            ops=self.ops,
            deal_id=deal_id,
            lang=self.lang,
            parent=self,
            # A new deal goes to the pipeline the board shows.
            pipeline_id=self.board.view.pipeline_id(),
        )
        dialog.exec()

    def open_users(self) -> None:
        """Admin › Users: the team's users (read-only unless the user is an admin)."""
        from crmdesk.ui.users_dialog import UsersDialog

        dialog = UsersDialog(db=self.db, user=self.user, bus=self.bus, parent=self)
        dialog.exec()
        dialog.deleteLater()

    def open_settings(self, page: str | None = None) -> None:
        """Edit › Settings…: read-only where the user's role may not change things."""
        from crmdesk.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            db=self.db, user=self.user, bus=self.bus, lang=self.lang, page=page, parent=self
        )
        dialog.exec()
        dialog.deleteLater()

    def show_shortcuts(self) -> None:
        """Help › Keyboard Shortcuts: read from this window's actions."""
        from crmdesk.ui.help_dialogs import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.exec()
        dialog.deleteLater()

    def _show_reports(self) -> ReportsTab:
        """Printing prints the reports: bring that tab forward first."""
        self.nav.setCurrentRow(self.VIEW_KEYS.index("reports"))
        return self.reports

    def _print(self, *, current_only: bool) -> None:
        self._show_reports().print_pack(current_only=current_only)

    def show_drill(self, f: object, spec: object) -> None:
        """List the deals behind a number of the reports (a drill-down)."""
        from crmdesk.metrics.drill import drill
        from crmdesk.ui.reports.drill_dialog import DrillDialog

        result = drill(self.db, f, spec, lang=self.lang)  # type: ignore[arg-type]
        dialog = DrillDialog(
            result, self.tr("Deals behind the figure"), self.reports.currency, parent=self
        )
        dialog.open_requested.connect(self.open_deal)
        self._drill_dialog = dialog  # kept for tests
        dialog.open()

    # --- state ----------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = settings.value("main_window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        key = settings.value("main_window/view", "pipeline")
        row = self.VIEW_KEYS.index(key) if key in self.VIEW_KEYS else 0
        self.nav.setCurrentRow(row)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_live_updates()
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        settings.setValue("main_window/view", self.VIEW_KEYS[max(0, self.nav.currentRow())])
        super().closeEvent(event)

    def _on_about_triggered(self) -> None:
        from crmdesk.ui.help_dialogs import AboutDialog

        dialog = AboutDialog(db=self.db, parent=self)
        dialog.exec()
        dialog.deleteLater()
