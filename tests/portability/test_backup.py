"""crmdesk.portability.backup: backups while the app writes, restores, the daily backup.

* A backup taken while another thread keeps moving deals is one consistent state:
  exactly the first K moves, every move committed before the backup began among
  them, and ``integrity_check`` clean.
* A restore checks the backup completely first; a bad file, or a database another
  connection has open, leaves everything as it was. A good one keeps the old file
  as ``<name>.before-restore-<time>.sqlite3``.
* The daily backup takes one per calendar day and keeps the newest N.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import PG_URL, requires_pg
from sqlalchemy import text

from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import current_revision, head_revision, open_database, revision_chain
from crmdesk.domain import ValidationError
from crmdesk.portability import PortabilityError
from crmdesk.portability import backup as backup_module
from crmdesk.portability.backup import (
    backup,
    daily_backup,
    database_label,
    default_backup_folder,
    restore,
    validate_backup,
)
from crmdesk.portability.dump import document_checksum, load_dump, read_document
from crmdesk.services import deals, pipelines, settings
from crmdesk.services.setup import default_admin_id, ensure_initialized

from ._helpers import (
    assert_same_rows,
    count_rows,
    fill,
    pg_schema_of_its_own,
    table_rows,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> dict[str, str]:
    return {p.name: _sha(p) for p in sorted(folder.iterdir()) if p.is_file()}


# --- backup while writing ------------------------------------------------------------


def test_a_backup_while_another_thread_moves_deals_is_one_consistent_state(
    sqlite_db: Database, tmp_path: Path
) -> None:
    fill(sqlite_db, deals_count=300)
    admin = default_admin_id(sqlite_db)
    pipe = pipelines.get_pipeline(sqlite_db)
    open_stages = [s.id for s in pipe.stages if s.kind == "open"]
    movers = [
        deals.create_deal(sqlite_db, by=admin, title=f"Moving deal {i}").value for i in range(20)
    ]
    start = {d.id: (d.stage_id, d.version) for d in movers}
    transitions_before = count_rows(sqlite_db, "stage_transitions")
    log_before = count_rows(sqlite_db, "change_log")
    committed: list[tuple[int, int, int]] = []  # (deal, stage, version), in commit order
    stop = threading.Event()
    failures: list[BaseException] = []

    def writer() -> None:
        state = dict(start)
        i = 0
        try:
            while not stop.is_set():
                deal_id = movers[i % len(movers)].id
                stage, version = state[deal_id]
                target = open_stages[(open_stages.index(stage) + 1) % len(open_stages)]
                moved = deals.move_deal(
                    sqlite_db, deal_id, target, by=admin, expected_version=version
                ).value
                state[deal_id] = (moved.stage_id, moved.version)
                committed.append((deal_id, moved.stage_id, moved.version))
                i += 1
        except BaseException as exc:  # reported by the test
            failures.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(committed) < 30 and thread.is_alive():
            time.sleep(0.01)
        done_before = len(committed)
        info = backup(sqlite_db, tmp_path / "during.sqlite3")
        done_after = len(committed)
        while len(committed) < done_after + 10 and thread.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    assert not failures, failures
    assert done_after > done_before, "the writer did not run during the backup"
    assert info.kind == "sqlite" and validate_backup(info.path).revision == info.revision
    con = sqlite3.connect(info.path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        moves_in = con.execute("SELECT count(*) FROM stage_transitions").fetchone()[0]
        moves_in -= transitions_before
        # Every move committed before the backup began is in it; at most the one being
        # committed when it ended is in it too.
        assert done_before <= moves_in <= done_after + 1
        # Each move wrote its transition, its stage visit and its change-log row in one
        # transaction: the backup holds all three for exactly the same moves.
        assert con.execute("SELECT count(*) FROM change_log").fetchone()[0] - log_before == (
            moves_in
        )
        visits = con.execute("SELECT count(*) FROM stage_visits").fetchone()[0]
        assert visits == transitions_before + moves_in
        # And the deals are exactly as after the first `moves_in` moves.
        expected = dict(start)
        for deal_id, stage, version in committed[:moves_in]:
            expected[deal_id] = (stage, version)
        got = {
            r[0]: (r[1], r[2])
            for r in con.execute(
                f"SELECT id, stage_id, version FROM deals WHERE id IN ({','.join('?' * 20)})",
                [d.id for d in movers],
            )
        }
        assert got == expected
    finally:
        con.close()


def test_backup_names_and_refusals(sqlite_db: Database, tmp_path: Path) -> None:
    fill(sqlite_db, deals_count=5)
    info = backup(sqlite_db, tmp_path)  # a folder: a new name in it
    assert re.fullmatch(r"crmdesk-[0-9a-f]{8}-\d{8}T\d{6}Z\.sqlite3", info.path.name)
    assert info.counts["deals"] == count_rows(sqlite_db, "deals")
    with pytest.raises(PortabilityError, match="already exists"):
        backup(sqlite_db, info.path)
    with pytest.raises(PortabilityError, match="no such folder"):
        backup(sqlite_db, tmp_path / "missing" / "b.sqlite3")
    as_json = backup(sqlite_db, tmp_path / "b.json.gz")
    assert as_json.kind == "json" and as_json.password_hashes
    assert read_document(as_json.path)["password_hashes"] is True
    assert not list(tmp_path.glob("*.partial"))


def test_the_default_folder_is_in_the_data_folder(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_backup_folder() == tmp_path / "data" / "crmdesk" / "backups"
    info = backup(sqlite_db)
    assert info.path.parent == default_backup_folder()


# --- restore -------------------------------------------------------------------------


def test_restore_keeps_the_old_database_aside(sqlite_db: Database, tmp_path: Path) -> None:
    fill(sqlite_db)
    path = sqlite_db.path
    assert path is not None
    saved = backup(sqlite_db, tmp_path / "saved.sqlite3")
    at_backup = table_rows(sqlite_db)
    deals.create_deal(sqlite_db, by=default_admin_id(sqlite_db), title="After the backup")
    latest = table_rows(sqlite_db)
    sqlite_db.dispose()
    report = restore(path, saved.path)
    aside = report.kept_aside
    assert aside is not None
    assert re.fullmatch(r"crmdesk\.before-restore-\d{8}T\d{6}Z\.sqlite3", aside.name)
    assert aside.parent == path.parent
    restored = open_database(path, create=False).db
    kept = open_database(aside, create=False).db
    try:
        assert table_rows(restored) == at_backup
        assert table_rows(kept) == latest  # nothing of the old database is lost
    finally:
        restored.dispose()
        kept.dispose()
    assert not list(tmp_path.glob(".*restoring*"))


def test_a_restore_that_stops_before_the_swap_leaves_the_database_in_place(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old database stays under its name until the restored file takes it in one
    rename: when that rename fails (or the power goes before it), crmdesk opens the old
    database, not an empty new one, and no second copy is left behind."""
    fill(sqlite_db)
    path = sqlite_db.path
    assert path is not None
    saved = backup(sqlite_db, tmp_path / "saved.sqlite3")
    deals.create_deal(sqlite_db, by=default_admin_id(sqlite_db), title="After the backup")
    latest = table_rows(sqlite_db)
    sqlite_db.dispose()
    real_replace = os.replace
    seen_aside: list[bool] = []

    def replace(src: Any, dst: Any) -> None:
        if str(src).endswith(".restoring"):
            # The moment of the swap: the old database is still there, and kept aside.
            seen_aside.append(path.exists() and bool(list(tmp_path.glob("*before-restore*"))))
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(PortabilityError, match="No space left"):
        restore(path, saved.path)
    monkeypatch.undo()
    assert seen_aside == [True]
    again = open_database(path, create=False).db
    try:
        assert table_rows(again) == latest
    finally:
        again.dispose()
    assert not list(tmp_path.glob("*before-restore*")) and not list(tmp_path.glob(".*restoring*"))


