"""File › Export…, Back Up Now… and Restore from Backup…, used as a person would: the
menu entry, the dialog's choices, the file dialog (answered with a path), the progress
dialog, the message at the end; then the files written and the data restored are read
back. A rep and a manager see and may do less; the rules hold in the core as well."""

from __future__ import annotations

import csv
import sqlite3
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from crmdesk.db.engine import Database
from crmdesk.domain import PermissionDenied, Role, UserInfo
from crmdesk.portability import access
from crmdesk.portability import export as export_module
from crmdesk.portability.backup import backup, validate_backup
from crmdesk.portability.dump import read_dump
from crmdesk.services import users
from crmdesk.ui import portability_dialogs as pd
from crmdesk.ui.main_window import MainWindow

from ._helpers import answer_dialog


def _count(db: Database, table: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[tuple[Any, ...]]:
    """The save dialog answers ``path``; returns what it was asked."""
    asked: list[tuple[Any, ...]] = []

    def save(*args: Any, **_kw: Any) -> tuple[str, str]:
        asked.append(args)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    return asked


def _messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Information and warning boxes, recorded instead of shown."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("information", "warning", "critical"):

        def box(_parent: Any, title: str, body: str, *_a: Any, kind: str = kind) -> Any:
            shown.append((kind, title, body))
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QMessageBox, kind, box)
    return shown


def _window_of(qtbot: QtBot, db: Database, role: Role) -> MainWindow:
    user = next(u for u in users.list_users(db) if u.role == role and u.active)
    win = MainWindow(db=db, user=user, lang="en", confirm=False)
    qtbot.addWidget(win)
    win.show()
    return win


def _export(
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,
    path: Path,
    what: str,
    fmt: str = "csv",
    *,
    hashes: bool = False,
) -> list[pd.ExportDialog]:
    """File › Export…: pick ``what`` and ``fmt``, press Export…, save to ``path``."""
    _save_to(monkeypatch, path)

    def answer(dialog: pd.ExportDialog) -> None:
        dialog.choose(what, fmt)
        if hashes:
            dialog.hashes_check.setChecked(True)
        dialog.export_button.click()

    opened = answer_dialog(monkeypatch, pd.ExportDialog, answer)
    window.actions.export_data.trigger()
    return opened


# --- export ---------------------------------------------------------------------------------


def test_the_file_menu_has_export_backup_and_restore(window: MainWindow) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    entries = [a for a in file_menu.actions() if not a.isSeparator()]
    a = window.actions
    assert [a.export_data, a.back_up, a.restore_backup] == entries[2:5]
    assert all(not x.icon().isNull() and x.isEnabled() for x in entries[2:5])


