"""The metrics service against the plain-Python reference, on random data.

Each example inserts a random scenario (tests/metrics/strategies.py) into a
fresh database and compares every KPI and every report row for a few random
filters. SQLite always; PostgreSQL when CRMDESK_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import open_database
from crmdesk.db.models import Base
from crmdesk.metrics import MetricsService
from crmdesk.services.setup import ensure_initialized

from .compare import compare_all
from .reference import reference
from .strategies import Scenario, filters, insert_scenario, scenarios

# Same variable and skip reason as tests/conftest.py.
PG_URL = os.environ.get("CRMDESK_TEST_DATABASE_URL", "").strip()
requires_pg = pytest.mark.skipif(
    not PG_URL,
    reason="PostgreSQL tests need CRMDESK_TEST_DATABASE_URL "
    "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it",
)

# Shrinking a failing example takes minutes (every step builds a database); the
# failure message already lists every difference. CRMDESK_METRICS_SHRINK=1 turns it
# on to get a minimal example.
PHASES = (
    tuple(Phase)
    if os.environ.get("CRMDESK_METRICS_SHRINK")
    else (Phase.explicit, Phase.reuse, Phase.generate)
)
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "phases": PHASES,
    "print_blob": True,
}


def fresh_pg(schema: str) -> Database:
    """Empty the session's PostgreSQL schema and set the defaults up again (as _fresh_pg)."""
    engine = create_db_engine(resolve_url(PG_URL), pg_schema=schema)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('app', 'crmdesk')"))
    db = Database(engine)
    ensure_initialized(db)
    return db


def run_example(db: Database, sc: Scenario, data: st.DataObject) -> None:
    insert_scenario(db, sc)
    svc = MetricsService(db)
    fs = data.draw(st.lists(filters(sc.reps), min_size=1, max_size=3), label="filters")
    problems: list[str] = []
    for f in fs:
        ref = reference(db, f)
        found = compare_all(svc, ref, f, months=data.draw(st.sampled_from((6, 6, 1, 3))))
        problems += [f"{f}: {p}" for p in found]
    assert not problems, "service != reference:\n" + "\n".join(problems[:60])


@pytest.mark.slow
@settings(max_examples=60, **SETTINGS)
@given(sc=scenarios(), data=st.data())
def test_sqlite_matches_reference(sqlite_template: Path, tmp_path_factory, sc, data) -> None:
    folder = tmp_path_factory.mktemp("metrics-prop", numbered=True)
    path = folder / "crmdesk.sqlite3"
    shutil.copyfile(sqlite_template, path)
    db = open_database(path).db
    try:
        run_example(db, sc, data)
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)


@requires_pg
@pytest.mark.postgres
@pytest.mark.slow
@settings(max_examples=20, **SETTINGS)
@given(sc=scenarios(), data=st.data())
def test_postgres_matches_reference(pg_schema: str, sc, data) -> None:
    db = fresh_pg(pg_schema)
    try:
        run_example(db, sc, data)
    finally:
        db.dispose()
