"""Customers and their contacts: create, update, delete, read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import (
    Change,
    Changes,
    Conflict,
    ContactInfo,
    CustomerInfo,
    FieldError,
    Outcome,
    ValidationError,
)
from crmdesk.services._common import (
    Validator,
    actor,
    contact_info,
    customer_info,
    get_or_404,
    is_manager,
    require_manager,
    require_owner_or_manager,
    unique_taken,
    utcnow,
)

CUSTOMER_TEXT_FIELDS: dict[str, int] = {
    "company": m.LEN_TITLE,
    "industry": m.LEN_SHORT,
    "phone": m.LEN_PHONE,
    "email": m.LEN_EMAIL,
    "website": m.LEN_URL,
    "address": m.LEN_ADDRESS,
    "notes": m.LEN_NOTES,
    "external_ref": m.LEN_REF,
}
CUSTOMER_FIELDS = frozenset({*CUSTOMER_TEXT_FIELDS, "source_id", "owner_id"})
CONTACT_TEXT_FIELDS: dict[str, int] = {
    "name": m.LEN_NAME,
    "title": m.LEN_SHORT,
    "phone": m.LEN_PHONE,
    "email": m.LEN_EMAIL,
    "notes": m.LEN_NOTES,
}


def _reject_unknown(fields: Mapping[str, Any], allowed: frozenset[str] | set[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        v = Validator()
        for name in unknown:
            v.add(name, "not_allowed", reason="not an editable field")
        v.check()


def _validate_email(v: Validator, field: str, value: str | None) -> None:
    if value and ("@" not in value or value.startswith("@") or value.endswith("@")):
        v.add(field, "invalid", reason="not an e-mail address")


def get_customer(db: Database, customer_id: int) -> CustomerInfo:
    with db.read() as s:
        return customer_info(get_or_404(s, m.Customer, customer_id))


def customer_names(db: Database) -> list[tuple[int, str]]:
    """Every customer's id and company name, by name: for pickers and completers."""
    with db.read() as s:
        rows = s.execute(select(m.Customer.id, m.Customer.company).order_by(m.Customer.company))
        return [(r[0], r[1]) for r in rows]


def list_contacts(db: Database, customer_id: int) -> list[ContactInfo]:
    with db.read() as s:
        rows = s.execute(
            select(m.Contact).where(m.Contact.customer_id == customer_id).order_by(m.Contact.name)
        ).scalars()
        return [contact_info(c) for c in rows]


def create_customer(
    db: Database,
    *,
    by: int,
    company: str,
    industry: str | None = None,
    source_id: int | None = None,
    owner_id: int | None = None,
    created_at: datetime | None = None,
    phone: str | None = None,
    email: str | None = None,
    website: str | None = None,
    address: str | None = None,
    notes: str | None = None,
    external_ref: str | None = None,
) -> Outcome[CustomerInfo]:
    with db.transaction() as s:
        user = actor(s, by)
        v = Validator()
        raw = {
            "company": company,
            "industry": industry,
            "phone": phone,
            "email": email,
            "website": website,
            "address": address,
            "notes": notes,
            "external_ref": external_ref,
        }
        clean = {
            k: v.text(k, raw[k], max_len=n, required=(k == "company"))
            for k, n in CUSTOMER_TEXT_FIELDS.items()
        }
        _validate_email(v, "email", clean["email"])
        v.reference(s, "source_id", m.LeadSource, source_id)
        owner_id = user.id if owner_id is None else owner_id
        v.reference(s, "owner_id", m.User, owner_id, must_be_active=True)
        when = v.timestamp("created_at", created_at)
        if clean["external_ref"] and unique_taken(
            s, m.Customer.external_ref, clean["external_ref"]
        ):
            v.add("external_ref", "duplicate", value=clean["external_ref"])
        v.check()
        require_owner_or_manager(user, owner_id, "create_customer", "customer's owner")
        now = utcnow()
        cust = m.Customer(
            **clean,
            source_id=source_id,
            owner_id=owner_id,
            created_at=when or now,
            version=1,
            updated_at=now,
            updated_by_id=user.id,
        )
        s.add(cust)
        s.flush()
        return Outcome(
            customer_info(cust), Changes(Change.CUSTOMERS, customer_ids=frozenset({cust.id}))
        )


def update_customer(
    db: Database, customer_id: int, *, by: int, expected_version: int, changes: Mapping[str, Any]
) -> Outcome[CustomerInfo]:
    _reject_unknown(changes, CUSTOMER_FIELDS)
    with db.transaction() as s:
        user = actor(s, by)
        cust = get_or_404(s, m.Customer, customer_id, lock=True)
        require_owner_or_manager(user, cust.owner_id, "edit_customer", "customer")
        if cust.version != expected_version:
            who = s.get(m.User, cust.updated_by_id) if cust.updated_by_id else None
            raise Conflict(
                "customer",
                cust.id,
                expected_version=expected_version,
                current_version=cust.version,
                changed_by=who.name if who else None,
                changed_at=cust.updated_at,
            )
        v = Validator()
        new: dict[str, Any] = {}
        for key, max_len in CUSTOMER_TEXT_FIELDS.items():
            if key in changes:
                new[key] = v.text(key, changes[key], max_len=max_len, required=(key == "company"))
        _validate_email(v, "email", new.get("email"))
        if "source_id" in changes:
            v.reference(s, "source_id", m.LeadSource, changes["source_id"])
            new["source_id"] = changes["source_id"]
        if "owner_id" in changes and changes["owner_id"] != cust.owner_id:
            v.reference(s, "owner_id", m.User, changes["owner_id"], must_be_active=True)
            new["owner_id"] = changes["owner_id"]
        ref = new.get("external_ref")
        if ref and unique_taken(s, m.Customer.external_ref, ref, exclude_id=cust.id):
            v.add("external_ref", "duplicate", value=ref)
        v.check()
        if "owner_id" in new:
            require_manager(user, "reassign_customer", "Only a manager can reassign a customer.")
        if not any(getattr(cust, k) != val for k, val in new.items()):
            return Outcome(customer_info(cust), Changes())
        for key, val in new.items():
            setattr(cust, key, val)
        cust.version += 1
        cust.updated_at = utcnow()
        cust.updated_by_id = user.id
        s.flush()
        return Outcome(
            customer_info(cust), Changes(Change.CUSTOMERS, customer_ids=frozenset({cust.id}))
        )


