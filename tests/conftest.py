"""Shared fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL tests run when ``CRMDESK_TEST_DATABASE_URL`` names a server; each test
session makes a schema of its own there and drops it at the end.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import text

from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import open_database
from crmdesk.domain import PipelineInfo, Role
from crmdesk.services import pipelines, users
from crmdesk.services.setup import default_admin_id, ensure_initialized

PG_URL = os.environ.get("CRMDESK_TEST_DATABASE_URL", "").strip()
PG_SKIP_REASON = (
    "PostgreSQL tests need CRMDESK_TEST_DATABASE_URL "
    "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it"
)
requires_pg = pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=[requires_pg, pytest.mark.postgres]),
]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, initialised SQLite database that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    result = open_database(path)
    ensure_initialized(result.db)
    result.db.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    """A schema of this test session's own on the PostgreSQL test server."""
    schema = f"crmdesk_test_{uuid.uuid4().hex[:10]}"
    engine = create_db_engine(resolve_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    result = open_database(PG_URL, pg_schema=schema)
    result.db.dispose()
    try:
        yield schema
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


RESET_ORDER = (
    "change_log",
    "audit_log",
    "stage_transitions",
    "activities",
    "deals",
    "contacts",
    "targets",
    "customers",
    "settings",
    "lead_sources",
    "lost_reasons",
    "stages",
    "pipelines",
    "users",
)


def _fresh_pg(schema: str) -> Database:
    engine = create_db_engine(resolve_url(PG_URL), pg_schema=schema)
    with engine.begin() as conn:
        # DELETE, children first: much faster than TRUNCATE for the few rows a test leaves.
        for table in RESET_ORDER:
            conn.execute(text(f'DELETE FROM "{table}"'))
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('app', 'crmdesk')"))
    db = Database(engine)
    ensure_initialized(db)
    return db


def make_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "crmdesk.sqlite3"
        shutil.copyfile(template, path)
        return open_database(path).db
    return _fresh_pg(request.getfixturevalue("pg_schema"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh crmdesk database with the default pipeline, lists and an admin."""
    database = make_db(backend, tmp_path, request)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    database = make_db("sqlite", tmp_path, request)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def admin_id(db: Database) -> int:
    return default_admin_id(db)


@pytest.fixture
def pipeline(db: Database) -> PipelineInfo:
    return pipelines.get_pipeline(db)


@pytest.fixture
def make_user(db: Database, admin_id: int):  # type: ignore[no-untyped-def]
    """Create a user: ``make_user("rep")`` returns the new user's id."""
    counter = iter(range(1, 10_000))

    def _make(role: Role | str = Role.REP, name: str | None = None) -> int:
        n = next(counter)
        role = Role(role)
        info = users.create_user(
            db,
            by=admin_id,
            name=name or f"{role.value.title()} {n}",
            login=f"{role.value}{n}",
            role=role,
        ).value
        return info.id

    return _make
