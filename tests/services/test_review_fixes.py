"""Inputs that crashed a service or let a rep delete other people's work, now refused
with a field error and nothing written. Both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import ValidationError
from crmdesk.services import activities, customers, deals

from ._helpers import count, snapshot


def _field_error(exc: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str, dict]:
    err = exc.value.errors[0]
    return err.field, err.code, err.params


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        # Year 1 at UTC+5 overflowed the shift to UTC (an unhandled OverflowError).
        ({"created_at": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))}, "created_at"),
        ({"created_at": datetime(1, 1, 1, tzinfo=UTC)}, "created_at"),  # was stored
        ({"expected_close": date(9999, 12, 31)}, "expected_close"),
        ({"expected_close": date(1899, 12, 31)}, "expected_close"),
    ],
)
def test_dates_outside_the_kept_years_are_refused(
    db: Database, rep: int, kw: dict, field: str
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        deals.create_deal(db, by=rep, title="Typo", **kw)
    assert _field_error(exc) == (
        field,
        "out_of_range",
        {"min": "1900-01-01", "max": "2099-12-31"},
    )
    assert snapshot(db) == before
    # The edges are fine.
    made = deals.create_deal(
        db, by=rep, title="Edge", expected_close=date(2099, 12, 31),
        created_at=datetime(1900, 1, 1, 12, tzinfo=UTC),
    ).value  # fmt: skip
    assert made.expected_close == date(2099, 12, 31)


def test_an_activity_due_in_year_9999_is_refused(db: Database, rep: int, customer_id: int) -> None:
    before = snapshot(db)
    due = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))
    with pytest.raises(ValidationError) as exc:
        activities.log_activity(
            db, by=rep, kind="task", subject="Someday", customer_id=customer_id, due_at=due
        )
    assert _field_error(exc)[:2] == ("due_at", "out_of_range")
    assert snapshot(db) == before


def test_a_rep_cannot_delete_a_customer_with_other_peoples_activities(
    db: Database, rep: int, other_rep: int, manager: int
) -> None:
    """A colleague may log calls on a rep's customer; deleting the customer would delete
    that work with it, so a rep is refused and a manager decides."""
    mine = customers.create_customer(db, by=rep, company="Acme").value.id
    activities.log_activity(db, by=other_rep, kind="call", subject="Intro", customer_id=mine,
                            done=True)  # fmt: skip
    activities.log_activity(db, by=rep, kind="note", subject="Mine", customer_id=mine)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        customers.delete_customer(db, mine, by=rep)
    field, code, params = _field_error(exc)
    assert (field, code) == ("customer_id", "not_allowed")
    assert params["reason"].startswith("1 activities of other people")
    assert snapshot(db) == before
    # Only the rep's own activities: the rep may delete it; so may a manager.
    solo = customers.create_customer(db, by=rep, company="Solo").value.id
    activities.log_activity(db, by=rep, kind="note", subject="Mine", customer_id=solo)
    customers.delete_customer(db, solo, by=rep)
    customers.delete_customer(db, mine, by=manager)
    assert count(db, "customers", "company IN ('Acme', 'Solo')") == 0
