"""crmdesk.services.lists, .targets and .users."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    PermissionDenied,
    PipelineInfo,
    Role,
    TargetMetric,
    ValidationError,
)
from crmdesk.services import customers, deals, lists, targets, users

from ._helpers import as_money, count, row, rows, scalar, snapshot

# --- lists: lead sources and lost reasons ----------------------------------------------------


@pytest.mark.parametrize("which", ["sources", "lost_reasons"])
def test_add_item_goes_last(db: Database, manager: int, which: Any) -> None:
    existing = lists.list_items(db, which)
    out = lists.add_item(db, which, by=manager, name=" Trade fair ", names={"zh_CN": "博览会"})
    assert out.changes.touches(Change.LISTS)
    listed = lists.list_items(db, which)
    assert [x.id for x in listed] == [*(x.id for x in existing), out.value.id]
    assert listed[-1].name == "Trade fair"
    assert listed[-1].label("zh_CN") == "博览会"
    assert listed[-1].position > max(x.position for x in existing)


@pytest.mark.parametrize(
    ("which", "name", "code"),
    [
        pytest.param("sources", "Website", "duplicate", id="duplicate-source"),
        pytest.param("lost_reasons", "No budget", "duplicate", id="duplicate-reason"),
        pytest.param("sources", "  ", "required", id="blank"),
        pytest.param("sources", "s" * 101, "too_long", id="too-long"),
    ],
)
def test_add_item_refuses_bad_names(
    db: Database, manager: int, which: Any, name: str, code: str
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        lists.add_item(db, which, by=manager, name=name)
    assert (exc.value.fields, exc.value.errors[0].code) == (["name"], code)
    assert snapshot(db) == before


def test_rename_item_and_refuse_a_taken_name(db: Database, manager: int) -> None:
    website = next(x for x in lists.list_items(db, "sources") if x.name == "Website")
    lists.update_item(db, "sources", website.id, by=manager, name="Web site")
    assert scalar(db, "SELECT name FROM lead_sources WHERE id = :id", id=website.id) == "Web site"
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        lists.update_item(db, "sources", website.id, by=manager, name="Referral")
    assert (exc.value.fields, exc.value.errors[0].code) == (["name"], "duplicate")
    assert snapshot(db) == before


def test_removing_an_unused_item_deletes_it(db: Database, manager: int) -> None:
    item = lists.add_item(db, "sources", by=manager, name="Billboard").value
    lists.remove_item(db, "sources", item.id, by=manager)
    assert count(db, "lead_sources", "id = :id", id=item.id) == 0


def test_removing_a_used_source_retires_it(db: Database, manager: int, rep: int) -> None:
    source = lists.list_items(db, "sources")[0]
    other = lists.list_items(db, "sources")[1]
    cust = customers.create_customer(db, by=rep, company="Via web", source_id=source.id).value
    deal = deals.create_deal(db, by=rep, title="Via partner", source_id=other.id).value

    lists.remove_item(db, "sources", source.id, by=manager)
    lists.remove_item(db, "sources", other.id, by=manager)

    for item in (source, other):
        assert scalar(db, "SELECT active FROM lead_sources WHERE id = :id", id=item.id) in (
            False,
            0,
        )
        assert item.id not in [x.id for x in lists.list_items(db, "sources")]
        assert item.id in [x.id for x in lists.list_items(db, "sources", include_inactive=True)]
    # The old records keep their source.
    assert scalar(db, "SELECT source_id FROM customers WHERE id = :id", id=cust.id) == source.id
    assert scalar(db, "SELECT source_id FROM deals WHERE id = :id", id=deal.id) == other.id


def test_removing_a_used_lost_reason_retires_it(
    db: Database, pipeline: PipelineInfo, manager: int, rep: int, lost_reason_id: int
) -> None:
    deal = deals.create_deal(db, by=rep, title="Lost one").value
    deals.move_deal(
        db,
        deal.id,
        pipeline.lost_stage.id,
        by=rep,
        expected_version=1,
        lost_reason_id=lost_reason_id,
    )
    lists.remove_item(db, "lost_reasons", lost_reason_id, by=manager)
    assert scalar(db, "SELECT active FROM lost_reasons WHERE id = :id", id=lost_reason_id) in (
        False,
        0,
    )
    assert scalar(db, "SELECT lost_reason_id FROM deals WHERE id = :id", id=deal.id) == (
        lost_reason_id
    )
    assert lost_reason_id not in [x.id for x in lists.list_items(db, "lost_reasons")]


def test_reorder_items(db: Database, manager: int) -> None:
    ids = [x.id for x in lists.list_items(db, "lost_reasons")]
    wanted = list(reversed(ids))
    lists.reorder_items(db, "lost_reasons", wanted, by=manager)
    assert [x.id for x in lists.list_items(db, "lost_reasons")] == wanted
    before = snapshot(db)
    with pytest.raises(ValidationError):
        lists.reorder_items(db, "lost_reasons", [ids[0], ids[0]], by=manager)
    with pytest.raises(ValidationError):
        lists.reorder_items(db, "lost_reasons", [999_999], by=manager)
    assert snapshot(db) == before


def test_rep_cannot_edit_lists(db: Database, rep: int) -> None:
    source = lists.list_items(db, "sources")[0]
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        lists.add_item(db, "sources", by=rep, name="Mine")
    with pytest.raises(PermissionDenied):
        lists.update_item(db, "sources", source.id, by=rep, name="Renamed")
    with pytest.raises(PermissionDenied):
        lists.remove_item(db, "sources", source.id, by=rep)
    assert snapshot(db) == before


# --- targets -------------------------------------------------------------------------------

Q1 = (date(2026, 1, 1), date(2026, 4, 1))


def target_rows(db: Database) -> list[Any]:
    return rows(
        db, "SELECT owner_id, metric, period_start, period_end, value FROM targets ORDER BY id"
    )


@pytest.mark.parametrize("owner", ["rep", "team"])
def test_setting_a_target_twice_replaces_it(
    db: Database, manager: int, rep: int, owner: str
) -> None:
    owner_id = rep if owner == "rep" else None
    first = targets.set_target(
        db,
        by=manager,
        owner_id=owner_id,
        metric="won_amount",
        period_start=Q1[0],
        period_end=Q1[1],
        value="50000",
    ).value
    second = targets.set_target(
        db,
        by=manager,
        owner_id=owner_id,
        metric=TargetMetric.WON_AMOUNT,
        period_start=Q1[0],
        period_end=Q1[1],
        value="65000.50",
    ).value

    assert second.id == first.id
    stored = target_rows(db)
    assert len(stored) == 1
    assert stored[0].owner_id == owner_id
    assert stored[0].metric == "won_amount"
    assert as_money(stored[0].value) == Decimal("65000.50")
    assert [t.value for t in targets.list_targets(db)] == [Decimal("65000.50")]


def test_targets_for_different_people_and_periods_are_separate(
    db: Database, manager: int, rep: int, other_rep: int
) -> None:
    for owner in (rep, other_rep, None):
        targets.set_target(
            db,
            by=manager,
            owner_id=owner,
            metric="won_count",
            period_start=Q1[0],
            period_end=Q1[1],
            value=10,
        )
    targets.set_target(
        db,
        by=manager,
        owner_id=rep,
        metric="won_count",
        period_start=date(2026, 4, 1),
        period_end=date(2026, 7, 1),
        value=12,
    )
    assert count(db, "targets") == 4
    in_q2 = targets.list_targets(db, start=date(2026, 4, 1), end=date(2026, 7, 1))
    assert [(t.owner_id, t.value) for t in in_q2] == [(rep, Decimal("12.00"))]


def test_delete_target(db: Database, manager: int) -> None:
    t = targets.set_target(
        db,
        by=manager,
        owner_id=None,
        metric="activities_done",
        period_start=Q1[0],
        period_end=Q1[1],
        value=300,
    ).value
    targets.delete_target(db, t.id, by=manager)
    assert count(db, "targets") == 0


TARGET_ERRORS: list[Any] = [
    pytest.param({"period_end": Q1[0]}, "period_end", "invalid", id="end-equals-start"),
    pytest.param({"period_end": date(2025, 12, 1)}, "period_end", "invalid", id="end-before"),
    pytest.param(
        {"metric": "won_count", "value": "2.5"}, "value", "invalid", id="fractional-count"
    ),
    pytest.param(
        {"metric": "new_customers", "value": "0.5"}, "value", "invalid", id="fractional-new"
    ),
    pytest.param({"metric": "revenue"}, "metric", "invalid", id="unknown-metric"),
    pytest.param({"value": -1}, "value", "negative", id="negative"),
    pytest.param({"owner_id": 999_999}, "owner_id", "unknown", id="unknown-owner"),
    pytest.param(
        {"period_start": datetime(2026, 1, 1)}, "period_start", "invalid", id="start-not-date"
    ),
    pytest.param({"period_end": None}, "period_end", "required", id="no-end"),
]


@pytest.mark.parametrize(("overrides", "field", "code"), TARGET_ERRORS)
def test_set_target_refuses_bad_input(
    db: Database, manager: int, overrides: dict[str, Any], field: str, code: str
) -> None:
    kwargs: dict[str, Any] = {
        "owner_id": None,
        "metric": "won_amount",
        "period_start": Q1[0],
        "period_end": Q1[1],
        "value": "1000",
        **overrides,
    }
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        targets.set_target(db, by=manager, **kwargs)
    assert (exc.value.fields, exc.value.errors[0].code) == ([field], code)
    assert snapshot(db) == before


def test_fractional_amount_target_is_fine(db: Database, manager: int) -> None:
    targets.set_target(
        db,
        by=manager,
        owner_id=None,
        metric="won_amount",
        period_start=Q1[0],
        period_end=Q1[1],
        value="1000.25",
    )
    assert as_money(row(db, "SELECT value FROM targets").value) == Decimal("1000.25")


def test_rep_cannot_set_targets(db: Database, rep: int) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        targets.set_target(
            db,
            by=rep,
            owner_id=rep,
            metric="won_amount",
            period_start=Q1[0],
            period_end=Q1[1],
            value=1,
        )
    assert snapshot(db) == before


# --- users ---------------------------------------------------------------------------------


def test_create_user(db: Database, admin_id: int) -> None:
    out = users.create_user(
        db,
        by=admin_id,
        name=" Sam Seller ",
        login="sam.s",
        role="manager",
        email="sam@example.com",
    )
    assert out.changes.touches(Change.USERS)
    raw = row(db, "SELECT * FROM users WHERE id = :id", id=out.value.id)
    assert (raw.name, raw.login, raw.role, raw.email) == (
        "Sam Seller",
        "sam.s",
        "manager",
        "sam@example.com",
    )
    assert raw.active in (True, 1)
    assert users.find_user(db, "SAM.S") == out.value
    assert out.value.initials == "SS"


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        pytest.param({"login": "admin"}, "login", "duplicate", id="duplicate-login"),
        pytest.param({"login": "two words"}, "login", "invalid", id="login-with-space"),
        pytest.param({"login": ""}, "login", "required", id="no-login"),
        pytest.param({"role": "superuser"}, "role", "invalid", id="invalid-role"),
        pytest.param({"name": "  "}, "name", "required", id="no-name"),
    ],
)
def test_create_user_refuses_bad_input(
    db: Database, admin_id: int, kwargs: dict[str, Any], field: str, code: str
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        users.create_user(db, by=admin_id, **{"name": "New", "login": "new", **kwargs})
    assert (exc.value.fields, exc.value.errors[0].code) == ([field], code)
    assert snapshot(db) == before


def test_only_an_admin_manages_users(db: Database, manager: int, rep: int) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        users.create_user(db, by=manager, name="X", login="x")
    with pytest.raises(PermissionDenied):
        users.set_role(db, rep, Role.MANAGER, by=manager)
    with pytest.raises(PermissionDenied):
        users.set_active(db, rep, False, by=manager)
    assert snapshot(db) == before


def test_cannot_demote_or_disable_the_last_admin(db: Database, admin_id: int) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        users.set_role(db, admin_id, Role.MANAGER, by=admin_id)
    assert exc.value.errors[0].code == "not_allowed"
    with pytest.raises(ValidationError) as exc:
        users.set_active(db, admin_id, False, by=admin_id)
    assert exc.value.errors[0].code == "not_allowed"
    assert snapshot(db) == before


def test_a_disabled_second_admin_does_not_count(
    db: Database, admin_id: int, make_user: Any
) -> None:
    second = make_user("admin")
    users.set_active(db, second, False, by=admin_id)
    before = snapshot(db)
    with pytest.raises(ValidationError):
        users.set_role(db, admin_id, Role.REP, by=admin_id)
    assert snapshot(db) == before


def test_with_a_second_admin_one_can_step_down(db: Database, admin_id: int, make_user: Any) -> None:
    second = make_user("admin")
    users.set_role(db, admin_id, Role.MANAGER, by=second)
    assert scalar(db, "SELECT role FROM users WHERE id = :id", id=admin_id) == "manager"
    # ...and now the second is the last one.
    with pytest.raises(ValidationError):
        users.set_active(db, second, False, by=second)
    assert scalar(db, "SELECT active FROM users WHERE id = :id", id=second) in (True, 1)


def test_disable_and_enable_a_user(db: Database, admin_id: int, rep: int) -> None:
    users.set_active(db, rep, False, by=admin_id)
    assert rep not in [u.id for u in users.list_users(db)]
    assert rep in [u.id for u in users.list_users(db, include_inactive=True)]
    with pytest.raises(PermissionDenied):
        deals.create_deal(db, by=rep, title="While disabled")
    users.set_active(db, rep, True, by=admin_id)
    deal = deals.create_deal(db, by=rep, title="Back again").value
    assert scalar(db, "SELECT owner_id FROM deals WHERE id = :id", id=deal.id) == rep


def test_set_role_refuses_an_invalid_role(db: Database, admin_id: int, rep: int) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        users.set_role(db, rep, "boss", by=admin_id)
    assert (exc.value.fields, exc.value.errors[0].code) == (["role"], "invalid")
    assert snapshot(db) == before
