"""Importing customers, contacts, activities and users.

* **Customers** are matched by the key column (``external_ref``) when the mapping has
  one, else by company name; a match is updated (or skipped, or an error, as
  ``existing`` says), anything else is created.
* **Contacts** belong to a customer (``customer`` or ``customer_ref``); a contact with
  the same name at the same customer is updated, else created.
* **Activities** are always created, on a deal (``deal_ref``: the deal's external id)
  or a customer; an activity on a deal belongs to the deal's customer too. A
  ``done_at`` (or ``done`` = yes, meaning now) makes it done; ``due_at`` may lie ahead.
* **Users** are matched by login. New users get no password (an admin sets one);
  the import may not leave the database without an active admin.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from crmdesk.db import models as m
from crmdesk.db.bulk import sqlite_new_activities
from crmdesk.domain import ActivityKind, Change, Changes, Role
from crmdesk.importing.base import (
    LOGIN_RE,
    Planner,
    Row,
    Skip,
    Tick,
    bulk_insert,
    chunks,
    grouped_update,
    listed,
    reserve_ids,
    write_new_records,
)
from crmdesk.importing.lookups import New, Ref, fold, ident, new_records
from crmdesk.importing.messages import RowIssue
from crmdesk.importing.reader import SourceRow

ACTIVITY_WORDS: dict[str, ActivityKind] = {
    **{k.value: k for k in ActivityKind},
    "phone": ActivityKind.CALL,
    "phone call": ActivityKind.CALL,
    "电话": ActivityKind.CALL,
    "打电话": ActivityKind.CALL,
    "通话": ActivityKind.CALL,
    "visit": ActivityKind.MEETING,
    "会议": ActivityKind.MEETING,
    "拜访": ActivityKind.MEETING,
    "见面": ActivityKind.MEETING,
    "面谈": ActivityKind.MEETING,
    "e-mail": ActivityKind.EMAIL,
    "mail": ActivityKind.EMAIL,
    "邮件": ActivityKind.EMAIL,
    "电子邮件": ActivityKind.EMAIL,
    "to do": ActivityKind.TASK,
    "todo": ActivityKind.TASK,
    "任务": ActivityKind.TASK,
    "待办": ActivityKind.TASK,
    "备注": ActivityKind.NOTE,
    "笔记": ActivityKind.NOTE,
    "记录": ActivityKind.NOTE,
}
ROLE_WORDS: dict[str, Role] = {
    **{r.value: r for r in Role},
    "sales": Role.REP,
    "sales rep": Role.REP,
    "salesperson": Role.REP,
    "representative": Role.REP,
    "销售": Role.REP,
    "销售代表": Role.REP,
    "业务员": Role.REP,
    "sales manager": Role.MANAGER,
    "经理": Role.MANAGER,
    "销售经理": Role.MANAGER,
    "主管": Role.MANAGER,
    "administrator": Role.ADMIN,
    "管理员": Role.ADMIN,
}


class NewRecord:
    """A record to create: its column values (references may be new records)."""

    __slots__ = ("line", "values")
    action = "create"

    def __init__(self, line: int, values: dict[str, Any]) -> None:
        self.line = line
        self.values = values

    @property
    def refs(self) -> tuple[Ref | None, ...]:
        return tuple(v for v in self.values.values() if isinstance(v, New))


class Update:
    """A record to update: its id and the changed column values."""

    __slots__ = ("line", "record_id", "values")
    action = "update"

    def __init__(self, line: int, record_id: int, values: dict[str, Any]) -> None:
        self.line = line
        self.record_id = record_id
        self.values = values

    @property
    def refs(self) -> tuple[Ref | None, ...]:
        return tuple(v for v in self.values.values() if isinstance(v, New))


def _changed(values: dict[str, Any], current: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != getattr(current, k)}


class _Current:
    """A record's current values, read for comparison."""

    def __init__(self, row: Any) -> None:
        self.__dict__.update(row._asdict())


