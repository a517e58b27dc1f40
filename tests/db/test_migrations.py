"""Schema migrations, the SQLite connection settings, crash safety and concurrent writers.

Every test that takes ``backend`` runs on SQLite and, when
``CRMDESK_TEST_DATABASE_URL`` is set, on PostgreSQL in a schema of its own.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import PG_SKIP_REASON, PG_URL, requires_pg
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from crmdesk.db import models as m
from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import (
    OpenResult,
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    known_revisions,
    open_database,
    revision_chain,
    table_counts,
    upgrade,
)
from crmdesk.domain import DatabaseOpenError
from crmdesk.services import customers, deals, pipelines
from crmdesk.services.setup import default_admin_id, ensure_initialized

ALL_TABLES = set(m.Base.metadata.tables)
DEFAULT_STAGES = [
    ("prospecting", "open"),
    ("qualification", "open"),
    ("quote", "open"),
    ("contract", "open"),
    ("won", "won"),
    ("lost", "lost"),
]
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=[requires_pg, pytest.mark.postgres]),
]


def test_the_light_revision_reader_agrees_with_alembic() -> None:
    """Opening a database reads the known revisions from the migration files without
    loading Alembic; Alembic's own reading must give the same line, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    alembic_chain = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert list(revision_chain()) == alembic_chain
    assert head_revision() == script.get_current_head()
    assert known_revisions() == set(alembic_chain)


def test_a_report_does_not_load_alembic(tmp_path: Path) -> None:
    """`crmdesk report` on an up-to-date database never imports Alembic (a third of the
    command's start-up time)."""
    db_path = tmp_path / "r.sqlite3"
    target = open_database(str(db_path))
    ensure_initialized(target.db)
    target.db.dispose()
    code = textwrap.dedent(
        f"""
        import sys
        from crmdesk.cli import main
        code = main(["--db", {str(db_path)!r}, "report", "kpis", "--format", "json"])
        assert code == 0, code
        loaded = sorted(name for name in sys.modules if name.split(".")[0] == "alembic")
        print("alembic modules:", loaded, file=sys.stderr)
        assert not loaded
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert '"close_rate"' in done.stdout


@dataclass
class Target:
    """Where a test's own, initially empty database lives."""

    url: str
    pg_schema: str | None
    path: Path | None

    def engine(self) -> Engine:
        return create_db_engine(resolve_url(self.url), pg_schema=self.pg_schema)

    def open(self, *, upgrade_schema: bool | None = None) -> OpenResult:
        return open_database(self.url, pg_schema=self.pg_schema, upgrade_schema=upgrade_schema)


def _pg_target() -> Iterator[Target]:
    schema = f"crmdesk_mig_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(resolve_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Target(PG_URL, schema, None)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """An empty database of the test's own on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "crmdesk.sqlite3"
        yield Target(str(path), None, path)
    else:
        yield from _pg_target()


@pytest.fixture
def empty_pg() -> Iterator[Target]:
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    yield from _pg_target()


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# --- creating, downgrading, comparing ---------------------------------------------


def test_there_is_exactly_one_head_and_it_is_the_newest_script() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [head_revision()]
    revisions = [rev.revision for rev in script.walk_revisions()]  # head first, down to base
    files = sorted(Path(script.versions).glob("*.py"))
    assert len(revisions) == len(files)  # every script is on the one chain
    assert revisions == sorted(revisions, reverse=True)  # numbered in the order they apply
    assert files[-1].name.startswith(head_revision())


def test_empty_database_is_created_at_head_with_the_default_pipeline(empty: Target) -> None:
    result = empty.open()
    try:
        assert result.created
        assert result.upgraded_from is None and result.backup is None
        assert current_revision(result.db) == head_revision()
        assert _tables(result.db.engine) == ALL_TABLES | {"alembic_version"}
        with result.db.read() as s:
            assert s.get(m.Setting, "app").value == "crmdesk"

        ensure_initialized(result.db)
        with result.db.read() as s:
            pipes = s.execute(select(m.Pipeline)).scalars().all()
            assert len(pipes) == 1 and pipes[0].is_default
            stages = (
                s.execute(
                    select(m.Stage)
                    .where(m.Stage.pipeline_id == pipes[0].id)
                    .order_by(m.Stage.position)
                )
                .scalars()
                .all()
            )
            assert [(st.key, st.kind) for st in stages] == DEFAULT_STAGES
            assert [st.position for st in stages] == list(range(6))
            by_key = {st.key: st for st in stages}
            assert pipes[0].qualified_stage_id == by_key["qualification"].id
            assert by_key["won"].probability == 100 and by_key["lost"].probability == 0
        info = pipelines.get_pipeline(result.db)
        assert [st.key for st in info.stages] == [k for k, _ in DEFAULT_STAGES]
        assert info.qualified_stage_id == by_key["qualification"].id
    finally:
        result.db.dispose()


def test_downgrade_to_base_removes_every_table_and_upgrade_works_again(empty: Target) -> None:
    result = empty.open()
    ensure_initialized(result.db)
    result.db.dispose()
    engine = empty.engine()
    try:
        downgrade(engine, "base")
        assert _tables(engine) == {"alembic_version"}
        assert _revision(engine) is None
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                left = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_proc p JOIN pg_namespace n "
                        "ON n.oid = p.pronamespace WHERE p.proname = 'crmdesk_refuse_update' "
                        "AND n.nspname = current_schema()"
                    )
                ).scalar_one()
            assert left == 0, "the trigger function outlived the downgrade"

        upgrade(engine)
        assert _tables(engine) == ALL_TABLES | {"alembic_version"}
        assert _revision(engine) == head_revision()
    finally:
        engine.dispose()
    reopened = empty.open()
    try:
        assert not reopened.created  # the marker row is back: it is a crmdesk database again
        assert reopened.upgraded_from is None
        assert table_counts(reopened.db)["pipelines"] == 0
    finally:
        reopened.db.dispose()


