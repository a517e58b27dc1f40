"""Shared plumbing of the services: the acting user, validation, row → value object."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.domain import (
    ActivityInfo,
    ActivityKind,
    ContactInfo,
    CustomerInfo,
    DealInfo,
    FieldError,
    LookupItem,
    NotFound,
    PermissionDenied,
    PipelineInfo,
    Role,
    StageInfo,
    StageKind,
    TargetInfo,
    TargetMetric,
    TransitionInfo,
    UserInfo,
    ValidationError,
)
from crmdesk.domain.timezones import STORED_FROM, STORED_TO

ModelT = TypeVar("ModelT", bound=m.Base)

#: Timestamps this far ahead of the clock are still "now" (clock skew between PCs).
CLOCK_SKEW = timedelta(minutes=5)
MAX_AMOUNT = Decimal("999999999999.99")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def utcnow() -> datetime:
    return datetime.now(UTC)


def actor(session: Session, by: int) -> m.User:
    """The acting user, who must exist and be active."""
    user = session.get(m.User, by)
    if user is None or not user.active:
        raise PermissionDenied(
            "Your user account is unknown or disabled; sign in again.", action="act", user_id=by
        )
    session.info["actor_id"] = user.id  # who made the write, for the change log
    return user


def is_manager(user: m.User) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER)


def require_manager(user: m.User, action: str, message: str) -> None:
    if not is_manager(user):
        raise PermissionDenied(message, action=action, role=user.role)


def require_admin(user: m.User, action: str, message: str) -> None:
    if user.role != Role.ADMIN:
        raise PermissionDenied(message, action=action, role=user.role)


def require_owner_or_manager(user: m.User, owner_id: int | None, action: str, what: str) -> None:
    if is_manager(user) or owner_id == user.id:
        return
    raise PermissionDenied(
        f"Only the owner or a manager can change this {what}.",
        action=action,
        owner_id=owner_id,
    )


_ENTITY_NAMES = {
    "users": "user",
    "pipelines": "pipeline",
    "stages": "stage",
    "lead_sources": "lead source",
    "lost_reasons": "lost reason",
    "customers": "customer",
    "contacts": "contact",
    "deals": "deal",
    "stage_transitions": "stage transition",
    "activities": "activity",
    "targets": "target",
    "settings": "setting",
}


def entity_name(model: type[m.Base]) -> str:
    """The singular, human name of what a table holds ("activity", "lead source")."""
    return _ENTITY_NAMES.get(model.__tablename__, model.__tablename__)


def get_or_404(session: Session, model: type[ModelT], ident: int, *, lock: bool = False) -> ModelT:
    obj = session.get(model, ident, with_for_update=lock or None)
    if obj is None:
        raise NotFound(entity_name(model), ident)
    return obj


class Validator:
    """Collects field errors so a form can show all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, code: str, **params: Any) -> None:
        self.errors.append(FieldError(field, code, params))

    def has(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    # --- field rules -------------------------------------------------------
    def text(self, field: str, value: Any, *, max_len: int, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.add(field, "required")
            return None
        if not isinstance(value, str):
            self.add(field, "invalid", reason="expected text")
            return None
        value = value.strip()
        if not value:
            if required:
                self.add(field, "required")
            return None
        if len(value) > max_len:
            self.add(field, "too_long", max=max_len, length=len(value))
            return None
        return value

    def amount(self, field: str, value: Any, *, required: bool = True) -> Decimal | None:
        if value is None or value == "":
            if required:
                self.add(field, "required")
            return None
        if isinstance(value, float):
            value = repr(value)
        try:
            amount = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            self.add(field, "invalid", reason="not a number")
            return None
        if not amount.is_finite():
            self.add(field, "invalid", reason="not a number")
            return None
        if amount < 0:
            self.add(field, "negative")
            return None
        if amount > MAX_AMOUNT:
            self.add(field, "out_of_range", min=0, max=str(MAX_AMOUNT))
            return None
        if amount != amount.quantize(Decimal("0.01")):
            self.add(field, "invalid", reason="at most 2 decimal places")
            return None
        return amount.quantize(Decimal("0.01"))

    def integer(
        self, field: str, value: Any, *, lo: int, hi: int, required: bool = True
    ) -> int | None:
        if value is None:
            if required:
                self.add(field, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field, "invalid", reason="expected a whole number")
            return None
        if not lo <= value <= hi:
            self.add(field, "out_of_range", min=lo, max=hi)
            return None
        return value

    def timestamp(
        self, field: str, value: Any, *, required: bool = False, not_future: bool = True
    ) -> datetime | None:
        if value is None:
            if required:
                self.add(field, "required")
            return None
        if not isinstance(value, datetime):
            self.add(field, "invalid", reason="expected a date and time")
            return None
        if value.tzinfo is None:
            self.add(field, "invalid", reason="a time zone is required")
            return None
        if not self._in_span(field, value.date()):
            return None
        if not_future and value > utcnow() + CLOCK_SKEW:
            self.add(field, "in_future")
            return None
        return value.astimezone(UTC)

    def day(self, field: str, value: Any) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.add(field, "invalid", reason="expected a date")
            return None
        if not self._in_span(field, value):
            return None
        return value

    def _in_span(self, field: str, day: date) -> bool:
        """A date within the years the team zone's offsets are kept for (year 1 or 9999
        is a typo, and would not survive a shift to another zone in a report or an
        export)."""
        last = STORED_TO - timedelta(days=1)
        if STORED_FROM <= day <= last:
            return True
        self.add(field, "out_of_range", min=STORED_FROM.isoformat(), max=last.isoformat())
        return False

    def currency(self, field: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not CURRENCY_RE.match(value.strip().upper()):
            self.add(field, "invalid", reason="a 3-letter currency code such as USD or CNY")
            return None
        return value.strip().upper()

    def choice(self, field: str, value: Any, enum_type: type, *, required: bool = True) -> Any:
        if value is None:
            if required:
                self.add(field, "required")
            return None
        try:
            return enum_type(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum_type)
            self.add(field, "invalid", reason=f"one of {allowed}")
            return None

    def reference(
        self,
        session: Session,
        field: str,
        model: type[ModelT],
        ident: Any,
        *,
        required: bool = False,
        must_be_active: bool = False,
        share_lock: bool = False,
    ) -> ModelT | None:
        """The ``model`` row ``ident`` names, or None with the field's error. With
        ``share_lock`` the row is read ``FOR SHARE`` on PostgreSQL (SQLite's write
        transaction locks everything already): a concurrent change of it (an archive,
        which locks it ``FOR UPDATE``) waits for this transaction, or this one waits and
        reads the row as that change left it."""
        if ident is None:
            if required:
                self.add(field, "required")
            return None
        entity = entity_name(model)
        if isinstance(ident, bool) or not isinstance(ident, int):
            self.add(field, "invalid", reason=f"expected a {entity} id")
            return None
        obj = session.get(model, ident, with_for_update={"read": True} if share_lock else None)
        if obj is None:
            self.add(field, "unknown", entity=entity, value=ident)
            return None
        if must_be_active and not getattr(obj, "active", True):
            self.add(field, "inactive", entity=entity, value=ident)
            return None
        return obj


def unique_taken(
    session: Session, column: Any, value: Any, *, exclude_id: int | None = None
) -> bool:
    model_id = column.class_.id
    stmt = select(func.count()).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(model_id != exclude_id)
    return bool(session.execute(stmt).scalar_one())


def setting(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(m.Setting, key)
    return row.value if row else default


# --- ORM row → frozen value object ---------------------------------------------


def user_info(u: m.User) -> UserInfo:
    return UserInfo(u.id, u.name, u.login, Role(u.role), u.active, u.password_hash is not None)


def stage_info(s: m.Stage) -> StageInfo:
    return StageInfo(
        s.id,
        s.pipeline_id,
        s.key,
        s.name,
        dict(s.names or {}),
        s.position,
        s.probability,
        s.rot_days,
        StageKind(s.kind),
    )


def pipeline_info(p: m.Pipeline, stages: Iterable[m.Stage]) -> PipelineInfo:
    ordered = sorted(stages, key=lambda s: (s.position, s.id))
    return PipelineInfo(
        p.id,
        p.key,
        p.name,
        dict(p.names or {}),
        p.position,
        p.is_default,
        p.qualified_stage_id,
        tuple(stage_info(s) for s in ordered),
    )


def lookup_info(x: m.LeadSource | m.LostReason) -> LookupItem:
    return LookupItem(x.id, x.name, dict(x.names or {}), x.position, x.active)


def customer_info(c: m.Customer) -> CustomerInfo:
    return CustomerInfo(
        c.id,
        c.company,
        c.industry,
        c.source_id,
        c.owner_id,
        c.created_at,
        c.phone,
        c.email,
        c.website,
        c.address,
        c.notes,
        c.external_ref,
        c.version,
    )


def contact_info(c: m.Contact) -> ContactInfo:
    return ContactInfo(c.id, c.customer_id, c.name, c.title, c.phone, c.email, c.notes, c.version)


def deal_info(d: m.Deal, stage_kind: StageKind | str) -> DealInfo:
    return DealInfo(
        id=d.id,
        title=d.title,
        customer_id=d.customer_id,
        contact_id=d.contact_id,
        owner_id=d.owner_id,
        pipeline_id=d.pipeline_id,
        stage_id=d.stage_id,
        stage_kind=StageKind(stage_kind),
        amount=d.amount,
        currency=d.currency,
        expected_close=d.expected_close,
        source_id=d.source_id,
        created_at=d.created_at,
        stage_entered_at=d.stage_entered_at,
        closed_at=d.closed_at,
        lost_reason_id=d.lost_reason_id,
        lost_at_stage_id=d.lost_at_stage_id,
        notes=d.notes,
        external_ref=d.external_ref,
        version=d.version,
        updated_at=d.updated_at,
        updated_by_id=d.updated_by_id,
    )


def transition_info(t: m.StageTransition) -> TransitionInfo:
    return TransitionInfo(t.id, t.deal_id, t.from_stage_id, t.to_stage_id, t.at, t.by_user_id)


def activity_info(a: m.Activity) -> ActivityInfo:
    return ActivityInfo(
        a.id,
        ActivityKind(a.kind),
        a.subject,
        a.owner_id,
        a.deal_id,
        a.customer_id,
        a.due_at,
        a.done_at,
        a.created_at,
        a.notes,
        a.version,
    )


def target_info(t: m.Target) -> TargetInfo:
    return TargetInfo(
        t.id, t.owner_id, TargetMetric(t.metric), t.period_start, t.period_end, t.value
    )
