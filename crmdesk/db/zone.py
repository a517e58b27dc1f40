"""The team's time zone: the setting, its UTC offsets in ``zone_offsets``, and each done
activity's local day (``activities.done_day``) in that zone.

The triggers of migration 0005 compute ``done_day`` on every write from the
offsets table with ``done_day_sql``; changing the zone rewrites the offsets and
recomputes every day in one statement. The activity report groups by the stored
day (read in index order, no sort) when it is asked for the team's zone.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, text
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.domain.timezones import zone_pieces

#: The settings key of the team's time zone (an IANA name).
TIME_ZONE_KEY = "time_zone"


def _epoch_ms(dialect: str, expr: str) -> str:
    """Whole milliseconds since 1970 (floor), as crmdesk.metrics.sql.epoch_millis."""
    if dialect == "sqlite":
        return (
            f"CAST(round((julianday(substr({expr}, 1, 23)) - 2440587.5) * 86400000.0) AS INTEGER)"
        )
    return f"CAST(floor(EXTRACT(EPOCH FROM {expr}) * 1000) AS BIGINT)"


def done_day_sql(dialect: str, expr: str) -> str:
    """SQL for the team-zone local day (days since 1970-01-01) of the timestamp ``expr``:
    the same arithmetic as ``crmdesk.metrics.sql.local_day_number``, with the offset of
    the piece the instant falls in (the first ``until_at`` after it, else the last)."""
    offset = (
        "coalesce("
        f"(SELECT z.offset_s FROM zone_offsets AS z WHERE z.until_at > {expr} "
        "ORDER BY z.until_at LIMIT 1), "
        "(SELECT z.offset_s FROM zone_offsets AS z WHERE z.until_at IS NULL), 0)"
    )
    local_ms = f"({_epoch_ms(dialect, expr)} + 1000 * {offset})"
    return (
        f"CASE WHEN {expr} IS NULL THEN NULL "
        f"ELSE CAST(floor({local_ms} / 86400000.0) AS INTEGER) END"
    )


def store_time_zone(session: Session, name: str) -> None:
    """Make ``name`` the team's zone: its offsets, the setting and every activity's day.
    The caller validates the name and owns the transaction."""
    session.execute(delete(m.ZoneOffset))
    session.execute(
        insert(m.ZoneOffset),
        [{"until_at": until, "offset_s": seconds} for until, seconds in zone_pieces(name)],
    )
    row = session.get(m.Setting, TIME_ZONE_KEY)
    if row is None:
        session.add(m.Setting(key=TIME_ZONE_KEY, value=name))
    else:
        row.value = name
    session.flush()
    dialect = session.get_bind().dialect.name
    session.execute(text(f"UPDATE activities SET done_day = {done_day_sql(dialect, 'done_at')}"))
