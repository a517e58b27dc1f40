"""Activities: calls, meetings, e-mails, tasks and notes on a deal or a customer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import (
    ActivityInfo,
    ActivityKind,
    AgendaItem,
    Change,
    Changes,
    Conflict,
    Outcome,
)
from crmdesk.services._common import (
    Validator,
    activity_info,
    actor,
    get_or_404,
    require_manager,
    require_owner_or_manager,
    utcnow,
)

ACTIVITY_FIELDS = frozenset({"kind", "subject", "notes", "due_at", "owner_id"})


def _changes(a: m.Activity) -> Changes:
    return Changes(
        Change.ACTIVITIES,
        frozenset({a.deal_id} if a.deal_id else set()),
        frozenset({a.customer_id} if a.customer_id else set()),
    )


def log_activity(
    db: Database,
    *,
    by: int,
    kind: ActivityKind | str,
    subject: str,
    deal_id: int | None = None,
    customer_id: int | None = None,
    owner_id: int | None = None,
    due_at: datetime | None = None,
    done_at: datetime | None = None,
    done: bool = False,
    notes: str | None = None,
) -> Outcome[ActivityInfo]:
    """Record an activity. ``done=True`` (or a ``done_at``) logs it as already done;
    otherwise it is a follow-up owed, due at ``due_at``.

    An activity on a deal also belongs to the deal's customer.
    """
    with db.transaction() as s:
        user = actor(s, by)
        v = Validator()
        clean_kind = v.choice("kind", kind, ActivityKind)
        clean_subject = v.text("subject", subject, max_len=m.LEN_TITLE, required=True)
        deal = v.reference(s, "deal_id", m.Deal, deal_id)
        customer = v.reference(s, "customer_id", m.Customer, customer_id)
        if deal is not None and customer is not None and deal.customer_id != customer.id:
            v.add("customer_id", "invalid", reason="the deal belongs to another customer")
        if deal_id is None and customer_id is None:
            v.add("deal_id", "required")
        owner_id = user.id if owner_id is None else owner_id
        v.reference(s, "owner_id", m.User, owner_id, required=True, must_be_active=True)
        clean_due = v.timestamp("due_at", due_at, not_future=False)
        clean_done = v.timestamp("done_at", done_at)
        clean_notes = v.text("notes", notes, max_len=m.LEN_NOTES)
        v.check()
        require_owner_or_manager(user, owner_id, "log_activity", "activity's owner")
        if deal is not None:
            require_owner_or_manager(user, deal.owner_id, "log_activity", "deal")
        now = utcnow()
        if done and clean_done is None:
            clean_done = now
        act = m.Activity(
            kind=clean_kind.value,
            subject=clean_subject,
            notes=clean_notes,
            owner_id=owner_id,
            deal_id=deal.id if deal else None,
            customer_id=customer.id if customer else (deal.customer_id if deal else None),
            due_at=clean_due,
            done_at=clean_done,
            created_at=min(now, clean_done) if clean_done else now,
            version=1,
        )
        s.add(act)
        s.flush()
        return Outcome(activity_info(act), _changes(act))


def complete_activity(
    db: Database, activity_id: int, *, by: int, done_at: datetime | None = None
) -> Outcome[ActivityInfo]:
    """Mark an activity done (now, or at ``done_at``). Completing twice changes nothing."""
    with db.transaction() as s:
        user = actor(s, by)
        act = get_or_404(s, m.Activity, activity_id, lock=True)
        require_owner_or_manager(user, act.owner_id, "complete_activity", "activity")
        v = Validator()
        when = v.timestamp("done_at", done_at)
        v.check()
        if act.done_at is not None:
            return Outcome(activity_info(act), Changes())
        act.done_at = when or utcnow()
        act.version += 1
        s.flush()
        return Outcome(activity_info(act), _changes(act))


def reopen_activity(db: Database, activity_id: int, *, by: int) -> Outcome[ActivityInfo]:
    """Undo a completion."""
    with db.transaction() as s:
        user = actor(s, by)
        act = get_or_404(s, m.Activity, activity_id, lock=True)
        require_owner_or_manager(user, act.owner_id, "complete_activity", "activity")
        if act.done_at is None:
            return Outcome(activity_info(act), Changes())
        act.done_at = None
        act.version += 1
        s.flush()
        return Outcome(activity_info(act), _changes(act))


def update_activity(
    db: Database, activity_id: int, *, by: int, expected_version: int, changes: Mapping[str, Any]
) -> Outcome[ActivityInfo]:
    v = Validator()
    for name in sorted(set(changes) - ACTIVITY_FIELDS):
        v.add(name, "not_allowed", reason="not an editable activity field")
    v.check()
    with db.transaction() as s:
        user = actor(s, by)
        act = get_or_404(s, m.Activity, activity_id, lock=True)
        require_owner_or_manager(user, act.owner_id, "edit_activity", "activity")
        if act.version != expected_version:
            raise Conflict(
                "activity",
                act.id,
                expected_version=expected_version,
                current_version=act.version,
                changed_by=None,
                changed_at=None,
            )
        new: dict[str, Any] = {}
        if "kind" in changes:
            kind = v.choice("kind", changes["kind"], ActivityKind)
            new["kind"] = kind.value if kind else None
        if "subject" in changes:
            new["subject"] = v.text(
                "subject", changes["subject"], max_len=m.LEN_TITLE, required=True
            )
        if "notes" in changes:
            new["notes"] = v.text("notes", changes["notes"], max_len=m.LEN_NOTES)
        if "due_at" in changes:
            new["due_at"] = v.timestamp("due_at", changes["due_at"], not_future=False)
        if "owner_id" in changes and changes["owner_id"] != act.owner_id:
            v.reference(
                s, "owner_id", m.User, changes["owner_id"], required=True, must_be_active=True
            )
            require_manager(user, "reassign_activity", "Only a manager can reassign an activity.")
            new["owner_id"] = changes["owner_id"]
        v.check()
        for key, val in new.items():
            setattr(act, key, val)
        act.version += 1
        s.flush()
        return Outcome(activity_info(act), _changes(act))


def delete_activity(db: Database, activity_id: int, *, by: int) -> Outcome[None]:
    with db.transaction() as s:
        user = actor(s, by)
        act = get_or_404(s, m.Activity, activity_id, lock=True)
        require_owner_or_manager(user, act.owner_id, "delete_activity", "activity")
        changes = _changes(act)
        s.delete(act)
        s.flush()
        return Outcome(None, changes)


def list_activities(
    db: Database, *, deal_id: int | None = None, customer_id: int | None = None
) -> list[ActivityInfo]:
    """Activities of a deal or a customer: open ones by due date, then done ones, newest first."""
    with db.read() as s:
        stmt = select(m.Activity)
        if deal_id is not None:
            stmt = stmt.where(m.Activity.deal_id == deal_id)
        if customer_id is not None:
            stmt = stmt.where(m.Activity.customer_id == customer_id)
        rows = [activity_info(a) for a in s.execute(stmt).scalars()]
    open_rows = sorted(
        (a for a in rows if a.done_at is None),
        key=lambda a: (a.due_at is None, a.due_at or a.created_at, a.id),
    )
    done_rows = sorted(
        (a for a in rows if a.done_at is not None), key=lambda a: (a.done_at, a.id), reverse=True
    )
    return open_rows + done_rows


def agenda(
    db: Database, *, owner_id: int | None, until: datetime, include_undated: bool = True
) -> list[AgendaItem]:
    """Someone's (``owner_id=None``: everyone's) open activities due before ``until`` (and
    those without a due time), with the deal and customer they are about, soonest first."""
    a, d, c = m.Activity.__table__, m.Deal.__table__, m.Customer.__table__
    due_cond = a.c.due_at < until
    if include_undated:
        due_cond = due_cond | a.c.due_at.is_(None)
    stmt = (
        select(a, d.c.title, c.c.company)
        .select_from(a.outerjoin(d, d.c.id == a.c.deal_id).outerjoin(c, c.c.id == a.c.customer_id))
        .where(a.c.done_at.is_(None), due_cond)
        .order_by(a.c.due_at.is_(None), a.c.due_at, a.c.id)
    )
    if owner_id is not None:
        stmt = stmt.where(a.c.owner_id == owner_id)
    with db.read() as s:
        out = []
        for row in s.execute(stmt):
            info = ActivityInfo(
                row.id,
                ActivityKind(row.kind),
                row.subject,
                row.owner_id,
                row.deal_id,
                row.customer_id,
                row.due_at,
                row.done_at,
                row.created_at,
                row.notes,
                row.version,
            )
            out.append(AgendaItem(info, row.title, row.company))
        return out
