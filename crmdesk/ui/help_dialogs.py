"""Help › Keyboard Shortcuts and Help › About crmdesk.

The shortcuts are read from the window's own actions (its menus, then any other action
of the window that has a shortcut), so the list is always the one that works. About
shows the version, the database this window works on, and the versions and licences
of the components crmdesk ships with.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import import_module, metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QSize, Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk import APP_NAME, __version__
from crmdesk.db.engine import Database
from crmdesk.ui.icons import app_icon
from crmdesk.ui.users_dialog import HINT_STYLE


def tr(text: str) -> str:
    return QCoreApplication.translate("HelpDialogs", text)


# --- keyboard shortcuts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Shortcut:
    """One command and the keys that run it, as the user reads them."""

    group: str
    command: str
    keys: tuple[str, ...]

    @property
    def keys_text(self) -> str:
        return tr(" or ").join(self.keys)


def plain(text: str) -> str:
    """A menu text without its mnemonic marks ("&Undo" → "Undo", "R&&D" → "R&D")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def key_texts(action: QAction) -> tuple[str, ...]:
    """The action's shortcuts as this platform writes them ("Ctrl+Z"), without repeats."""
    seen: list[str] = []
    for seq in action.shortcuts():
        text = seq.toString(QKeySequence.SequenceFormat.NativeText)
        if text and text not in seen:
            seen.append(text)
    return tuple(seen)


def window_shortcuts(window: QWidget) -> list[Shortcut]:
    """Every action of the window that has a shortcut: by menu, in menu order, then the
    window's other actions under "Other"."""
    found: list[Shortcut] = []
    listed: set[int] = set()

    def walk(menu: QMenu, group: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if sub is not None:
                walk(sub, f"{group} › {plain(action.text())}")
                continue
            if action.isSeparator() or id(action) in listed:
                continue
            keys = key_texts(action)
            if keys:
                listed.add(id(action))
                found.append(Shortcut(group, plain(action.text()), keys))

    menu_bar = getattr(window, "menuBar", None)
    if callable(menu_bar):
        for top in menu_bar().actions():
            if top.menu() is not None:
                walk(top.menu(), plain(top.text()))
    for action in window.findChildren(QAction):
        if id(action) in listed or action.isSeparator() or action.menu() is not None:
            continue
        keys = key_texts(action)
        if keys and action.text():
            listed.add(id(action))
            found.append(Shortcut(tr("Other"), plain(action.text()), keys))
    return found


class ShortcutsDialog(QDialog):
    """Help › Keyboard Shortcuts: the window's shortcuts by menu, with a filter."""

    def __init__(self, window: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.setWindowTitle(self.tr("Keyboard Shortcuts"))
        self.resize(560, 620)
        self.shortcuts = window_shortcuts(window)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        title = QLabel(self.tr("Keyboard Shortcuts"))
        title.setObjectName("viewTitle")
        layout.addWidget(title)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Find a command or a key…"))
        self.filter_edit.setClearButtonEnabled(True)
        layout.addWidget(self.filter_edit)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Command"), self.tr("Shortcut")])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setAlternatingRowColors(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet(
            "QTreeWidget { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 6px; }"
            " QTreeWidget::item { padding: 4px 6px; }"
        )
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tree, 1)
        self.note = QLabel(
            self.tr(
                "On the board, Enter opens the selected deal, and the arrow keys move "
                "between cards."
            )
        )
        self.note.setWordWrap(True)
        self.note.setStyleSheet(HINT_STYLE)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filter_edit.textChanged.connect(self._fill)
        self._fill()

    def _fill(self) -> None:
        needle = self.filter_edit.text().strip().casefold()
        self.tree.clear()
        bold = self.font()
        bold.setBold(True)
        group = None
        for s in self.shortcuts:
            if (
                needle
                and needle not in s.command.casefold()
                and needle not in (s.keys_text.casefold())
            ):
                continue
            if s.group != group:
                group = s.group
                head = QTreeWidgetItem([group, ""])
                head.setFont(0, bold)
                head.setFirstColumnSpanned(True)
                head.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(head)
                head.setFirstColumnSpanned(True)
            item = QTreeWidgetItem(["    " + s.command, s.keys_text])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(item)

    def shown(self) -> dict[str, str]:
        """Command → keys, as listed now (for tests and callers)."""
        out = {}
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.text(1):
                out[item.text(0).strip()] = item.text(1)
        return out


# --- about ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    url: str


#: What crmdesk ships with: display name, distribution, module (for a packaged app that
#: has no distribution metadata), licence and home page. Qt and Python are added apart.
_COMPONENTS = (
    ("PySide6 (Qt for Python)", "PySide6-Essentials", "PySide6", "LGPL-3.0", "https://pyside.org"),
    ("Shiboken6", "shiboken6", "shiboken6", "LGPL-3.0", "https://pyside.org"),
    ("SQLAlchemy", "SQLAlchemy", "sqlalchemy", "MIT", "https://www.sqlalchemy.org"),
    ("Alembic", "alembic", "alembic", "MIT", "https://alembic.sqlalchemy.org"),
    ("pyqtgraph", "pyqtgraph", "pyqtgraph", "MIT", "https://www.pyqtgraph.org"),
    ("NumPy", "numpy", "numpy", "BSD-3-Clause", "https://numpy.org"),
    ("openpyxl", "openpyxl", "openpyxl", "MIT", "https://openpyxl.readthedocs.io"),
    ("et_xmlfile", "et_xmlfile", "et_xmlfile", "MIT", "https://foss.heptapod.net/openpyxl"),
    (
        "platformdirs",
        "platformdirs",
        "platformdirs",
        "MIT",
        "https://github.com/tox-dev/platformdirs",
    ),
    ("psycopg", "psycopg", "psycopg", "LGPL-3.0", "https://www.psycopg.org"),
)


