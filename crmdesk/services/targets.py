"""Sales targets per person or for the whole team."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import Change, Changes, Outcome, TargetInfo, TargetMetric
from crmdesk.services._common import (
    Validator,
    actor,
    get_or_404,
    require_manager,
    target_info,
)

_MESSAGE = "Only a manager can set targets."


def list_targets(
    db: Database, *, start: date | None = None, end: date | None = None
) -> list[TargetInfo]:
    """Targets whose period overlaps ``[start, end)``."""
    with db.read() as s:
        stmt = select(m.Target).order_by(m.Target.period_start, m.Target.owner_id, m.Target.metric)
        if start is not None:
            stmt = stmt.where(m.Target.period_end > start)
        if end is not None:
            stmt = stmt.where(m.Target.period_start < end)
        return [target_info(t) for t in s.execute(stmt).scalars()]


def set_target(
    db: Database,
    *,
    by: int,
    owner_id: int | None,
    metric: TargetMetric | str,
    period_start: date,
    period_end: date,
    value: Decimal | int | str,
) -> Outcome[TargetInfo]:
    """Create or replace the target of a person (or the team, ``owner_id=None``)
    for one metric and period. ``period_end`` is exclusive."""
    with db.transaction() as s:
        require_manager(actor(s, by), "set_targets", _MESSAGE)
        v = Validator()
        v.reference(s, "owner_id", m.User, owner_id)
        clean_metric = v.choice("metric", metric, TargetMetric)
        start = v.day("period_start", period_start)
        end = v.day("period_end", period_end)
        if start is None and not v.has("period_start"):
            v.add("period_start", "required")
        if end is None and not v.has("period_end"):
            v.add("period_end", "required")
        if start and end and end <= start:
            v.add("period_end", "invalid", reason="the period must end after it starts")
        amount = v.amount("value", value)
        if (
            clean_metric
            in (TargetMetric.WON_COUNT, TargetMetric.NEW_CUSTOMERS, TargetMetric.ACTIVITIES_DONE)
            and amount is not None
            and amount != amount.to_integral_value()
        ):
            v.add("value", "invalid", reason="a count is a whole number")
        v.check()
        owner_cond = (
            m.Target.owner_id.is_(None) if owner_id is None else m.Target.owner_id == owner_id
        )
        target = s.execute(
            select(m.Target).where(
                owner_cond,
                m.Target.metric == clean_metric.value,
                m.Target.period_start == start,
                m.Target.period_end == end,
            )
        ).scalar_one_or_none()
        if target is None:
            target = m.Target(
                owner_id=owner_id,
                metric=clean_metric.value,
                period_start=start,
                period_end=end,
                value=amount,
            )
            s.add(target)
        else:
            target.value = amount
        s.flush()
        return Outcome(target_info(target), Changes(Change.TARGETS))


def delete_target(db: Database, target_id: int, *, by: int) -> Outcome[None]:
    with db.transaction() as s:
        require_manager(actor(s, by), "set_targets", _MESSAGE)
        s.delete(get_or_404(s, m.Target, target_id))
        s.flush()
        return Outcome(None, Changes(Change.TARGETS))