def _write(
    planner: Planner, table: Any, plans: list[Any], kinds: Change, extra: dict[str, Any]
) -> tuple[Change, list[int]]:
    """Write new records (with ``extra`` columns) and updates; the ids of both."""
    s = planner.s
    creates = [p for p in plans if isinstance(p, NewRecord)]
    updates = [p for p in plans if isinstance(p, Update)]
    made = write_new_records(
        s, planner.env, new_records(r for p in creates + updates for r in p.refs)
    )
    ids = reserve_ids(s, table, len(creates))
    rows = [
        {
            "id": rid,
            **extra,
            **{k: ident(v) if isinstance(v, New) else v for k, v in p.values.items()},
        }
        for p, rid in zip(creates, ids, strict=True)
    ]
    if table is m.Activity.__table__:
        # SQLite: the activities' fact triggers set aside, their days and their deals'
        # facts computed set-based at the end (crmdesk.db.bulk).
        with sqlite_new_activities(s, ids):
            bulk_insert(s, table, rows)
    else:
        bulk_insert(s, table, rows)
    grouped_update(s, table, [(u.record_id, u.values) for u in updates])
    touched = ids + [u.record_id for u in updates]
    return (made | kinds) if touched else made, touched


class _KeyedPlanner(Planner):
    """Shared by the planners that match rows to existing records."""

    def existing_row(self, row: Row, found: Any) -> Any:
        if self.mapping.existing == "skip":
            return Skip(row.line)
        if self.mapping.existing == "error":
            self.issue(row, self.key_field, "key_exists", value=self.key_value)
            return None
        return found

    key_field = ""
    key_value: str | None = None


class CustomerPlanner(_KeyedPlanner):
    entity = "customers"
    key_field = "external_ref"
    TEXTS = ("industry", "phone", "website", "address", "notes")

    def prepare(self, rows: Sequence[SourceRow]) -> None:
        self.keyed = self.mapping.key is not None
        c = m.Customer
        found = self.s.execute(
            select(
                c.id,
                c.company,
                c.industry,
                c.source_id,
                c.owner_id,
                c.phone,
                c.email,
                c.website,
                c.address,
                c.notes,
                c.external_ref,
                c.version,
            )
        )
        self.by_ref: dict[str, _Current] = {}
        self.by_name: dict[str, list[_Current]] = {}
        for r in found:
            cur = _Current(r)
            if cur.external_ref:
                self.by_ref[cur.external_ref] = cur
            self.by_name.setdefault(fold(cur.company), []).append(cur)

    def plan_row(self, row: Row) -> Any:
        self.check_width(row)
        row.new = False
        ref = self.text(row, "external_ref", required=self.keyed)
        company = self.text(row, "company")
        row.new = True
        if row.failed:
            return None
        identity = ref if self.keyed else (fold(company) if company else None)
        if identity is not None:
            if self.keyed:
                repeated = self.repeat(row, identity, "external_ref", identity)
            else:
                repeated = self.repeat(row, identity, "company", company or "", what="company")
            if repeated:
                return repeated if isinstance(repeated, Skip) else None
        current = None
        if self.keyed:
            current = self.by_ref.get(ref)  # type: ignore[arg-type]
        elif company is not None:
            named = self.by_name.get(fold(company), [])
            if len(named) > 1:
                self.issue(row, "company", "ambiguous_customer", value=company, count=len(named))
                return None
            current = named[0] if named else None
            if ref and ref in self.by_ref and self.by_ref[ref] is not current:
                self.issue(row, "external_ref", "ref_taken", value=ref)
                return None
        if current is not None:
            self.key_value = ref if self.keyed else company
            found = self.existing_row(row, current)
            if found is not current:
                return found
            row.new = False
        values = {
            "company": self.text(row, "company", required=row.new),
            **{name: self.text(row, name) for name in self.TEXTS},
            "email": self.email(row),
            "source_id": self.lookup(row, "source", self.lookups.source),
            "owner_id": self.owner(row),
        }
        if row.new:
            values["created_at"] = self.instant(row, "created_at") or self.env.now
            values["external_ref"] = ref
        if row.failed:
            return None
        now, by = self.env.now, self.env.actor.id
        if current is None:
            return NewRecord(
                row.line, {**values, "version": 1, "updated_at": now, "updated_by_id": by}
            )
        changed = _changed(values, current)
        if not changed:
            return Skip(row.line)
        changed.update(version=current.version + 1, updated_at=now, updated_by_id=by)
        return Update(row.line, current.id, changed)

    def write(self, plans: list[Any], tick: Tick) -> Changes:
        kinds, ids = _write(self, m.Customer.__table__, plans, Change.CUSTOMERS, {})
        tick("writing", len(plans), len(plans))
        return Changes(kinds, customer_ids=listed(ids))


