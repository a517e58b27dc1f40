"""crmdesk.services.customers: customers and their contacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain import Change, Conflict, NotFound, PermissionDenied, ValidationError
from crmdesk.services import activities, customers, deals, lists, users

from ._helpers import as_utc, count, row, scalar, snapshot


def utcnow() -> datetime:
    return datetime.now(UTC)


def customer_row(db: Database, customer_id: int) -> Any:
    return row(db, "SELECT * FROM customers WHERE id = :id", id=customer_id)


# --- customers -----------------------------------------------------------------------------


def test_create_customer_stores_clean_fields(db: Database, rep: int) -> None:
    source = lists.list_items(db, "sources")[0]
    t0 = utcnow()
    out = customers.create_customer(
        db,
        by=rep,
        company="  Initech  ",
        industry="Software",
        source_id=source.id,
        phone=" +1 555 0100 ",
        email="ops@initech.example",
        website="https://initech.example",
        address="4120 Freidrich Lane",
        notes="",
        external_ref="ERP-C-1",
    )
    t1 = utcnow()

    assert out.changes.touches(Change.CUSTOMERS)
    assert out.changes.customer_ids == {out.value.id}
    raw = customer_row(db, out.value.id)
    assert raw.company == "Initech"
    assert raw.phone == "+1 555 0100"
    assert raw.email == "ops@initech.example"
    assert raw.notes is None  # blank text is stored as NULL
    assert raw.source_id == source.id
    assert raw.owner_id == rep  # the actor owns what they create
    assert raw.external_ref == "ERP-C-1"
    assert raw.version == 1
    created = as_utc(raw.created_at)
    assert created is not None and t0 <= created <= t1
    assert customers.get_customer(db, out.value.id) == out.value


def test_create_customer_with_a_past_first_contact(db: Database, admin_id: int) -> None:
    first = utcnow() - timedelta(days=400)
    cust = customers.create_customer(db, by=admin_id, company="Old Friend", created_at=first)
    assert as_utc(customer_row(db, cust.value.id).created_at) == first


def _dup_customer_ref(db: Database, admin_id: int) -> dict[str, Any]:
    customers.create_customer(db, by=admin_id, company="Taken", external_ref="C-1")
    return {"external_ref": "C-1"}


def _inactive_owner(db: Database, admin_id: int) -> dict[str, Any]:
    uid = users.create_user(db, by=admin_id, name="Gone", login="gone").value.id
    users.set_active(db, uid, False, by=admin_id)
    return {"owner_id": uid}


CUSTOMER_ERRORS: list[Any] = [
    pytest.param(lambda db, a: {"company": ""}, "company", "required", id="no-company"),
    pytest.param(lambda db, a: {"company": "   "}, "company", "required", id="blank-company"),
    pytest.param(lambda db, a: {"company": "c" * 201}, "company", "too_long", id="long-company"),
    pytest.param(lambda db, a: {"email": "no-at-sign"}, "email", "invalid", id="email-no-at"),
    pytest.param(lambda db, a: {"email": "sales@"}, "email", "invalid", id="email-no-domain"),
    pytest.param(lambda db, a: {"email": "@acme.com"}, "email", "invalid", id="email-no-user"),
    pytest.param(lambda db, a: {"phone": "1" * 51}, "phone", "too_long", id="long-phone"),
    pytest.param(lambda db, a: {"source_id": 999_999}, "source_id", "unknown", id="bad-source"),
    pytest.param(lambda db, a: {"owner_id": 999_999}, "owner_id", "unknown", id="bad-owner"),
    pytest.param(_inactive_owner, "owner_id", "inactive", id="inactive-owner"),
    pytest.param(_dup_customer_ref, "external_ref", "duplicate", id="duplicate-ref"),
    pytest.param(
        lambda db, a: {"created_at": utcnow() + timedelta(days=2)},
        "created_at",
        "in_future",
        id="future-created",
    ),
]


@pytest.mark.parametrize(("make_kwargs", "field", "code"), CUSTOMER_ERRORS)
def test_create_customer_refuses_bad_input(
    db: Database, admin_id: int, make_kwargs: Any, field: str, code: str
) -> None:
    kwargs = {"company": "Acme", **make_kwargs(db, admin_id)}
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        customers.create_customer(db, by=admin_id, **kwargs)
    assert exc.value.fields == [field]
    assert exc.value.errors[0].code == code
    assert snapshot(db) == before


def test_rep_cannot_create_a_customer_for_someone_else(
    db: Database, rep: int, other_rep: int
) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        customers.create_customer(db, by=rep, company="Theirs", owner_id=other_rep)
    assert snapshot(db) == before


def test_update_customer_bumps_version_and_records_who(
    db: Database, rep: int, manager: int
) -> None:
    cust = customers.create_customer(db, by=rep, company="Hooli").value
    out = customers.update_customer(
        db,
        cust.id,
        by=rep,
        expected_version=1,
        changes={"email": "hi@hooli.example", "industry": " Tech "},
    )
    assert out.value.version == 2
    raw = customer_row(db, cust.id)
    assert (raw.email, raw.industry, raw.version, raw.updated_by_id) == (
        "hi@hooli.example",
        "Tech",
        2,
        rep,
    )

    # A manager may reassign it.
    customers.update_customer(
        db, cust.id, by=manager, expected_version=2, changes={"owner_id": manager}
    )
    raw = customer_row(db, cust.id)
    assert (raw.owner_id, raw.version, raw.updated_by_id) == (manager, 3, manager)


def test_update_customer_without_a_real_change_keeps_the_version(
    db: Database, admin_id: int
) -> None:
    cust = customers.create_customer(db, by=admin_id, company="Same Co").value
    before = snapshot(db)
    out = customers.update_customer(
        db, cust.id, by=admin_id, expected_version=1, changes={"company": " Same Co "}
    )
    assert not out.changes.touches(Change.ALL)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        pytest.param({"company": ""}, "company", "required", id="blank-company"),
        pytest.param({"email": "nope"}, "email", "invalid", id="bad-email"),
        pytest.param({"source_id": 999_999}, "source_id", "unknown", id="bad-source"),
        pytest.param({"created_at": utcnow()}, "created_at", "not_allowed", id="created_at"),
        pytest.param({"version": 7}, "version", "not_allowed", id="version"),
    ],
)
def test_update_customer_refuses_bad_input(
    db: Database, admin_id: int, changes: dict[str, Any], field: str, code: str
) -> None:
    cust = customers.create_customer(db, by=admin_id, company="Keep").value
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        customers.update_customer(db, cust.id, by=admin_id, expected_version=1, changes=changes)
    assert (exc.value.fields, exc.value.errors[0].code) == ([field], code)
    assert snapshot(db) == before


def test_update_customer_refuses_a_duplicate_external_ref(db: Database, admin_id: int) -> None:
    customers.create_customer(db, by=admin_id, company="A", external_ref="REF-A")
    b = customers.create_customer(db, by=admin_id, company="B", external_ref="REF-B").value
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        customers.update_customer(
            db, b.id, by=admin_id, expected_version=1, changes={"external_ref": "REF-A"}
        )
    assert (exc.value.fields, exc.value.errors[0].code) == (["external_ref"], "duplicate")
    assert snapshot(db) == before


def test_update_customer_stale_version_names_who_changed_it(
    db: Database, rep: int, manager: int
) -> None:
    cust = customers.create_customer(db, by=rep, company="Contested").value
    customers.update_customer(db, cust.id, by=manager, expected_version=1, changes={"phone": "1"})
    before = snapshot(db)
    with pytest.raises(Conflict) as exc:
        customers.update_customer(db, cust.id, by=rep, expected_version=1, changes={"phone": "2"})
    assert exc.value.changed_by == "Mia Manager"
    assert exc.value.changed_at == as_utc(customer_row(db, cust.id).updated_at)
    assert "Mia Manager" in str(exc.value)
    assert snapshot(db) == before


def test_rep_cannot_edit_or_delete_another_reps_customer(
    db: Database, rep: int, other_rep: int
) -> None:
    cust = customers.create_customer(db, by=other_rep, company="Not yours").value
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        customers.update_customer(
            db, cust.id, by=rep, expected_version=1, changes={"company": "Mine"}
        )
    with pytest.raises(PermissionDenied):
        customers.delete_customer(db, cust.id, by=rep)
    with pytest.raises(PermissionDenied):
        customers.create_contact(db, cust.id, by=rep, name="Sneaky")
    assert snapshot(db) == before


def test_rep_cannot_reassign_their_customer(db: Database, rep: int, other_rep: int) -> None:
    cust = customers.create_customer(db, by=rep, company="Mine").value
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        customers.update_customer(
            db, cust.id, by=rep, expected_version=1, changes={"owner_id": other_rep}
        )
    assert snapshot(db) == before


def test_delete_customer_is_refused_while_it_has_deals(
    db: Database, admin_id: int, customer_id: int
) -> None:
    first = deals.create_deal(db, by=admin_id, title="One", customer_id=customer_id).value
    deals.create_deal(db, by=admin_id, title="Two", customer_id=customer_id)
    before = snapshot(db)

    with pytest.raises(ValidationError) as exc:
        customers.delete_customer(db, customer_id, by=admin_id)

    assert exc.value.errors[0].code == "not_allowed"
    assert "2 deals" in str(exc.value)
    assert snapshot(db) == before
    assert count(db, "deals", "id = :id", id=first.id) == 1


def test_delete_customer_takes_its_contacts_and_activities(
    db: Database, admin_id: int, customer_id: int
) -> None:
    other = customers.create_customer(db, by=admin_id, company="Bystander").value
    customers.create_contact(db, customer_id, by=admin_id, name="Alice")
    customers.create_contact(db, other.id, by=admin_id, name="Bob")
    activities.log_activity(db, by=admin_id, kind="call", subject="hi", customer_id=customer_id)
    kept = activities.log_activity(
        db, by=admin_id, kind="call", subject="hi", customer_id=other.id
    ).value
    deal = deals.create_deal(db, by=admin_id, title="Gone soon", customer_id=customer_id).value
    deals.delete_deal(db, deal.id, by=admin_id, expected_version=1)

    out = customers.delete_customer(db, customer_id, by=admin_id)

    assert out.changes.customer_ids == {customer_id}
    assert count(db, "customers", "id = :id", id=customer_id) == 0
    assert count(db, "contacts", "customer_id = :id", id=customer_id) == 0
    assert count(db, "activities", "customer_id = :id", id=customer_id) == 0
    assert count(db, "contacts", "customer_id = :id", id=other.id) == 1
    assert count(db, "activities", "id = :id", id=kept.id) == 1
    with pytest.raises(NotFound):
        customers.get_customer(db, customer_id)


def test_missing_customer_is_not_found(db: Database, admin_id: int) -> None:
    before = snapshot(db)
    with pytest.raises(NotFound):
        customers.get_customer(db, 999_999)
    with pytest.raises(NotFound):
        customers.delete_customer(db, 999_999, by=admin_id)
    with pytest.raises(NotFound):
        customers.create_contact(db, 999_999, by=admin_id, name="Nobody")
    assert snapshot(db) == before


# --- contacts ------------------------------------------------------------------------------


def test_create_and_list_contacts(db: Database, rep: int) -> None:
    cust = customers.create_customer(db, by=rep, company="Umbrella").value
    out = customers.create_contact(
        db, cust.id, by=rep, name=" Zoe ", title="CTO", email="zoe@umbrella.example"
    )
    customers.create_contact(db, cust.id, by=rep, name="Adam")

    assert out.changes.customer_ids == {cust.id}
    raw = row(db, "SELECT * FROM contacts WHERE id = :id", id=out.value.id)
    assert (raw.customer_id, raw.name, raw.title, raw.email, raw.version) == (
        cust.id,
        "Zoe",
        "CTO",
        "zoe@umbrella.example",
        1,
    )
    assert [c.name for c in customers.list_contacts(db, cust.id)] == ["Adam", "Zoe"]


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        pytest.param({"name": ""}, "name", "required", id="no-name"),
        pytest.param({"name": "n" * 101}, "name", "too_long", id="long-name"),
        pytest.param({"name": "Al", "email": "al.example.com"}, "email", "invalid", id="email"),
    ],
)
def test_create_contact_refuses_bad_input(
    db: Database, admin_id: int, customer_id: int, kwargs: dict[str, Any], field: str, code: str
) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as exc:
        customers.create_contact(db, customer_id, by=admin_id, **kwargs)
    assert (exc.value.fields, exc.value.errors[0].code) == ([field], code)
    assert snapshot(db) == before


def test_update_contact(db: Database, admin_id: int, customer_id: int) -> None:
    contact = customers.create_contact(db, customer_id, by=admin_id, name="Carl").value
    customers.update_contact(
        db, contact.id, by=admin_id, expected_version=1, changes={"phone": "+49 30 1234"}
    )
    raw = row(db, "SELECT * FROM contacts WHERE id = :id", id=contact.id)
    assert (raw.name, raw.phone, raw.version) == ("Carl", "+49 30 1234", 2)

    before = snapshot(db)
    with pytest.raises(Conflict):
        customers.update_contact(
            db, contact.id, by=admin_id, expected_version=1, changes={"phone": "0"}
        )
    with pytest.raises(ValidationError) as exc:
        customers.update_contact(
            db, contact.id, by=admin_id, expected_version=2, changes={"email": "carl"}
        )
    assert exc.value.fields == ["email"]
    with pytest.raises(ValidationError) as exc:
        customers.update_contact(
            db, contact.id, by=admin_id, expected_version=2, changes={"customer_id": 1}
        )
    assert (exc.value.fields, exc.value.errors[0].code) == (["customer_id"], "not_allowed")
    assert snapshot(db) == before


def test_delete_contact_clears_it_from_deals(db: Database, admin_id: int, customer_id: int) -> None:
    contact = customers.create_contact(db, customer_id, by=admin_id, name="Dana").value
    deal = deals.create_deal(
        db, by=admin_id, title="With Dana", customer_id=customer_id, contact_id=contact.id
    ).value

    customers.delete_contact(db, contact.id, by=admin_id)

    assert count(db, "contacts", "id = :id", id=contact.id) == 0
    assert scalar(db, "SELECT contact_id FROM deals WHERE id = :id", id=deal.id) is None
    assert scalar(db, "SELECT customer_id FROM deals WHERE id = :id", id=deal.id) == customer_id
