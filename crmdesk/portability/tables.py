"""What a whole-database copy moves, in which order, and how each value looks in JSON.

A copy (a JSON dump, ``copy_database``, a JSON backup) moves every table's own
columns, parents before children (:data:`TABLE_ORDER`), with the rows' ids as they
are, so every reference stays true. It leaves out what the triggers of migration
0005 keep (:data:`DERIVED_COLUMNS`, the ``stage_visits`` table): the destination's
triggers rebuild them from the copied history as the rows go in, exactly as they
did in the source, and :mod:`crmdesk.portability.checks` proves that they agree.
``zone_offsets`` is copied, not recomputed, so that each done activity falls on the
same local day whatever time zone data the destination's computer has.

The one cycle of references (``pipelines.qualified_stage_id`` names a stage, a stage
names its pipeline) is written in two steps: the pipelines without it, the stages,
then the pipelines' qualified stages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from crmdesk.db import models as m
from crmdesk.db.bulk import NewActivityFacts, NewDealFacts
from crmdesk.db.types import UTCDateTime
from crmdesk.portability import PortabilityError

#: Every copied table, parents before children.
TABLE_ORDER: tuple[str, ...] = (
    "settings",
    "zone_offsets",
    "users",
    "pipelines",
    "stages",
    "lead_sources",
    "lost_reasons",
    "customers",
    "contacts",
    "deals",
    "stage_transitions",
    "activities",
    "targets",
    "audit_log",
    "change_log",
)
#: Tables the triggers keep; never copied, rebuilt by the destination's triggers.
DERIVED_TABLES: tuple[str, ...] = ("stage_visits",)
#: Columns the triggers keep; never copied, rebuilt by the destination's triggers.
DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {
    "deals": (
        "reached_mask",
        "first_response_at",
        "response_hours",
        "last_activity_at",
        "next_due_at",
        "cycle_days",
    ),
    "customers": ("first_won_deal_id",),
    "activities": ("done_day",),
}
#: Columns left out of a JSON export unless asked for (a backup keeps them).
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {"users": ("password_hash",)}
#: Tables whose rows are the business's data: a destination holding any is not empty.
DATA_TABLES: tuple[str, ...] = (
    "customers",
    "contacts",
    "deals",
    "stage_transitions",
    "activities",
    "targets",
    "audit_log",
)
#: Rows per INSERT ... executemany and per fetch.
CHUNK = 2_000

METADATA = m.Base.metadata


def table(name: str) -> Table:
    return METADATA.tables[name]


def copied_columns(name: str, *, password_hashes: bool = True) -> list[Column[Any]]:
    """The columns of ``name`` that a copy moves, in the table's order."""
    left_out = set(DERIVED_COLUMNS.get(name, ()))
    if not password_hashes:
        left_out |= set(SECRET_COLUMNS.get(name, ()))
    return [c for c in table(name).columns if c.name not in left_out]


def column_kind(column: Column[Any]) -> str:
    """How a column's values are written in JSON: datetime, date, decimal, bool, int,
    float, json or text."""
    t = column.type
    if isinstance(t, UTCDateTime):
        return "datetime"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, Boolean):
        return "bool"
    if isinstance(t, Integer):
        return "int"
    if isinstance(t, Float):
        return "float"
    if isinstance(t, Numeric):
        return "decimal"
    if isinstance(t, JSON):
        return "json"
    if isinstance(t, String | Text):
        return "text"
    raise TypeError(f"{column.table.name}.{column.name}: no JSON form for {t!r}")


def to_json(kind: str, value: Any) -> Any:
    """A database value as JSON: ISO UTC times ending in ``Z``, ISO dates, decimals as
    strings (never through a float), the rest as they are."""
    if value is None:
        return None
    if kind == "datetime":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
    if kind == "date":
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    return value


def from_json(kind: str, value: Any) -> Any:
    """The database value of a JSON value, checked strictly; ``ValueError`` says what
    is wrong with it."""
    if value is None:
        return None
    if kind == "datetime":
        if not isinstance(value, str):
            raise ValueError("expected an ISO time text")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not an ISO time: {value!r}") from None
        if parsed.tzinfo is None:
            raise ValueError(f"a time without its UTC offset: {value!r}")
        return parsed.astimezone(UTC)
    if kind == "date":
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(f"not a date in the form YYYY-MM-DD: {value!r}")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not a date in the form YYYY-MM-DD: {value!r}") from None
    if kind == "decimal":
        if not isinstance(value, str):
            raise ValueError(f"expected a decimal written as text, got {value!r}")
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return number
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {value!r}")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return float(value)
    if kind == "text":
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {value!r}")
        return value
    return value  # json: any JSON value


