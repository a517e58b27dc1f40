"""Small SQL building blocks that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import Float, Integer, case, cast, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from crmdesk.db.bulk import sqlite_epoch
from crmdesk.domain.timezones import utc_offsets

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class epoch_seconds(FunctionElement[float]):
    """Seconds since 1970-01-01 UTC of a naive-UTC timestamp column (to the microsecond)."""

    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return sqlite_epoch(compiler.process(arg, **kw))


@compiles(epoch_seconds, "postgresql")
def _epoch_pg(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(arg, **kw)}) AS DOUBLE PRECISION)"


class epoch_millis(FunctionElement[int]):
    """Whole milliseconds since 1970-01-01 UTC of a naive-UTC timestamp column, truncated
    (floor): cheap on SQLite (julianday of the text cut to the millisecond, which it
    then holds exactly; the whole text would round .9995 up to the next millisecond)."""

    type = Integer()
    inherit_cache = True
    name = "epoch_millis"


@compiles(epoch_millis, "sqlite")
def _millis_sqlite(element: epoch_millis, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    jd = f"julianday(substr({compiler.process(arg, **kw)}, 1, 23))"
    return f"CAST(round(({jd} - 2440587.5) * 86400000.0) AS INTEGER)"


@compiles(epoch_millis, "postgresql")
def _millis_pg(element: epoch_millis, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return f"CAST(floor(EXTRACT(EPOCH FROM {compiler.process(arg, **kw)}) * 1000) AS BIGINT)"


class days_between(FunctionElement[float]):
    """(b − a) in fractional days, for two naive-UTC timestamp expressions."""

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return (
        f"(({sqlite_epoch(compiler.process(b, **kw))} - "
        f"{sqlite_epoch(compiler.process(a, **kw))}) / 86400.0)"
    )


@compiles(days_between, "postgresql")
def _days_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return (
        f"(CAST(EXTRACT(EPOCH FROM ({compiler.process(b, **kw)} - {compiler.process(a, **kw)}))"
        " AS DOUBLE PRECISION) / 86400.0)"
    )


def local_day_number(
    col: ColumnElement[Any], tz: tzinfo, start: datetime, end: datetime
) -> ColumnElement[int]:
    """The local calendar day of a naive-UTC timestamp column, as days since 1970-01-01.

    The zone's offset is applied piece by piece (daylight saving changes inside
    ``[start, end]`` included), so the day is exact in SQL on both backends.
    """
    pieces = utc_offsets(tz, start, end)
    if len(pieces) == 1:
        offset: ColumnElement[Any] = literal(pieces[0][1])
    else:
        offset = case(
            *[(col < until, literal(sec)) for until, sec in pieces[:-1]],
            else_=literal(pieces[-1][1]),
        )
    local_ms = epoch_millis(col) + offset * 1000
    return cast(func.floor(local_ms / 86400000.0), Integer)


def local_week_number(
    col: ColumnElement[Any], tz: tzinfo, start: datetime, end: datetime
) -> ColumnElement[int]:
    """The local week (Monday to Sunday) of a naive-UTC timestamp column, as a number
    ``w`` whose Monday is day ``7 * w - 3`` since 1970-01-01 (a Thursday)."""
    pieces = utc_offsets(tz, start, end)
    if len(pieces) == 1:
        offset: ColumnElement[Any] = literal(pieces[0][1])
    else:
        offset = case(
            *[(col < until, literal(sec)) for until, sec in pieces[:-1]],
            else_=literal(pieces[-1][1]),
        )
    local_ms = epoch_millis(col) + (offset + 3 * 86400) * 1000
    return cast(func.floor(local_ms / (7 * 86400000.0)), Integer)