def delete_customer(db: Database, customer_id: int, *, by: int) -> Outcome[None]:
    """Delete a customer with its contacts and activities. Refused while it has deals."""
    with db.transaction() as s:
        user = actor(s, by)
        cust = get_or_404(s, m.Customer, customer_id, lock=True)
        require_owner_or_manager(user, cust.owner_id, "delete_customer", "customer")
        n = s.execute(
            select(func.count()).select_from(m.Deal).where(m.Deal.customer_id == cust.id)
        ).scalar_one()
        if n:
            raise ValidationError(
                FieldError(
                    "customer_id", "not_allowed", {"reason": f"the customer still has {n} deals"}
                )
            )
        if not is_manager(user):
            # Other people log activities on a rep's customer; deleting it would delete
            # their work with it. A manager decides that.
            others = s.execute(
                select(func.count())
                .select_from(m.Activity)
                .where(m.Activity.customer_id == cust.id, m.Activity.owner_id != user.id)
            ).scalar_one()
            if others:
                raise ValidationError(
                    FieldError(
                        "customer_id",
                        "not_allowed",
                        {
                            "reason": f"{others} activities of other people are logged on it; "
                            "a manager can delete it"
                        },
                    )
                )
        s.delete(cust)
        s.flush()
        return Outcome(
            None,
            Changes(
                Change.CUSTOMERS | Change.CONTACTS | Change.ACTIVITIES,
                customer_ids=frozenset({customer_id}),
            ),
        )


def create_contact(
    db: Database,
    customer_id: int,
    *,
    by: int,
    name: str,
    title: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    notes: str | None = None,
) -> Outcome[ContactInfo]:
    with db.transaction() as s:
        user = actor(s, by)
        cust = get_or_404(s, m.Customer, customer_id)
        require_owner_or_manager(user, cust.owner_id, "edit_customer", "customer")
        v = Validator()
        raw = {"name": name, "title": title, "phone": phone, "email": email, "notes": notes}
        clean = {
            k: v.text(k, raw[k], max_len=n, required=(k == "name"))
            for k, n in CONTACT_TEXT_FIELDS.items()
        }
        _validate_email(v, "email", clean["email"])
        v.check()
        contact = m.Contact(customer_id=cust.id, created_at=utcnow(), version=1, **clean)
        s.add(contact)
        s.flush()
        return Outcome(
            contact_info(contact), Changes(Change.CONTACTS, customer_ids=frozenset({cust.id}))
        )


def update_contact(
    db: Database, contact_id: int, *, by: int, expected_version: int, changes: Mapping[str, Any]
) -> Outcome[ContactInfo]:
    _reject_unknown(changes, set(CONTACT_TEXT_FIELDS))
    with db.transaction() as s:
        user = actor(s, by)
        contact = get_or_404(s, m.Contact, contact_id, lock=True)
        cust = get_or_404(s, m.Customer, contact.customer_id)
        require_owner_or_manager(user, cust.owner_id, "edit_customer", "customer")
        if contact.version != expected_version:
            raise Conflict(
                "contact",
                contact.id,
                expected_version=expected_version,
                current_version=contact.version,
                changed_by=None,
                changed_at=None,
            )
        v = Validator()
        new = {
            k: v.text(k, changes[k], max_len=n, required=(k == "name"))
            for k, n in CONTACT_TEXT_FIELDS.items()
            if k in changes
        }
        _validate_email(v, "email", new.get("email"))
        v.check()
        for key, val in new.items():
            setattr(contact, key, val)
        contact.version += 1
        s.flush()
        return Outcome(
            contact_info(contact), Changes(Change.CONTACTS, customer_ids=frozenset({cust.id}))
        )


def delete_contact(db: Database, contact_id: int, *, by: int) -> Outcome[None]:
    """Delete a contact; deals that named it keep their customer and lose the contact."""
    with db.transaction() as s:
        user = actor(s, by)
        contact = get_or_404(s, m.Contact, contact_id, lock=True)
        cust = get_or_404(s, m.Customer, contact.customer_id)
        require_owner_or_manager(user, cust.owner_id, "edit_customer", "customer")
        s.delete(contact)
        s.flush()
        return Outcome(
            None,
            Changes(Change.CONTACTS | Change.DEALS, customer_ids=frozenset({cust.id})),
        )
