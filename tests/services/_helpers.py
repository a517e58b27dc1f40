"""Helpers for the service tests: read the database back with plain SQL.

The services are tested through what the database holds afterwards, so these
helpers bypass the ORM and the services entirely.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.db.models import Base


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key: 'nothing was written' checks."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            pk = ", ".join(c.name for c in table.primary_key.columns)
            result = conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {pk}'))
            out[table.name] = [tuple(r) for r in result]
    return out


def rows(db: Database, sql: str, **params: Any) -> list[Any]:
    with db.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def row(db: Database, sql: str, **params: Any) -> Any:
    found = rows(db, sql, **params)
    assert len(found) == 1, f"expected one row, got {len(found)}: {sql}"
    return found[0]


def scalar(db: Database, sql: str, **params: Any) -> Any:
    with db.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def count(db: Database, table: str, where: str = "1 = 1", **params: Any) -> int:
    return int(scalar(db, f'SELECT COUNT(*) FROM "{table}" WHERE {where}', **params))


def as_utc(value: Any) -> datetime | None:
    """A timestamp read by raw SQL (text on SQLite, naive on PostgreSQL) as aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_money(value: Any) -> Decimal:
    """An amount read by raw SQL (a float on SQLite, a Decimal on PostgreSQL) as Decimal."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def deal_row(db: Database, deal_id: int) -> Any:
    return row(db, "SELECT * FROM deals WHERE id = :id", id=deal_id)


def transitions(db: Database, deal_id: int) -> list[Any]:
    """A deal's history, oldest first, as raw rows."""
    return rows(
        db,
        "SELECT id, from_stage_id, to_stage_id, at, by_user_id FROM stage_transitions "
        "WHERE deal_id = :id ORDER BY at, id",
        id=deal_id,
    )


def add_second_pipeline(db: Database) -> tuple[int, int]:
    """A second, non-default pipeline with one open stage (there is no service for it yet).

    Returns ``(pipeline_id, open_stage_id)``.
    """
    with db.transaction() as s:
        pipe = m.Pipeline(
            key="renewals", name="Renewals", names={}, position=1, is_default=False, active=True
        )
        s.add(pipe)
        s.flush()
        stage = m.Stage(
            pipeline_id=pipe.id,
            key="renewal_talk",
            name="Renewal talk",
            names={},
            position=0,
            probability=30,
            kind="open",
            active=True,
            slot=0,
        )
        s.add(stage)
        s.flush()
        return pipe.id, stage.id
