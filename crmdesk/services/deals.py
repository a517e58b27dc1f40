"""Deal use cases: create, update, delete and move through the pipeline.

Every public function is one transaction. Input is validated before anything is
written; a refused call raises a coded error and leaves the database as it was.

A write that changes a deal's owner, amount, expected close or stage also writes one
``audit_log`` row per changed field, in the same transaction (see :func:`deal_audit`).
Creating a deal writes none: its first values are the first audit row's old value, or
the deal's current value when that field never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import (
    AuditField,
    AuditInfo,
    Change,
    Changes,
    Conflict,
    DealInfo,
    DealRow,
    Outcome,
    StageKind,
    TransitionInfo,
    ValidationError,
)
from crmdesk.domain.model import AuditValue
from crmdesk.services._common import (
    Validator,
    actor,
    deal_info,
    get_or_404,
    is_manager,
    require_owner_or_manager,
    setting,
    stage_info,
    transition_info,
    unique_taken,
    utcnow,
)

DEAL_CHANGES = Change.DEALS | Change.TRANSITIONS

#: Fields that update_deal accepts. The stage changes only through move_deal, and
#: created_at (the first contact) is fixed at creation, because the first
#: transition of the append-only history records it.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "customer_id",
        "contact_id",
        "owner_id",
        "amount",
        "currency",
        "expected_close",
        "source_id",
        "notes",
        "external_ref",
    }
)


#: The audited fields and the deal columns they follow, in the order one write logs them.
AUDITED_COLUMNS: tuple[tuple[AuditField, str], ...] = (
    (AuditField.OWNER, "owner_id"),
    (AuditField.AMOUNT, "amount"),
    (AuditField.EXPECTED_CLOSE, "expected_close"),
    (AuditField.STAGE, "stage_id"),
)


def _audited_values(deal: m.Deal) -> dict[AuditField, Any]:
    """The deal's audited values, taken before a write changes them."""
    return {field: getattr(deal, column) for field, column in AUDITED_COLUMNS}


def _audit_text(value: Any) -> str | None:
    """An audited value as stored: a user or stage id, ``"1200.00"``, ``"2025-06-30"``."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write_audit(
    session: Session, deal: m.Deal, before: Mapping[AuditField, Any], *, by: int, at: datetime
) -> None:
    """One audit row per audited field whose value differs from ``before``."""
    for field, column in AUDITED_COLUMNS:
        old, new = before[field], getattr(deal, column)
        if old != new:
            session.add(
                m.AuditEntry(
                    deal_id=deal.id,
                    at=at,
                    user_id=by,
                    field=field.value,
                    old_value=_audit_text(old),
                    new_value=_audit_text(new),
                )
            )


def _as_id(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _audit_display(
    field: AuditField, text: str | None, users: Mapping[int, str], stages: Mapping[int, str]
) -> AuditValue:
    """A stored audit value for display; None when there is none or it cannot be read."""
    if text is None:
        return None
    try:
        if field is AuditField.AMOUNT:
            return Decimal(text)
        if field is AuditField.EXPECTED_CLOSE:
            return date.fromisoformat(text)
    except (ArithmeticError, ValueError):
        return None
    ident = _as_id(text)
    if ident is None:
        return None
    return (users if field is AuditField.OWNER else stages).get(ident)


def _default_pipeline_id(session: Session) -> int | None:
    return session.execute(
        select(m.Pipeline.id)
        .where(m.Pipeline.active.is_(True))
        .order_by(m.Pipeline.is_default.desc(), m.Pipeline.position, m.Pipeline.id)
        .limit(1)
    ).scalar_one_or_none()


def _first_open_stage(session: Session, pipeline_id: int) -> m.Stage | None:
    return session.execute(
        select(m.Stage)
        .where(
            m.Stage.pipeline_id == pipeline_id,
            m.Stage.kind == StageKind.OPEN.value,
            m.Stage.active.is_(True),
        )
        .order_by(m.Stage.position, m.Stage.id)
        .limit(1)
    ).scalar_one_or_none()


def _check_contact(
    v: Validator, session: Session, contact_id: Any, customer_id: int | None
) -> None:
    contact = v.reference(session, "contact_id", m.Contact, contact_id)
    if contact is not None and contact.customer_id != customer_id:
        v.add("contact_id", "invalid", reason="the contact belongs to another customer")


def _stage_kind(session: Session, stage_id: int) -> StageKind:
    return StageKind(
        session.execute(select(m.Stage.kind).where(m.Stage.id == stage_id)).scalar_one()
    )


def _check_version(session: Session, deal: m.Deal, expected_version: int) -> None:
    if deal.version != expected_version:
        who = session.get(m.User, deal.updated_by_id) if deal.updated_by_id else None
        raise Conflict(
            "deal",
            deal.id,
            expected_version=expected_version,
            current_version=deal.version,
            changed_by=who.name if who else None,
            changed_at=deal.updated_at,
        )


def get_deal(db: Database, deal_id: int) -> DealInfo:
    with db.read() as s:
        deal = get_or_404(s, m.Deal, deal_id)
        return deal_info(deal, _stage_kind(s, deal.stage_id))


def deal_history(db: Database, deal_id: int) -> list[TransitionInfo]:
    """The deal's stage transitions, oldest first."""
    with db.read() as s:
        get_or_404(s, m.Deal, deal_id)
        rows = s.execute(
            select(m.StageTransition)
            .where(m.StageTransition.deal_id == deal_id)
            .order_by(m.StageTransition.at, m.StageTransition.id)
        ).scalars()
        return [transition_info(t) for t in rows]


