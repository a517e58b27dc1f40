"""Shared data and comparisons for the export, dump, copy and backup tests.

``fill`` gives a database a small but complete history: the demo generator's team,
customers, deals (won, lost, reopened, back-moved), activities and targets; then a
user with a password, text that looks like spreadsheet formulas, control characters,
an audit trail, a qualified stage and a team time zone with daylight saving (so
``zone_offsets`` and every ``done_day`` matter).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import PG_URL
from sqlalchemy import select, text

from crmdesk.db import models as m
from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import open_database
from crmdesk.demo import build_demo
from crmdesk.domain.reports import MetricsFilter
from crmdesk.metrics import MetricsService
from crmdesk.services import activities, auth, customers, deals, pipelines, settings, users
from crmdesk.services.setup import default_admin_id

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ZONE = "Europe/Berlin"
PASSWORD = "correct horse battery"
FORMULA_COMPANY = '=HYPERLINK("http://evil.example","click")'
FORMULA_TITLE = "=1+1"
FLOAT_COLUMNS = {
    ("deals", "response_hours"),
    ("deals", "cycle_days"),
    ("stage_visits", "days"),
}


def fill(db: Database, *, deals_count: int = 40) -> dict[str, Any]:
    """Fill an initialised database (see the module docstring); returns the ids made."""
    build_demo(db, deals=deals_count, seed=11, now=NOW)
    admin = default_admin_id(db)
    settings.set_setting(db, "time_zone", ZONE, by=admin)
    manager = users.create_user(
        db, by=admin, name="Mia Müller", login="mia", role="manager", email="mia@example.com"
    ).value.id
    auth.set_password(db, manager, PASSWORD, by=admin)
    pipe = pipelines.get_pipeline(db)
    pipelines.set_qualified_stage(db, pipe.id, pipe.stages[1].id, by=admin)
    cust = customers.create_customer(
        db,
        by=manager,
        company=FORMULA_COMPANY,
        industry="+Retail",
        phone="+1 555 0100",
        email="buyer@example.com",
        address="@ the old docks",
        notes="line one\nline two\x01with a control character",
        created_at=NOW - timedelta(days=30),
    ).value
    contact = customers.create_contact(
        db, cust.id, by=manager, name="-Dash Person", title="@Buyer", phone="-42"
    ).value
    deal = deals.create_deal(
        db,
        by=manager,
        title=FORMULA_TITLE,
        amount=Decimal("1234.56"),
        customer_id=cust.id,
        contact_id=contact.id,
        expected_close=date(2026, 4, 30),
        notes="+ call back tomorrow",
        created_at=NOW - timedelta(days=20),
    ).value
    deal = deals.update_deal(
        db,
        deal.id,
        by=manager,
        expected_version=deal.version,
        changes={"amount": Decimal("2345.67"), "expected_close": date(2026, 5, 15)},
    ).value
    won = next(s for s in pipe.stages if s.kind == "won")
    deal = deals.move_deal(
        db,
        deal.id,
        won.id,
        by=manager,
        expected_version=deal.version,
        closed_at=NOW - timedelta(days=2),
    ).value
    activities.log_activity(
        db,
        by=manager,
        kind="call",
        subject="@mention call",
        deal_id=deal.id,
        done=True,
        done_at=NOW - timedelta(days=19, hours=3),
    )
    activities.log_activity(
        db,
        by=manager,
        kind="task",
        subject="Send the contract",
        customer_id=cust.id,
        due_at=NOW + timedelta(days=3),
    )
    return {"admin": admin, "manager": manager, "customer": cust.id, "deal": deal.id}


def table_rows(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as typed values, ordered by primary key."""
    out: dict[str, list[dict[str, Any]]] = {}
    with db.engine.connect() as conn:
        for table in m.Base.metadata.sorted_tables:
            stmt = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [dict(r._mapping) for r in conn.execute(stmt)]
    return out


def assert_same_rows(
    expected: dict[str, list[dict[str, Any]]],
    actual: dict[str, list[dict[str, Any]]],
    *,
    exact_floats: bool = True,
    ignore: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Identical tables; floats within 1e-9 relative unless ``exact_floats``."""
    assert set(expected) == set(actual)
    for name in expected:
        a, b = expected[name], actual[name]
        assert len(a) == len(b), f"{name}: {len(a)} rows, then {len(b)}"
        for ra, rb in zip(a, b, strict=True):
            for col in ra:
                if (name, col) in ignore:
                    continue
                va, vb = ra[col], rb[col]
                if not exact_floats and (name, col) in FLOAT_COLUMNS and va is not None:
                    assert vb is not None and abs(va - vb) <= 1e-9 * max(1.0, abs(va)), (
                        name,
                        col,
                        va,
                        vb,
                    )
                else:
                    assert va == vb, f"{name}.{col} of {ra}: {va!r} became {vb!r}"


def metrics(db: Database) -> dict[str, Any]:
    """Every report over all time and over a quarter, at a fixed clock, in the team zone."""
    service = MetricsService(db)
    whole = service.all(MetricsFilter(tz=ZONE, now=NOW))
    quarter = service.all(
        MetricsFilter(period_from=date(2025, 10, 1), period_to=date(2026, 1, 1), tz=ZONE, now=NOW)
    )
    return {"all_time": whole, "quarter": quarter}


def assert_same_metrics(expected: Any, actual: Any, path: str = "reports") -> None:
    """The same reports: every figure equal, floats within 1e-9 relative. (A float sum
    depends on the order the rows are read in, and PostgreSQL reads a table whose rows
    were deleted and re-inserted in another order than a freshly loaded one.)"""
    if dataclasses.is_dataclass(expected) and not isinstance(expected, type):
        assert type(expected) is type(actual), path
        for f in dataclasses.fields(expected):
            assert_same_metrics(
                getattr(expected, f.name), getattr(actual, f.name), f"{path}.{f.name}"
            )
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and expected.keys() == actual.keys(), path
        for key in expected:
            assert_same_metrics(expected[key], actual[key], f"{path}[{key!r}]")
    elif isinstance(expected, list | tuple):
        assert isinstance(actual, list | tuple) and len(expected) == len(actual), path
        for i, (a, b) in enumerate(zip(expected, actual, strict=True)):
            assert_same_metrics(a, b, f"{path}[{i}]")
    elif isinstance(expected, float) and isinstance(actual, float):
        assert abs(expected - actual) <= 1e-9 * max(1.0, abs(expected)), (
            f"{path}: {expected!r} became {actual!r}"
        )
    else:
        assert expected == actual, f"{path}: {expected!r} became {actual!r}"


def count_rows(db: Database, table: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@contextmanager
def empty_database(backend: str, tmp_path: Path, name: str = "target") -> Iterator[Database]:
    """A database just created at the current schema, with no rows of its own: a new
    SQLite file, or a new schema on the PostgreSQL test server (dropped afterwards)."""
    if backend == "sqlite":
        db = open_database(tmp_path / f"{name}.sqlite3").db
        try:
            yield db
        finally:
            db.dispose()
        return
    with pg_schema_of_its_own() as schema:
        db = open_database(PG_URL, pg_schema=schema).db
        try:
            yield db
        finally:
            db.dispose()


@contextmanager
def pg_schema_of_its_own() -> Iterator[str]:
    """An empty schema on the PostgreSQL test server, dropped afterwards."""
    schema = f"crmdesk_port_{uuid.uuid4().hex[:10]}"
    engine = create_db_engine(resolve_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def pg_url_with_schema(schema: str) -> str:
    """The test server's URL with a search path, as a user would type it for --db."""
    return f"{PG_URL}?options=-csearch_path%3D{schema}"