_DOWNGRADE_KEEPS_DATA = [
    pytest.param(
        "sqlite",
        id="sqlite",
    ),
    pytest.param("postgres", id="postgres", marks=[requires_pg, pytest.mark.postgres]),
]


@pytest.mark.parametrize("empty", _DOWNGRADE_KEEPS_DATA, indirect=True)
def test_downgrade_to_0001_keeps_who_owns_the_customers(empty: Target) -> None:
    result = empty.open()
    ensure_initialized(result.db)
    admin = default_admin_id(result.db)
    cust = customers.create_customer(result.db, by=admin, company="Acme Ltd").value
    result.db.dispose()
    engine = empty.engine()
    try:
        downgrade(engine, "0001")
        assert _revision(engine) == "0001"
        with engine.connect() as conn:
            owner = conn.execute(
                text("SELECT owner_id FROM customers WHERE id = :id"), {"id": cust.id}
            ).scalar_one()
            users_left = conn.execute(text("SELECT count(*) FROM users")).scalar_one()
        assert users_left == 1
        assert owner == admin
    finally:
        engine.dispose()


def test_models_and_migrations_agree(empty: Target) -> None:
    result = empty.open()
    try:
        with result.db.engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            diff = compare_metadata(ctx, m.Base.metadata)
        assert diff == []
    finally:
        result.db.dispose()


# --- older schemas -----------------------------------------------------------------

_INSERT_0001_USER = (
    "INSERT INTO users (id, name, login, role, active, email, created_at) "
    "VALUES (7, 'Ann Lee', 'ann', 'admin', :t, 'ann@example.com', :at)"
)
_INSERT_0001_CUSTOMER = (
    "INSERT INTO customers (id, company, owner_id, created_at, version) "
    "VALUES (3, 'Acme Ltd', 7, :at, 1)"
)


def _fill_0001(engine: Engine) -> None:
    at = datetime(2025, 3, 1, 9, 30)
    with engine.begin() as conn:
        conn.execute(text(_INSERT_0001_USER), {"t": True, "at": at})
        conn.execute(text(_INSERT_0001_CUSTOMER), {"at": at})


