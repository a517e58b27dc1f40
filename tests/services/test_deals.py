"""crmdesk.services.deals: create, update, delete and move deals, and their history.

Every test checks what the database holds afterwards, re-read through the
services or with plain SQL; every refused call must leave the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    Conflict,
    DealInfo,
    PermissionDenied,
    PipelineInfo,
    StageKind,
    ValidationError,
)
from crmdesk.services import activities, customers, deals, lists, pipelines, users

from ._helpers import (
    add_second_pipeline,
    as_money,
    as_utc,
    count,
    deal_row,
    scalar,
    snapshot,
    transitions,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_deal(db: Database, by: int, title: str = "Deal", **kw: Any) -> DealInfo:
    return deals.create_deal(db, by=by, title=title, **kw).value


def move(db: Database, deal: DealInfo | int, stage_id: int, by: int, **kw: Any) -> DealInfo:
    deal_id = deal if isinstance(deal, int) else deal.id
    version = deals.get_deal(db, deal_id).version
    return deals.move_deal(db, deal_id, stage_id, by=by, expected_version=version, **kw).value


# --- create_deal ---------------------------------------------------------------------------


def test_create_deal_defaults(db: Database, pipeline: PipelineInfo, rep: int) -> None:
    # The currency comes from the settings table, not from a constant.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE settings SET value = 'EUR' WHERE key = 'currency'"))
    before = utcnow()
    out = deals.create_deal(db, by=rep, title="  Website relaunch  ", amount="1,250.5")
    after = utcnow()

    assert out.changes.touches(Change.DEALS | Change.TRANSITIONS)
    assert out.changes.deal_ids == {out.value.id}
    stored = deals.get_deal(db, out.value.id)
    first_open = pipeline.open_stages[0]
    assert stored.title == "Website relaunch"
    assert stored.amount == Decimal("1250.50")
    assert stored.stage_id == first_open.id == pipeline.stage("prospecting").id
    assert stored.stage_kind is StageKind.OPEN
    assert stored.pipeline_id == pipeline.id
    assert stored.owner_id == rep
    assert stored.currency == "EUR"
    assert stored.version == 1
    assert stored.closed_at is None and stored.lost_reason_id is None
    assert before <= stored.created_at <= after
    assert stored.stage_entered_at == stored.created_at
    assert stored.updated_by_id == rep

    raw = deal_row(db, out.value.id)
    assert raw.currency == "EUR" and raw.owner_id == rep and raw.stage_id == first_open.id
    history = transitions(db, out.value.id)
    assert len(history) == 1
    (first,) = history
    assert first.from_stage_id is None
    assert first.to_stage_id == first_open.id
    assert as_utc(first.at) == stored.created_at
    assert first.by_user_id == rep
    assert deals.deal_history(db, out.value.id)[0].at == stored.created_at


def test_create_deal_in_the_past_starts_its_history_then(
    db: Database, pipeline: PipelineInfo, admin_id: int
) -> None:
    first_contact = utcnow() - timedelta(days=30)
    deal = new_deal(db, admin_id, created_at=first_contact, stage_id=pipeline.stage("quote").id)

    raw = deal_row(db, deal.id)
    assert as_utc(raw.created_at) == first_contact
    assert as_utc(raw.stage_entered_at) == first_contact
    assert raw.stage_id == pipeline.stage("quote").id
    (first,) = transitions(db, deal.id)
    assert first.from_stage_id is None
    assert first.to_stage_id == pipeline.stage("quote").id
    assert as_utc(first.at) == first_contact


def test_create_deal_takes_the_customers_lead_source(db: Database, admin_id: int, rep: int) -> None:
    referral = next(x for x in lists.list_items(db, "sources") if x.name == "Referral")
    cust = customers.create_customer(db, by=admin_id, company="Globex", source_id=referral.id)
    contact = customers.create_contact(db, cust.value.id, by=admin_id, name="Hank").value

    deal = new_deal(db, rep, customer_id=cust.value.id, contact_id=contact.id)

    raw = deal_row(db, deal.id)
    assert raw.customer_id == cust.value.id
    assert raw.contact_id == contact.id
    assert raw.source_id == referral.id


def test_manager_creates_a_deal_for_a_rep(db: Database, manager: int, rep: int) -> None:
    deal = new_deal(db, manager, owner_id=rep)
    raw = deal_row(db, deal.id)
    assert raw.owner_id == rep
    assert raw.updated_by_id == manager
    assert transitions(db, deal.id)[0].by_user_id == manager


@dataclass(frozen=True)
class Ctx:
    db: Database
    admin_id: int
    pipeline: PipelineInfo
    make_user: Callable[..., int]


def _dup_ref(ctx: Ctx) -> dict[str, Any]:
    new_deal(ctx.db, ctx.admin_id, title="First", external_ref="ERP-1")
    return {"external_ref": "ERP-1"}


def _contact_of_other_customer(ctx: Ctx) -> dict[str, Any]:
    mine = customers.create_customer(ctx.db, by=ctx.admin_id, company="Mine").value
    theirs = customers.create_customer(ctx.db, by=ctx.admin_id, company="Theirs").value
    contact = customers.create_contact(ctx.db, theirs.id, by=ctx.admin_id, name="Zed").value
    return {"customer_id": mine.id, "contact_id": contact.id}


def _inactive_owner(ctx: Ctx) -> dict[str, Any]:
    gone = ctx.make_user("rep")
    users.set_active(ctx.db, gone, False, by=ctx.admin_id)
    return {"owner_id": gone}


def _other_pipeline_stage(ctx: Ctx) -> dict[str, Any]:
    _, stage_id = add_second_pipeline(ctx.db)
    return {"stage_id": stage_id}


CREATE_ERRORS: list[Any] = [
    pytest.param(lambda c: {"title": ""}, "title", "required", id="empty-title"),
    pytest.param(lambda c: {"title": " \t\n "}, "title", "required", id="whitespace-title"),
    pytest.param(lambda c: {"title": "x" * 201}, "title", "too_long", id="title-201-chars"),
    pytest.param(lambda c: {"amount": -1}, "amount", "negative", id="negative-amount"),
    pytest.param(lambda c: {"amount": "10.005"}, "amount", "invalid", id="amount-3-decimals"),
    pytest.param(lambda c: {"amount": "ten"}, "amount", "invalid", id="amount-not-a-number"),
    pytest.param(lambda c: {"stage_id": 999_999}, "stage_id", "unknown", id="unknown-stage"),
    pytest.param(
        lambda c: {"stage_id": c.pipeline.won_stage.id}, "stage_id", "invalid", id="won-stage"
    ),
    pytest.param(
        lambda c: {"stage_id": c.pipeline.lost_stage.id}, "stage_id", "invalid", id="lost-stage"
    ),
    pytest.param(_other_pipeline_stage, "stage_id", "invalid", id="stage-of-another-pipeline"),
    pytest.param(
        lambda c: {"created_at": utcnow() + timedelta(days=1)},
        "created_at",
        "in_future",
        id="created-in-future",
    ),
    pytest.param(
        lambda c: {"created_at": datetime(2025, 1, 1, 12, 0)},
        "created_at",
        "invalid",
        id="created-naive",
    ),
    pytest.param(lambda c: {"notes": "n" * 20_001}, "notes", "too_long", id="notes-too-long"),
    pytest.param(_dup_ref, "external_ref", "duplicate", id="external-ref-duplicate"),
    pytest.param(
        _contact_of_other_customer, "contact_id", "invalid", id="contact-of-other-customer"
    ),
    pytest.param(
        lambda c: {"customer_id": 999_999}, "customer_id", "unknown", id="unknown-customer"
    ),
    pytest.param(lambda c: {"owner_id": 999_999}, "owner_id", "unknown", id="unknown-owner"),
    pytest.param(lambda c: {"source_id": 999_999}, "source_id", "unknown", id="unknown-source"),
    pytest.param(_inactive_owner, "owner_id", "inactive", id="inactive-owner"),
    pytest.param(lambda c: {"currency": "Euro"}, "currency", "invalid", id="bad-currency"),
]


@pytest.mark.parametrize(("make_kwargs", "field", "code"), CREATE_ERRORS)
def test_create_deal_refuses_bad_input(
    db: Database,
    admin_id: int,
    pipeline: PipelineInfo,
    make_user: Callable[..., int],
    make_kwargs: Callable[[Ctx], dict[str, Any]],
    field: str,
    code: str,
) -> None:
    kwargs = {"title": "Deal", **make_kwargs(Ctx(db, admin_id, pipeline, make_user))}
    before = snapshot(db)

    with pytest.raises(ValidationError) as exc:
        deals.create_deal(db, by=admin_id, **kwargs)

    assert exc.value.fields == [field]
    assert exc.value.errors[0].code == code
    assert field in str(exc.value)
    assert snapshot(db) == before


def test_create_deal_reports_every_bad_field_at_once(db: Database, admin_id: int) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        deals.create_deal(db, by=admin_id, title="", amount=-5, source_id=999_999)
    assert {(e.field, e.code) for e in exc.value.errors} == {
        ("title", "required"),
        ("amount", "negative"),
        ("source_id", "unknown"),
    }
    assert snapshot(db) == before


def test_rep_cannot_create_a_deal_owned_by_someone_else(
    db: Database, rep: int, other_rep: int
) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        deals.create_deal(db, by=rep, title="Not mine", owner_id=other_rep)
    assert snapshot(db) == before


def test_disabled_user_cannot_act(
    db: Database, pipeline: PipelineInfo, admin_id: int, rep: int
) -> None:
    deal = new_deal(db, rep)
    users.set_active(db, rep, False, by=admin_id)
    before = snapshot(db)

    with pytest.raises(PermissionDenied) as exc:
        deals.create_deal(db, by=rep, title="Another")
    assert exc.value.action == "act"
    with pytest.raises(PermissionDenied):
        deals.move_deal(db, deal.id, pipeline.stage("quote").id, by=rep, expected_version=1)
    with pytest.raises(PermissionDenied):
        deals.update_deal(db, deal.id, by=rep, expected_version=1, changes={"title": "X"})
    with pytest.raises(PermissionDenied):
        deals.delete_deal(db, deal.id, by=rep, expected_version=1)
    assert snapshot(db) == before


def test_unknown_user_cannot_act(db: Database) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        deals.create_deal(db, by=424_242, title="Ghost")
    assert snapshot(db) == before


# --- update_deal ---------------------------------------------------------------------------


def test_update_deal_changes_fields_and_bumps_version(
    db: Database, pipeline: PipelineInfo, rep: int, customer_id: int
) -> None:
    deal = new_deal(db, rep, title="Old", amount=100)
    out = deals.update_deal(
        db,
        deal.id,
        by=rep,
        expected_version=1,
        changes={
            "title": " New title ",
            "amount": "2500.75",
            "customer_id": customer_id,
            "currency": "cny",
            "notes": "call back in May",
            "external_ref": "CRM-7",
        },
    )

    assert out.changes.deal_ids == {deal.id}
    assert customer_id in out.changes.customer_ids
    raw = deal_row(db, deal.id)
    assert raw.title == "New title"
    assert as_money(raw.amount) == Decimal("2500.75")
    assert raw.customer_id == customer_id
    assert raw.currency == "CNY"
    assert raw.notes == "call back in May"
    assert raw.external_ref == "CRM-7"
    assert raw.version == 2
    assert raw.stage_id == pipeline.stage("prospecting").id
    # Editing is not a stage change: the history is untouched.
    assert len(transitions(db, deal.id)) == 1


def test_update_deal_without_a_real_change_keeps_the_version(db: Database, rep: int) -> None:
    deal = new_deal(db, rep, title="Same", amount="10")
    before = snapshot(db)
    out = deals.update_deal(
        db, deal.id, by=rep, expected_version=1, changes={"title": " Same ", "amount": "10.00"}
    )
    assert not out.changes.touches(Change.ALL)
    assert snapshot(db) == before


def _update_dup_ref(ctx: Ctx) -> dict[str, Any]:
    new_deal(ctx.db, ctx.admin_id, title="Other", external_ref="ERP-9")
    return {"external_ref": "ERP-9"}


def _update_foreign_contact(ctx: Ctx) -> dict[str, Any]:
    other = customers.create_customer(ctx.db, by=ctx.admin_id, company="Elsewhere").value
    contact = customers.create_contact(ctx.db, other.id, by=ctx.admin_id, name="Eve").value
    return {"contact_id": contact.id}


UPDATE_ERRORS: list[Any] = [
    pytest.param(
        lambda c: {"stage_id": c.pipeline.stage("quote").id},
        "stage_id",
        "not_allowed",
        id="stage_id",
    ),
    pytest.param(
        lambda c: {"created_at": utcnow() - timedelta(days=3)},
        "created_at",
        "not_allowed",
        id="created_at",
    ),
    pytest.param(lambda c: {"colour": "red"}, "colour", "not_allowed", id="unknown-field"),
    pytest.param(lambda c: {"title": "   "}, "title", "required", id="blank-title"),
    pytest.param(lambda c: {"title": "t" * 201}, "title", "too_long", id="long-title"),
    pytest.param(lambda c: {"amount": "-0.01"}, "amount", "negative", id="negative-amount"),
    pytest.param(lambda c: {"amount": "1.001"}, "amount", "invalid", id="amount-3-decimals"),
    pytest.param(lambda c: {"amount": None}, "amount", "required", id="amount-none"),
    pytest.param(lambda c: {"currency": None}, "currency", "required", id="currency-none"),
    pytest.param(
        lambda c: {"customer_id": 999_999}, "customer_id", "unknown", id="unknown-customer"
    ),
    pytest.param(_update_foreign_contact, "contact_id", "invalid", id="foreign-contact"),
    pytest.param(_update_dup_ref, "external_ref", "duplicate", id="duplicate-ref"),
    pytest.param(
        lambda c: {"expected_close": utcnow()}, "expected_close", "invalid", id="close-not-date"
    ),
    pytest.param(lambda c: {"notes": "n" * 20_001}, "notes", "too_long", id="notes-too-long"),
]


@pytest.mark.parametrize(("make_changes", "field", "code"), UPDATE_ERRORS)
def test_update_deal_refuses_bad_input(
    db: Database,
    admin_id: int,
    pipeline: PipelineInfo,
    make_user: Callable[..., int],
    make_changes: Callable[[Ctx], dict[str, Any]],
    field: str,
    code: str,
) -> None:
    deal = new_deal(db, admin_id, title="Keep me", amount=5)
    changes = make_changes(Ctx(db, admin_id, pipeline, make_user))
    before = snapshot(db)

    with pytest.raises(ValidationError) as exc:
        deals.update_deal(db, deal.id, by=admin_id, expected_version=1, changes=changes)

    assert exc.value.fields == [field]
    assert exc.value.errors[0].code == code
    assert snapshot(db) == before


def test_rep_cannot_reassign_their_deal(db: Database, rep: int, other_rep: int) -> None:
    deal = new_deal(db, rep)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        deals.update_deal(db, deal.id, by=rep, expected_version=1, changes={"owner_id": other_rep})
    assert exc.value.fields == ["owner_id"]
    assert exc.value.errors[0].code == "not_allowed"
    assert snapshot(db) == before


def test_manager_can_reassign_a_deal(db: Database, manager: int, rep: int, other_rep: int) -> None:
    deal = new_deal(db, rep)
    deals.update_deal(db, deal.id, by=manager, expected_version=1, changes={"owner_id": other_rep})
    raw = deal_row(db, deal.id)
    assert raw.owner_id == other_rep
    assert raw.version == 2
    assert raw.updated_by_id == manager


def test_manager_cannot_reassign_to_a_disabled_user(
    db: Database, admin_id: int, manager: int, rep: int, other_rep: int
) -> None:
    deal = new_deal(db, rep)
    users.set_active(db, other_rep, False, by=admin_id)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        deals.update_deal(
            db, deal.id, by=manager, expected_version=1, changes={"owner_id": other_rep}
        )
    assert (exc.value.fields, exc.value.errors[0].code) == (["owner_id"], "inactive")
    assert snapshot(db) == before


# --- delete_deal ---------------------------------------------------------------------------


def test_delete_deal_keeps_customer_activities_and_drops_the_rest(
    db: Database, pipeline: PipelineInfo, admin_id: int, customer_id: int
) -> None:
    deal = new_deal(db, admin_id, title="To delete")
    # Logged while the deal had no customer: it belongs to the deal alone.
    deal_only = activities.log_activity(
        db, by=admin_id, kind="call", subject="intro", deal_id=deal.id
    ).value
    deals.update_deal(
        db, deal.id, by=admin_id, expected_version=1, changes={"customer_id": customer_id}
    )
    # Logged after: it belongs to the deal and to its customer.
    with_customer = activities.log_activity(
        db, by=admin_id, kind="meeting", subject="demo", deal_id=deal.id
    ).value
    assert with_customer.customer_id == customer_id
    move(db, deal, pipeline.stage("quote").id, admin_id)
    keeper = new_deal(db, admin_id, title="Unrelated")
    move(db, keeper, pipeline.stage("quote").id, admin_id)
    keeper_history = transitions(db, keeper.id)

    out = deals.delete_deal(db, deal.id, by=admin_id, expected_version=3)

    assert out.changes.deal_ids == {deal.id}
    assert count(db, "deals", "id = :id", id=deal.id) == 0
    assert count(db, "stage_transitions", "deal_id = :id", id=deal.id) == 0
    assert count(db, "activities", "id = :id", id=deal_only.id) == 0
    kept = scalar(db, "SELECT deal_id FROM activities WHERE id = :id", id=with_customer.id)
    assert kept is None
    assert (
        scalar(db, "SELECT customer_id FROM activities WHERE id = :id", id=with_customer.id)
        == customer_id
    )
    assert [a.id for a in activities.list_activities(db, customer_id=customer_id)] == [
        with_customer.id
    ]
    assert transitions(db, keeper.id) == keeper_history
    assert count(db, "customers", "id = :id", id=customer_id) == 1


# --- move_deal -----------------------------------------------------------------------------


def test_move_deal_writes_exactly_one_transition(
    db: Database, pipeline: PipelineInfo, rep: int
) -> None:
    deal = new_deal(db, rep)
    t0 = utcnow()
    out = deals.move_deal(db, deal.id, pipeline.stage("quote").id, by=rep, expected_version=1)
    t1 = utcnow()

    assert out.changes.touches(Change.TRANSITIONS)
    history = transitions(db, deal.id)
    assert len(history) == 2
    last = history[-1]
    assert last.from_stage_id == pipeline.stage("prospecting").id
    assert last.to_stage_id == pipeline.stage("quote").id
    assert last.by_user_id == rep
    at = as_utc(last.at)
    assert at is not None and t0 <= at <= t1
    raw = deal_row(db, deal.id)
    assert raw.stage_id == pipeline.stage("quote").id
    assert as_utc(raw.stage_entered_at) == at
    assert raw.version == 2
    assert raw.closed_at is None
    assert as_utc(raw.created_at) == deal.created_at  # the first contact never moves


def test_moving_back_and_skipping_stages_is_recorded(
    db: Database, pipeline: PipelineInfo, rep: int
) -> None:
    deal = new_deal(db, rep)
    path = ["contract", "qualification", "quote"]
    for key in path:
        move(db, deal, pipeline.stage(key).id, rep)
    history = transitions(db, deal.id)
    assert [t.to_stage_id for t in history] == [
        pipeline.stage(k).id for k in ["prospecting", *path]
    ]
    assert [t.from_stage_id for t in history[1:]] == [t.to_stage_id for t in history[:-1]]
    assert deal_row(db, deal.id).version == 1 + len(path)


def test_won_sets_closed_at_now_and_confirms_amount(
    db: Database, pipeline: PipelineInfo, rep: int
) -> None:
    deal = new_deal(db, rep, amount="1000")
    t0 = utcnow()
    out = deals.move_deal(
        db, deal.id, pipeline.won_stage.id, by=rep, expected_version=1, amount="1200.50"
    )
    t1 = utcnow()

    assert out.value.stage_kind is StageKind.WON
    stored = deals.get_deal(db, deal.id)
    assert stored.closed_at is not None and t0 <= stored.closed_at <= t1
    assert stored.stage_entered_at == stored.closed_at
    assert stored.amount == Decimal("1200.50")
    assert stored.lost_reason_id is None and stored.lost_at_stage_id is None
    assert as_utc(transitions(db, deal.id)[-1].at) == stored.closed_at


def test_won_with_a_given_close_date(db: Database, pipeline: PipelineInfo, rep: int) -> None:
    deal = new_deal(db, rep, created_at=utcnow() - timedelta(days=20))
    closed = utcnow() - timedelta(days=2)
    deals.move_deal(
        db, deal.id, pipeline.won_stage.id, by=rep, expected_version=1, closed_at=closed
    )

    raw = deal_row(db, deal.id)
    assert as_utc(raw.closed_at) == closed
    assert as_utc(raw.stage_entered_at) == closed
    last = transitions(db, deal.id)[-1]
    assert (last.to_stage_id, as_utc(last.at)) == (pipeline.won_stage.id, closed)


def test_lost_records_reason_and_the_stage_it_was_lost_in(
    db: Database, pipeline: PipelineInfo, rep: int, lost_reason_id: int
) -> None:
    deal = new_deal(db, rep)
    move(db, deal, pipeline.stage("quote").id, rep)
    move(db, deal, pipeline.lost_stage.id, rep, lost_reason_id=lost_reason_id)

    stored = deals.get_deal(db, deal.id)
    assert stored.stage_kind is StageKind.LOST
    assert stored.closed_at is not None
    assert stored.lost_reason_id == lost_reason_id
    assert stored.lost_at_stage_id == pipeline.stage("quote").id
    raw = deal_row(db, deal.id)
    assert (raw.lost_reason_id, raw.lost_at_stage_id) == (
        lost_reason_id,
        pipeline.stage("quote").id,
    )


def test_lost_requires_a_lost_reason(db: Database, pipeline: PipelineInfo, rep: int) -> None:
    deal = new_deal(db, rep)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        deals.move_deal(db, deal.id, pipeline.lost_stage.id, by=rep, expected_version=1)
    assert exc.value.fields == ["lost_reason_id"]
    assert exc.value.errors[0].code == "required"
    assert "lost_reason_id" in str(exc.value)
    assert snapshot(db) == before


def test_lost_after_won_records_the_last_open_stage(
    db: Database, pipeline: PipelineInfo, rep: int, lost_reason_id: int
) -> None:
    deal = new_deal(db, rep)
    # contract, then back to quote: the last open stage is quote, not the furthest one.
    move(db, deal, pipeline.stage("contract").id, rep)
    move(db, deal, pipeline.stage("quote").id, rep)
    move(db, deal, pipeline.won_stage.id, rep)
    move(db, deal, pipeline.lost_stage.id, rep, lost_reason_id=lost_reason_id)

    raw = deal_row(db, deal.id)
    assert raw.stage_id == pipeline.lost_stage.id
    assert raw.lost_at_stage_id == pipeline.stage("quote").id
    assert raw.lost_reason_id == lost_reason_id
    assert raw.closed_at is not None


def test_won_after_lost_clears_the_loss(
    db: Database, pipeline: PipelineInfo, rep: int, lost_reason_id: int
) -> None:
    deal = new_deal(db, rep)
    move(db, deal, pipeline.lost_stage.id, rep, lost_reason_id=lost_reason_id)
    move(db, deal, pipeline.won_stage.id, rep)
    raw = deal_row(db, deal.id)
    assert raw.stage_id == pipeline.won_stage.id
    assert raw.closed_at is not None
    assert raw.lost_reason_id is None and raw.lost_at_stage_id is None


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_reopening_clears_the_close(
    db: Database, pipeline: PipelineInfo, rep: int, lost_reason_id: int, outcome: str
) -> None:
    deal = new_deal(db, rep)
    move(db, deal, pipeline.stage("contract").id, rep)
    extra = {"lost_reason_id": lost_reason_id} if outcome == "lost" else {}
    move(db, deal, pipeline.stage(outcome).id, rep, **extra)
    assert deal_row(db, deal.id).closed_at is not None

    reopened = move(db, deal, pipeline.stage("quote").id, rep)

    assert reopened.stage_kind is StageKind.OPEN
    raw = deal_row(db, deal.id)
    assert raw.stage_id == pipeline.stage("quote").id
    assert raw.closed_at is None
    assert raw.lost_reason_id is None
    assert raw.lost_at_stage_id is None
    assert raw.version == 4
    last = transitions(db, deal.id)[-1]
    assert (last.from_stage_id, last.to_stage_id) == (
        pipeline.stage(outcome).id,
        pipeline.stage("quote").id,
    )
    assert as_utc(raw.stage_entered_at) == as_utc(last.at)


@pytest.mark.parametrize("key", ["prospecting", "won"])
def test_moving_to_the_current_stage_writes_nothing(
    db: Database, pipeline: PipelineInfo, rep: int, key: str
) -> None:
    deal = new_deal(db, rep)
    if key != "prospecting":
        move(db, deal, pipeline.stage(key).id, rep)
    current = deals.get_deal(db, deal.id)
    before = snapshot(db)

    out = deals.move_deal(
        db, deal.id, pipeline.stage(key).id, by=rep, expected_version=current.version
    )

    assert not out.changes.touches(Change.ALL)
    assert out.value.version == current.version
    assert snapshot(db) == before


def _retired_reason(ctx: Ctx) -> dict[str, Any]:
    reason = lists.list_items(ctx.db, "lost_reasons")[-1]
    lists.update_item(ctx.db, "lost_reasons", reason.id, by=ctx.admin_id, active=False)
    return {"stage": "lost", "lost_reason_id": reason.id}


def _first_reason(ctx: Ctx) -> int:
    return lists.list_items(ctx.db, "lost_reasons")[0].id


def _entered_quote_now(ctx: Ctx) -> dict[str, Any]:
    return {"before": "quote", "stage": "won", "closed_at": utcnow() - timedelta(days=1)}


MOVE_ERRORS: list[Any] = [
    pytest.param(
        lambda c: {"stage": "won", "closed_at": utcnow() - timedelta(days=11)},
        "closed_at",
        "before_created",
        id="closed-before-created",
    ),
    pytest.param(
        lambda c: {
            "stage": "lost",
            "lost_reason_id": _first_reason(c),
            "closed_at": utcnow() - timedelta(days=11),
        },
        "closed_at",
        "before_created",
        id="lost-closed-before-created",
    ),
    pytest.param(_entered_quote_now, "closed_at", "invalid", id="closed-before-stage-entered"),
    pytest.param(
        lambda c: {"stage": "won", "closed_at": utcnow() + timedelta(days=1)},
        "closed_at",
        "in_future",
        id="closed-in-future",
    ),
    pytest.param(
        lambda c: {"stage": "won", "closed_at": datetime(2026, 1, 1)},
        "closed_at",
        "invalid",
        id="closed-naive",
    ),
    pytest.param(
        lambda c: {"stage": "quote", "closed_at": utcnow()},
        "closed_at",
        "not_allowed",
        id="close-date-on-open-move",
    ),
    pytest.param(lambda c: {"stage": "lost"}, "lost_reason_id", "required", id="no-reason"),
    pytest.param(
        lambda c: {"stage": "lost", "lost_reason_id": 999_999},
        "lost_reason_id",
        "unknown",
        id="unknown-reason",
    ),
    pytest.param(_retired_reason, "lost_reason_id", "inactive", id="retired-reason"),
    pytest.param(
        lambda c: {"stage": "won", "lost_reason_id": _first_reason(c)},
        "lost_reason_id",
        "not_allowed",
        id="reason-on-won",
    ),
    pytest.param(
        lambda c: {"stage": "won", "amount": "99.999"}, "amount", "invalid", id="won-bad-amount"
    ),
    pytest.param(
        lambda c: {"stage": "won", "amount": -3}, "amount", "negative", id="won-negative-amount"
    ),
    pytest.param(lambda c: {"stage_id": 999_999}, "stage_id", "unknown", id="unknown-stage"),
    pytest.param(
        lambda c: {"stage_id": add_second_pipeline(c.db)[1]},
        "stage_id",
        "invalid",
        id="stage-of-another-pipeline",
    ),
]


@pytest.mark.parametrize(("make_args", "field", "code"), MOVE_ERRORS)
def test_move_deal_refuses_bad_input(
    db: Database,
    admin_id: int,
    pipeline: PipelineInfo,
    make_user: Callable[..., int],
    make_args: Callable[[Ctx], dict[str, Any]],
    field: str,
    code: str,
) -> None:
    deal = new_deal(db, admin_id, created_at=utcnow() - timedelta(days=10))
    args = make_args(Ctx(db, admin_id, pipeline, make_user))
    if "before" in args:
        move(db, deal, pipeline.stage(args.pop("before")).id, admin_id)
    stage_id = args.pop("stage_id") if "stage_id" in args else pipeline.stage(args.pop("stage")).id
    version = deals.get_deal(db, deal.id).version
    before = snapshot(db)

    with pytest.raises(ValidationError) as exc:
        deals.move_deal(db, deal.id, stage_id, by=admin_id, expected_version=version, **args)

    assert exc.value.fields == [field]
    assert exc.value.errors[0].code == code
    assert snapshot(db) == before


def test_history_never_runs_backwards_under_clock_skew(
    db: Database, pipeline: PipelineInfo, admin_id: int
) -> None:
    # Another PC's clock is two minutes ahead: tolerated at creation (clock skew).
    ahead = utcnow() + timedelta(minutes=2)
    deal = new_deal(db, admin_id, created_at=ahead)
    move(db, deal, pipeline.stage("quote").id, admin_id)
    move(db, deal, pipeline.won_stage.id, admin_id)

    ats = [as_utc(t.at) for t in transitions(db, deal.id)]
    assert ats == sorted(ats)  # type: ignore[type-var]
    assert ats[0] == ahead
    raw = deal_row(db, deal.id)
    assert as_utc(raw.stage_entered_at) == ats[-1]
    assert as_utc(raw.closed_at) == ats[-1]


def test_close_date_on_the_day_of_creation_is_accepted(
    db: Database, pipeline: PipelineInfo, admin_id: int
) -> None:
    created = utcnow() - timedelta(days=10)
    deal = new_deal(db, admin_id, created_at=created)
    deals.move_deal(
        db, deal.id, pipeline.won_stage.id, by=admin_id, expected_version=1, closed_at=created
    )
    assert as_utc(deal_row(db, deal.id).closed_at) == created


# --- optimistic locking --------------------------------------------------------------------


def _stale_move(db: Database, deal_id: int, by: int, p: PipelineInfo) -> None:
    deals.move_deal(db, deal_id, p.stage("contract").id, by=by, expected_version=1)


def _stale_update(db: Database, deal_id: int, by: int, p: PipelineInfo) -> None:
    deals.update_deal(db, deal_id, by=by, expected_version=1, changes={"title": "Mine now"})


def _stale_delete(db: Database, deal_id: int, by: int, p: PipelineInfo) -> None:
    deals.delete_deal(db, deal_id, by=by, expected_version=1)


@pytest.mark.parametrize(
    "stale_call",
    [
        pytest.param(_stale_move, id="move"),
        pytest.param(_stale_update, id="update"),
        pytest.param(_stale_delete, id="delete"),
    ],
)
def test_stale_version_raises_conflict_naming_who_and_when(
    db: Database,
    pipeline: PipelineInfo,
    rep: int,
    manager: int,
    stale_call: Callable[[Database, int, int, PipelineInfo], None],
) -> None:
    deal = new_deal(db, rep, title="Contested")
    deals.move_deal(db, deal.id, pipeline.stage("quote").id, by=manager, expected_version=1)
    changed_at = as_utc(deal_row(db, deal.id).updated_at)
    assert changed_at is not None
    before = snapshot(db)

    with pytest.raises(Conflict) as exc:
        stale_call(db, deal.id, rep, pipeline)

    err = exc.value
    assert err.changed_by == "Mia Manager"
    assert err.changed_at == changed_at
    assert (err.expected_version, err.current_version) == (1, 2)
    assert "Mia Manager" in str(err)
    assert changed_at.isoformat(timespec="seconds") in str(err)
    assert snapshot(db) == before
    raw = deal_row(db, deal.id)
    assert (raw.stage_id, raw.version) == (pipeline.stage("quote").id, 2)
    assert len(transitions(db, deal.id)) == 2


# --- permissions ---------------------------------------------------------------------------


def _move_other(db: Database, deal_id: int, by: int, p: PipelineInfo) -> None:
    deals.move_deal(db, deal_id, p.stage("quote").id, by=by, expected_version=1)


def _edit_other(db: Database, deal_id: int, by: int, p: PipelineInfo) -> None:
    deals.update_deal(db, deal_id, by=by, expected_version=1, changes={"amount": 1})


def _delete_other(db: Database, deal_id: int, by: int, p: PipelineInfo) -> None:
    deals.delete_deal(db, deal_id, by=by, expected_version=1)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(_move_other, id="move"),
        pytest.param(_edit_other, id="edit"),
        pytest.param(_delete_other, id="delete"),
    ],
)
def test_rep_cannot_touch_another_reps_deal(
    db: Database,
    pipeline: PipelineInfo,
    rep: int,
    other_rep: int,
    call: Callable[[Database, int, int, PipelineInfo], None],
) -> None:
    deal = new_deal(db, other_rep)
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        call(db, deal.id, rep, pipeline)
    assert snapshot(db) == before


def test_rep_moves_own_deal_and_manager_moves_any(
    db: Database, pipeline: PipelineInfo, rep: int, manager: int
) -> None:
    deal = new_deal(db, rep)
    deals.move_deal(db, deal.id, pipeline.stage("quote").id, by=rep, expected_version=1)
    deals.move_deal(db, deal.id, pipeline.stage("contract").id, by=manager, expected_version=2)
    history = transitions(db, deal.id)
    assert [(t.to_stage_id, t.by_user_id) for t in history[1:]] == [
        (pipeline.stage("quote").id, rep),
        (pipeline.stage("contract").id, manager),
    ]
    assert deal_row(db, deal.id).updated_by_id == manager


# --- the append-only history ---------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE stage_transitions SET to_stage_id = :other WHERE deal_id = :deal",
        "UPDATE stage_transitions SET at = at WHERE deal_id = :deal",
    ],
    ids=["rewrite-stage", "touch-timestamp"],
)
def test_stage_transitions_refuse_update(
    db: Database, pipeline: PipelineInfo, admin_id: int, statement: str
) -> None:
    deal = new_deal(db, admin_id)
    move(db, deal, pipeline.stage("quote").id, admin_id)
    before = transitions(db, deal.id)

    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text(statement), {"other": pipeline.stage("contract").id, "deal": deal.id})

    assert transitions(db, deal.id) == before


# --- removed stages ------------------------------------------------------------------------


def _retire_prospecting(db: Database, pipeline: PipelineInfo, admin_id: int) -> int:
    """Use the first stage once, empty it and remove it: it is kept inactive for history."""
    used = new_deal(db, admin_id, title="Used prospecting")
    move(db, used, pipeline.stage("qualification").id, admin_id)
    pipelines.remove_stage(db, pipeline.stage("prospecting").id, by=admin_id)
    assert scalar(
        db, "SELECT active FROM stages WHERE id = :id", id=pipeline.stage("prospecting").id
    ) in (False, 0)
    return used.id


# Regression: until 7f738f6, _first_open_stage ignored Stage.active and move_deal/create_deal
# accepted a removed stage, so deals landed in a stage the board no longer shows.


def test_new_deal_does_not_start_in_a_removed_stage(
    db: Database, pipeline: PipelineInfo, admin_id: int
) -> None:
    _retire_prospecting(db, pipeline, admin_id)
    visible = pipelines.get_pipeline(db).open_stages
    deal = new_deal(db, admin_id, title="Fresh")
    assert deal_row(db, deal.id).stage_id == visible[0].id == pipeline.stage("qualification").id
    (first,) = transitions(db, deal.id)
    assert first.to_stage_id == pipeline.stage("qualification").id


def test_deal_cannot_be_created_in_a_removed_stage(
    db: Database, pipeline: PipelineInfo, admin_id: int
) -> None:
    _retire_prospecting(db, pipeline, admin_id)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        deals.create_deal(
            db, by=admin_id, title="Into the void", stage_id=pipeline.stage("prospecting").id
        )
    assert (exc.value.fields, exc.value.errors[0].code) == (["stage_id"], "inactive")
    assert snapshot(db) == before


def test_deal_cannot_be_moved_into_a_removed_stage(
    db: Database, pipeline: PipelineInfo, admin_id: int
) -> None:
    used_id = _retire_prospecting(db, pipeline, admin_id)
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        deals.move_deal(
            db, used_id, pipeline.stage("prospecting").id, by=admin_id, expected_version=2
        )
    assert (exc.value.fields, exc.value.errors[0].code) == (["stage_id"], "inactive")
    assert snapshot(db) == before
