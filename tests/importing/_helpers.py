"""Helpers for the import tests: files to import, and the database read back with SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from crmdesk.db.engine import Database
from crmdesk.db.models import Base

#: Tables an import may write (the change log and settings aside).
DATA_TABLES = (
    "users",
    "lead_sources",
    "lost_reasons",
    "customers",
    "contacts",
    "deals",
    "stage_transitions",
    "stage_visits",
    "activities",
    "audit_log",
)


def write(folder: Path, name: str, content: str | bytes, *, encoding: str = "utf-8") -> Path:
    """A file with exactly these bytes (text is encoded as given, line endings kept)."""
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key: 'nothing was written' checks."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            pk = ", ".join(c.name for c in table.primary_key.columns)
            result = conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {pk}'))
            out[table.name] = [tuple(r) for r in result]
    return out


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in DATA_TABLES
        }


def rows(db: Database, sql: str, **params: Any) -> list[Any]:
    with db.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def scalar(db: Database, sql: str, **params: Any) -> Any:
    with db.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def deal_by_ref(db: Database, ref: str) -> Any:
    found = rows(db, "SELECT * FROM deals WHERE external_ref = :r", r=ref)
    assert len(found) == 1, f"expected one deal {ref!r}, found {len(found)}"
    return found[0]


def history(db: Database, deal_id: int) -> list[tuple[Any, Any, datetime | None]]:
    """A deal's transitions as (from stage key, to stage key, at), oldest first."""
    found = rows(
        db,
        "SELECT f.key, t.key, st.at FROM stage_transitions AS st "
        "JOIN stages AS t ON t.id = st.to_stage_id "
        "LEFT JOIN stages AS f ON f.id = st.from_stage_id "
        "WHERE st.deal_id = :d ORDER BY st.at, st.id",
        d=deal_id,
    )
    return [(r[0], r[1], as_utc(r[2])) for r in found]


DEALS_TOML = """
entity = "deals"
key = "Deal ID"

[columns]
"Deal ID" = "external_ref"
Title = "title"
Company = "customer"
Owner = "owner"
Stage = "stage"
Amount = "amount"
Created = "created_at"
Closed = "closed_at"
Source = "source"

[values.stage]
Engaging = "qualification"

[create]
owners = "create"
customers = "create"
sources = "create"
"""

DEALS_HEADER = "Deal ID,Title,Company,Owner,Stage,Amount,Created,Closed,Source\n"
