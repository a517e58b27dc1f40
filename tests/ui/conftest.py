"""Fixtures for the UI tests: a small demo database per test and the main window on it.

The demo database is built once per session (300 simulated deals) and copied for
each test. Modal dialogs never block: a test that expects one replaces its ``exec``;
any other modal dialog fails the test instead of hanging it.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.db.migrate import open_database
from crmdesk.demo import build_demo
from crmdesk.domain import UserInfo
from crmdesk.services import users
from crmdesk.services.setup import default_admin_id
from crmdesk.ui.main_window import MainWindow

DEMO_NOW = datetime(2025, 6, 15, 10, tzinfo=UTC)
DEMO_DEALS = 300
DEMO_SEED = 3


@pytest.fixture(scope="session", autouse=True)
def _private_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The main window saves its geometry with QSettings: keep that out of the home folder."""
    path = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, path)


@pytest.fixture(autouse=True)
def _fresh_window_state() -> Iterator[None]:
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture(autouse=True)
def _no_widgets_left_behind() -> Iterator[None]:
    """Delete the windows a test leaves open (dialogs it built without qtbot, say).

    Otherwise they pile up in the one QApplication of the test process, and every later
    test that switches the theme or the language (which reaches every widget) pays for
    them all: one such test took 47 s after the rest of the suite and 7 s alone."""
    yield
    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        if widget.parent() is None:
            widget.hide()
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def _no_unexpected_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog would block the test forever; fail instead.

    Tests that expect a dialog patch its own class's ``exec`` (which wins over this).
    """

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"unexpected modal dialog: {args!r} {kwargs!r}")

    monkeypatch.setattr(QDialog, "exec", refuse)
    for name in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    for name in ("getText", "getItem", "getInt", "getDouble"):
        monkeypatch.setattr(QInputDialog, name, refuse)
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, refuse)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (7 users, 300 deals of which a couple of dozen are open)."""
    return build_template(tmp_path_factory.mktemp("ui-demo"), deals=DEMO_DEALS, seed=DEMO_SEED)


def build_template(folder: Path, **demo: Any) -> Path:
    """A demo database at DEMO_NOW (``demo``: build_demo's options) in one file, for
    tests to copy."""
    path = folder / "demo.sqlite3"
    db = open_database(path).db
    build_demo(db, now=DEMO_NOW, **demo)
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def copy_of(template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of a template database, opened (the fixtures' body)."""
    path = tmp_path / "crmdesk.sqlite3"
    shutil.copyfile(template, path)
    db = open_database(path).db
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    yield from copy_of(demo_template, tmp_path)


@pytest.fixture
def admin(demo_db: Database) -> UserInfo:
    return users.get_user(demo_db, default_admin_id(demo_db))


@pytest.fixture
def window(demo_db: Database, admin: UserInfo, qtbot: QtBot) -> MainWindow:
    """The main window on the demo database, showing the pipeline board.

    ``confirm=False``: refusals reach ``window.ops.failed`` instead of a message box.
    """
    win = MainWindow(db=demo_db, user=admin, lang="en", confirm=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.stack.currentWidget() is win.board
    return win
