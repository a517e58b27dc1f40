"""crmdesk.services.activities: calls, meetings, e-mails, tasks and notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import (
    ActivityKind,
    Change,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from crmdesk.services import activities, customers, deals

from ._helpers import as_utc, count, row, snapshot


def utcnow() -> datetime:
    return datetime.now(UTC)


def activity_row(db: Database, activity_id: int) -> Any:
    return row(db, "SELECT * FROM activities WHERE id = :id", id=activity_id)


def test_activity_on_a_deal_belongs_to_the_deals_customer(
    db: Database, rep: int, customer_id: int
) -> None:
    deal = deals.create_deal(db, by=rep, title="D", customer_id=customer_id).value
    t0 = utcnow()
    out = activities.log_activity(
        db, by=rep, kind="call", subject=" First call ", deal_id=deal.id, notes="went well"
    )
    t1 = utcnow()

    assert out.changes.touches(Change.ACTIVITIES)
    assert out.changes.deal_ids == {deal.id}
    assert out.changes.customer_ids == {customer_id}
    raw = activity_row(db, out.value.id)
    assert (raw.kind, raw.subject, raw.notes) == ("call", "First call", "went well")
    assert (raw.deal_id, raw.customer_id, raw.owner_id) == (deal.id, customer_id, rep)
    assert raw.done_at is None and raw.due_at is None
    created = as_utc(raw.created_at)
    assert created is not None and t0 <= created <= t1
    assert [a.id for a in activities.list_activities(db, customer_id=customer_id)] == [out.value.id]
    assert [a.id for a in activities.list_activities(db, deal_id=deal.id)] == [out.value.id]


def test_activity_on_a_customer_only(db: Database, rep: int) -> None:
    cust = customers.create_customer(db, by=rep, company="Solo").value
    act = activities.log_activity(db, by=rep, kind="note", subject="n", customer_id=cust.id).value
    raw = activity_row(db, act.id)
    assert (raw.deal_id, raw.customer_id) == (None, cust.id)


def test_done_true_sets_done_at_now(db: Database, rep: int, customer_id: int) -> None:
    t0 = utcnow()
    act = activities.log_activity(
        db,
        by=rep,
        kind=ActivityKind.EMAIL,
        subject="Sent quote",
        customer_id=customer_id,
        done=True,
    ).value
    t1 = utcnow()
    raw = activity_row(db, act.id)
    done = as_utc(raw.done_at)
    assert done is not None and t0 <= done <= t1
    assert as_utc(raw.created_at) <= done


def test_done_at_in_the_past_backdates_creation(db: Database, rep: int, customer_id: int) -> None:
    when = utcnow() - timedelta(days=3)
    act = activities.log_activity(
        db, by=rep, kind="meeting", subject="Met", customer_id=customer_id, done_at=when
    ).value
    raw = activity_row(db, act.id)
    assert as_utc(raw.done_at) == when
    assert as_utc(raw.created_at) == when


def test_due_at_may_be_in_the_future(db: Database, rep: int, customer_id: int) -> None:
    due = utcnow() + timedelta(days=7)
    act = activities.log_activity(
        db, by=rep, kind="task", subject="Follow up", customer_id=customer_id, due_at=due
    ).value
    raw = activity_row(db, act.id)
    assert as_utc(raw.due_at) == due
    assert raw.done_at is None


def test_complete_sets_done_at_and_twice_is_a_no_op(
    db: Database, rep: int, customer_id: int
) -> None:
    act = activities.log_activity(
        db, by=rep, kind="task", subject="Send contract", customer_id=customer_id
    ).value
    t0 = utcnow()
    first = activities.complete_activity(db, act.id, by=rep)
    t1 = utcnow()
    assert first.changes.touches(Change.ACTIVITIES)
    raw = activity_row(db, act.id)
    done = as_utc(raw.done_at)
    assert done is not None and t0 <= done <= t1
    assert raw.version == 2

    before = snapshot(db)
    again = activities.complete_activity(db, act.id, by=rep)
    assert not again.changes.touches(Change.ALL)
    assert again.value.done_at == done
    assert snapshot(db) == before


def test_complete_with_a_given_time_and_reopen(db: Database, rep: int, customer_id: int) -> None:
    act = activities.log_activity(
        db, by=rep, kind="call", subject="Call", customer_id=customer_id
    ).value
    when = utcnow() - timedelta(hours=2)
    activities.complete_activity(db, act.id, by=rep, done_at=when)
    assert as_utc(activity_row(db, act.id).done_at) == when

    activities.reopen_activity(db, act.id, by=rep)
    raw = activity_row(db, act.id)
    assert raw.done_at is None
    assert raw.version == 3


def test_complete_refuses_a_future_time(db: Database, rep: int, customer_id: int) -> None:
    act = activities.log_activity(
        db, by=rep, kind="call", subject="Call", customer_id=customer_id
    ).value
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        activities.complete_activity(db, act.id, by=rep, done_at=utcnow() + timedelta(days=1))
    assert (exc.value.fields, exc.value.errors[0].code) == (["done_at"], "in_future")
    assert snapshot(db) == before


def _other_customers_deal(db: Database, admin_id: int, customer_id: int) -> dict[str, Any]:
    other = customers.create_customer(db, by=admin_id, company="Other").value
    deal = deals.create_deal(db, by=admin_id, title="Theirs", customer_id=other.id).value
    return {"deal_id": deal.id, "customer_id": customer_id}


ACTIVITY_ERRORS: list[Any] = [
    pytest.param(lambda db, a, c: {}, "deal_id", "required", id="no-deal-no-customer"),
    pytest.param(
        lambda db, a, c: {"customer_id": c, "kind": "fax"}, "kind", "invalid", id="bad-kind"
    ),
    pytest.param(
        lambda db, a, c: {"customer_id": c, "subject": "  "}, "subject", "required", id="blank"
    ),
    pytest.param(
        lambda db, a, c: {"customer_id": c, "subject": "s" * 201},
        "subject",
        "too_long",
        id="long-subject",
    ),
    pytest.param(lambda db, a, c: {"deal_id": 999_999}, "deal_id", "unknown", id="bad-deal"),
    pytest.param(
        lambda db, a, c: {"customer_id": 999_999}, "customer_id", "unknown", id="bad-customer"
    ),
    pytest.param(_other_customers_deal, "customer_id", "invalid", id="deal-of-other-customer"),
    pytest.param(
        lambda db, a, c: {"customer_id": c, "done_at": utcnow() + timedelta(days=1)},
        "done_at",
        "in_future",
        id="done-in-future",
    ),
    pytest.param(
        lambda db, a, c: {"customer_id": c, "due_at": datetime(2030, 1, 1)},
        "due_at",
        "invalid",
        id="naive-due",
    ),
    pytest.param(
        lambda db, a, c: {"customer_id": c, "owner_id": 999_999},
        "owner_id",
        "unknown",
        id="bad-owner",
    ),
]


@pytest.mark.parametrize(("make_kwargs", "field", "code"), ACTIVITY_ERRORS)
def test_log_activity_refuses_bad_input(
    db: Database, admin_id: int, customer_id: int, make_kwargs: Any, field: str, code: str
) -> None:
    kwargs = {"kind": "call", "subject": "Call", **make_kwargs(db, admin_id, customer_id)}
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        activities.log_activity(db, by=admin_id, **kwargs)
    assert exc.value.fields == [field]
    assert exc.value.errors[0].code == code
    assert snapshot(db) == before


def test_rep_cannot_log_on_another_reps_deal(db: Database, rep: int, other_rep: int) -> None:
    theirs = deals.create_deal(db, by=other_rep, title="Theirs").value
    mine = deals.create_deal(db, by=rep, title="Mine").value
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        activities.log_activity(db, by=rep, kind="call", subject="Hi", deal_id=theirs.id)
    assert snapshot(db) == before

    act = activities.log_activity(db, by=rep, kind="call", subject="Hi", deal_id=mine.id).value
    assert count(db, "activities", "id = :id AND deal_id = :d", id=act.id, d=mine.id) == 1


def test_rep_cannot_log_an_activity_for_someone_else(
    db: Database, rep: int, other_rep: int, customer_id: int
) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        activities.log_activity(
            db, by=rep, kind="task", subject="x", customer_id=customer_id, owner_id=other_rep
        )
    assert snapshot(db) == before


def test_rep_cannot_complete_edit_or_delete_another_reps_activity(
    db: Database, rep: int, other_rep: int, customer_id: int
) -> None:
    act = activities.log_activity(
        db, by=other_rep, kind="task", subject="Theirs", customer_id=customer_id
    ).value
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        activities.complete_activity(db, act.id, by=rep)
    with pytest.raises(PermissionDenied):
        activities.update_activity(
            db, act.id, by=rep, expected_version=1, changes={"subject": "Mine"}
        )
    with pytest.raises(PermissionDenied):
        activities.delete_activity(db, act.id, by=rep)
    assert snapshot(db) == before


def test_update_activity(db: Database, rep: int, manager: int, customer_id: int) -> None:
    act = activities.log_activity(
        db, by=rep, kind="task", subject="Draft", customer_id=customer_id
    ).value
    due = utcnow() + timedelta(days=2)
    activities.update_activity(
        db, act.id, by=rep, expected_version=1, changes={"subject": "Final", "due_at": due}
    )
    raw = activity_row(db, act.id)
    assert (raw.subject, as_utc(raw.due_at), raw.version) == ("Final", due, 2)

    before = snapshot(db)
    with pytest.raises(Conflict):
        activities.update_activity(db, act.id, by=rep, expected_version=1, changes={"notes": "x"})
    with pytest.raises(PermissionDenied):  # only a manager reassigns
        activities.update_activity(
            db, act.id, by=rep, expected_version=2, changes={"owner_id": manager}
        )
    with pytest.raises(ValidationError) as exc:
        activities.update_activity(db, act.id, by=rep, expected_version=2, changes={"deal_id": 1})
    assert (exc.value.fields, exc.value.errors[0].code) == (["deal_id"], "not_allowed")
    assert snapshot(db) == before

    activities.update_activity(
        db, act.id, by=manager, expected_version=2, changes={"owner_id": manager}
    )
    assert activity_row(db, act.id).owner_id == manager


def test_delete_activity(db: Database, rep: int, customer_id: int) -> None:
    act = activities.log_activity(
        db, by=rep, kind="note", subject="Scratch", customer_id=customer_id
    ).value
    activities.delete_activity(db, act.id, by=rep)
    assert count(db, "activities", "id = :id", id=act.id) == 0


def test_list_activities_puts_open_by_due_date_then_done_newest_first(
    db: Database, rep: int, customer_id: int
) -> None:
    now = utcnow()

    def log(subject: str, **kw: Any) -> int:
        return activities.log_activity(
            db, by=rep, kind="task", subject=subject, customer_id=customer_id, **kw
        ).value.id

    later = log("later", due_at=now + timedelta(days=5))
    sooner = log("sooner", due_at=now + timedelta(days=1))
    old_done = log("old", done_at=now - timedelta(days=4))
    new_done = log("new", done_at=now - timedelta(days=1))
    undated = log("undated")

    listed = [a.id for a in activities.list_activities(db, customer_id=customer_id)]
    assert listed == [sooner, later, undated, new_done, old_done]


def test_missing_activity_is_not_found(db: Database, admin_id: int) -> None:
    before = snapshot(db)
    with pytest.raises(NotFound):
        activities.complete_activity(db, 999_999, by=admin_id)
    with pytest.raises(NotFound):
        activities.delete_activity(db, 999_999, by=admin_id)
    assert snapshot(db) == before


def test_missing_activity_error_names_an_activity(db: Database, admin_id: int) -> None:
    # Regression: until 7f738f6 the entity name was __tablename__.rstrip("s"): "activitie".
    with pytest.raises(NotFound) as exc:
        activities.complete_activity(db, 999_999, by=admin_id)
    assert exc.value.entity == "activity"
    assert str(exc.value) == "activity 999999 does not exist"
