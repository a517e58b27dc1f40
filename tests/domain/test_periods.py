"""The period picker's presets and the previous period the KPI deltas compare with."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmdesk.domain.periods import (
    PRESETS,
    add_months,
    month_start,
    preset_range,
    previous_range,
    quarter_start,
)

D = date

# --- preset_range ---------------------------------------------------------------------------


def test_presets_are_listed_in_picker_order() -> None:
    assert PRESETS == (
        "this_month",
        "this_quarter",
        "this_year",
        "last_month",
        "last_quarter",
        "last_year",
        "all",
        "custom",
    )


def test_the_briefs_example() -> None:
    assert preset_range("this_month", D(2026, 11, 27)) == (D(2026, 11, 1), D(2026, 12, 1))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            D(2026, 1, 1),
            {
                "this_month": (D(2026, 1, 1), D(2026, 2, 1)),
                "last_month": (D(2025, 12, 1), D(2026, 1, 1)),
                "this_quarter": (D(2026, 1, 1), D(2026, 4, 1)),
                "last_quarter": (D(2025, 10, 1), D(2026, 1, 1)),  # Q4 of last year
                "this_year": (D(2026, 1, 1), D(2027, 1, 1)),
                "last_year": (D(2025, 1, 1), D(2026, 1, 1)),
            },
        ),
        (
            D(2026, 1, 31),
            {
                "this_month": (D(2026, 1, 1), D(2026, 2, 1)),
                "last_month": (D(2025, 12, 1), D(2026, 1, 1)),
                "this_quarter": (D(2026, 1, 1), D(2026, 4, 1)),
                "last_quarter": (D(2025, 10, 1), D(2026, 1, 1)),
            },
        ),
        (
            D(2026, 3, 31),  # the last day of Q1: still Q1, and February before it
            {
                "this_month": (D(2026, 3, 1), D(2026, 4, 1)),
                "last_month": (D(2026, 2, 1), D(2026, 3, 1)),
                "this_quarter": (D(2026, 1, 1), D(2026, 4, 1)),
                "last_quarter": (D(2025, 10, 1), D(2026, 1, 1)),
            },
        ),
        (
            D(2026, 4, 1),  # a quarter's first day
            {
                "this_month": (D(2026, 4, 1), D(2026, 5, 1)),
                "last_month": (D(2026, 3, 1), D(2026, 4, 1)),
                "this_quarter": (D(2026, 4, 1), D(2026, 7, 1)),
                "last_quarter": (D(2026, 1, 1), D(2026, 4, 1)),
            },
        ),
        (
            D(2026, 7, 1),
            {
                "this_quarter": (D(2026, 7, 1), D(2026, 10, 1)),
                "last_quarter": (D(2026, 4, 1), D(2026, 7, 1)),
            },
        ),
        (
            D(2026, 9, 30),
            {
                "this_quarter": (D(2026, 7, 1), D(2026, 10, 1)),
                "last_quarter": (D(2026, 4, 1), D(2026, 7, 1)),
            },
        ),
        (
            D(2026, 10, 1),
            {
                "this_quarter": (D(2026, 10, 1), D(2027, 1, 1)),
                "last_quarter": (D(2026, 7, 1), D(2026, 10, 1)),
            },
        ),
        (
            D(2024, 2, 29),  # leap day
            {
                "this_month": (D(2024, 2, 1), D(2024, 3, 1)),
                "last_month": (D(2024, 1, 1), D(2024, 2, 1)),
                "this_quarter": (D(2024, 1, 1), D(2024, 4, 1)),
                "last_quarter": (D(2023, 10, 1), D(2024, 1, 1)),
                "this_year": (D(2024, 1, 1), D(2025, 1, 1)),
                "last_year": (D(2023, 1, 1), D(2024, 1, 1)),
            },
        ),
        (
            D(2024, 3, 1),  # the day after a leap day
            {
                "this_month": (D(2024, 3, 1), D(2024, 4, 1)),
                "last_month": (D(2024, 2, 1), D(2024, 3, 1)),
            },
        ),
        (
            D(2026, 12, 31),  # the year's last day
            {
                "this_month": (D(2026, 12, 1), D(2027, 1, 1)),
                "last_month": (D(2026, 11, 1), D(2026, 12, 1)),
                "this_quarter": (D(2026, 10, 1), D(2027, 1, 1)),
                "last_quarter": (D(2026, 7, 1), D(2026, 10, 1)),
                "this_year": (D(2026, 1, 1), D(2027, 1, 1)),
                "last_year": (D(2025, 1, 1), D(2026, 1, 1)),
            },
        ),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, date) else "",
)
def test_preset_ranges_at_the_edges(today: date, expected: dict[str, tuple[date, date]]) -> None:
    for key, rng in expected.items():
        assert preset_range(key, today) == rng, key


def test_all_is_open_on_both_ends() -> None:
    assert preset_range("all", D(2026, 5, 17)) == (None, None)


@pytest.mark.parametrize("key", ["custom", "", "This_Month", "last_week", "quarter"])
def test_custom_and_unknown_keys_have_no_range(key: str) -> None:
    with pytest.raises(ValueError, match="custom" if key == "custom" else "unknown"):
        preset_range(key, D(2026, 5, 17))


days = st.dates(min_value=D(1901, 1, 1), max_value=D(2998, 12, 31))


@given(days)
def test_today_lies_in_every_this_preset_and_last_ends_where_this_starts(today: date) -> None:
    for unit in ("month", "quarter", "year"):
        frm, to = preset_range(f"this_{unit}", today)
        assert frm is not None and to is not None
        assert frm <= today < to
        assert frm.day == 1 and to.day == 1
        last_frm, last_to = preset_range(f"last_{unit}", today)
        assert last_to == frm
        assert previous_range(frm, to) == (last_frm, last_to)
    q_frm, q_to = preset_range("this_quarter", today)
    assert q_frm is not None and q_to is not None
    assert q_frm.month in (1, 4, 7, 10)
    assert add_months(q_frm, 3) == q_to


# --- helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "month", "quarter"),
    [
        (D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 1)),
        (D(2026, 2, 28), D(2026, 2, 1), D(2026, 1, 1)),
        (D(2026, 3, 31), D(2026, 3, 1), D(2026, 1, 1)),
        (D(2026, 6, 30), D(2026, 6, 1), D(2026, 4, 1)),
        (D(2026, 8, 15), D(2026, 8, 1), D(2026, 7, 1)),
        (D(2026, 12, 31), D(2026, 12, 1), D(2026, 10, 1)),
    ],
)
def test_month_and_quarter_starts(d: date, month: date, quarter: date) -> None:
    assert month_start(d) == month
    assert quarter_start(d) == quarter


def test_add_months_crosses_years_and_refuses_mid_month_days() -> None:
    assert add_months(D(2026, 1, 1), -1) == D(2025, 12, 1)
    assert add_months(D(2026, 1, 1), -13) == D(2024, 12, 1)
    assert add_months(D(2026, 11, 1), 2) == D(2027, 1, 1)
    assert add_months(D(2026, 12, 1), 12) == D(2027, 12, 1)
    assert add_months(D(2026, 5, 1), 0) == D(2026, 5, 1)
    with pytest.raises(ValueError, match="first day"):
        add_months(D(2026, 1, 31), 1)


# --- previous_range -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frm", "to", "expected"),
    [
        # whole months: the previous calendar month, whatever its length
        ((2026, 3, 1), (2026, 4, 1), ((2026, 2, 1), (2026, 3, 1))),  # 31 days ← 28
        ((2024, 3, 1), (2024, 4, 1), ((2024, 2, 1), (2024, 3, 1))),  # 31 days ← 29 (leap)
        ((2024, 2, 1), (2024, 3, 1), ((2024, 1, 1), (2024, 2, 1))),  # 29 days ← 31
        ((2026, 5, 1), (2026, 6, 1), ((2026, 4, 1), (2026, 5, 1))),  # 31 days ← 30
        ((2026, 7, 1), (2026, 8, 1), ((2026, 6, 1), (2026, 7, 1))),  # 31 days ← 30
        ((2026, 8, 1), (2026, 9, 1), ((2026, 7, 1), (2026, 8, 1))),  # 31 days ← 31
        ((2026, 1, 1), (2026, 2, 1), ((2025, 12, 1), (2026, 1, 1))),  # across the year
        ((2026, 12, 1), (2027, 1, 1), ((2026, 11, 1), (2026, 12, 1))),
        # whole calendar quarters
        ((2026, 1, 1), (2026, 4, 1), ((2025, 10, 1), (2026, 1, 1))),  # Q1 ← Q4 last year
        ((2026, 4, 1), (2026, 7, 1), ((2026, 1, 1), (2026, 4, 1))),  # 91 days ← 90
        ((2024, 4, 1), (2024, 7, 1), ((2024, 1, 1), (2024, 4, 1))),  # 91 ← 91 (leap)
        ((2026, 10, 1), (2027, 1, 1), ((2026, 7, 1), (2026, 10, 1))),
        # whole calendar years
        ((2025, 1, 1), (2026, 1, 1), ((2024, 1, 1), (2025, 1, 1))),  # 365 days ← 366
        ((2024, 1, 1), (2025, 1, 1), ((2023, 1, 1), (2024, 1, 1))),  # 366 days ← 365
        # anything else: the same number of days just before
        ((2026, 3, 10), (2026, 3, 20), ((2026, 2, 28), (2026, 3, 10))),
        ((2024, 3, 10), (2024, 3, 20), ((2024, 2, 29), (2024, 3, 10))),  # lands on 29 Feb
        ((2026, 1, 5), (2026, 1, 6), ((2026, 1, 4), (2026, 1, 5))),  # a single day
        ((2026, 1, 1), (2026, 1, 2), ((2025, 12, 31), (2026, 1, 1))),
        ((2026, 3, 15), (2026, 4, 15), ((2026, 2, 12), (2026, 3, 15))),  # a month, not calendar
        ((2026, 3, 1), (2026, 3, 31), ((2026, 1, 30), (2026, 3, 1))),  # March less its last day
        ((2026, 3, 2), (2026, 4, 1), ((2026, 1, 31), (2026, 3, 2))),
        ((2026, 2, 1), (2026, 5, 1), ((2025, 11, 4), (2026, 2, 1))),  # 3 months, not a quarter
        ((2026, 1, 1), (2026, 3, 1), ((2025, 11, 3), (2026, 1, 1))),  # two months
        ((2026, 1, 1), (2026, 7, 1), ((2025, 7, 4), (2026, 1, 1))),  # a half year
        ((2026, 7, 1), (2027, 7, 1), ((2025, 7, 1), (2026, 7, 1))),  # a year, not calendar
        ((2025, 1, 1), (2027, 1, 1), ((2023, 1, 2), (2025, 1, 1))),  # two years
        ((2025, 12, 25), (2026, 1, 8), ((2025, 12, 11), (2025, 12, 25))),  # across a new year
    ],
)
def test_previous_range(
    frm: tuple[int, int, int],
    to: tuple[int, int, int],
    expected: tuple[tuple[int, int, int], tuple[int, int, int]],
) -> None:
    assert previous_range(D(*frm), D(*to)) == (D(*expected[0]), D(*expected[1]))


@pytest.mark.parametrize(
    ("frm", "to"),
    [(D(2026, 3, 1), D(2026, 3, 1)), (D(2026, 3, 2), D(2026, 3, 1))],
)
def test_previous_range_refuses_an_empty_range(frm: date, to: date) -> None:
    with pytest.raises(ValueError, match="empty range"):
        previous_range(frm, to)


def test_previous_range_at_the_start_of_the_calendar() -> None:
    assert previous_range(D(1, 2, 1), D(1, 3, 1)) == (D(1, 1, 1), D(1, 2, 1))
    for frm, to in [
        (D(1, 1, 1), D(1, 2, 1)),
        (D(1, 1, 1), D(2, 1, 1)),
        (D(1, 1, 5), D(1, 1, 10)),
    ]:
        with pytest.raises(ValueError, match="no period before"):
            previous_range(frm, to)
    # the last representable month is still recognised as a month
    assert previous_range(D(9999, 11, 1), D(9999, 12, 1)) == (D(9999, 10, 1), D(9999, 11, 1))
    assert previous_range(D(9999, 12, 1), D(9999, 12, 31)) == (D(9999, 11, 1), D(9999, 12, 1))


@given(days, st.integers(min_value=1, max_value=800))
def test_previous_range_ends_at_from_and_matches_length_unless_calendar(
    frm: date, length: int
) -> None:
    to = frm + timedelta(days=length)
    p_frm, p_to = previous_range(frm, to)
    assert p_to == frm
    calendar = (
        frm.day == 1
        and to.day == 1
        and (
            to == add_months(frm, 1)
            or (frm.month in (1, 4, 7, 10) and to == add_months(frm, 3))
            or (frm.month == 1 and to == add_months(frm, 12))
        )
    )
    if calendar:
        assert p_frm.day == 1
        assert previous_range(p_frm, p_to)[1] == p_frm  # again a whole unit
    else:
        assert (p_to - p_frm).days == length