# --- reading a source --------------------------------------------------------------------


def read_rows(
    conn: Connection, name: str, columns: Sequence[Column[Any]]
) -> Iterator[Sequence[Any]]:
    """Every row of ``name`` (only ``columns``), in primary-key order, fetched in chunks."""
    t = table(name)
    stmt = select(*columns).order_by(*t.primary_key.columns)
    result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(stmt)
    for row in result:
        yield tuple(row)


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows per table, every table of the schema (the derived ones included)."""
    return {
        name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
        for name in (*TABLE_ORDER, *DERIVED_TABLES)
    }


# --- writing a destination ---------------------------------------------------------------


def describe_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items() if n)


def require_empty(conn: Connection, where: str) -> None:
    """Refuse a destination that holds data of its own.

    Empty means: no customers, contacts, deals, history, activities, targets or audit
    rows, at most one user and no password. That is a database just made by crmdesk
    (``crmdesk migrate`` gives it a default admin, pipeline and lists, which the copy
    replaces). Anything else might be someone's work, and is never overwritten."""
    held = {
        name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
        for name in DATA_TABLES
    }
    users = table("users")
    held["users"] = int(conn.execute(select(func.count()).select_from(users)).scalar_one())
    with_password = int(
        conn.execute(
            select(func.count()).select_from(users).where(users.c.password_hash.is_not(None))
        ).scalar_one()
    )
    if any(held[name] for name in DATA_TABLES) or held["users"] > 1 or with_password:
        what = describe_counts({k: v for k, v in held.items() if k != "users" or v > 1})
        if with_password:
            what = ", ".join(filter(None, [what, f"{with_password} user(s) with a password"]))
        raise PortabilityError(
            f"{where} already holds data ({what}); copy into an empty database "
            "(a new SQLite file, or a new PostgreSQL database or schema)",
            reason="not_empty",
        )


def clear(conn: Connection) -> None:
    """Delete every row (children first): the defaults a new database was given."""
    for name in reversed((*TABLE_ORDER, *DERIVED_TABLES)):
        if name == "stages":
            # The pipelines name their qualified stage; unhook it before the stages go.
            conn.execute(update(table("pipelines")).values(qualified_stage_id=None))
        conn.execute(delete(table(name)))


