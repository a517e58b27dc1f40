"""crmdesk.portability.copy: a whole database into another, checked by counts and metrics.

The main use is a one-PC SQLite file moving to the team's PostgreSQL server; both
directions and SQLite to SQLite are covered. The copy keeps every id, rebuilds the
derived facts through the destination's triggers, moves PostgreSQL's sequences past
the copied ids, and refuses a destination that holds data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import PG_URL, requires_pg

from crmdesk.db.engine import Database
from crmdesk.db.migrate import downgrade, open_database
from crmdesk.portability import PortabilityError
from crmdesk.portability import copy as copy_module
from crmdesk.portability.checks import Difference
from crmdesk.portability.copy import copy_database
from crmdesk.services import deals
from crmdesk.services.setup import default_admin_id, ensure_initialized

from ._helpers import (
    assert_same_metrics,
    assert_same_rows,
    count_rows,
    empty_database,
    fill,
    metrics,
    pg_schema_of_its_own,
    table_rows,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sqlite_to_sqlite_copies_every_row_and_reports_equal_figures(
    sqlite_db: Database, tmp_path: Path
) -> None:
    fill(sqlite_db)
    target = tmp_path / "copy.sqlite3"
    report = copy_database(sqlite_db.path, target)  # type: ignore[arg-type]
    assert report.ok, report.differences
    counts = {line.table: (line.source, line.destination) for line in report.counts}
    assert counts["deals"] == (count_rows(sqlite_db, "deals"),) * 2
    assert counts["stage_visits"][0] == counts["stage_visits"][1] > 0
    kpis = {(k.pipeline, k.name): (k.source, k.destination) for k in report.kpis}
    won_count = kpis[("sales", "won_count")]
    assert won_count[0] == won_count[1] > 0
    assert kpis[("sales", "won_amount")][0] == kpis[("sales", "won_amount")][1]
    copied = open_database(target, create=False).db
    try:
        assert_same_rows(table_rows(sqlite_db), table_rows(copied))
        assert_same_metrics(metrics(sqlite_db), metrics(copied))
    finally:
        copied.dispose()


@requires_pg
@pytest.mark.postgres
def test_sqlite_to_postgresql_the_team_move(sqlite_db: Database, tmp_path: Path) -> None:
    fill(sqlite_db)
    with pg_schema_of_its_own() as schema:
        report = copy_database(
            sqlite_db.path,  # type: ignore[arg-type]
            PG_URL,
            destination_pg_schema=schema,
        )
        assert report.ok, report.differences
        assert report.destination.startswith("postgresql+psycopg://")
        team = open_database(PG_URL, pg_schema=schema, create=False).db
        try:
            assert_same_rows(table_rows(sqlite_db), table_rows(team), exact_floats=False)
            assert_same_metrics(metrics(sqlite_db), metrics(team))
            # The sequences moved past the copied ids: new rows get new ids.
            admin = default_admin_id(team)
            made = deals.create_deal(team, by=admin, title="First deal on the server").value
            assert made.id == max(r["id"] for r in table_rows(sqlite_db)["deals"]) + 1
        finally:
            team.dispose()


@requires_pg
@pytest.mark.postgres
def test_postgresql_back_to_sqlite(tmp_path: Path) -> None:
    with pg_schema_of_its_own() as schema:
        team = open_database(PG_URL, pg_schema=schema).db
        try:
            ensure_initialized(team)
            fill(team)
            report = copy_database(team, tmp_path / "laptop.sqlite3")
            assert report.ok, report.differences
            laptop = open_database(tmp_path / "laptop.sqlite3", create=False).db
            try:
                assert_same_rows(table_rows(team), table_rows(laptop), exact_floats=False)
            finally:
                laptop.dispose()
        finally:
            team.dispose()


def test_a_destination_with_data_is_refused_untouched(db: Database, tmp_path: Path) -> None:
    fill(db)
    source = open_database(tmp_path / "source.sqlite3").db
    try:
        ensure_initialized(source)
        fill(source, deals_count=5)
        before = table_rows(db)
        with pytest.raises(PortabilityError, match="already holds data") as info:
            copy_database(source, db)
        assert info.value.params["reason"] == "not_empty"
        assert table_rows(db) == before
    finally:
        source.dispose()


def test_a_destination_made_by_crmdesk_migrate_is_accepted(
    sqlite_db: Database, backend: str, tmp_path: Path
) -> None:
    fill(sqlite_db)
    with empty_database(backend, tmp_path) as target:
        ensure_initialized(target)  # the default admin, pipeline and lists
        report = copy_database(sqlite_db, target)
        assert report.ok
        assert_same_rows(table_rows(sqlite_db), table_rows(target), exact_floats=False)


def test_the_same_database_is_refused(sqlite_db: Database) -> None:
    with pytest.raises(PortabilityError, match="same database"):
        copy_database(sqlite_db.path, str(sqlite_db.path))  # type: ignore[arg-type]


def test_a_difference_before_commit_rolls_back_and_removes_the_new_file(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(sqlite_db)
    monkeypatch.setattr(
        copy_module,
        "compare_checks",
        lambda a, b: [Difference("kpis.sales.won_count", 1, 2)],
    )
    target = tmp_path / "copy.sqlite3"
    with pytest.raises(PortabilityError, match=r"rolled back: kpis\.sales\.won_count"):
        copy_database(sqlite_db, target)
    assert not target.exists()
    assert not list(tmp_path.glob("copy.sqlite3*"))


def test_an_older_sqlite_source_is_upgraded_in_a_temporary_copy(
    sqlite_db: Database, tmp_path: Path
) -> None:
    fill(sqlite_db)
    path = sqlite_db.path
    assert path is not None
    expected = table_rows(sqlite_db)
    sqlite_db.dispose()
    older = open_database(path).db
    downgrade(older.engine, "0005")
    older.dispose()  # the last connection folds the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    digest = _sha(path)
    report = copy_database(path, tmp_path / "copy.sqlite3")
    assert report.ok and report.upgraded_from == "0005"
    assert report.source == f"sqlite:///{path}"  # the file, not its temporary copy
    assert _sha(path) == digest, "the source file was written"
    copied = open_database(tmp_path / "copy.sqlite3", create=False).db
    try:
        got = table_rows(copied)
        # 0006 added the audit log and the change log; the downgrade dropped them.
        for name in ("audit_log", "change_log"):
            expected.pop(name), got.pop(name)
        assert_same_rows(expected, got)
    finally:
        copied.dispose()


def test_a_missing_or_foreign_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PortabilityError, match="does not exist or holds no crmdesk data"):
        copy_database(tmp_path / "nothing.sqlite3", tmp_path / "copy.sqlite3")
    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello", encoding="utf-8")
    from crmdesk.domain import DatabaseOpenError

    with pytest.raises(DatabaseOpenError, match="not an SQLite file"):
        copy_database(foreign, tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists()


@requires_pg
@pytest.mark.postgres
def test_a_value_postgresql_refuses_is_a_clear_message_and_nothing_is_copied(
    sqlite_db: Database,
) -> None:
    """SQLite keeps a company name longer than its column allows; PostgreSQL refuses it
    during the COPY. The copy names the reason and writes nothing (it was an unhandled
    psycopg error before)."""
    fill(sqlite_db)
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE customers SET company = ? WHERE id = 1", ("X" * 500,))
    with pg_schema_of_its_own() as schema:
        with pytest.raises(PortabilityError, match=r"value too long.*nothing was written"):
            copy_database(sqlite_db.path, PG_URL, destination_pg_schema=schema)  # type: ignore[arg-type]
        target = open_database(PG_URL, pg_schema=schema, create=False).db
        try:
            assert count_rows(target, "customers") == 0
        finally:
            target.dispose()