def test_export_deals_to_csv_and_contacts_to_xlsx(
    window: MainWindow, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = _messages(monkeypatch)
    target = tmp_path / "out" / "deals"  # no suffix: the format's is added
    target.parent.mkdir()
    opened = _export(monkeypatch, window, target, "deals")
    assert len(opened) == 1 and opened[0].result() == opened[0].DialogCode.Accepted
    written = tmp_path / "out" / "deals.csv"
    with written.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["ID", "Title"]
    assert len(rows) - 1 == _count(demo_db, "deals") == 300
    assert shown == [
        ("information", "Export", f"Exported 300 deals to {written}."),
    ]

    shown.clear()
    xlsx = tmp_path / "contacts.xlsx"
    _export(monkeypatch, window, xlsx, "contacts", "xlsx")
    sheet = openpyxl.load_workbook(xlsx, read_only=True).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("ID", "Customer")
    assert len(values) - 1 == _count(demo_db, "contacts") > 0
    assert shown[0][0] == "information" and str(xlsx) in shown[0][2]


def test_export_everything_as_json_with_and_without_password_hashes(
    window: MainWindow, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = window.user
    users.create_user(demo_db, by=admin.id, name="Pat Reyes", login="pat", role="rep")
    from crmdesk.services import auth

    pat = users.find_user(demo_db, "pat")
    assert pat is not None
    auth.set_password(demo_db, pat.id, "a long password", by=admin.id)
    shown = _messages(monkeypatch)

    plain = tmp_path / "all.json.gz"
    _export(monkeypatch, window, plain, "everything")
    dump = read_dump(plain)
    assert not dump.password_hashes
    assert "password_hash" not in dump.tables["users"][0]
    assert dump.counts["deals"] == _count(demo_db, "deals")
    assert dump.counts["stage_transitions"] == _count(demo_db, "stage_transitions")
    assert "the password hashes are left out" in shown[-1][2]

    with_hashes = tmp_path / "all-with-hashes.json"
    _export(monkeypatch, window, with_hashes, "everything", hashes=True)
    dump = read_dump(with_hashes)
    columns, rows = dump.tables["users"]
    hashes = {r[columns.index("login")]: r[columns.index("password_hash")] for r in rows}
    assert dump.password_hashes and hashes["pat"].startswith("scrypt$")
    assert "the password hashes are included" in shown[-1][2]


def test_a_rep_exports_records_but_not_everything(
    demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rep = _window_of(qtbot, demo_db, Role.REP)
    a = rep.actions
    assert a.export_data.isEnabled()
    assert not a.back_up.isEnabled() and not a.restore_backup.isEnabled()
    assert "Only an admin" in a.back_up.toolTip()
    seen: dict[str, Any] = {}

    def look(dialog: pd.ExportDialog) -> None:
        seen["everything"] = dialog.what_buttons["everything"].isEnabled()
        seen["note"] = dialog.everything_note.text()
        seen["hashes"] = dialog.hashes_check.isEnabled()
        dialog.reject()

    answer_dialog(monkeypatch, pd.ExportDialog, look)
    a.export_data.trigger()
    assert seen == {
        "everything": False,
        "note": "Only a manager or an admin can export the whole database.",
        "hashes": False,
    }
    # The deals, as every user may.
    _messages(monkeypatch)
    _export(monkeypatch, rep, tmp_path / "mine.csv", "deals")
    assert (tmp_path / "mine.csv").is_file()
    # The core refuses what the dialog does not offer.
    user = rep.user
    for action in ("export_everything", "export_password_hashes", "backup", "restore"):
        with pytest.raises(PermissionDenied) as refused:
            access.require(demo_db, user.id, action)  # type: ignore[arg-type]
        assert refused.value.action == action


def test_a_manager_exports_everything_but_never_the_hashes(
    demo_db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = _window_of(qtbot, demo_db, Role.MANAGER)
    assert not manager.actions.back_up.isEnabled()
    shown = _messages(monkeypatch)
    path = tmp_path / "team.json.gz"
    seen: dict[str, bool] = {}

    def answer(dialog: pd.ExportDialog) -> None:
        dialog.choose("everything")
        seen["everything"] = dialog.what_buttons["everything"].isEnabled()
        seen["hashes"] = dialog.hashes_check.isEnabled()
        # The box cannot be ticked; were it ticked anyway, the core refuses.
        dialog.hashes_check.setChecked(True)
        dialog.export_button.click()
        seen["still_open"] = dialog.isVisible()
        dialog.hashes_check.setChecked(False)
        dialog.export_button.click()

    _save_to(monkeypatch, path)
    answer_dialog(monkeypatch, pd.ExportDialog, answer)
    manager.actions.export_data.trigger()
    assert seen == {"everything": True, "hashes": False, "still_open": True}
    assert shown[0] == (
        "warning",
        "Export",
        "Only an admin can export the users' password hashes.",
    )
    assert shown[1][0] == "information"
    dump = read_dump(path)
    assert dump.password_hashes is False and dump.counts["deals"] == 300


# --- progress and cancel ----------------------------------------------------------------------


def test_a_long_export_shows_its_progress_and_cancel_leaves_no_file(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    shown = _messages(monkeypatch)
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 10)
    real_csv_value = export_module._csv_value

    def slow(kind: Any, value: Any) -> Any:
        time.sleep(0.0004)  # 300 deals of ~25 cells: about three seconds
        return real_csv_value(kind, value)

    monkeypatch.setattr(export_module, "_csv_value", slow)
    seen: list[tuple[str, int, int]] = []

    def watch_then_cancel() -> None:
        progress = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QProgressDialog) and w.isVisible()
            ),
            None,
        )
        if progress is None or progress.maximum() == 0:
            QTimer.singleShot(50, watch_then_cancel)
            return
        seen.append((progress.labelText(), progress.value(), progress.maximum()))
        progress.cancel()

    QTimer.singleShot(100, watch_then_cancel)
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "deals.csv"
    _save_to(monkeypatch, target)
    still_open: list[bool] = []

    def answer(dialog: pd.ExportDialog) -> None:
        dialog.choose("deals", "csv")
        dialog.export_button.click()
        still_open.append(dialog.isVisible())  # cancelled: the dialog waits for another try
        dialog.reject()

    answer_dialog(monkeypatch, pd.ExportDialog, answer)
    window.actions.export_data.trigger()
    assert seen and seen[0][2] == 300 and 0 <= seen[0][1] < 300
    assert seen[0][0].startswith("Writing row ") and seen[0][0].endswith(" of 300…")
    assert list(folder.iterdir()) == []  # no file, no partial file either
    assert still_open == [True] and shown == []  # no message after a cancel


def test_run_with_progress_hands_the_work_s_error_to_the_window(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def fail(_progress: Any) -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        pd.run_with_progress(parent, "Export", "Working…", fail)
    assert pd.run_with_progress(parent, "Export", "Working…", lambda p: 42) == 42


# --- back up now ------------------------------------------------------------------------------


def test_back_up_now_writes_a_checked_backup(
    window: MainWindow, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    shown = _messages(monkeypatch)
    target = tmp_path / "saved.sqlite3"
    asked = _save_to(monkeypatch, target)
    window.actions.back_up.trigger()
    suggested = Path(asked[0][2])
    assert suggested.parent == tmp_path / "data" / "crmdesk" / "backups"
    assert suggested.suffix == ".sqlite3"
    info = validate_backup(target)
    assert info.kind == "sqlite" and info.counts["deals"] == _count(demo_db, "deals")
    assert shown[0][0] == "information" and f"Backed up the database to {target}" in shown[0][2]

    # The same name again: refused, translated, the first file untouched.
    before = target.read_bytes()
    shown.clear()
    window.actions.back_up.trigger()
    assert shown == [
        (
            "warning",
            "Back Up Now",
            "The file already exists; choose another name or remove it.",
        )
    ]
    assert target.read_bytes() == before


# --- restore --------------------------------------------------------------------------------


def test_restore_replaces_the_database_keeps_the_old_one_and_reopens(
    window: MainWindow,
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    saved = tmp_path / "backups" / "before.sqlite3"
    saved.parent.mkdir()
    backup(demo_db, saved)
    deals_in_backup = _count(demo_db, "deals")
    with demo_db.engine.begin() as conn:  # later work, which the restore takes back
        conn.execute(
            text("DELETE FROM activities WHERE deal_id IN (SELECT id FROM deals LIMIT 40)")
        )
        conn.execute(text("DELETE FROM deals WHERE id IN (SELECT id FROM deals LIMIT 40)"))
    assert _count(demo_db, "deals") == deals_in_backup - 40
    db_file = demo_db.path
    assert db_file is not None

    shown = _messages(monkeypatch)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    explained: list[str] = []

    def confirm(dialog: pd.RestoreDialog) -> None:
        explained.append(dialog.explanation.text())
        dialog.accept()

    answer_dialog(monkeypatch, pd.RestoreDialog, confirm)
    window.actions.restore_backup.trigger()

    assert "kept aside in the same folder" in explained[0]
    assert "reopens the restored database" in explained[0]
    kept = list(db_file.parent.glob(f"{db_file.stem}.before-restore-*.sqlite3"))
    assert len(kept) == 1
    assert shown == [
        (
            "information",
            "Restore from Backup",
            f"The backup is restored. The previous database is kept as {kept[0]}.\n\n"
            "crmdesk now reopens the restored database.",
        )
    ]
    # The old database, as it was before the restore, is kept aside.
    con = sqlite3.connect(kept[0])
    try:
        assert con.execute("SELECT count(*) FROM deals").fetchone() == (deals_in_backup - 40,)
    finally:
        con.close()
    # A new window shows the restored data; the old one closed.
    assert len(pd.REOPENED) == 1
    new = pd.REOPENED[0]
    try:
        qtbot.addWidget(new)
        assert new is not window and new.isVisible() and not window.isVisible()
        assert new.db.path == db_file
        assert _count(new.db, "deals") == deals_in_backup
        assert new.board.model.live_count() > 0
    finally:
        new.close()
        new.db.dispose()
        pd.REOPENED.clear()


def test_a_bad_backup_is_refused_before_anything_changes(
    window: MainWindow, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "broken.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    shown = _messages(monkeypatch)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    before = _count(demo_db, "deals")
    files = sorted(p.name for p in tmp_path.iterdir())
    window.actions.restore_backup.trigger()  # no RestoreDialog: it would fail the test
    assert shown == [
        (
            "warning",
            "Restore from Backup",
            "This file cannot be restored: The file is not a crmdesk backup.",
        )
    ]
    assert _count(demo_db, "deals") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    assert window.isVisible() and window.isEnabled()


def test_a_restore_refused_by_the_database_changes_nothing(
    window: MainWindow, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the file open: the restore is refused, the window goes on."""
    saved = tmp_path / "saved.sqlite3"
    backup(demo_db, saved)
    assert demo_db.path is not None
    holder = sqlite3.connect(demo_db.path)
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM deals").fetchone()
    shown = _messages(monkeypatch)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    answer_dialog(monkeypatch, pd.RestoreDialog, lambda d: d.accept())
    try:
        window.actions.restore_backup.trigger()
    finally:
        holder.rollback()
        holder.close()
    assert shown == [
        (
            "warning",
            "Restore from Backup",
            "Nothing was changed: The file is in use; close the program that has it open "
            "and try again.",
        )
    ]
    assert window.isEnabled() and pd.REOPENED == []
    assert not list(demo_db.path.parent.glob("*.before-restore-*"))
    assert _count(demo_db, "deals") == 300  # the window's database works again


def test_a_server_database_is_not_replaced_from_the_app(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the backup is checked, then the steps on the server are explained."""
    saved = tmp_path / "team.json.gz"
    backup(demo_db, saved)

    class ServerWindow(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.db = type("ServerDb", (), {"path": None})()
            self.user = UserInfo(1, "Admin", "admin", Role.ADMIN, True)

    server = ServerWindow()
    qtbot.addWidget(server)
    monkeypatch.setattr(access, "require", lambda *_a: None)
    shown = _messages(monkeypatch)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    assert pd.restore_from_backup(server) is None
    assert len(shown) == 1 and shown[0][0] == "information"
    assert "passed every check (300 deals" in shown[0][2]
    assert "createdb crmdesk_restored" in shown[0][2]


def test_the_daily_backup_of_a_team_server_is_taken_only_on_an_admins_pc(
    db: Database, backend: str, make_user: Any
) -> None:
    """A team server's daily backup holds every password hash: a rep's or a manager's
    PC must not collect it. A SQLite file's own PC keeps its daily copies whoever uses it."""
    from crmdesk.ui.app import _takes_daily_backup

    taken = {
        role: _takes_daily_backup(db, users.get_user(db, make_user(role)))
        for role in (Role.REP, Role.MANAGER, Role.ADMIN)
    }
    if backend == "sqlite":
        assert taken == {Role.REP: True, Role.MANAGER: True, Role.ADMIN: True}
    else:
        assert taken == {Role.REP: False, Role.MANAGER: False, Role.ADMIN: True}
