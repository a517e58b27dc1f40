"""``crmdesk migrate`` backs the database up before it upgrades it.

* PostgreSQL: a JSON dump (password hashes included) of the database at its older
  schema, in the data folder's ``backups``; the newest ``backup_keep`` of this
  database's pre-migration backups are kept, no other file is touched; the backup
  restores (into a new schema) to the same rows, upgraded. A schema too old for a dump
  refuses the upgrade (nothing changed) unless ``--no-backup``.
* SQLite: the copy next to the file, as ``open_database`` always made.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import PG_URL, requires_pg
from sqlalchemy import text

from crmdesk.cli import main
from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import (
    current_revision,
    head_revision,
    open_database,
    revision_chain,
    upgrade,
)
from crmdesk.portability.backup import database_label, restore, validate_backup
from crmdesk.services import settings
from crmdesk.services.setup import default_admin_id, ensure_initialized

from ._helpers import assert_same_rows, fill, pg_schema_of_its_own, pg_url_with_schema, table_rows

PREVIOUS = revision_chain()[-2]


def _revision(url: str, schema: str) -> str | None:
    engine = create_db_engine(resolve_url(url), pg_schema=schema)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _at(schema: str, revision: str) -> Database:
    """A database in ``schema`` made at an older ``revision``, with the defaults."""
    engine = create_db_engine(resolve_url(PG_URL), pg_schema=schema)
    upgrade(engine, revision)
    db = Database(engine)
    ensure_initialized(db)
    return db


@requires_pg
@pytest.mark.postgres
def test_migrate_backs_up_a_postgresql_database_first_and_keeps_the_newest_n(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    backups = tmp_path / "data" / "crmdesk" / "backups"
    with pg_schema_of_its_own() as schema:
        db = _at(schema, PREVIOUS)
        try:
            fill(db)
            settings.set_setting(db, "backup_keep", "2", by=default_admin_id(db))
            before = table_rows(db)
        finally:
            db.dispose()
        url = pg_url_with_schema(schema)
        as_typed = Database(create_db_engine(resolve_url(url)))  # as the command opens it
        try:
            label = database_label(as_typed)
        finally:
            as_typed.dispose()
        # Two older pre-migration backups of this database, and files that are not.
        backups.mkdir(parents=True)
        older = [
            backups / f"{label}-migrate-0006-20250101T000000Z.json.gz",
            backups / f"{label}-migrate-0006-20250301T000000Z.json.gz",
        ]
        others = [
            backups / f"{label}-daily-2025-01-01.json.gz",
            backups / "someone-else-12345678-migrate-0006-20240101T000000Z.json.gz",
            backups / "notes.txt",
        ]
        for path in older + others:
            path.write_text("not a backup", encoding="utf-8")

        assert main(["migrate", "--db", url]) == 0
        out, err = capsys.readouterr()
        assert f"from schema {PREVIOUS} to {head_revision()}" in out
        made = sorted(backups.glob(f"{label}-migrate-{PREVIOUS}-*.json.gz"))
        assert len(made) == 1, sorted(p.name for p in backups.iterdir())
        backup_file = made[0]
        assert f"backed up the database to {backup_file} before upgrading it" in err
        assert f"removed the older automatic backup {older[0]}" in err
        assert _revision(PG_URL, schema) == head_revision()

        # backup_keep = 2: the new one and the newest older one; nothing else touched.
        assert sorted(backups.iterdir()) == sorted([backup_file, older[1], *others])

        # The backup is the database as it was, at its old schema, with the passwords.
        info = validate_backup(backup_file)
        assert (info.kind, info.revision, info.password_hashes) == ("json", PREVIOUS, True)
        assert info.counts["deals"] == len(before["deals"]) > 0
        with pg_schema_of_its_own() as other:
            restore(PG_URL, backup_file, pg_schema=other)
            restored = open_database(PG_URL, pg_schema=other, create=False).db
            try:
                assert current_revision(restored) == head_revision()
                assert_same_rows(before, table_rows(restored))
            finally:
                restored.dispose()

        # Up to date now: no backup, nothing removed.
        assert main(["migrate", "--db", url]) == 0
        out, err = capsys.readouterr()
        assert "is up to date" in out and err == ""
        assert sorted(backups.iterdir()) == sorted([backup_file, older[1], *others])


@requires_pg
@pytest.mark.postgres
def test_a_schema_too_old_for_a_dump_is_not_upgraded_without_a_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema 0005 had no audit log, so a JSON dump cannot hold it: the upgrade stops
    before it starts, saying what to do; --no-backup (after a pg_dump) upgrades it."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with pg_schema_of_its_own() as schema:
        _at(schema, "0005").dispose()
        url = pg_url_with_schema(schema)
        assert main(["migrate", "--db", url]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 2  # the "backing up" line and the one-line error
        assert "the automatic backup before the upgrade failed, so nothing was changed" in err
        assert "pg_dump" in err and "crmdesk migrate --no-backup" in err
        assert _revision(PG_URL, schema) == "0005"
        folder = tmp_path / "data" / "crmdesk" / "backups"
        assert not folder.exists() or list(folder.iterdir()) == []  # no partial file

        assert main(["migrate", "--no-backup", "--db", url]) == 0
        assert f"from schema 0005 to {head_revision()}" in capsys.readouterr().out
        assert _revision(PG_URL, schema) == head_revision()


def test_migrate_backs_up_an_sqlite_file_next_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sales.sqlite3"
    engine = create_db_engine(resolve_url(str(path)))
    upgrade(engine, PREVIOUS)
    db = Database(engine)
    ensure_initialized(db)
    fill(db, deals_count=10)
    before = table_rows(db)
    db.dispose()

    assert main(["migrate", "--db", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"from schema {PREVIOUS} to {head_revision()}" in out
    made = list(tmp_path.glob(f"sales.backup-{PREVIOUS}-*.sqlite3"))
    assert len(made) == 1 and f"backed up the database to {made[0]}" in err
    con = sqlite3.connect(made[0])
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (PREVIOUS,)
        assert con.execute("SELECT count(*) FROM deals").fetchone() == (len(before["deals"]),)
    finally:
        con.close()
