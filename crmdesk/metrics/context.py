"""Resolving a :class:`MetricsFilter` into what the queries need."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.zone import TIME_ZONE_KEY
from crmdesk.domain import FieldError, ValidationError
from crmdesk.domain.reports import MetricsFilter, PeriodInfo
from crmdesk.domain.timezones import local_timezone_name


def resolve_zone(name: str | None) -> tuple[str, tzinfo]:
    name = name or local_timezone_name()
    try:
        return name, ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            FieldError("tz", "invalid", {"reason": f"unknown time zone {name!r}"})
        ) from None


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant of local midnight starting ``day``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class StageRef:
    id: int
    key: str
    name: str
    names: dict[str, str]
    probability: int
    rot_days: int | None
    slot: int

    def label(self, lang: str | None) -> str:
        """The stage's name in ``lang`` (``"en"``, ``"zh_CN"``), else its main name."""
        return (self.names.get(lang) if lang else None) or self.name


@dataclass(frozen=True)
class Ctx:
    """A resolved filter: time bounds in UTC, the pipeline and its stages."""

    filter: MetricsFilter
    tz_name: str
    tz: tzinfo
    now: datetime
    today: date  # local
    start: datetime | None  # UTC, inclusive
    end: datetime | None  # UTC, exclusive
    pipeline_id: int
    open_stages: tuple[StageRef, ...]
    won_stage_ids: tuple[int, ...]
    lost_stage_ids: tuple[int, ...]
    qualified_index: int
    won_slots: tuple[int, ...] = ()
    #: The team's time zone, for which each done activity's day is stored.
    team_zone: str | None = None
    #: Results shared by the reports of one request (see ``MetricsService.all``).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def period(self) -> PeriodInfo:
        return PeriodInfo(self.filter.period_from, self.filter.period_to, self.tz_name)

    @property
    def owner_ids(self) -> tuple[int, ...] | None:
        return self.filter.owner_ids

    @property
    def stage_index(self) -> dict[int, int]:
        """Open stage id → its index; each won stage → len(open stages)."""
        index = {s.id: i for i, s in enumerate(self.open_stages)}
        for sid in self.won_stage_ids:
            index[sid] = len(self.open_stages)
        return index

    def reach_bits(self, i: int) -> int:
        """The ``Deal.reached_mask`` bits that mean "reached open stage ``i`` or further":
        the active open stages from ``i`` on and every won stage (a deal once won reached
        them all)."""
        bits = 0
        for st in self.open_stages[max(i, 0) :]:
            bits |= 1 << st.slot
        for slot in self.won_slots:
            bits |= 1 << slot
        return bits

    def month_start(self, day: date, offset: int = 0) -> date:
        month = day.month - 1 + offset
        return date(day.year + month // 12, month % 12 + 1, 1)


def resolve(session: Session, f: MetricsFilter) -> Ctx:
    tz_name, tz = resolve_zone(f.tz)
    now = f.now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("MetricsFilter.now must be timezone-aware")
    now = now.astimezone(UTC)
    if f.period_from and f.period_to and f.period_to <= f.period_from:
        raise ValidationError(
            FieldError("period_to", "invalid", {"reason": "the period must end after it starts"})
        )
    stmt = select(m.Pipeline)
    if f.pipeline_id is None:
        stmt = stmt.order_by(m.Pipeline.is_default.desc(), m.Pipeline.position, m.Pipeline.id)
    else:
        stmt = stmt.where(m.Pipeline.id == f.pipeline_id)
    pipe = session.execute(stmt.limit(1)).scalar_one_or_none()
    if pipe is None:
        raise ValidationError(
            FieldError("pipeline", "unknown", {"entity": "pipeline", "value": f.pipeline_id})
        )
    stages = list(
        session.execute(
            select(m.Stage)
            .where(m.Stage.pipeline_id == pipe.id)
            .order_by(m.Stage.position, m.Stage.id)
        ).scalars()
    )
    open_stages = tuple(
        StageRef(s.id, s.key, s.name, dict(s.names or {}), s.probability, s.rot_days, s.slot)
        for s in stages
        if s.kind == "open" and s.active
    )
    qualified = next(
        (i for i, s in enumerate(open_stages) if s.id == pipe.qualified_stage_id),
        min(1, len(open_stages) - 1),
    )
    return Ctx(
        filter=f,
        tz_name=tz_name,
        tz=tz,
        now=now,
        today=now.astimezone(tz).date(),
        start=local_midnight(f.period_from, tz) if f.period_from else None,
        end=local_midnight(f.period_to, tz) if f.period_to else None,
        pipeline_id=pipe.id,
        open_stages=open_stages,
        won_stage_ids=tuple(s.id for s in stages if s.kind == "won"),
        lost_stage_ids=tuple(s.id for s in stages if s.kind == "lost"),
        qualified_index=max(qualified, 0),
        won_slots=tuple(s.slot for s in stages if s.kind == "won"),
        team_zone=session.execute(
            select(m.Setting.value).where(m.Setting.key == TIME_ZONE_KEY)
        ).scalar_one_or_none(),
    )


def day_from_number(n: int) -> date:
    return date(1970, 1, 1) + timedelta(days=n)