def test_restore_a_json_backup_into_a_new_and_an_existing_file(
    db: Database, tmp_path: Path
) -> None:
    fill(db)
    saved = backup(db, tmp_path / "saved.json.gz")
    expected = table_rows(db)
    fresh = tmp_path / "new.sqlite3"
    report = restore(fresh, saved.path)
    assert report.kept_aside is None and report.backup.kind == "json"
    again = restore(fresh, saved.path)
    assert again.kept_aside is not None and again.kept_aside.exists()
    restored = open_database(fresh, create=False).db
    try:
        assert_same_rows(expected, table_rows(restored), exact_floats=False)
    finally:
        restored.dispose()


def test_a_json_backup_of_the_previous_schema_is_loaded_there_then_upgraded(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """A backup outlives an upgrade of crmdesk: the new database is made at the backup's
    schema, loaded, and upgraded by the migrations like every other database. (This
    relies on the previous revision having the same tables and columns as the current
    one; when a migration changes them, the dump is refused with what differs.)"""
    fill(sqlite_db)
    expected = table_rows(sqlite_db)
    path = backup(sqlite_db, tmp_path / "saved.json").path
    previous = revision_chain()[-2]
    doc = read_document(path)
    doc["revision"] = previous
    doc["checksum"] = document_checksum(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert validate_backup(path).revision == previous
    head = open_database(tmp_path / "head.sqlite3").db
    with pytest.raises(PortabilityError, match=f"the dump at {previous}"):
        load_dump(head, path)
    head.dispose()
    report = restore(tmp_path / "restored.sqlite3", path)
    assert any(f"upgraded to {head_revision()}" in note for note in report.notes)
    restored = open_database(tmp_path / "restored.sqlite3", create=False).db
    try:
        assert current_revision(restored) == head_revision()
        assert_same_rows(expected, table_rows(restored))
    finally:
        restored.dispose()


def test_a_json_backup_claiming_a_schema_with_other_tables_is_refused(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """Schema 0005 had no audit log: the database made at 0005 for the load lacks it,
    which is found before anything is written, and no file is left behind."""
    fill(sqlite_db, deals_count=5)
    path = backup(sqlite_db, tmp_path / "saved.json").path
    doc = read_document(path)
    doc["revision"] = "0005"
    doc["checksum"] = document_checksum(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "out" / "restored.sqlite3"
    target.parent.mkdir()
    with pytest.raises(PortabilityError, match="has no table audit_log"):
        restore(target, path)
    assert list(target.parent.iterdir()) == []


def _bad_backups(tmp_path: Path, good: Path, good_json: Path) -> list[tuple[Path, str]]:
    bad = tmp_path / "bad"
    bad.mkdir()
    garbage = bad / "garbage.bin"
    garbage.write_bytes(b"\x00\x01 not a backup")
    cut = bad / "cut.sqlite3"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = bad / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    newer = bad / "newer.sqlite3"
    newer.write_bytes(good.read_bytes())
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    tampered = bad / "tampered.json"
    tampered.write_text(
        good_json.read_text(encoding="utf-8").replace('"Mia Müller"', '"Eve"'), encoding="utf-8"
    )
    return [
        (garbage, "not a crmdesk backup"),
        (cut, "damaged"),
        (foreign, "not a crmdesk database"),
        (newer, "schema '9999'"),
        (tampered, "checksum"),
        (bad / "missing.sqlite3", "does not exist"),
        (bad, "is a folder"),
    ]


def test_restore_refuses_a_bad_backup_without_touching_anything(
    sqlite_db: Database, tmp_path: Path
) -> None:
    fill(sqlite_db)
    path = sqlite_db.path
    assert path is not None
    good = backup(sqlite_db, tmp_path / "good.sqlite3").path
    good_json = backup(sqlite_db, tmp_path / "good.json").path
    sqlite_db.dispose()
    before = _listing(tmp_path)
    for bad, match in _bad_backups(tmp_path, good, good_json):
        with pytest.raises(PortabilityError, match=match):
            restore(path, bad)
        assert _listing(tmp_path) == before, f"{bad.name} changed something"


def test_restore_refuses_a_database_in_use(sqlite_db: Database, tmp_path: Path) -> None:
    fill(sqlite_db, deals_count=5)
    path = sqlite_db.path
    assert path is not None
    saved = backup(sqlite_db, tmp_path / "saved.sqlite3")
    deals.create_deal(sqlite_db, by=default_admin_id(sqlite_db), title="Still open here")
    with sqlite_db.engine.connect():  # the app holds the database open
        with pytest.raises(PortabilityError, match="is in use") as info:
            restore(path, saved.path)
        assert info.value.params["reason"] == "in_use"
    assert not list(tmp_path.glob("*before-restore*"))
    assert count_rows(sqlite_db, "deals") == saved.counts["deals"] + 1


@requires_pg
@pytest.mark.postgres
def test_postgresql_backs_up_to_json_and_restores_only_into_an_empty_database(
    tmp_path: Path,
) -> None:
    with pg_schema_of_its_own() as schema:
        team = open_database(PG_URL, pg_schema=schema).db
        try:
            ensure_initialized(team)
            fill(team)
            saved = backup(team, tmp_path)
            assert saved.kind == "json" and saved.path.name.endswith(".json.gz")
            assert saved.password_hashes
            with pytest.raises(PortabilityError, match="a PostgreSQL backup is a JSON dump"):
                backup(team, tmp_path / "team.sqlite3")
            before = table_rows(team)
            with pytest.raises(PortabilityError, match="already holds data"):
                restore(PG_URL, saved.path, pg_schema=schema)
            assert table_rows(team) == before
            with pg_schema_of_its_own() as other:
                report = restore(PG_URL, saved.path, pg_schema=other)
                assert report.kept_aside is None
                restored = open_database(PG_URL, pg_schema=other, create=False).db
                try:
                    assert_same_rows(before, table_rows(restored))
                finally:
                    restored.dispose()
        finally:
            team.dispose()


@requires_pg
@pytest.mark.postgres
def test_an_sqlite_backup_restores_into_an_empty_postgresql(
    sqlite_db: Database, tmp_path: Path
) -> None:
    fill(sqlite_db)
    saved = backup(sqlite_db, tmp_path / "laptop.sqlite3")
    with pg_schema_of_its_own() as schema:
        restore(PG_URL, saved.path, pg_schema=schema)
        team = open_database(PG_URL, pg_schema=schema, create=False).db
        try:
            assert_same_rows(table_rows(sqlite_db), table_rows(team), exact_floats=False)
        finally:
            team.dispose()


@requires_pg
@pytest.mark.postgres
def test_a_failed_load_into_postgresql_leaves_it_empty(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables made for a restore go again when its load fails: the schema is as
    empty as before, and a second try works."""
    fill(sqlite_db, deals_count=5)
    saved = backup(sqlite_db, tmp_path / "b.json.gz")

    def refused(*_: Any, **__: Any) -> None:
        raise PortabilityError("the dump does not fit (a test)", reason="rejected_by_database")

    with pg_schema_of_its_own() as schema:
        monkeypatch.setattr(backup_module, "load_dump", refused)
        with pytest.raises(PortabilityError, match="does not fit"):
            restore(PG_URL, saved.path, pg_schema=schema)
        monkeypatch.undo()
        engine = create_db_engine(resolve_url(PG_URL), pg_schema=schema)
        try:
            with engine.connect() as conn:
                left = conn.execute(
                    text(
                        "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = :s AND table_name <> 'alembic_version'"
                    ),
                    {"s": schema},
                ).scalar_one()
            assert left == 0
        finally:
            engine.dispose()
        restore(PG_URL, saved.path, pg_schema=schema)  # the retry
        team = open_database(PG_URL, pg_schema=schema, create=False).db
        try:
            assert count_rows(team, "deals") == saved.counts["deals"]
        finally:
            team.dispose()


# --- the daily backup ----------------------------------------------------------------


def test_daily_backup_takes_one_per_day_and_keeps_the_newest_n(
    sqlite_db: Database, tmp_path: Path
) -> None:
    fill(sqlite_db, deals_count=5)
    folder = tmp_path / "backups"
    folder.mkdir()
    label = database_label(sqlite_db)
    others = {
        "notes.txt": "keep me",
        "other-0123abcd-daily-2026-01-01.sqlite3": "another database's",
        f"{label}-20260101T000000Z.sqlite3": "a manual backup",
    }
    for name, body in others.items():
        (folder / name).write_text(body, encoding="utf-8")

    first = daily_backup(sqlite_db, folder, keep=3, today=date(2026, 3, 1))
    assert first.taken == folder / f"{label}-daily-2026-03-01.sqlite3"
    assert validate_backup(first.taken).counts["deals"] == count_rows(sqlite_db, "deals")
    same_day = daily_backup(sqlite_db, folder, keep=3, today=date(2026, 3, 1))
    assert same_day.taken is None and same_day.removed == []
    for day in range(2, 7):
        daily_backup(sqlite_db, folder, keep=3, today=date(2026, 3, day))
    dailies = sorted(p.name for p in folder.glob(f"{label}-daily-*"))
    assert dailies == [f"{label}-daily-2026-03-0{d}.sqlite3" for d in (4, 5, 6)]
    for name, body in others.items():
        assert (folder / name).read_text(encoding="utf-8") == body


def test_the_number_kept_is_the_backup_keep_setting(db: Database, tmp_path: Path) -> None:
    admin = default_admin_id(db)
    for bad in ("0", "366", "abc", "-1", "1.5", "²"):
        with pytest.raises(ValidationError):
            settings.set_setting(db, "backup_keep", bad, by=admin)
    assert settings.set_setting(db, "backup_keep", " 2 ", by=admin).value == "2"
    for day in range(1, 5):
        result = daily_backup(db, tmp_path, today=date(2026, 3, day))
        assert result.keep == 2
    names = sorted(p.name for p in tmp_path.iterdir())
    suffix = ".sqlite3" if db.dialect == "sqlite" else ".json.gz"
    label = database_label(db)
    expected = [f"{label}-daily-2026-03-0{d}{suffix}" for d in (3, 4)]
    assert [n for n in names if n.startswith(label)] == expected


# --- the app's daily backup ------------------------------------------------------------


def _run_app(tmp_path: Path, db_file: Path) -> subprocess.CompletedProcess[str]:
    dirs = {
        "HOME": tmp_path / "home",
        "XDG_DATA_HOME": tmp_path / "xdg-data",
        "XDG_CONFIG_HOME": tmp_path / "xdg-config",
        "XDG_CACHE_HOME": tmp_path / "xdg-cache",
        "XDG_RUNTIME_DIR": tmp_path / "xdg-runtime",
    }
    for d in dirs.values():
        d.mkdir(mode=0o700, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "CRMDESK_DATABASE_URL"}
    env.update({k: str(v) for k, v in dirs.items()})
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [sys.executable, "-m", "crmdesk", "--db", str(db_file), "--quit-after", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_app_takes_the_daily_backup_when_it_opens(tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    proc = _run_app(tmp_path, tmp_path / "work.sqlite3")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "backup failed" not in proc.stderr
    found = list((tmp_path / "xdg-data" / "crmdesk" / "backups").glob("work-*-daily-*.sqlite3"))
    assert len(found) == 1
    assert validate_backup(found[0]).revision


def test_a_failing_daily_backup_does_not_stop_the_app(tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    data = tmp_path / "xdg-data" / "crmdesk"
    data.mkdir(parents=True)
    (data / "backups").write_text("a file where the folder should be", encoding="utf-8")
    proc = _run_app(tmp_path, tmp_path / "work.sqlite3")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "crmdesk: the automatic backup failed: cannot make the backup folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_old_backup_that_cannot_be_deleted_does_not_fail_todays(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old daily backup open in another program (Windows refuses to delete it) stays;
    today's backup is taken and reported as taken, and the pruning goes on next time."""
    folder = tmp_path / "backups"
    daily_backup(sqlite_db, folder, keep=1, today=date(2026, 3, 1))
    held = folder / f"{database_label(sqlite_db)}-daily-2026-03-01.sqlite3"
    unlink = Path.unlink

    def refuse(self: Path, missing_ok: bool = False) -> None:
        if self == held:
            raise PermissionError(13, "The process cannot access the file", str(self))
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    second = daily_backup(sqlite_db, folder, keep=1, today=date(2026, 3, 2))
    assert second.taken is not None and second.taken.exists()
    assert second.removed == [] and held.exists()
    monkeypatch.undo()
    third = daily_backup(sqlite_db, folder, keep=1, today=date(2026, 3, 3))
    assert held in third.removed and not held.exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"format": ' + "9" * 5000 + "}",  # more digits than Python reads as an int
        '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",  # nesting deeper than it goes
    ],
    ids=["huge-number", "deep-nesting"],
)
def test_json_a_parser_cannot_take_is_refused_as_no_dump(tmp_path: Path, body: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PortabilityError, match="is not a crmdesk JSON dump"):
        read_document(path)  # a ValueError or RecursionError escaped it before
    with pytest.raises(PortabilityError, match="is not a crmdesk"):
        validate_backup(path)


def test_a_json_backup_reaches_the_disk_before_it_takes_its_name(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup before a migration must survive a power cut right after the migration
    commits: the file's data is synced, then renamed, then the folder synced."""
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        calls.append(f"replace {Path(dst).name}")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    backup(sqlite_db, tmp_path / "b.json.gz")
    assert calls[-3:] == ["fsync", "replace b.json.gz", "fsync"]