def _version(distribution: str, module: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        pass
    try:
        return str(getattr(import_module(module), "__version__", "")) or None
    except ImportError:
        return None


def components() -> list[Component]:
    """Python, Qt and every bundled library that is installed, with its licence."""
    found = [
        Component(
            "Python",
            platform.python_version(),
            "PSF-2.0",
            "https://www.python.org",
        ),
        Component("Qt", qVersion(), "LGPL-3.0", "https://www.qt.io"),
    ]
    for name, dist, module, licence, url in _COMPONENTS:
        version = pyside_version if module == "PySide6" else _version(dist, module)
        if version is not None:
            found.append(Component(name, version, licence, url))
    return found


def schema_revision(db: Database) -> str | None:
    try:
        from crmdesk.db.migrate import current_revision

        return current_revision(db)
    except Exception:  # the About box never fails for want of a detail
        return None


class AboutDialog(QDialog):
    """Help › About crmdesk: version, database, components and their licences."""

    def __init__(self, *, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.tr("About crmdesk"))
        self.resize(640, 600)
        self.components = components()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 12)
        layout.setSpacing(8)

        head = QHBoxLayout()
        badge = QLabel()
        badge.setFixedSize(64, 64)
        badge.setPixmap(app_icon().pixmap(QSize(64, 64)))
        head.addWidget(badge)
        head.addSpacing(12)
        words = QVBoxLayout()
        words.setSpacing(2)
        self.title = QLabel(APP_NAME)
        self.title.setStyleSheet("font-size: 20pt; font-weight: 700;")
        self.version = QLabel(self.tr("Version {version}").format(version=__version__))
        self.version.setObjectName("aboutVersion")
        self.version.setStyleSheet("font-size: 11pt;")
        tagline = QLabel(self.tr("The desktop sales CRM for small teams."))
        tagline.setStyleSheet(HINT_STYLE)
        words.addWidget(self.title)
        words.addWidget(self.version)
        words.addWidget(tagline)
        head.addLayout(words, 1)
        layout.addLayout(head)
        layout.addSpacing(6)

        revision = schema_revision(db)
        kind = self.tr("SQLite file") if db.dialect == "sqlite" else self.tr("PostgreSQL server")
        self.database = QLabel(
            self.tr("Database: {url}").format(url=db.display_url)
            + "\n"
            + (
                self.tr("{kind}, schema {revision}").format(kind=kind, revision=revision)
                if revision
                else kind
            )
        )
        self.database.setObjectName("aboutDatabase")
        self.database.setWordWrap(True)
        self.database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.database)
        layout.addSpacing(4)

        heading = QLabel(self.tr("Components and their licences"))
        heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(heading)
        self.table = QTreeWidget()
        self.table.setColumnCount(3)
        self.table.setHeaderLabels([self.tr("Component"), self.tr("Version"), self.tr("Licence")])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setStyleSheet("QTreeWidget::item { padding: 3px 4px; }")
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(90)
        for c in self.components:
            item = QTreeWidgetItem([c.name, c.version, c.licence])
            item.setToolTip(0, c.url)
            self.table.addTopLevelItem(item)
        layout.addWidget(self.table, 1)
        notice = QLabel(
            self.tr(
                "Qt, PySide6 and psycopg are used under the GNU Lesser General Public "
                "License v3: you may replace them with versions of your own. Their source "
                'code is at <a href="https://download.qt.io/official_releases/">'
                "download.qt.io</a> and on the projects' home pages."
            )
        )
        notice.setWordWrap(True)
        notice.setOpenExternalLinks(True)
        notice.setStyleSheet(HINT_STYLE)
        layout.addWidget(notice)
        copyright_label = QLabel(self.tr("© crmdesk developers. All rights reserved."))
        copyright_label.setStyleSheet(HINT_STYLE)
        layout.addWidget(copyright_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy Details"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip(
            self.tr("Copy the version, database and components, e.g. for a support request")
        )
        about_qt = QPushButton(self.tr("About Qt"))
        about_qt.setAutoDefault(False)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(about_qt, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        about_qt.clicked.connect(lambda: QMessageBox.aboutQt(self, self.tr("About Qt")))
        layout.addWidget(buttons)

    def details(self) -> str:
        """The dialog's facts as plain text."""
        lines = [
            f"{APP_NAME} {__version__}",
            self.database.text(),
            f"{platform.system()} {platform.release()} ({platform.machine()}), "
            f"{sys.implementation.name}",
            "",
        ]
        lines += [f"{c.name} {c.version} ({c.licence})" for c in self.components]
        return "\n".join(lines)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self.copy_button.setText(self.tr("Copied"))
