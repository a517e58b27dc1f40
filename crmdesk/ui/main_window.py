"""The main window: navigation between the views, menus, toolbar and status bar."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QDateTime, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crmdesk import __version__
from crmdesk.db.engine import Database
from crmdesk.db.migrate import table_counts
from crmdesk.domain import UserInfo


class _ViewPage(QWidget):
    """A view of the main window with its title and a short description."""

    def __init__(self, *, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        heading = QLabel(title)
        heading.setObjectName("viewTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        body = QLabel(description)
        body.setWordWrap(True)
        body.setTextFormat(Qt.TextFormat.RichText)
        body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body = body
        layout.addWidget(body, 1)


class MainWindow(QMainWindow):
    """The crmdesk main window.

    Signals: none yet; the views that fill it in bring their own.
    """

    VIEW_KEYS = ("pipeline", "deals", "customers", "activities", "reports")

    def __init__(self, *, db: Database, user: UserInfo, lang: str = "en") -> None:
        super().__init__()
        self.db = db
        self.user = user
        self.lang = lang
        self.setWindowTitle(self.tr("crmdesk — {db}").format(db=db.display_url))
        self.resize(QSize(1366, 768))

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setFixedWidth(180)
        self.stack = QStackedWidget()
        titles = {
            "pipeline": self.tr("Pipeline"),
            "deals": self.tr("Deals"),
            "customers": self.tr("Customers"),
            "activities": self.tr("Activities"),
            "reports": self.tr("Reports"),
        }
        for key in self.VIEW_KEYS:
            item = QListWidgetItem(titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(160, 36))
            self.nav.addItem(item)
            self.stack.addWidget(_ViewPage(title=titles[key], description=self._summary_html()))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)

        self._build_actions()
        self._build_status_bar()
        self._restore_state()

    # --- construction ----------------------------------------------------------
    def _summary_html(self) -> str:
        counts = table_counts(self.db)
        rows = "".join(
            f"<tr><td style='padding-right:24px'>{label}</td>"
            f"<td align='right'>{counts[key]:,}</td></tr>"
            for key, label in (
                ("deals", self.tr("Deals")),
                ("customers", self.tr("Customers")),
                ("contacts", self.tr("Contacts")),
                ("activities", self.tr("Activities")),
                ("stage_transitions", self.tr("Stage changes")),
                ("users", self.tr("Users")),
            )
        )
        return f"<p>{self.tr('This database holds:')}</p><table>{rows}</table>"

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.action_quit = QAction(self.tr("&Quit"), self)
        self.action_quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.action_quit.triggered.connect(self.close)
        file_menu.addAction(self.action_quit)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            action = QAction(item.text(), self)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _=False, r=row: self.nav.setCurrentRow(r))
            view_menu.addAction(action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About crmdesk"), self)
        about.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_db = QLabel(self.tr("Database: {url}").format(url=self.db.display_url))
        self.status_user = QLabel(self.tr("User: {name}").format(name=self.user.name))
        self.status_refreshed = QLabel()
        for label in (self.status_db, self.status_user, self.status_refreshed):
            bar.addPermanentWidget(label)
        self.mark_refreshed()

    def mark_refreshed(self) -> None:
        now = QDateTime.currentDateTime().toString("HH:mm:ss")
        self.status_refreshed.setText(self.tr("Refreshed {time}").format(time=now))

    # --- state ---------------------------------------------------------------------
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

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        settings.setValue("main_window/view", self.VIEW_KEYS[max(0, self.nav.currentRow())])
        super().closeEvent(event)

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About crmdesk"),
            self.tr("crmdesk {version}\nThe desktop sales CRM for small teams.").format(
                version=__version__
            ),
        )
