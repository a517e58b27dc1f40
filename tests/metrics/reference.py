"""A plain-Python reference implementation of every figure in docs/metrics.md.

Written from the page alone, independently of ``crmdesk.metrics`` (never
imported here): it reads every table once with plain ``SELECT *`` and folds
each deal's history in Python, the obvious way. The tests compare the SQL
service with it field by field.

Where docs/metrics.md leaves a choice open, the reading taken here is noted
in a comment starting with ``READING:``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain.reports import (
    ActivityCount,
    ActivityReport,
    BoardTotals,
    DealBadges,
    ForecastActual,
    ForecastBucket,
    ForecastReport,
    Funnel,
    FunnelReport,
    FunnelStage,
    Kpis,
    MetricsFilter,
    NewCustomersReport,
    NewCustomersRow,
    OverdueTask,
    PerformanceReport,
    PerformanceRow,
    PeriodInfo,
    RottingDeal,
    StageEfficiencyReport,
    StageEfficiencyRow,
    StageTotals,
    TargetRow,
    TargetsReport,
)

DAY = 86400.0
HOUR = 3600.0
RESPONSE_KINDS = ("call", "meeting", "email")
HISTORY_DAYS = 365
EVIDENCE = 20
FUNNEL_MIN_REACHED = 5
HISTORY_MONTHS = 6
TEAM_NAME = "Team"
UNKNOWN_SOURCE = "Unknown"
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- helpers


def rate(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def mean(values: list[float]) -> float | None:
    return None if not values else sum(values) / len(values)


def median(values: list[float]) -> float | None:
    # statistics.median: the mean of the two middle values for an even count.
    return None if not values else float(statistics.median(values))


def cents_half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def frac_to_decimal(value: Fraction) -> Decimal:
    """An exact-enough Decimal of a rational (12 decimal places)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("1e-12"))


def add_months(d: date, n: int) -> date:
    total = d.year * 12 + (d.month - 1) + n
    return date(total // 12, total % 12 + 1, 1)


def month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def local_midnight(d: date, tz: ZoneInfo) -> datetime:
    """Local midnight of date ``d`` in ``tz`` (its offset on that date), as aware UTC."""
    return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC)