def deal_audit(db: Database, deal_id: int, *, lang: str | None = None) -> list[AuditInfo]:
    """The audited changes of a deal's owner, amount, expected close and stage, newest
    first (by time, then by the order they were written), with the acting user's name
    and the values resolved for display: owner and stage as names (stage names in
    ``lang`` when the stage has one), the amount as a ``Decimal``, the expected close
    as a ``date``."""
    with db.read() as s:
        get_or_404(s, m.Deal, deal_id)
        entries = (
            s.execute(
                select(m.AuditEntry)
                .where(m.AuditEntry.deal_id == deal_id)
                .order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc())
            )
            .scalars()
            .all()
        )
        user_ids = {e.user_id for e in entries if e.user_id is not None}
        stage_ids: set[int] = set()
        for e in entries:
            if e.field == AuditField.OWNER:
                named = user_ids
            elif e.field == AuditField.STAGE:
                named = stage_ids
            else:
                continue
            named.update(i for i in map(_as_id, (e.old_value, e.new_value)) if i is not None)
        user_names: dict[int, str] = {
            uid: name
            for uid, name in s.execute(
                select(m.User.id, m.User.name).where(m.User.id.in_(user_ids))
            )
        }
        stage_names = {
            st.id: stage_info(st).label(lang)
            for st in s.execute(select(m.Stage).where(m.Stage.id.in_(stage_ids))).scalars()
        }
        return [
            AuditInfo(
                id=e.id,
                deal_id=e.deal_id,
                at=e.at,
                user_id=e.user_id,
                user_name=user_names.get(e.user_id) if e.user_id is not None else None,
                field=AuditField(e.field),
                old_value=e.old_value,
                new_value=e.new_value,
                old=_audit_display(AuditField(e.field), e.old_value, user_names, stage_names),
                new=_audit_display(AuditField(e.field), e.new_value, user_names, stage_names),
            )
            for e in entries
        ]