class ContactPlanner(_KeyedPlanner):
    entity = "contacts"
    key_field = "name"
    TEXTS = ("title", "phone", "notes")

    def prepare(self, rows: Sequence[SourceRow]) -> None:
        c = m.Contact
        self.current: dict[tuple[int, str], _Current] = {}
        for r in self.s.execute(
            select(c.id, c.customer_id, c.name, c.title, c.phone, c.email, c.notes, c.version)
        ):
            self.current.setdefault((r.customer_id, fold(r.name)), _Current(r))

    def plan_row(self, row: Row) -> Any:
        self.check_width(row)
        customer = self.customer(row)
        if customer is None and not row.failed:
            self.issue(row, "customer", "required")
        name = self.text(row, "name", required=True)
        if row.failed or customer is None or name is None:
            return None
        identity = (id(customer) if isinstance(customer, New) else customer, fold(name))
        repeated = self.repeat(row, identity, "name", name, what="contact")
        if repeated:
            return repeated if isinstance(repeated, Skip) else None
        current = None if isinstance(customer, New) else self.current.get((customer, fold(name)))
        if current is not None:
            self.key_value = name
            found = self.existing_row(row, current)
            if found is not current:
                return found
            row.new = False
        values = {name_: self.text(row, name_) for name_ in self.TEXTS}
        values["email"] = self.email(row)
        if row.failed:
            return None
        if current is None:
            return NewRecord(
                row.line,
                {
                    "customer_id": customer,
                    "name": name,
                    **values,
                    "created_at": self.env.now,
                    "version": 1,
                },
            )
        changed = _changed(values, current)
        if not changed:
            return Skip(row.line)
        changed["version"] = current.version + 1
        return Update(row.line, current.id, changed)

    def write(self, plans: list[Any], tick: Tick) -> Changes:
        kinds, _ = _write(self, m.Contact.__table__, plans, Change.CONTACTS, {})
        customers = [ident(p.values.get("customer_id")) for p in plans if isinstance(p, NewRecord)]
        tick("writing", len(plans), len(plans))
        return Changes(kinds, customer_ids=listed(customers))


class ActivityPlanner(Planner):
    entity = "activities"

    def prepare(self, rows: Sequence[SourceRow]) -> None:
        self.deals: dict[str, tuple[int, int | None]] = {}
        getter = self.binding.getter("deal_ref")
        if getter is None:
            return
        refs = sorted({str(v).strip() for r in rows if (v := getter(r.cells)) is not None})
        d = m.Deal
        for part in chunks(refs):
            for did, ref, cid in self.s.execute(
                select(d.id, d.external_ref, d.customer_id).where(d.external_ref.in_(part))
            ):
                self.deals[ref] = (did, cid)

    def plan_row(self, row: Row) -> Any:
        self.check_width(row)
        kind = None
        word = self.text(row, "kind", required=True)
        if word is not None:
            kind = ACTIVITY_WORDS.get(fold(word))
            if kind is None:
                self.issue(
                    row,
                    "kind",
                    "bad_choice",
                    value=word,
                    allowed="call, meeting, email, task, note",
                )
        subject = self.text(row, "subject", required=True)
        owner = self.owner(row)
        deal = None
        deal_ref = self.text(row, "deal_ref")
        if deal_ref is not None:
            deal = self.deals.get(deal_ref)
            if deal is None:
                self.issue(row, "deal_ref", "unknown_deal", value=deal_ref)
        customer = self.customer(row)
        if deal is not None and customer is not None and customer != deal[1]:
            self.issue(row, "customer", "deal_of_other_customer", deal=deal_ref)
        if deal is None and customer is None and not row.failed:
            self.issue(row, None, "needs_deal_or_customer")
        due = self.instant(row, "due_at", not_future=False)
        done_at = self.instant(row, "done_at")
        done = self.boolean(row, "done")
        notes = self.text(row, "notes")
        if row.failed or kind is None:
            return None
        now = self.env.now
        if done_at is None and done:
            done_at = now
        if isinstance(customer, New) and customer.attrs["owner"] is None:
            customer.attrs["owner"] = owner
        return NewRecord(
            row.line,
            {
                "kind": kind.value,
                "subject": subject,
                "notes": notes,
                "owner_id": owner,
                "deal_id": deal[0] if deal else None,
                "customer_id": customer if customer is not None else (deal[1] if deal else None),
                "due_at": due,
                "done_at": done_at,
                "created_at": min(now, done_at) if done_at else now,
                "version": 1,
            },
        )

    def write(self, plans: list[Any], tick: Tick) -> Changes:
        kinds, _ = _write(self, m.Activity.__table__, plans, Change.ACTIVITIES, {})
        tick("writing", len(plans), len(plans))
        return Changes(
            kinds,
            listed(p.values["deal_id"] for p in plans),
            listed(ident(p.values["customer_id"]) for p in plans),
        )