class TableWriter:
    """Writes tables into a destination connection (inside the caller's transaction),
    in :data:`TABLE_ORDER`, holding back ``pipelines.qualified_stage_id`` until the
    stages are in."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.counts: dict[str, int] = {}
        self._qualified: list[dict[str, Any]] = []
        self._next = 0
        # SQLite: the fact triggers of deals and transitions, and of activities, set
        # aside while they go in, the facts computed set-based once the transitions
        # (and the activities) are in (crmdesk.db.bulk).
        self._facts = NewDealFacts(conn)
        self._activity_facts = NewActivityFacts(conn)
        if conn.dialect.name == "postgresql":
            # No ANALYZE by another session (a database-wide one, autovacuum) until the
            # load commits: it cannot see these uncommitted rows, would record the tables
            # as empty, and the triggers' plans would then scan whole tables for every
            # row written (minutes instead of seconds for 10,000 deals). Reads and
            # writes are not blocked by this lock.
            everything = ", ".join((*TABLE_ORDER, *DERIVED_TABLES))
            conn.exec_driver_sql(f"LOCK TABLE {everything} IN SHARE UPDATE EXCLUSIVE MODE")

    def write(self, name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        expected = TABLE_ORDER[self._next] if self._next < len(TABLE_ORDER) else None
        if name != expected:
            raise RuntimeError(f"tables out of order: {name} where {expected} belongs")
        self._next += 1
        t = table(name)
        hold_back = name == "pipelines" and "qualified_stage_id" in columns
        q_at = list(columns).index("qualified_stage_id") if hold_back else -1
        id_at = list(columns).index("id") if hold_back else -1
        facts = {"deals": self._facts, "activities": self._activity_facts}.get(name)
        if facts is not None:
            facts.begin()

        def send(batch: list[dict[str, Any]]) -> None:
            insert_rows(self.conn, t, batch)
            if facts is not None:
                facts.add([values["id"] for values in batch])

        n = 0
        batch: list[dict[str, Any]] = []
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            if hold_back and row[q_at] is not None:
                self._qualified.append({"pid": row[id_at], "qid": row[q_at]})
                values["qualified_stage_id"] = None
            batch.append(values)
            if len(batch) >= CHUNK:
                send(batch)
                n += len(batch)
                batch = []
        if batch:
            send(batch)
            n += len(batch)
        self.counts[name] = n
        if name == "stage_transitions":
            self._facts.finish()
        elif name == "activities":
            self._activity_facts.finish()
        if name == "stages" and self._qualified:
            pipelines = table("pipelines")
            self.conn.execute(
                update(pipelines)
                .where(pipelines.c.id == bindparam("pid"))
                .values(qualified_stage_id=bindparam("qid")),
                self._qualified,
            )
        return n

    def finish(self) -> None:
        if self._next != len(TABLE_ORDER):
            raise RuntimeError(f"tables missing: {', '.join(TABLE_ORDER[self._next :])}")
        fix_sequences(self.conn)


def insert_rows(conn: Connection, t: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) in the connection's transaction: an
    executemany on SQLite, one ``COPY ... FROM STDIN`` on PostgreSQL (see
    :func:`copy_rows`)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        copy_rows(conn, t, rows)
    else:
        conn.execute(insert(t), rows)


def copy_rows(conn: Connection, t: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: insert ``rows`` (dicts with the same keys) with one ``COPY ... FROM
    STDIN`` on ``conn``, in its transaction. psycopg's executemany sends one INSERT per
    row, which would run the statement-level triggers of migration 0008 once per row;
    a multi-row INSERT of thousands of parameters costs psycopg more time to parse than
    the server to run. See :func:`copy_values` and :func:`copy_send`."""
    if rows:
        names, values = copy_values(t, rows, conn.dialect)
        copy_send(conn, t, names, values)


def copy_values(
    t: Table, rows: list[dict[str, Any]], dialect: Any
) -> tuple[list[str], list[list[Any]]]:
    """The column names and the rows' values for :func:`copy_send`: each value through
    its column type's bind processing, as SQLAlchemy's own statements would
    (``UTCDateTime`` makes times naive UTC, JSON columns are serialised). Pure Python,
    no connection: a bulk writer may prepare the next rows in a thread of its own while
    the database works on the last ones."""
    names = list(rows[0]) if rows else []
    processors = [t.c[n].type._cached_bind_processor(dialect) for n in names]
    pairs = list(zip(names, processors, strict=True))
    values = [
        [row[n] if f is None else (None if (v := row[n]) is None else f(v)) for n, f in pairs]
        for row in rows
    ]
    return names, values


def copy_send(conn: Connection, t: Table, names: list[str], values: list[list[Any]]) -> None:
    """PostgreSQL: ``COPY t (names) FROM STDIN`` with ``values`` (from
    :func:`copy_values`), in the connection's transaction."""
    if not values:
        return
    import psycopg
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(t.name), sql.SQL(", ").join(sql.Identifier(n) for n in names)
    )
    raw = conn.connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for value in values:
                copy.write_row(value)
    except psycopg.Error as exc:
        # psycopg's own connection: its errors as SQLAlchemy's (IntegrityError, DataError
        # and so on), which the writers turn into a message (a too-long name, a NUL).
        raise DBAPIError.instance(
            f"COPY {t.name}", None, exc, psycopg.Error, dialect=conn.dialect
        ) from exc


def fix_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the largest id written (the rows came with
    their ids, which does not advance a sequence). SQLite needs nothing: it takes the
    next id from the largest one, and AUTOINCREMENT tables update sqlite_sequence."""
    if conn.dialect.name != "postgresql":
        return
    for name in TABLE_ORDER:
        if "id" not in table(name).columns:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
            ),
            {"t": name},
        )


def analyze(conn: Connection) -> None:
    """Fresh planner statistics after a bulk load (outside the load's transaction)."""
    conn.exec_driver_sql("ANALYZE")