def create_deal(
    db: Database,
    *,
    by: int,
    title: str,
    amount: Decimal | int | str = Decimal("0"),
    customer_id: int | None = None,
    contact_id: int | None = None,
    owner_id: int | None = None,
    pipeline_id: int | None = None,
    stage_id: int | None = None,
    currency: str | None = None,
    expected_close: date | None = None,
    source_id: int | None = None,
    created_at: datetime | None = None,
    notes: str | None = None,
    external_ref: str | None = None,
) -> Outcome[DealInfo]:
    """Create a deal in an open stage and write its first transition.

    ``created_at`` is the first contact; it may lie in the past (imports), not
    in the future. A rep can only create deals that they own.
    """
    with db.transaction() as s:
        user = actor(s, by)
        v = Validator()
        clean_title = v.text("title", title, max_len=m.LEN_TITLE, required=True)
        clean_amount = v.amount("amount", amount)
        customer = v.reference(s, "customer_id", m.Customer, customer_id)
        if contact_id is not None:
            _check_contact(v, s, contact_id, customer.id if customer else None)
        owner_id = user.id if owner_id is None else owner_id
        v.reference(s, "owner_id", m.User, owner_id, required=True, must_be_active=True)
        if pipeline_id is None:
            pipeline_id = _default_pipeline_id(s)
            if pipeline_id is None:
                v.add("pipeline_id", "required")
        if pipeline_id is not None:
            # Shared-locked: archiving the pipeline meanwhile would leave the new deal
            # open in a pipeline that is off the board (archive_pipeline locks it too).
            v.reference(
                s, "pipeline_id", m.Pipeline, pipeline_id, must_be_active=True, share_lock=True
            )
        stage: m.Stage | None = None
        if not v.has("pipeline_id") and pipeline_id is not None:
            if stage_id is None:
                stage = _first_open_stage(s, pipeline_id)
                if stage is None:
                    v.add("stage_id", "invalid", reason="the pipeline has no open stage")
            else:
                stage = v.reference(s, "stage_id", m.Stage, stage_id, must_be_active=True)
                if stage is not None and stage.pipeline_id != pipeline_id:
                    v.add("stage_id", "invalid", reason="the stage belongs to another pipeline")
                    stage = None
                elif stage is not None and stage.kind != StageKind.OPEN.value:
                    v.add("stage_id", "invalid", reason="a new deal starts in an open stage")
                    stage = None
        clean_currency = v.currency("currency", currency)
        clean_close = v.day("expected_close", expected_close)
        v.reference(s, "source_id", m.LeadSource, source_id)
        first_contact = v.timestamp("created_at", created_at)
        clean_notes = v.text("notes", notes, max_len=m.LEN_NOTES)
        ref = v.text("external_ref", external_ref, max_len=m.LEN_REF)
        if ref and unique_taken(s, m.Deal.external_ref, ref):
            v.add("external_ref", "duplicate", value=ref)
        v.check()
        assert stage is not None and clean_title is not None and clean_amount is not None
        require_owner_or_manager(user, owner_id, "create_deal", "deal's owner")

        now = utcnow()
        first_contact = first_contact or now
        deal = m.Deal(
            title=clean_title,
            customer_id=customer_id,
            contact_id=contact_id,
            owner_id=owner_id,
            pipeline_id=pipeline_id,
            stage_id=stage.id,
            amount=clean_amount,
            currency=clean_currency or setting(s, "currency", "USD"),
            expected_close=clean_close,
            source_id=source_id
            if source_id is not None
            else (customer.source_id if customer else None),
            created_at=first_contact,
            stage_entered_at=first_contact,
            notes=clean_notes,
            external_ref=ref,
            version=1,
            updated_at=now,
            updated_by_id=user.id,
        )
        s.add(deal)
        s.flush()
        s.add(
            m.StageTransition(
                deal_id=deal.id,
                from_stage_id=None,
                to_stage_id=stage.id,
                at=first_contact,
                by_user_id=user.id,
            )
        )
        s.flush()
        return Outcome(deal_info(deal, StageKind.OPEN), Changes(DEAL_CHANGES, frozenset({deal.id})))