def test_older_sqlite_file_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "sales.sqlite3"
    engine = create_db_engine(resolve_url(str(path)))
    upgrade(engine, "0001")
    _fill_0001(engine)
    engine.dispose()
    before = set(tmp_path.iterdir())

    result = open_database(path)
    try:
        assert not result.created
        assert result.upgraded_from == "0001"
        assert current_revision(result.db) == head_revision()
        with result.db.read() as s:
            user = s.get(m.User, 7)
            assert (user.name, user.login, user.email) == ("Ann Lee", "ann", "ann@example.com")
            assert user.created_at == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
            assert user.failed_logins == 0 and user.locked_until is None
            assert s.get(m.Customer, 3).owner_id == 7
    finally:
        result.db.dispose()

    backup = result.backup
    assert backup is not None and backup.exists()
    assert backup.parent == path.parent
    assert backup.name.startswith("sales.backup-0001-") and backup.suffix == ".sqlite3"
    assert backup not in before
    assert sorted(set(tmp_path.iterdir()) - before) == [backup]  # one file, no -wal/-shm
    con = sqlite3.connect(backup)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert con.execute("SELECT id, name, login FROM users").fetchall() == [
            (7, "Ann Lee", "ann")
        ]
        assert con.execute("SELECT id, owner_id FROM customers").fetchall() == [(3, 7)]
        columns = {r[1] for r in con.execute("PRAGMA table_info(users)")}
        assert "failed_logins" not in columns  # taken before the upgrade
    finally:
        con.close()

    again = open_database(path)
    try:
        assert again.upgraded_from is None and again.backup is None
    finally:
        again.db.dispose()
    assert [p.name for p in tmp_path.glob("sales.backup-*")] == [backup.name]


def test_older_postgres_schema_is_upgraded_only_on_request(empty_pg: Target) -> None:
    engine = empty_pg.engine()
    try:
        upgrade(engine, "0001")
        _fill_0001(engine)
    finally:
        engine.dispose()

    with pytest.raises(DatabaseOpenError, match=r"crmdesk migrate") as info:
        empty_pg.open()
    assert "0001" in str(info.value) and "\n" not in str(info.value)
    engine = empty_pg.engine()
    try:
        assert _revision(engine) == "0001"  # a plain open did not touch it
        assert "failed_logins" not in {c["name"] for c in inspect(engine).get_columns("users")}
    finally:
        engine.dispose()

    result = empty_pg.open(upgrade_schema=True)
    try:
        assert result.upgraded_from == "0001"
        assert result.backup is None
        assert current_revision(result.db) == head_revision()
        with result.db.read() as s:
            assert s.get(m.User, 7).login == "ann"
            assert s.get(m.User, 7).failed_logins == 0
            assert s.get(m.Customer, 3).owner_id == 7
    finally:
        result.db.dispose()


# --- the append-only history -------------------------------------------------------


def test_stage_transitions_refuse_update_and_go_with_their_deal(db: Database) -> None:
    admin = default_admin_id(db)
    deal = deals.create_deal(db, by=admin, title="Append-only check").value
    with db.read() as s:
        (tid, stage_before) = s.execute(
            select(m.StageTransition.id, m.StageTransition.to_stage_id).where(
                m.StageTransition.deal_id == deal.id
            )
        ).one()
        other_stage = s.execute(select(m.Stage.id).where(m.Stage.key == "won")).scalar_one()

    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(
            text("UPDATE stage_transitions SET to_stage_id = :s WHERE id = :id"),
            {"s": other_stage, "id": tid},
        )
    with db.read() as s:
        assert s.get(m.StageTransition, tid).to_stage_id == stage_before

    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM deals WHERE id = :id"), {"id": deal.id})
    with db.read() as s:
        left = s.execute(
            select(func.count()).where(m.StageTransition.deal_id == deal.id)
        ).scalar_one()
    assert left == 0


# --- SQLite: settings, crashes, failed transactions, two writers -------------------


def test_sqlite_connections_are_wal_full_sync_with_foreign_keys(sqlite_db: Database) -> None:
    for write in (False, True):
        with sqlite_db.transaction(write=write) as s:
            pragma = {
                name: s.execute(text(f"PRAGMA {name}")).scalar_one()
                for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
            }
        assert pragma["journal_mode"] == "wal"
        assert pragma["foreign_keys"] == 1
        assert pragma["synchronous"] == 2  # FULL
        assert pragma["busy_timeout"] >= 1000


_CRASH_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from crmdesk.db import models as m
    from crmdesk.db.migrate import open_database
    from crmdesk.services import deals
    from crmdesk.services.setup import default_admin_id

    db = open_database(sys.argv[1]).db
    admin = default_admin_id(db)
    deals.create_deal(db, by=admin, title="Committed before the crash")
    if sys.argv[2] == "half":
        with db.transaction() as s:
            s.add(m.Setting(key="half-done", value="never committed"))
            s.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("mode", ["after-commit", "half"])