def seconds(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds()


# --------------------------------------------------------------------------- raw data


@dataclass
class Row:
    """One table row as attributes."""

    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


@dataclass
class Data:
    """Every table that the metrics read, loaded once."""

    users: dict[int, Row]
    pipelines: dict[int, Row]
    stages: dict[int, Row]
    sources: dict[int, Row]
    customers: dict[int, Row]
    deals: dict[int, Row]
    transitions: dict[int, list[Row]]  # per deal, sorted by (at, id)
    activities: dict[int, Row]
    targets: dict[int, Row]

    @classmethod
    def load(cls, db: Database) -> Data:
        def read(model: Any) -> dict[int, Row]:
            table = model.__table__
            with db.engine.connect() as conn:
                result = conn.execute(select(table))
                return {r.id: Row(dict(r._mapping)) for r in result}

        transitions: dict[int, list[Row]] = defaultdict(list)
        for t in read(m.StageTransition).values():
            transitions[t.deal_id].append(t)
        for lst in transitions.values():
            lst.sort(key=lambda t: (t.at, t.id))
        return cls(
            users=read(m.User),
            pipelines=read(m.Pipeline),
            stages=read(m.Stage),
            sources=read(m.LeadSource),
            customers=read(m.Customer),
            deals=read(m.Deal),
            transitions=dict(transitions),
            activities=read(m.Activity),
            targets=read(m.Target),
        )


@dataclass
class DealFacts:
    """What one deal's history and activities say about it."""

    deal: Row
    kind: str  # the current stage's kind
    reached: set[int]  # open stage ids reached
    visits: list[tuple[int, float]]  # (stage id, seconds) of completed visits
    first_response: datetime | None  # first done call/meeting/email on the deal
    last_done: datetime | None  # last done activity (any kind) on the deal
    next_due: datetime | None  # earliest due_at of the deal's not-done activities
    history: list[Row] = field(default_factory=list)

    def stage_before(self, t: datetime) -> int | None:
        """The deal's stage as instant ``t`` begins: its last transition before ``t``."""
        # READING: "open at the start of M" counts the history before the start of M; a
        # deal created or moved exactly at local midnight on the 1st did that during M.
        stage = None
        for tr in self.history:
            if tr.at < t:
                stage = tr.to_stage_id
            else:
                break
        return stage


# --------------------------------------------------------------------------- reference


class Reference:
    def __init__(self, data: Data, f: MetricsFilter) -> None:
        assert f.now is not None and f.now.tzinfo is not None, "the reference needs a fixed now"
        assert f.tz is not None, "the reference needs a time zone"
        self.data = data
        self.f = f
        self.now = f.now.astimezone(UTC)
        self.tz = ZoneInfo(f.tz)
        self.today = self.now.astimezone(self.tz).date()
        self.period = PeriodInfo(f.period_from, f.period_to, f.tz)
        self.start = None if f.period_from is None else local_midnight(f.period_from, self.tz)
        # "No `to` means up to now."
        self.end = self.now if f.period_to is None else local_midnight(f.period_to, self.tz)

        if f.pipeline_id is None:
            self.pipeline = next(p for p in data.pipelines.values() if p.is_default)
        else:
            self.pipeline = data.pipelines[f.pipeline_id]
        pipe_stages = sorted(
            (s for s in data.stages.values() if s.pipeline_id == self.pipeline.id),
            key=lambda s: (s.position, s.id),
        )
        self.all_open = [s for s in pipe_stages if s.kind == "open"]
        # Stage reports list the pipeline's *active* open stages in position order.
        self.open_stages = [s for s in self.all_open if s.active]
        self.position = {s.id: s.position for s in pipe_stages}

        self.facts: dict[int, DealFacts] = {
            d.id: self._facts(d) for d in data.deals.values() if d.pipeline_id == self.pipeline.id
        }
        # Deals matching owner, pipeline and source.
        self.fdeals = [
            self.facts[d.id]
            for d in sorted(data.deals.values(), key=lambda d: d.id)
            if d.id in self.facts and self.deal_matches(d)
        ]
        self.first_won = self._first_won_deals()

    # -- filters and periods ---------------------------------------------------------

    def owner_ok(self, owner_id: int | None) -> bool:
        return self.f.owner_ids is None or owner_id in self.f.owner_ids

    def deal_matches(self, d: Row, *, owners: bool = True) -> bool:
        if d.pipeline_id != self.pipeline.id:
            return False
        if owners and not self.owner_ok(d.owner_id):
            return False
        return self.f.source_id is None or d.source_id == self.f.source_id

    def in_period(self, t: datetime | None) -> bool:
        if t is None:
            return False
        return (self.start is None or t >= self.start) and t < self.end

    def local_date(self, t: datetime) -> date:
        return t.astimezone(self.tz).date()

    def stage_kind(self, stage_id: int) -> str:
        return self.data.stages[stage_id].kind

    def user_name(self, user_id: int) -> str:
        return self.data.users[user_id].name

    # -- per deal --------------------------------------------------------------------

    def _facts(self, d: Row) -> DealFacts:
        history = self.data.transitions.get(d.id, [])
        stages = self.data.stages
        kind = stages[d.stage_id].kind
        ever_won = any(stages[t.to_stage_id].kind == "won" for t in history)
        entered_open = [
            self.position[t.to_stage_id]
            for t in history
            if stages[t.to_stage_id].kind == "open" and t.to_stage_id in self.position
        ]
        opens = [s for s in stages.values() if s.pipeline_id == d.pipeline_id and s.kind == "open"]
        if ever_won:
            reached = {s.id for s in opens}
        elif entered_open:
            top = max(entered_open)
            reached = {s.id for s in opens if s.position <= top}
        else:
            reached = set()
        visits = []
        for i, t in enumerate(history[:-1]):
            visits.append((t.to_stage_id, seconds(t.at, history[i + 1].at)))
        acts = [a for a in self.data.activities.values() if a.deal_id == d.id]
        responses = [a.done_at for a in acts if a.done_at is not None and a.kind in RESPONSE_KINDS]
        done = [a.done_at for a in acts if a.done_at is not None]
        # READING: "its next open activity's due date" is the earliest due_at among the
        # deal's activities that are not done (overdue ones included).
        due = [a.due_at for a in acts if a.done_at is None and a.due_at is not None]
        return DealFacts(
            deal=d,
            kind=kind,
            reached=reached,
            visits=visits,
            first_response=min(responses) if responses else None,
            # READING: "last done activity" is of every kind, notes included.
            last_done=max(done) if done else None,
            next_due=min(due) if due else None,
            history=history,
        )

    def _first_won_deals(self) -> dict[int, Row]:
        """Customer id -> its first won deal, over all its deals, whatever the filters."""
        best: dict[int, Row] = {}
        for d in self.data.deals.values():
            if d.customer_id is None or self.stage_kind(d.stage_id) != "won":
                continue
            cur = best.get(d.customer_id)
            if cur is None or (d.closed_at, d.id) < (cur.closed_at, cur.id):
                best[d.customer_id] = d
        return best

    def days_in_stage(self, fx: DealFacts) -> float:
        return seconds(fx.deal.stage_entered_at, self.now) / DAY

    def days_since_activity(self, fx: DealFacts) -> float | None:
        return None if fx.last_done is None else seconds(fx.last_done, self.now) / DAY

    def is_rotting(self, fx: DealFacts) -> bool:
        if fx.kind != "open":
            return False
        rot = self.data.stages[fx.deal.stage_id].rot_days
        if rot is None:
            return False
        since = fx.last_done if fx.last_done is not None else fx.deal.created_at
        return self.days_in_stage(fx) > rot or seconds(since, self.now) / DAY > rot

    # -- shared folds ----------------------------------------------------------------

    def _won_in_period(self, deals: Iterable[DealFacts]) -> list[DealFacts]:
        return [x for x in deals if x.kind == "won" and self.in_period(x.deal.closed_at)]

    def _lost_in_period(self, deals: Iterable[DealFacts]) -> list[DealFacts]:
        return [x for x in deals if x.kind == "lost" and self.in_period(x.deal.closed_at)]

    def _created(self, deals: Iterable[DealFacts]) -> list[DealFacts]:
        return [x for x in deals if self.in_period(x.deal.created_at)]

    def _response_hours(self, created: list[DealFacts]) -> list[float]:
        out = []
        for x in created:
            if x.first_response is not None:
                out.append(max(0.0, seconds(x.deal.created_at, x.first_response)) / HOUR)
        return out

    def qualified_stage_id(self) -> int | None:
        # "Each pipeline names the stage ... (default: ..., the second open stage)".
        # READING: with no (or no active) qualified stage named, the second active open
        # stage (the only one, if there is just one) is the qualified stage.
        q = self.pipeline.qualified_stage_id
        if any(s.id == q for s in self.open_stages):
            return q
        if not self.open_stages:
            return None
        return self.open_stages[min(1, len(self.open_stages) - 1)].id

    def _lead_conversion(self, created: list[DealFacts]) -> float | None:
        q = self.qualified_stage_id()
        return rate(sum(1 for x in created if q in x.reached), len(created))

    def _open(self, deals: Iterable[DealFacts]) -> list[DealFacts]:
        return [x for x in deals if x.kind == "open"]

    def _weighted(self, deals: Iterable[DealFacts]) -> Decimal:
        return sum(
            (
                x.deal.amount * self.data.stages[x.deal.stage_id].probability / Decimal(100)
                for x in deals
            ),
            Decimal(0),
        )

    @staticmethod
    def _amount(deals: Iterable[DealFacts]) -> Decimal:
        return sum((x.deal.amount for x in deals), Decimal(0))

    def _new_customer_deals(self, start: datetime | None, end: datetime) -> list[Row]:
        """First won deals (matching the filters) that closed in ``[start, end)``."""
        out = []
        for d in self.first_won.values():
            if not self.deal_matches(d):
                continue
            if (start is None or d.closed_at >= start) and d.closed_at < end:
                out.append(d)
        return out

    def _activities_done(self, owner_ok: Any, start: datetime | None, end: datetime) -> int:
        return sum(
            1
            for a in self.data.activities.values()
            if a.done_at is not None
            and a.kind != "note"
            and owner_ok(a.owner_id)
            and (start is None or a.done_at >= start)
            and a.done_at < end
        )

    # -- KPIs ------------------------------------------------------------------------

    def kpis(self) -> Kpis:
        deals = self.fdeals
        won = self._won_in_period(deals)
        lost = self._lost_in_period(deals)
        created = self._created(deals)
        won_amount = self._amount(won)
        cycles = [seconds(x.deal.created_at, x.deal.closed_at) / DAY for x in won]
        responses = self._response_hours(created)
        opened = self._open(deals)
        # ltv_avg: all time, owner/pipeline/source filters on the won deals summed.
        per_customer: dict[int, Decimal] = defaultdict(Decimal)
        for x in deals:
            if x.kind == "won" and x.deal.customer_id is not None:
                per_customer[x.deal.customer_id] += x.deal.amount
        ltv = (
            None if not per_customer else sum(per_customer.values(), Decimal(0)) / len(per_customer)
        )
        return Kpis(
            period=self.period,
            close_rate=rate(len(won), len(won) + len(lost)),
            lead_conversion_rate=self._lead_conversion(created),
            avg_sales_cycle_days=mean(cycles),
            median_sales_cycle_days=median(cycles),
            won_count=len(won),
            won_amount=won_amount,
            lost_count=len(lost),
            avg_deal_size=None if not won else won_amount / len(won),
            response_time_median_hours=median(responses),
            no_response_share=rate(
                sum(1 for x in created if x.first_response is None), len(created)
            ),
            new_customers=len(self._new_customer_deals(self.start, self.end)),
            open_pipeline_amount=self._amount(opened),
            weighted_pipeline_amount=self._weighted(opened),
            ltv_avg=ltv,
        )

    # -- 1. stage efficiency ---------------------------------------------------------

    def stage_efficiency(self) -> StageEfficiencyReport:
        cohort = self._created(self.fdeals)
        rows = []
        stages = self.open_stages
        for i, s in enumerate(stages):
            reached = [x for x in cohort if s.id in x.reached]
            if i + 1 < len(stages):
                nxt = stages[i + 1].id
                advanced = sum(1 for x in reached if nxt in x.reached)
            else:
                advanced = sum(1 for x in reached if x.kind == "won")
            durations = [secs / DAY for x in cohort for sid, secs in x.visits if sid == s.id]
            rows.append(
                StageEfficiencyRow(
                    stage_id=s.id,
                    stage_key=s.key,
                    stage_name=s.name,
                    reached=len(reached),
                    advanced=advanced,
                    conversion=rate(advanced, len(reached)),
                    lost_here=sum(
                        1 for x in cohort if x.kind == "lost" and x.deal.lost_at_stage_id == s.id
                    ),
                    open_here=sum(
                        1 for x in cohort if x.kind == "open" and x.deal.stage_id == s.id
                    ),
                    avg_days=mean(durations),
                    median_days=median(durations),
                    visits=len(durations),
                )
            )
        return StageEfficiencyReport(self.period, tuple(rows), stage_bottleneck(rows))

    # -- 2. funnel -------------------------------------------------------------------

    def _funnel(self, owner_id: int | None, cohort: list[DealFacts]) -> tuple[Funnel, list]:
        reached = [sum(1 for x in cohort if s.id in x.reached) for s in self.open_stages]
        won = sum(1 for x in cohort if x.kind == "won")
        convs: list[Fraction | None] = []
        for i in range(len(reached)):
            nxt = reached[i + 1] if i + 1 < len(reached) else won
            convs.append(None if reached[i] == 0 else Fraction(nxt, reached[i]))
        stages = tuple(
            FunnelStage(
                stage_id=s.id,
                stage_key=s.key,
                stage_name=s.name,
                reached=reached[i],
                conversion=None if convs[i] is None else float(convs[i]),
            )
            for i, s in enumerate(self.open_stages)
        )
        funnel = Funnel(
            owner_id=owner_id,
            owner_name=TEAM_NAME if owner_id is None else self.user_name(owner_id),
            created=len(cohort),
            stages=stages,
            won=won,
            lead_to_won=rate(won, len(cohort)),
            # READING: the team has no bottleneck of its own (it is what people are
            # compared with), so its bottleneck_stage_id is None.
            bottleneck_stage_id=None,
        )
        return funnel, convs

    def funnel(self) -> FunnelReport:
        cohort = self._created(self.fdeals)
        team, team_convs = self._funnel(None, cohort)
        people = []
        # READING: one funnel per current owner of a cohort deal, by owner id.
        for owner in sorted({x.deal.owner_id for x in cohort}):
            mine = [x for x in cohort if x.deal.owner_id == owner]
            fun, convs = self._funnel(owner, mine)
            best: tuple[Fraction, int] | None = None
            for i, s in enumerate(self.open_stages):
                if fun.stages[i].reached < FUNNEL_MIN_REACHED:
                    continue
                tc, pc = team_convs[i], convs[i]
                assert tc is not None and pc is not None
                diff = tc - pc
                if diff > 0 and (best is None or diff > best[0]):
                    best = (diff, s.id)
            people.append(
                Funnel(
                    owner_id=fun.owner_id,
                    owner_name=fun.owner_name,
                    created=fun.created,
                    stages=fun.stages,
                    won=fun.won,
                    lead_to_won=fun.lead_to_won,
                    bottleneck_stage_id=None if best is None else best[1],
                )
            )
        return FunnelReport(self.period, team, tuple(people))

    # -- 3. new customers ------------------------------------------------------------

    def new_customers(self) -> NewCustomersReport:
        firsts = self._new_customer_deals(self.start, self.end)
        new_ids = {d.customer_id for d in firsts}
        acc: dict[int | None, dict[str, Any]] = {}

        def slot(source_id: int | None) -> dict[str, Any]:
            return acc.setdefault(
                source_id,
                {
                    "new": 0,
                    "first": Decimal(0),
                    "won": Decimal(0),
                    "by_month": defaultdict(int),
                    "leads": 0,
                    "leads_won": 0,
                },
            )

        for d in firsts:
            src = self.data.customers[d.customer_id].source_id
            row = slot(src)
            row["new"] += 1
            row["first"] += d.amount
            row["by_month"][month_key(self.local_date(d.closed_at))] += 1
        # READING: "all the won deals of those customers closed in the period" is
        # subject to the owner, pipeline and source filters like every deal figure.
        for x in self._won_in_period(self.fdeals):
            cid = x.deal.customer_id
            if cid in new_ids:
                slot(self.data.customers[cid].source_id)["won"] += x.deal.amount
        for x in self._created(self.fdeals):
            row = slot(x.deal.source_id)
            row["leads"] += 1
            row["leads_won"] += x.kind == "won"

        def make(source_id: int | None, name: str, v: dict[str, Any]) -> NewCustomersRow:
            return NewCustomersRow(
                source_id=source_id,
                source_name=name,
                new_customers=v["new"],
                first_deal_amount=v["first"],
                won_amount=v["won"],
                by_month=dict(sorted(v["by_month"].items())),
                leads=v["leads"],
                leads_won=v["leads_won"],
                lead_to_won_rate=rate(v["leads_won"], v["leads"]),
            )

        rows = [
            make(sid, UNKNOWN_SOURCE if sid is None else self.data.sources[sid].name, v)
            for sid, v in acc.items()
        ]
        total: dict[str, Any] = {
            "new": sum(v["new"] for v in acc.values()),
            "first": sum((v["first"] for v in acc.values()), Decimal(0)),
            "won": sum((v["won"] for v in acc.values()), Decimal(0)),
            "by_month": defaultdict(int),
            "leads": sum(v["leads"] for v in acc.values()),
            "leads_won": sum(v["leads_won"] for v in acc.values()),
        }
        for v in acc.values():
            for k, n in v["by_month"].items():
                total["by_month"][k] += n
        return NewCustomersReport(self.period, tuple(rows), make(None, "Total", total))

    # -- 4. forecast -----------------------------------------------------------------

    def history_p(self, owner_id: int, stage_id: int) -> Fraction:
        """P(won | reached the stage) for the forecast, with the evidence fallbacks."""
        since = self.now - timedelta(days=HISTORY_DAYS)
        # READING: the closed deals of the trailing year obey the owner (team = the
        # owners in the filter), pipeline and source filters; window [now - 365 d, now).
        closed = [
            x
            for x in self.fdeals
            if x.kind in ("won", "lost")
            and since <= x.deal.closed_at < self.now
            and stage_id in x.reached
        ]
        mine = [x for x in closed if x.deal.owner_id == owner_id]
        for pool in (mine, closed):
            if len(pool) >= EVIDENCE:
                return Fraction(sum(1 for x in pool if x.kind == "won"), len(pool))
        return Fraction(self.data.stages[stage_id].probability, 100)

    def forecast(self, months: int = 6) -> ForecastReport:
        first = self.today.replace(day=1)
        month_starts = [add_months(first, i) for i in range(months)]
        later = add_months(first, months)
        keys = ["overdue", *(month_key(d) for d in month_starts), "later", "no_date"]
        starts: dict[str, date | None] = {k: None for k in keys}
        for d in month_starts:
            starts[month_key(d)] = d
        acc: dict[str, list[Any]] = {k: [0, Decimal(0), Decimal(0), Fraction(0)] for k in keys}
        for x in self._open(self.fdeals):
            d = x.deal
            ec = d.expected_close
            if ec is None:
                key = "no_date"
            elif ec < self.today:
                key = "overdue"
            elif ec >= later:
                key = "later"
            else:
                key = month_key(ec)
            prob = self.data.stages[d.stage_id].probability
            a = acc[key]
            a[0] += 1
            a[1] += d.amount
            a[2] += d.amount * prob / Decimal(100)
            a[3] += Fraction(d.amount) * self.history_p(d.owner_id, d.stage_id)

        def bucket(key: str, month_start: date | None, a: list[Any]) -> ForecastBucket:
            return ForecastBucket(key, month_start, a[0], a[1], a[2], frac_to_decimal(a[3]))

        buckets = tuple(bucket(k, starts[k], acc[k]) for k in keys)
        tot = [
            sum(a[0] for a in acc.values()),
            sum((a[1] for a in acc.values()), Decimal(0)),
            sum((a[2] for a in acc.values()), Decimal(0)),
            sum((a[3] for a in acc.values()), Fraction(0)),
        ]
        history = []
        for i in range(HISTORY_MONTHS, 0, -1):
            mstart = add_months(first, -i)
            mend = add_months(mstart, 1)
            s, e = local_midnight(mstart, self.tz), local_midnight(mend, self.tz)
            fc = Decimal(0)
            for x in self.fdeals:
                ec = x.deal.expected_close
                if ec is None or not (mstart <= ec < mend):
                    continue
                st = x.stage_before(s)
                if st is None or self.stage_kind(st) != "open":
                    continue
                fc += x.deal.amount * self.data.stages[st].probability / Decimal(100)
            actual = self._amount(
                x for x in self.fdeals if x.kind == "won" and s <= x.deal.closed_at < e
            )
            history.append(ForecastActual(month_key(mstart), fc, actual))
        return ForecastReport(self.period, buckets, bucket("total", None, tot), tuple(history))

    # -- 5. targets ------------------------------------------------------------------

    def target_actual(self, t: Row) -> Decimal:
        s, e = local_midnight(t.period_start, self.tz), local_midnight(t.period_end, self.tz)

        def owner_ok(owner_id: int) -> bool:
            # READING: a team target counts every owner; the owner filter of the
            # report picks which targets are listed, not what they measure.
            return t.owner_id is None or owner_id == t.owner_id

        if t.metric in ("won_amount", "won_count"):
            won = [
                x
                for x in self.facts.values()
                if x.kind == "won"
                and self.deal_matches(x.deal, owners=False)
                and owner_ok(x.deal.owner_id)
                and s <= x.deal.closed_at < e
            ]
            return self._amount(won) if t.metric == "won_amount" else Decimal(len(won))
        if t.metric == "new_customers":
            n = sum(
                1
                for d in self.first_won.values()
                if self.deal_matches(d, owners=False)
                and owner_ok(d.owner_id)
                and s <= d.closed_at < e
            )
            return Decimal(n)
        assert t.metric == "activities_done"
        return Decimal(self._activities_done(owner_ok, s, e))

    def _target_row(self, t: Row) -> TargetRow:
        actual = self.target_actual(t)
        value = t.value
        total = (t.period_end - t.period_start).days
        share = Fraction(min(max((self.today - t.period_start).days, 0), total), total)
        # READING: pace compares actual with expected_by_today as reported, in cents.
        expected = cents_half_up(frac_to_decimal(Fraction(value) * share))
        if expected == 0:
            pace = "on_track"
        elif actual >= Decimal("1.05") * expected:
            pace = "ahead"
        elif actual < Decimal("0.95") * expected:
            pace = "behind"
        else:
            pace = "on_track"
        return TargetRow(
            target_id=t.id,
            owner_id=t.owner_id,
            owner_name=TEAM_NAME if t.owner_id is None else self.user_name(t.owner_id),
            metric=t.metric,
            period_start=t.period_start,
            period_end=t.period_end,
            value=value,
            actual=actual,
            attainment=None if value == 0 else float(Fraction(actual) / Fraction(value)),
            expected_by_today=expected,
            pace=pace,  # type: ignore[arg-type]
            gap=value - actual,
        )

    def target_listed(self, t: Row) -> bool:
        f = self.f
        # READING: with an owner filter, only those owners' own targets are listed (the
        # team's targets are not any of those salespeople's); without one, every target.
        if self.f.owner_ids is not None and t.owner_id not in self.f.owner_ids:
            return False
        if f.period_from is None and f.period_to is None:
            return t.period_start <= self.today < t.period_end
        # Overlap of [start, end) with [from, to).
        return (f.period_to is None or t.period_start < f.period_to) and (
            f.period_from is None or t.period_end > f.period_from
        )

    def targets(self) -> TargetsReport:
        rows = [
            self._target_row(t)
            for t in sorted(self.data.targets.values(), key=lambda t: t.id)
            if self.target_listed(t)
        ]
        return TargetsReport(self.period, tuple(rows))

    # -- 6. performance --------------------------------------------------------------

    def _attainment(self, owner_ids: list[int]) -> float | None:
        """Σ actual ÷ Σ value over the won_amount targets of these people."""
        f = self.f
        actual, value = Decimal(0), Decimal(0)
        found = False
        for t in self.data.targets.values():
            if t.metric != "won_amount" or t.owner_id is None or t.owner_id not in owner_ids:
                continue
            # READING: "wholly in the filter period": from <= start and end <= to, an
            # open end being unbounded; "started": start <= today.
            if f.period_from is not None and t.period_start < f.period_from:
                continue
            if f.period_to is not None and t.period_end > f.period_to:
                continue
            if t.period_start > self.today:
                continue
            found = True
            actual += self.target_actual(t)
            value += t.value
        if not found or value == 0:
            return None
        return float(Fraction(actual) / Fraction(value))

    def _performance_row(
        self, owner_id: int | None, deals: list[DealFacts], owner_ok: Any, people: list[int]
    ) -> PerformanceRow:
        won = self._won_in_period(deals)
        lost = self._lost_in_period(deals)
        created = self._created(deals)
        won_amount = self._amount(won)
        opened = self._open(deals)
        return PerformanceRow(
            owner_id=owner_id,
            owner_name=TEAM_NAME if owner_id is None else self.user_name(owner_id),
            won_count=len(won),
            won_amount=won_amount,
            close_rate=rate(len(won), len(won) + len(lost)),
            avg_deal_size=None if not won else won_amount / len(won),
            avg_cycle_days=mean([seconds(x.deal.created_at, x.deal.closed_at) / DAY for x in won]),
            lead_conversion_rate=self._lead_conversion(created),
            response_time_median_hours=median(self._response_hours(created)),
            activities_done=self._activities_done(owner_ok, self.start, self.end),
            open_pipeline_amount=self._amount(opened),
            weighted_pipeline_amount=self._weighted(opened),
            rotting_deals=sum(1 for x in opened if self.is_rotting(x)),
            target_attainment=self._attainment(people),
        )

    def performance_owner_ids(self) -> list[int]:
        # READING: "owns deals or activities in the filter": an owner (in the owner
        # filter) of a matching deal closed or created in the period or open now, or of
        # an activity (not a note) done in the period.
        owners = {
            x.deal.owner_id
            for x in self.fdeals
            if x.kind == "open"
            or self.in_period(x.deal.created_at)
            or (x.kind in ("won", "lost") and self.in_period(x.deal.closed_at))
        }
        owners |= {
            a.owner_id
            for a in self.data.activities.values()
            if self.owner_ok(a.owner_id)
            and a.kind != "note"
            and a.done_at is not None
            and self.in_period(a.done_at)
        }
        return sorted(owners)

    def performance(self) -> PerformanceReport:
        rows = []
        people = self.performance_owner_ids()
        for owner in people:
            mine = [x for x in self.fdeals if x.deal.owner_id == owner]
            rows.append(
                self._performance_row(owner, mine, lambda o, owner=owner: o == owner, [owner])
            )
        # READING: the team row's target_attainment pools the won_amount targets of the
        # people listed (person targets), not the team's own targets.
        team = self._performance_row(None, self.fdeals, self.owner_ok, people)
        return PerformanceReport(self.period, tuple(rows), team)

    # -- 7. activity -----------------------------------------------------------------

    def rotting_deals(self) -> list[RottingDeal]:
        out = []
        for x in self._open(self.fdeals):
            if not self.is_rotting(x):
                continue
            d = x.deal
            stage = self.data.stages[d.stage_id]
            since = x.last_done if x.last_done is not None else d.created_at
            out.append(
                RottingDeal(
                    deal_id=d.id,
                    title=d.title,
                    owner_id=d.owner_id,
                    owner_name=self.user_name(d.owner_id),
                    stage_id=stage.id,
                    stage_name=stage.name,
                    amount=d.amount,
                    rot_days=stage.rot_days,
                    days_in_stage=self.days_in_stage(x),
                    days_since_activity=seconds(since, self.now) / DAY,
                )
            )
        return out

    def activity(self, granularity: str = "week") -> ActivityReport:
        counts: dict[tuple[int, date, str], int] = defaultdict(int)
        overdue = []
        for a in sorted(self.data.activities.values(), key=lambda a: a.id):
            if not self.owner_ok(a.owner_id):
                continue
            # READING: activities are filtered by their own owner only; the pipeline
            # and source filters (deal filters) do not apply to them. Notes count here.
            if a.done_at is not None and self.in_period(a.done_at):
                day = self.local_date(a.done_at)
                if granularity == "week":
                    day -= timedelta(days=day.weekday())
                counts[(a.owner_id, day, a.kind)] += 1
            if a.done_at is None and a.due_at is not None and a.due_at < self.now:
                overdue.append(
                    OverdueTask(
                        activity_id=a.id,
                        owner_id=a.owner_id,
                        owner_name=self.user_name(a.owner_id),
                        kind=a.kind,
                        subject=a.subject,
                        due_at=a.due_at,
                        days_overdue=seconds(a.due_at, self.now) / DAY,
                        deal_id=a.deal_id,
                        customer_id=a.customer_id,
                    )
                )
        rows = tuple(
            ActivityCount(o, self.user_name(o), b, k, n) for (o, b, k), n in sorted(counts.items())
        )
        return ActivityReport(
            self.period, granularity, rows, tuple(overdue), tuple(self.rotting_deals())
        )  # type: ignore[arg-type]

    # -- board -----------------------------------------------------------------------

    def board_totals(self) -> BoardTotals:
        opened = self._open(self.fdeals)
        out = []
        for s in self.open_stages:
            here = [x for x in opened if x.deal.stage_id == s.id]
            out.append(StageTotals(s.id, len(here), self._amount(here), self._weighted(here)))
        return BoardTotals(tuple(out))

    def deal_badges(self) -> dict[int, DealBadges]:
        # READING: the board shows the open deals matching the filter.
        return {
            x.deal.id: DealBadges(
                deal_id=x.deal.id,
                days_in_stage=self.days_in_stage(x),
                days_since_activity=self.days_since_activity(x),
                next_due_at=x.next_due,
                rotting=self.is_rotting(x),
            )
            for x in self._open(self.fdeals)
        }


def stage_bottleneck(rows: list[StageEfficiencyRow]) -> int | None:
    """Lowest conversion; tie: longer median days (no median loses), then earlier."""
    best: tuple[Fraction, float, int, int] | None = None
    for i, r in enumerate(rows):
        if r.reached == 0:
            continue
        # Sort key: lower conversion first, then longer median (None last), then earlier.
        med = float("inf") if r.median_days is None else -r.median_days
        key = (Fraction(r.advanced, r.reached), med, i, r.stage_id)
        if best is None or key < best:
            best = key
    return None if best is None else best[3]


def reference(db: Database, f: MetricsFilter) -> Reference:
    return Reference(Data.load(db), f)