def update_deal(
    db: Database,
    deal_id: int,
    *,
    by: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Outcome[DealInfo]:
    """Change some fields of a deal. ``changes`` maps field names to new values.

    The stage is not among them: use :func:`move_deal`. Reassigning a deal to
    another owner needs a manager.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        errors = Validator()
        for name in sorted(unknown):
            reason = {
                "stage_id": "use move_deal",
                "created_at": "the first contact is fixed when the deal is created",
            }.get(name, "not an editable deal field")
            errors.add(name, "not_allowed", reason=reason)
        errors.check()
    with db.transaction() as s:
        user = actor(s, by)
        deal = get_or_404(s, m.Deal, deal_id, lock=True)
        require_owner_or_manager(user, deal.owner_id, "edit_deal", "deal")
        _check_version(s, deal, expected_version)
        v = Validator()
        new: dict[str, Any] = {}
        if "title" in changes:
            new["title"] = v.text("title", changes["title"], max_len=m.LEN_TITLE, required=True)
        if "amount" in changes:
            new["amount"] = v.amount("amount", changes["amount"])
        if "customer_id" in changes:
            v.reference(s, "customer_id", m.Customer, changes["customer_id"])
            new["customer_id"] = changes["customer_id"]
        customer_id = new.get("customer_id", deal.customer_id)
        if "contact_id" in changes or ("customer_id" in changes and deal.contact_id is not None):
            contact_id = changes.get("contact_id", deal.contact_id)
            if contact_id is not None:
                _check_contact(v, s, contact_id, customer_id)
            new["contact_id"] = contact_id
        if "owner_id" in changes and changes["owner_id"] != deal.owner_id:
            v.reference(
                s, "owner_id", m.User, changes["owner_id"], required=True, must_be_active=True
            )
            if not is_manager(user):
                v.add("owner_id", "not_allowed", reason="only a manager can reassign a deal")
            new["owner_id"] = changes["owner_id"]
        if "currency" in changes:
            new["currency"] = v.currency("currency", changes["currency"])
            if new["currency"] is None and not v.has("currency"):
                v.add("currency", "required")
        if "expected_close" in changes:
            new["expected_close"] = v.day("expected_close", changes["expected_close"])
        if "source_id" in changes:
            v.reference(s, "source_id", m.LeadSource, changes["source_id"])
            new["source_id"] = changes["source_id"]
        if "notes" in changes:
            new["notes"] = v.text("notes", changes["notes"], max_len=m.LEN_NOTES)
        if "external_ref" in changes:
            ref = v.text("external_ref", changes["external_ref"], max_len=m.LEN_REF)
            if ref and unique_taken(s, m.Deal.external_ref, ref, exclude_id=deal.id):
                v.add("external_ref", "duplicate", value=ref)
            new["external_ref"] = ref
        v.check()
        if not any(getattr(deal, k) != val for k, val in new.items()):
            return Outcome(deal_info(deal, _stage_kind(s, deal.stage_id)), Changes())
        before = _audited_values(deal)
        for key, val in new.items():
            setattr(deal, key, val)
        now = utcnow()
        deal.version += 1
        deal.updated_at = now
        deal.updated_by_id = user.id
        _write_audit(s, deal, before, by=user.id, at=now)
        s.flush()
        kinds = Change.DEALS
        cust_ids = {c for c in (deal.customer_id, changes.get("customer_id")) if c}
        return Outcome(
            deal_info(deal, _stage_kind(s, deal.stage_id)),
            Changes(kinds, frozenset({deal.id}), frozenset(cust_ids)),
        )


def delete_deal(db: Database, deal_id: int, *, by: int, expected_version: int) -> Outcome[None]:
    """Delete a deal with its history. Its activities stay with the customer."""
    with db.transaction() as s:
        user = actor(s, by)
        deal = get_or_404(s, m.Deal, deal_id, lock=True)
        require_owner_or_manager(user, deal.owner_id, "delete_deal", "deal")
        _check_version(s, deal, expected_version)
        # Activities that belong to the deal alone go with it; the others keep the customer.
        s.execute(
            delete(m.Activity).where(
                m.Activity.deal_id == deal.id, m.Activity.customer_id.is_(None)
            )
        )
        s.execute(update(m.Activity).where(m.Activity.deal_id == deal.id).values(deal_id=None))
        customer_id = deal.customer_id
        s.delete(deal)
        s.flush()
        return Outcome(
            None,
            Changes(
                DEAL_CHANGES | Change.ACTIVITIES,
                frozenset({deal_id}),
                frozenset({customer_id} if customer_id else set()),
            ),
        )


def _last_open_stage_id(session: Session, deal: m.Deal) -> int | None:
    """The open stage a closed deal was last in before it closed."""
    return session.execute(
        select(m.StageTransition.to_stage_id)
        .join(m.Stage, m.Stage.id == m.StageTransition.to_stage_id)
        .where(m.StageTransition.deal_id == deal.id, m.Stage.kind == StageKind.OPEN.value)
        .order_by(m.StageTransition.at.desc(), m.StageTransition.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def move_deal(
    db: Database,
    deal_id: int,
    stage_id: int,
    *,
    by: int,
    expected_version: int,
    lost_reason_id: int | None = None,
    closed_at: datetime | None = None,
    amount: Decimal | int | str | None = None,
) -> Outcome[DealInfo]:
    """Move a deal to another stage of its pipeline and record the transition.

    * Won and lost set ``closed_at`` (now, or the given close date, which may not
      precede the deal's creation or its entry into its current stage).
    * Lost requires ``lost_reason_id`` and records ``lost_at_stage_id``.
    * Moving a closed deal back to an open stage reopens it and clears the
      close date and the loss fields.
    * ``amount`` sets the amount with the move: it confirms or corrects the amount when
      winning, and undo uses it to restore the amount a win changed.
    * ``expected_version`` is the version the user saw; a stale one raises
      :class:`Conflict`.
    Moving a deal to the stage it is already in changes nothing.
    """
    with db.transaction() as s:
        user = actor(s, by)
        deal = get_or_404(s, m.Deal, deal_id, lock=True)
        require_owner_or_manager(user, deal.owner_id, "move_deal", "deal")
        _check_version(s, deal, expected_version)
        v = Validator()
        target = v.reference(s, "stage_id", m.Stage, stage_id, required=True, must_be_active=True)
        if target is not None and target.pipeline_id != deal.pipeline_id:
            v.add("stage_id", "invalid", reason="the stage belongs to another pipeline")
        v.check()
        assert target is not None
        current = s.get(m.Stage, deal.stage_id)
        assert current is not None
        if target.id == deal.stage_id:
            return Outcome(deal_info(deal, StageKind(current.kind)), Changes())

        kind = StageKind(target.kind)
        now = utcnow()
        at = now
        reason = None
        if kind is not StageKind.OPEN:
            if closed_at is not None:
                at = v.timestamp("closed_at", closed_at) or now
                if not v.has("closed_at"):
                    if at < deal.created_at:
                        v.add("closed_at", "before_created", created=deal.created_at.isoformat())
                    elif at < deal.stage_entered_at:
                        v.add(
                            "closed_at",
                            "invalid",
                            reason="before the deal entered its current stage",
                        )
        else:
            if closed_at is not None:
                v.add("closed_at", "not_allowed", reason="only a won or lost deal has a close date")
        if kind is StageKind.LOST:
            reason = v.reference(
                s,
                "lost_reason_id",
                m.LostReason,
                lost_reason_id,
                required=True,
                must_be_active=True,
            )
        elif lost_reason_id is not None:
            v.add("lost_reason_id", "not_allowed", reason="only a lost deal has a lost reason")
        new_amount = None
        if amount is not None:
            new_amount = v.amount("amount", amount)
        v.check()

        if at < deal.stage_entered_at:
            # Clock skew between PCs: history must never run backwards.
            at = deal.stage_entered_at
        previous_kind = StageKind(current.kind)
        before = _audited_values(deal)
        if kind is StageKind.OPEN:
            deal.closed_at = None
            deal.lost_reason_id = None
            deal.lost_at_stage_id = None
        elif kind is StageKind.WON:
            deal.closed_at = at
            deal.lost_reason_id = None
            deal.lost_at_stage_id = None
        else:
            assert reason is not None
            deal.closed_at = at
            deal.lost_reason_id = reason.id
            deal.lost_at_stage_id = (
                current.id if previous_kind is StageKind.OPEN else _last_open_stage_id(s, deal)
            )
        if new_amount is not None:
            deal.amount = new_amount
        from_stage = deal.stage_id
        deal.stage_id = target.id
        deal.stage_entered_at = at
        deal.version += 1
        deal.updated_at = now
        deal.updated_by_id = user.id
        s.add(
            m.StageTransition(
                deal_id=deal.id,
                from_stage_id=from_stage,
                to_stage_id=target.id,
                at=at,
                by_user_id=user.id,
            )
        )
        # The audit row takes the time of the write, also when the close date is given.
        _write_audit(s, deal, before, by=user.id, at=now)
        s.flush()
        return Outcome(deal_info(deal, kind), Changes(DEAL_CHANGES, frozenset({deal.id})))


__all__ = [
    "EDITABLE_FIELDS",
    "ValidationError",
    "create_deal",
    "deal_audit",
    "deal_history",
    "delete_deal",
    "get_deal",
    "list_deals",
    "move_deal",
    "update_deal",
]


def list_deals(
    db: Database,
    *,
    status: str = "all",
    owner_id: int | None = None,
    text: str = "",
    pipeline_id: int | None = None,
    customer_id: int | None = None,
) -> list[DealRow]:
    """The deals table: every deal (or the open, won or lost ones) with its customer, owner
    and stage names, by one query. ``text`` searches the title and the customer (A–Z
    case-insensitive)."""
    d, c, u, st = (m.Deal.__table__, m.Customer.__table__, m.User.__table__, m.Stage.__table__)
    stmt = (
        select(
            d.c.id,
            d.c.title,
            c.c.company,
            u.c.name,
            d.c.stage_id,
            st.c.name,
            st.c.kind,
            d.c.amount,
            d.c.currency,
            d.c.expected_close,
            d.c.created_at,
            d.c.closed_at,
        )
        .select_from(
            d.join(u, u.c.id == d.c.owner_id)
            .join(st, st.c.id == d.c.stage_id)
            .outerjoin(c, c.c.id == d.c.customer_id)
        )
        .order_by(d.c.created_at.desc(), d.c.id.desc())
    )
    if status in ("open", "won", "lost"):
        stmt = stmt.where(st.c.kind == status)
    if owner_id is not None:
        stmt = stmt.where(d.c.owner_id == owner_id)
    if pipeline_id is not None:
        stmt = stmt.where(d.c.pipeline_id == pipeline_id)
    if customer_id is not None:
        stmt = stmt.where(d.c.customer_id == customer_id)
    needle = text.strip().lower()
    if needle:
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            func.lower(d.c.title).like(pattern, escape="\\")
            | func.lower(func.coalesce(c.c.company, "")).like(pattern, escape="\\")
        )
    with db.read() as s:
        return [
            DealRow(
                r[0], r[1], r[2], r[3], r[4], r[5], StageKind(r[6]), r[7], r[8], r[9], r[10], r[11]
            )
            for r in s.execute(stmt)
        ]


def has_deals(db: Database) -> bool:
    """Whether the database holds any deal at all (the first-run check)."""
    with db.read() as s:
        return s.execute(select(m.Deal.id).limit(1)).first() is not None