def test_committed_deal_survives_a_killed_process(
    mode: str, tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "crash.sqlite3"
    shutil.copyfile(sqlite_template, path)
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH_SCRIPT, str(path), mode],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -9, proc.stderr
    # The process died with its work in the write-ahead log, not yet in the main file.
    assert (tmp_path / "crash.sqlite3-wal").stat().st_size > 0

    result = open_database(path)
    try:
        with result.db.read() as s:
            titles = s.execute(select(m.Deal.title)).scalars().all()
            history = s.execute(select(func.count()).select_from(m.StageTransition)).scalar_one()
            half = s.get(m.Setting, "half-done")
        assert titles == ["Committed before the crash"]
        assert history == 1
        assert half is None
        with result.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    finally:
        result.db.dispose()


def test_transaction_that_fails_half_way_leaves_nothing(db: Database) -> None:
    admin = default_admin_id(db)
    before = table_counts(db)
    with pytest.raises(RuntimeError, match="half-way"), db.transaction() as s:
        cust = m.Customer(company="Half Ltd", owner_id=admin, created_at=datetime.now(UTC))
        s.add(cust)
        s.flush()
        s.add(
            m.Contact(
                customer_id=cust.id, name="Half Person", created_at=datetime.now(UTC), version=1
            )
        )
        s.flush()
        raise RuntimeError("failed half-way")
    assert table_counts(db) == before
    with db.read() as s:
        assert s.execute(select(m.Customer).where(m.Customer.company == "Half Ltd")).first() is None


def test_two_writers_on_one_file_both_succeed(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    shutil.copyfile(sqlite_template, path)
    per_writer = 10  # each deal is one create_deal and one move_deal: 20 writes a writer
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        db = open_database(path).db
        try:
            admin = default_admin_id(db)
            pipe = pipelines.get_pipeline(db)
            target = next(st.id for st in pipe.stages if st.key == "quote")
            start.wait(timeout=30)
            for i in range(per_writer):
                deal = deals.create_deal(db, by=admin, title=f"{name} {i}").value
                deals.move_deal(db, deal.id, target, by=admin, expected_version=deal.version)
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    result = open_database(path)
    try:
        counts = table_counts(result.db)
        assert counts["deals"] == 2 * per_writer
        assert counts["stage_transitions"] == 2 * per_writer * 2
        with result.db.read() as s:
            titles = set(s.execute(select(m.Deal.title)).scalars())
        assert titles == {f"{n} {i}" for n in ("left", "right") for i in range(per_writer)}
    finally:
        result.db.dispose()


def test_an_upgrade_keeps_only_the_newest_backup_keep_copies(tmp_path: Path) -> None:
    """The copies taken before upgrades pile up next to the file: the newest
    ``backup_keep`` stay (the new one among them); other files are never touched."""
    path = tmp_path / "sales.sqlite3"
    engine = create_db_engine(resolve_url(str(path)))
    upgrade(engine, "0001")
    _fill_0001(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('backup_keep', '3')"))
    engine.dispose()
    old = [
        tmp_path / f"sales.backup-000{rev}-2026010{day}T120000Z.sqlite3"
        for rev, day in ((1, 1), (2, 2), (3, 3), (4, 4), (5, 5))
    ]
    others = [
        tmp_path / "other.backup-0001-20260101T120000Z.sqlite3",  # another database's
        tmp_path / "sales.backup-0001-20260101T120000Z.sqlite3.bak",
        tmp_path / "sales.before-restore-20260101T120000Z.sqlite3",
        tmp_path / "notes.txt",
    ]
    for file in old + others:
        file.write_bytes(b"x")

    result = open_database(path)
    result.db.dispose()
    assert result.upgraded_from == "0001" and result.backup is not None
    kept = sorted(p.name for p in tmp_path.glob("sales.backup-*.sqlite3"))
    assert kept == sorted([old[3].name, old[4].name, result.backup.name])
    assert all(file.exists() for file in others)


def test_a_copy_that_cannot_be_deleted_does_not_stop_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old pre-upgrade copy open in another program (Windows refuses to delete it)
    stays; the database still opens, upgraded, with its new copy."""
    path = tmp_path / "sales.sqlite3"
    engine = create_db_engine(resolve_url(str(path)))
    upgrade(engine, "0001")
    _fill_0001(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('backup_keep', '1')"))
    engine.dispose()
    held = tmp_path / "sales.backup-0001-20260101T120000Z.sqlite3"
    held.write_bytes(b"x")
    unlink = Path.unlink

    def refuse(self: Path, missing_ok: bool = False) -> None:
        if self == held:
            raise PermissionError(13, "The process cannot access the file", str(self))
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    result = open_database(path)
    result.db.dispose()
    assert result.upgraded_from == "0001" and result.backup is not None
    assert result.backup.exists() and held.exists()
