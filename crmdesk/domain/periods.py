"""The report period picker's logic: preset ranges and the period a KPI is compared with.

Standard library only; no UI text (the UI translates the preset names itself).

Every range is half-open, ``[from, to)``, in local dates: ``to`` is the first day
that is *not* in the range, so this month on 2026-11-27 is
``(date(2026, 11, 1), date(2026, 12, 1))``. ``None`` means open-ended (the
"all" preset is ``(None, None)``). Quarters are calendar quarters (January,
April, July and October start one).
"""

from __future__ import annotations

from datetime import date
from typing import Final

__all__ = [
    "ALL",
    "CUSTOM",
    "LAST_MONTH",
    "LAST_QUARTER",
    "LAST_YEAR",
    "PRESETS",
    "THIS_MONTH",
    "THIS_QUARTER",
    "THIS_YEAR",
    "add_months",
    "month_start",
    "preset_range",
    "previous_range",
    "quarter_start",
]

THIS_MONTH: Final = "this_month"
THIS_QUARTER: Final = "this_quarter"
THIS_YEAR: Final = "this_year"
LAST_MONTH: Final = "last_month"
LAST_QUARTER: Final = "last_quarter"
LAST_YEAR: Final = "last_year"
ALL: Final = "all"
CUSTOM: Final = "custom"

#: The picker's presets, in the order it lists them.
PRESETS: Final = (
    THIS_MONTH,
    THIS_QUARTER,
    THIS_YEAR,
    LAST_MONTH,
    LAST_QUARTER,
    LAST_YEAR,
    ALL,
    CUSTOM,
)


def month_start(d: date) -> date:
    """The first day of ``d``'s month."""
    return d.replace(day=1)


def quarter_start(d: date) -> date:
    """The first day of ``d``'s calendar quarter (1 Jan, 1 Apr, 1 Jul or 1 Oct)."""
    return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after ``first``'s (negative: before).

    ``first`` must be the first day of a month; this is calendar arithmetic on month
    starts only, so there is no "31 January + 1 month" question.
    """
    if first.day != 1:
        raise ValueError(f"{first.isoformat()} is not the first day of a month")
    index = first.year * 12 + (first.month - 1) + months
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1)


def preset_range(key: str, today: date) -> tuple[date | None, date | None]:
    """The half-open ``[from, to)`` range of a preset on the local date ``today``.

    ``"all"`` is ``(None, None)``. ``"custom"`` has no range of its own (the user
    picks both dates), so it raises :class:`ValueError`, as does an unknown key.
    """
    if key == THIS_MONTH:
        start = month_start(today)
        return start, add_months(start, 1)
    if key == LAST_MONTH:
        start = month_start(today)
        return add_months(start, -1), start
    if key == THIS_QUARTER:
        start = quarter_start(today)
        return start, add_months(start, 3)
    if key == LAST_QUARTER:
        start = quarter_start(today)
        return add_months(start, -3), start
    if key == THIS_YEAR:
        return date(today.year, 1, 1), date(today.year + 1, 1, 1)
    if key == LAST_YEAR:
        return date(today.year - 1, 1, 1), date(today.year, 1, 1)
    if key == ALL:
        return None, None
    if key == CUSTOM:
        raise ValueError("the custom preset has no range of its own: the user picks the dates")
    raise ValueError(f"unknown period preset {key!r}")


def _calendar_months(frm: date, to: date) -> int | None:
    """1, 3 or 12 when ``[frm, to)`` is exactly one calendar month, quarter or year."""
    if frm.day != 1 or to.day != 1:
        return None
    months = (to.year * 12 + to.month) - (frm.year * 12 + frm.month)
    if months == 1:
        return 1
    if months == 3 and frm.month in (1, 4, 7, 10):
        return 3
    if months == 12 and frm.month == 1:
        return 12
    return None


def previous_range(frm: date, to: date) -> tuple[date, date]:
    """The period before ``[frm, to)`` that a KPI delta compares with.

    A whole calendar month, quarter or year is compared with the previous month,
    quarter or year, however many days that has (1 Mar–1 Apr compares with
    1 Feb–1 Mar). Any other range is compared with the same number of days just
    before ``frm``. The result ends where ``[frm, to)`` starts.
    """
    if to <= frm:
        raise ValueError(f"empty range: {frm.isoformat()} to {to.isoformat()}")
    months = _calendar_months(frm, to)
    try:
        if months is not None:
            return add_months(frm, -months), frm
        return frm - (to - frm), frm
    except (OverflowError, ValueError) as exc:
        raise ValueError(f"no period before {frm.isoformat()}") from exc