class UserPlanner(_KeyedPlanner):
    entity = "users"
    key_field = "login"

    def prepare(self, rows: Sequence[SourceRow]) -> None:
        u = m.User
        self.exact: dict[str, _Current] = {}
        self.folded: dict[str, list[_Current]] = {}
        for r in self.s.execute(select(u.id, u.login, u.name, u.role, u.email, u.active)):
            cur = _Current(r)
            self.exact[cur.login] = cur
            self.folded.setdefault(cur.login.casefold(), []).append(cur)
        self.admins = {c.id for c in self.exact.values() if c.role == Role.ADMIN and c.active}

    def plan_row(self, row: Row) -> Any:
        self.check_width(row)
        row.new = False
        login = self.text(row, "login", required=True)
        row.new = True
        if login is not None and not LOGIN_RE.match(login):
            self.issue(row, "login", "bad_login", value=login)
        if row.failed or login is None:
            return None
        repeated = self.repeat(row, login.casefold(), "login", login)
        if repeated:
            return repeated if isinstance(repeated, Skip) else None
        current = self.exact.get(login)
        if current is None and len(self.folded.get(login.casefold(), [])) == 1:
            current = self.folded[login.casefold()][0]
        if current is not None:
            self.key_value = login
            found = self.existing_row(row, current)
            if found is not current:
                return found
            row.new = False
        role = None
        word = self.text(row, "role")
        if word is not None:
            role = ROLE_WORDS.get(fold(word))
            if role is None:
                self.issue(row, "role", "bad_choice", value=word, allowed="rep, manager, admin")
        values = {
            "name": self.text(row, "name", required=row.new),
            "role": role.value if role else (Role.REP.value if row.new else None),
            "email": self.email(row),
            "active": self.boolean(row, "active"),
        }
        if row.failed:
            return None
        if current is None:
            if values["active"] is None:
                values["active"] = True
            return NewRecord(
                row.line,
                {
                    "login": login,
                    **values,
                    "password_hash": None,
                    "failed_logins": 0,
                    "locked_until": None,
                    "created_at": self.env.now,
                },
            )
        changed = _changed(values, current)
        return Update(row.line, current.id, changed) if changed else Skip(row.line)

    def finish(self, plans: list[Any]) -> list[Any]:
        admins = set(self.admins)
        leaving: list[Update] = []
        new_admins = 0
        for p in plans:
            if isinstance(p, Update):
                role = p.values.get("role")
                active = p.values.get("active")
                demoted = role is not None and role != Role.ADMIN.value
                if p.record_id in admins and (demoted or active is False):
                    admins.discard(p.record_id)
                    leaving.append(p)
                elif role == Role.ADMIN.value and active is not False:
                    admins.add(p.record_id)
            elif (
                isinstance(p, NewRecord)
                and p.values["role"] == Role.ADMIN.value
                and p.values["active"]
            ):
                new_admins += 1
        if admins or new_admins or not leaving:
            return plans
        for p in leaving:
            self.issues.append(RowIssue(p.line, self.binding.column("role"), "role", "last_admin"))
        dropped = {id(p) for p in leaving}
        return [p for p in plans if id(p) not in dropped]

    def write(self, plans: list[Any], tick: Tick) -> Changes:
        kinds, _ = _write(self, m.User.__table__, plans, Change.USERS, {})
        tick("writing", len(plans), len(plans))
        return Changes(kinds)
