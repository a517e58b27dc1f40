"""Time zones: this computer's zone, and a zone's UTC offsets as pieces of time.

Standard library only (``zoneinfo``), shared by the metrics (local days in SQL)
and the database (the team zone's offsets, kept in a table for the triggers).
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The span the team zone's offsets are stored for (see ``zone_pieces``).
STORED_FROM = date(1900, 1, 1)
STORED_TO = date(2100, 1, 1)


def local_timezone_name() -> str:
    """The IANA name of this computer's time zone, or "UTC" when it cannot be told."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and valid_zone(name):
        return name
    etc = Path("/etc/timezone")
    if etc.is_file():
        name = etc.read_text(encoding="utf-8").strip()
        if valid_zone(name):
            return name
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if valid_zone(name):
                return name
    return "UTC"


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def utc_offsets(tz: tzinfo, start: datetime, end: datetime) -> list[tuple[datetime | None, int]]:
    """The UTC offsets of ``tz`` between two instants, as ``(until, seconds)`` pieces.

    Each piece holds from the previous piece's ``until`` (or the beginning) up
    to its own ``until``; the last piece has ``until=None``. Found by scanning
    days and bisecting each change to the second; remembered per zone and days.
    """
    first = start.astimezone(UTC).date()
    last = end.astimezone(UTC).date() + timedelta(days=1)
    return list(_utc_offsets(tz, first, last))


@functools.lru_cache(maxsize=64)
def _utc_offsets(tz: tzinfo, first: date, last: date) -> tuple[tuple[datetime | None, int], ...]:
    start = datetime.combine(first, time(0), tzinfo=UTC)
    end = datetime.combine(last, time(0), tzinfo=UTC)

    def off(t: datetime) -> int:
        delta = t.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    start = start.astimezone(UTC) - timedelta(days=2)
    end = end.astimezone(UTC) + timedelta(days=2)
    pieces: list[tuple[datetime | None, int]] = []
    t, current = start, off(start)
    step = timedelta(days=1)
    while t < end:
        nxt = min(t + step, end)
        if off(nxt) != current:
            lo, hi = t, nxt  # off(lo) == current != off(hi)
            while (hi - lo) > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if off(mid) == current:
                    lo = mid
                else:
                    hi = mid
            hi = hi.replace(microsecond=0)
            pieces.append((hi, current))
            current = off(hi)
        t = nxt
    pieces.append((None, current))
    return tuple(pieces)


def zone_pieces(name: str) -> list[tuple[datetime | None, int]]:
    """The offsets of the zone ``name`` from 1900 to 2100, as ``utc_offsets`` pieces."""
    return utc_offsets(
        ZoneInfo(name),
        datetime.combine(STORED_FROM, time(0), tzinfo=UTC),
        datetime.combine(STORED_TO, time(0), tzinfo=UTC),
    )
