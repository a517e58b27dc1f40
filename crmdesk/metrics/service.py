"""The metrics service: every KPI and report of docs/metrics.md, aggregated in SQL.

Each public method runs a handful of grouped SQLAlchemy Core queries (window
functions for medians, visits and first events) and returns frozen value
objects. Nothing here loads ORM objects per deal; Python only combines the
aggregated rows (ratios, roll-ups of days into weeks or months).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Numeric,
    Select,
    String,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
    values,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import CustomerSummary, PermissionDenied, Role, UserInfo
from crmdesk.domain.reports import (
    REPORT_KEYS,
    ActivityCount,
    ActivityReport,
    AllReports,
    BoardQuery,
    BoardTotals,
    DealBadges,
    DealCard,
    ForecastActual,
    ForecastBucket,
    ForecastReport,
    Funnel,
    FunnelReport,
    FunnelStage,
    Granularity,
    Kpis,
    MetricsFilter,
    NewCustomersReport,
    NewCustomersRow,
    OverdueTask,
    Pace,
    PerformanceReport,
    PerformanceRow,
    RottingDeal,
    StageEfficiencyReport,
    StageEfficiencyRow,
    StageTotals,
    TargetRow,
    TargetsReport,
    ascii_lower,
)
from crmdesk.metrics.context import Ctx, day_from_number, local_midnight, resolve
from crmdesk.metrics.sql import days_between, local_day_number, local_week_number

D = m.Deal.__table__
T = m.StageTransition.__table__
A = m.Activity.__table__
ST = m.Stage.__table__
U = m.User.__table__
C = m.Customer.__table__
TG = m.Target.__table__
SRC = m.LeadSource.__table__
SV = m.StageVisit.__table__

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_SUM = Numeric(24, 2)
RESPONSE_KINDS = ("call", "meeting", "email")
HISTORY_DAYS = 365
MIN_EVIDENCE = 20
TARGET_CHUNK = 500  # targets per VALUES list (SQLite allows 32,766 parameters)
FUNNEL_MIN_REACHED = 5
TEAM = "Team"


@dataclass
class OwnerFacts:
    """One owner's counts and sums from :meth:`MetricsService._owner_facts`."""

    created: int = 0
    reached: list[int] = field(default_factory=list)
    won_now: int = 0
    qualified: int = 0
    no_response: int = 0
    open_here: list[int] = field(default_factory=list)
    lost_here: list[int] = field(default_factory=list)
    won_count: int = 0
    lost_count: int = 0
    won_amount: Decimal = ZERO
    cycle_days_sum: float = 0.0
    open_count: int = 0
    open_amount: Decimal = ZERO
    weighted_sum: Decimal = ZERO
    rotting: int = 0

    @property
    def active(self) -> bool:
        """Has a deal in the cohort, closed in the period, or open now."""
        return bool(self.created or self.won_count or self.lost_count or self.open_count)

    @classmethod
    def total(cls, facts: Iterable[OwnerFacts], n: int) -> OwnerFacts:
        """The sum over several owners (the team)."""
        t = cls(reached=[0] * n, open_here=[0] * n, lost_here=[0] * n)
        for f in facts:
            for name in ("reached", "open_here", "lost_here"):
                mine, theirs = getattr(t, name), getattr(f, name)
                setattr(t, name, [a + b for a, b in zip(mine, theirs, strict=True)])
            for name in (
                "created",
                "won_now",
                "qualified",
                "no_response",
                "won_count",
                "lost_count",
                "won_amount",
                "cycle_days_sum",
                "open_count",
                "open_amount",
                "weighted_sum",
                "rotting",
            ):
                setattr(t, name, getattr(t, name) + getattr(f, name))
        return t


def _money(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(num: float | int | Decimal, den: float | int | Decimal) -> float | None:
    return None if not den else float(num) / float(den)


def _weighted(sum_amount_prob: Any) -> Decimal:
    """Σ amount × probability (exact to the cent) ÷ 100, rounded to cents."""
    return _money(Decimal(sum_amount_prob or 0).quantize(CENT) / 100)


def _in_period(col: ColumnElement[Any], ctx: Ctx) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if ctx.start is not None:
        conds.append(col >= ctx.start)
    if ctx.end is not None:
        conds.append(col < ctx.end)
    return conds


class MetricsService:
    """Every figure of the sales process, for one database.

    All methods take a :class:`MetricsFilter` and open one read transaction.

    ``viewer`` is who looks at the figures. A rep sees reports for themselves and the
    team's totals: a filter naming someone else is refused (``PermissionDenied``), and
    the other people's rows are left out of the per-person parts (the team totals still
    count everyone). Managers and admins, and ``viewer=None`` (the command line, which
    acts as the database's admin), see everyone.

    ``lang`` names the stages in that language (the window's: ``"en"``, ``"zh_CN"``)
    where the pipeline has a name in it; None (the command line) gives their main names.
    """

    def __init__(
        self, db: Database, *, viewer: UserInfo | None = None, lang: str | None = None
    ) -> None:
        self.db = db
        self.viewer = viewer
        self.lang = lang

    # --- who may see what -------------------------------------------------------------
    def _only_self(self) -> int | None:
        """The rep whose reports these are, or None when every person may be shown."""
        v = self.viewer
        return v.id if v is not None and v.role == Role.REP else None

    def _check(self, f: MetricsFilter) -> None:
        me = self._only_self()
        if me is not None and f.owner_ids is not None and set(f.owner_ids) - {me}:
            raise PermissionDenied(
                "A sales rep can see reports for themselves and the team's totals, "
                "not for other salespeople.",
                action="view_reports",
                user_id=me,
            )

    def _shown(self, report: Any) -> Any:
        """``report`` as the viewer may see it (see the class docstring)."""
        me = self._only_self()
        if me is None:
            return report

        def mine(owner_id: int | None) -> bool:
            return owner_id is None or owner_id == me

        if isinstance(report, FunnelReport):
            return replace(report, people=tuple(p for p in report.people if mine(p.owner_id)))
        if isinstance(report, PerformanceReport):
            return replace(report, rows=tuple(r for r in report.rows if mine(r.owner_id)))
        if isinstance(report, TargetsReport):
            return replace(report, rows=tuple(r for r in report.rows if mine(r.owner_id)))
        if isinstance(report, ActivityReport):
            return replace(
                report,
                rows=tuple(r for r in report.rows if mine(r.owner_id)),
                overdue=tuple(r for r in report.overdue if mine(r.owner_id)),
                rotting=tuple(r for r in report.rotting if mine(r.owner_id)),
            )
        return report

    # --- building blocks ------------------------------------------------------------
    @staticmethod
    def _deal_conds(ctx: Ctx, *, owners: bool = True) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = [D.c.pipeline_id == ctx.pipeline_id]
        if owners and ctx.owner_ids is not None:
            conds.append(D.c.owner_id.in_(ctx.owner_ids))
        if ctx.filter.source_id is not None:
            conds.append(D.c.source_id == ctx.filter.source_id)
        return conds

    @staticmethod
    def _is_won(ctx: Ctx) -> ColumnElement[bool]:
        return D.c.stage_id.in_(ctx.won_stage_ids or (-1,))

    @staticmethod
    def _is_lost(ctx: Ctx) -> ColumnElement[bool]:
        return D.c.stage_id.in_(ctx.lost_stage_ids or (-1,))

    @staticmethod
    def _is_open(ctx: Ctx) -> ColumnElement[bool]:
        return D.c.stage_id.in_([s.id for s in ctx.open_stages] or [-1])

    @staticmethod
    def _reached(ctx: Ctx, i: int) -> ColumnElement[bool]:
        """The deal ever reached open stage ``i`` or a later one (or was ever won), from the
        trigger-kept ``reached_mask``."""
        return D.c.reached_mask.bitwise_and(literal(ctx.reach_bits(i), BigInteger)) != 0

    @staticmethod
    def _stats(
        session: Session,
        v: ColumnElement[Any],
        conds: Sequence[ColumnElement[bool]],
        key: ColumnElement[Any] | None = None,
        *,
        mean: bool = True,
    ) -> dict[Any, tuple[int, float | None, float | None]]:
        """Count, mean and median of ``v`` over the rows matching ``conds``, per ``key``
        (or over all of them under the key ``None``).

        The median is read, not ranked: one grouped count, then per group the middle one
        or two values in ``v`` order (LIMIT/OFFSET). With an index on the filter columns
        then ``v`` the database walks half the index instead of sorting every row.
        """
        nn = [*conds, v.is_not(None)]
        head = [key] if key is not None else []
        stmt = select(*head, func.count(), func.avg(v) if mean else literal(None)).where(*nn)
        if key is not None:
            stmt = stmt.group_by(key)
        out: dict[Any, tuple[int, float | None, float | None]] = {}
        for row in session.execute(stmt).all():
            k = row[0] if key is not None else None
            n = int(row[-2] or 0)
            if not n:
                continue
            middle = (
                select(v)
                .where(*nn, *([key == k] if key is not None else []))
                .order_by(v)
                .limit(2 - n % 2)
                .offset((n - 1) // 2)
            )
            vals = [float(x) for x in session.execute(middle).scalars()]
            avg = float(row[-1]) if row[-1] is not None else None
            out[k] = (n, avg, sum(vals) / len(vals) if vals else None)
        return out

    @classmethod
    def _medians(
        cls,
        session: Session,
        v: ColumnElement[Any],
        conds: Sequence[ColumnElement[bool]],
        key: ColumnElement[Any] | None = None,
    ) -> dict[Any, float]:
        return {
            k: med
            for k, (_n, _avg, med) in cls._stats(session, v, conds, key, mean=False).items()
            if med is not None
        }

    @staticmethod
    def _user_names(session: Session) -> dict[int, str]:
        return dict(session.execute(select(U.c.id, U.c.name)).all())

    @staticmethod
    def _rot_columns(ctx: Ctx) -> tuple[ColumnElement[Any], ...]:
        """Per deal row: its stage's rot days, days in stage, days since the last done
        activity (or creation), and a 0/1 rotting flag."""
        rot = (
            case(
                {s.id: s.rot_days for s in ctx.open_stages if s.rot_days},
                value=D.c.stage_id,
                else_=None,
            )
            if any(s.rot_days for s in ctx.open_stages)
            else literal(None, Integer)
        )
        now = literal(ctx.now, m.Deal.created_at.type)
        in_stage = days_between(D.c.stage_entered_at, now)
        silence = days_between(func.coalesce(D.c.last_activity_at, D.c.created_at), now)
        rotting = and_(rot.is_not(None), or_(in_stage > rot, silence > rot))
        return rot, in_stage, silence, case((rotting, 1), else_=0)

    def _rotting_select(self, ctx: Ctx, extra: Sequence[ColumnElement[bool]] = ()) -> Select[Any]:
        """Open deals matching the filter, with their days in stage, days of silence and
        rot days; a ``rotting`` flag column."""
        rot, in_stage, silence, rotting = self._rot_columns(ctx)
        return select(
            D.c.id,
            D.c.title,
            D.c.owner_id,
            D.c.stage_id,
            D.c.amount,
            rot.label("rot_days"),
            in_stage.label("days_in_stage"),
            silence.label("days_silent"),
            rotting.label("rotting"),
            D.c.last_activity_at.label("last_at"),
        ).where(self._is_open(ctx), *self._deal_conds(ctx), *extra)

    # --- KPIs ---------------------------------------------------------------------------
    def kpis(self, f: MetricsFilter) -> Kpis:
        self._check(f)
        with self.db.read() as s:
            return self._kpis(s, resolve(s, f))

    def _kpis(self, s: Session, ctx: Ctx) -> Kpis:
        conds = self._deal_conds(ctx)
        won = self._is_won(ctx)
        t = OwnerFacts.total(self._owner_facts(s, ctx).values(), len(ctx.open_stages))
        cycle_median = self._medians(
            s, D.c.cycle_days, [*conds, won, *_in_period(D.c.closed_at, ctx)]
        ).get(None)
        cohort = [*conds, *_in_period(D.c.created_at, ctx)]
        response_median = self._medians(s, D.c.response_hours, cohort).get(None)
        # Lifetime value: Σ won amount ÷ customers with a won deal, over all time.
        ltv = s.execute(
            select(
                type_coerce(func.sum(D.c.amount), MONEY_SUM),
                func.count(func.distinct(D.c.customer_id)),
            ).where(*conds, won, D.c.customer_id.is_not(None))
        ).one()
        new_customers = s.execute(
            select(func.count()).select_from(self._first_wins(ctx))
        ).scalar_one()
        won_amount = _money(t.won_amount)
        return Kpis(
            period=ctx.period,
            close_rate=_ratio(t.won_count, t.won_count + t.lost_count),
            lead_conversion_rate=_ratio(t.qualified, t.created),
            avg_sales_cycle_days=t.cycle_days_sum / t.won_count if t.won_count else None,
            median_sales_cycle_days=cycle_median,
            won_count=t.won_count,
            won_amount=won_amount,
            lost_count=t.lost_count,
            avg_deal_size=_money(won_amount / t.won_count) if t.won_count else None,
            response_time_median_hours=response_median,
            no_response_share=_ratio(t.no_response, t.created),
            new_customers=int(new_customers),
            open_pipeline_amount=_money(t.open_amount),
            weighted_pipeline_amount=_weighted(t.weighted_sum),
            ltv_avg=_money(Decimal(ltv[0]) / ltv[1]) if ltv[1] else None,
        )

    def _first_wins(
        self,
        ctx: Ctx,
        *,
        start: datetime | type[...] | None = ...,
        end: datetime | type[...] | None = ...,
        owners: bool = True,
        cte: bool = False,
    ) -> Any:
        """Each customer's first won deal (over all its deals, kept by a trigger in
        ``customers.first_won_deal_id``), when it closed in the period and matches the
        filter. Columns: customer_id, deal_id, owner_id, closed_at, amount. A subquery, or
        with ``cte`` a materialized CTE (for several uses)."""
        ranked = (
            select(
                C.c.id.label("customer_id"),
                D.c.id.label("deal_id"),
                D.c.owner_id,
                D.c.pipeline_id,
                D.c.source_id,
                D.c.closed_at,
                D.c.amount,
            )
            .select_from(C.join(D, D.c.id == C.c.first_won_deal_id))
            .subquery("ranked_wins")
        )
        lo = ctx.start if start is ... else start
        hi = ctx.end if end is ... else end
        conds: list[ColumnElement[bool]] = [ranked.c.pipeline_id == ctx.pipeline_id]
        if owners and ctx.owner_ids is not None:
            conds.append(ranked.c.owner_id.in_(ctx.owner_ids))
        if ctx.filter.source_id is not None:
            conds.append(ranked.c.source_id == ctx.filter.source_id)
        if lo is not None:
            conds.append(ranked.c.closed_at >= lo)
        if hi is not None:
            conds.append(ranked.c.closed_at < hi)
        first = select(
            ranked.c.customer_id,
            ranked.c.deal_id,
            ranked.c.owner_id,
            ranked.c.closed_at,
            ranked.c.amount,
        ).where(*conds)
        if cte:
            return first.cte("first_wins").prefix_with("MATERIALIZED")
        return first.subquery("first_wins")

    def _owner_facts(self, s: Session, ctx: Ctx) -> dict[int, OwnerFacts]:
        """Per owner, by one scan of the filtered deals: the cohort's counts (deals created
        in the period: reached per open stage, won now, qualified, without a response, still
        open or lost per stage), the deals closed in the period (won, lost, won amount, Σ
        cycle days), and the open pipeline now (amount, Σ amount × probability, rotting).

        KPIs, stage efficiency, funnel and performance all read it; ``all`` reads it once.
        """
        cached = ctx.memo.get("owner_facts")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        n = len(ctx.open_stages)
        period = _in_period(D.c.created_at, ctx)
        closed = [D.c.closed_at.is_not(None), *_in_period(D.c.closed_at, ctx)]
        won, lost, is_open = self._is_won(ctx), self._is_lost(ctx), self._is_open(ctx)
        prob = (
            case({st.id: st.probability for st in ctx.open_stages}, value=D.c.stage_id, else_=0)
            if ctx.open_stages
            else literal(0)
        )
        rotting = self._rot_columns(ctx)[3]

        def count(*conds: ColumnElement[bool]) -> Any:
            return func.sum(case((and_(*conds), 1), else_=0)) if conds else func.count()

        def total(value: Any, *conds: ColumnElement[bool]) -> Any:
            return func.sum(case((and_(*conds), value), else_=0))

        cols = [
            count(*period),
            *[count(*period, self._reached(ctx, i)) for i in range(n)],
            count(*period, won),
            count(*period, self._reached(ctx, ctx.qualified_index)),
            count(*period, D.c.first_response_at.is_(None)),
            *[count(*period, D.c.stage_id == st.id) for st in ctx.open_stages],
            *[count(*period, lost, D.c.lost_at_stage_id == st.id) for st in ctx.open_stages],
            count(*closed, won),
            count(*closed, lost),
            count(is_open),
            type_coerce(total(D.c.amount, *closed, won), MONEY_SUM),
            total(D.c.cycle_days, *closed, won),
            type_coerce(total(D.c.amount, is_open), MONEY_SUM),
            type_coerce(total(D.c.amount * prob, is_open), MONEY_SUM),
            total(rotting, is_open),
        ]
        # Read from the covering index ix_deals_facts, in owner order: no table rows, no sort.
        # (Elsewhere "column + 0" groups: by a bare column with an index of its own SQLite
        # walks that index and fetches every row out of order, several times slower than
        # one scan and a sort.)
        out: dict[int, OwnerFacts] = {}
        for row in s.execute(
            select(D.c.owner_id, *cols).where(*self._deal_conds(ctx)).group_by(D.c.owner_id)
        ):
            it = iter(x if x is not None else 0 for x in row[1:])
            out[row[0]] = OwnerFacts(
                created=int(next(it)),
                reached=[int(next(it)) for _ in range(n)],
                won_now=int(next(it)),
                qualified=int(next(it)),
                no_response=int(next(it)),
                open_here=[int(next(it)) for _ in range(n)],
                lost_here=[int(next(it)) for _ in range(n)],
                won_count=int(next(it)),
                lost_count=int(next(it)),
                open_count=int(next(it)),
                won_amount=Decimal(next(it)),
                cycle_days_sum=float(next(it)),
                open_amount=Decimal(next(it)),
                weighted_sum=Decimal(next(it)),
                rotting=int(next(it)),
            )
        ctx.memo["owner_facts"] = out
        return out

    # --- stage efficiency ----------------------------------------------------------------
    def stage_efficiency(self, f: MetricsFilter) -> StageEfficiencyReport:
        self._check(f)
        with self.db.read() as s:
            return self._stage_efficiency(s, resolve(s, f))

    def _stage_efficiency(self, s: Session, ctx: Ctx) -> StageEfficiencyReport:
        n = len(ctx.open_stages)
        team = OwnerFacts.total(self._owner_facts(s, ctx).values(), n)
        reached, won = team.reached, team.won_now
        stats = self._stats(s, SV.c.days, self._visit_conds(ctx), SV.c.stage_id)
        rows = []
        for i, st in enumerate(ctx.open_stages):
            advanced = reached[i + 1] if i + 1 < n else won
            count, avg, median = stats.get(st.id, (0, None, None))
            rows.append(
                StageEfficiencyRow(
                    stage_id=st.id,
                    stage_key=st.key,
                    stage_name=st.label(self.lang),
                    reached=reached[i],
                    advanced=advanced,
                    conversion=_ratio(advanced, reached[i]),
                    lost_here=team.lost_here[i],
                    open_here=team.open_here[i],
                    avg_days=avg,
                    median_days=median,
                    visits=count,
                )
            )
        return StageEfficiencyReport(ctx.period, tuple(rows), _bottleneck(rows))

    @staticmethod
    def _visit_conds(ctx: Ctx) -> list[ColumnElement[bool]]:
        """The cohort's completed stage visits: by the deal's pipeline, owner, source and
        creation time, all copied into ``stage_visits``."""
        conds: list[ColumnElement[bool]] = [SV.c.pipeline_id == ctx.pipeline_id]
        if ctx.owner_ids is not None:
            conds.append(SV.c.owner_id.in_(ctx.owner_ids))
        if ctx.filter.source_id is not None:
            conds.append(SV.c.source_id == ctx.filter.source_id)
        return conds + _in_period(SV.c.deal_created_at, ctx)

    # --- funnel ---------------------------------------------------------------------------
    def funnel(self, f: MetricsFilter) -> FunnelReport:
        self._check(f)
        with self.db.read() as s:
            return self._shown(self._funnel(s, resolve(s, f)))  # type: ignore[no-any-return]

    def _funnel(self, s: Session, ctx: Ctx) -> FunnelReport:
        per_owner = self._owner_facts(s, ctx)
        names = self._user_names(s)
        t = OwnerFacts.total(per_owner.values(), len(ctx.open_stages))
        team = _funnel(ctx, None, TEAM, t.created, t.reached, t.won_now, None, self.lang)
        people = [
            _funnel(
                ctx, oid, names.get(oid, str(oid)), o.created, o.reached, o.won_now, team, self.lang
            )
            for oid, o in per_owner.items()
            if o.created
        ]
        people.sort(key=lambda p: p.owner_name.casefold())
        return FunnelReport(ctx.period, team, tuple(people))

    # --- new customers ------------------------------------------------------------------------
    def new_customers(self, f: MetricsFilter) -> NewCustomersReport:
        self._check(f)
        with self.db.read() as s:
            return self._new_customers(s, resolve(s, f))

    def _new_customers(self, s: Session, ctx: Ctx) -> NewCustomersReport:
        # The first wins are computed once (a materialized CTE) for both parts below.
        fw = self._first_wins(ctx, cte=True)
        lo, hi = self._bounds(ctx)
        day = local_day_number(fw.c.closed_at, ctx.tz, lo, hi)
        # Σ won amount in the period per customer first (small), then per source of the
        # new customers; joining every deal to the first wins directly is quadratic.
        customer = (D.c.customer_id + 0).label("customer_id")  # see _owner_facts on "+ 0"
        won_per_customer = (
            select(customer, func.sum(D.c.amount).label("total"))
            .where(
                *self._deal_conds(ctx),
                self._is_won(ctx),
                D.c.customer_id.is_not(None),
                *_in_period(D.c.closed_at, ctx),
            )
            .group_by(customer)
            .subquery("won_per_customer")
        )
        by_day_q = (
            select(
                literal("day").label("part"),
                C.c.source_id,
                day.label("day"),
                func.count().label("n"),
                type_coerce(func.sum(fw.c.amount), MONEY_SUM).label("amount"),
            )
            .select_from(fw.join(C, C.c.id == fw.c.customer_id))
            .group_by(C.c.source_id, day)
        )
        won_q = (
            select(
                literal("won").label("part"),
                C.c.source_id,
                literal(None, Integer).label("day"),
                literal(None, Integer).label("n"),
                type_coerce(func.sum(won_per_customer.c.total), MONEY_SUM).label("amount"),
            )
            .select_from(
                fw.join(won_per_customer, won_per_customer.c.customer_id == fw.c.customer_id).join(
                    C, C.c.id == fw.c.customer_id
                )
            )
            .group_by(C.c.source_id)
        )
        by_day = []
        won_amounts: dict[Any, Any] = {}
        for part, source_id, day_no, count, amount in s.execute(union_all(by_day_q, won_q)):
            if part == "day":
                by_day.append((source_id, day_no, count, amount))
            else:
                won_amounts[source_id] = amount
        first_amounts: dict[Any, Decimal] = defaultdict(Decimal)
        for source_id, _day, _n, amount in by_day:
            first_amounts[source_id] += Decimal(amount or 0)
        source = (D.c.source_id + 0).label("source_id")  # see _owner_facts on "+ 0"
        leads = {
            r[0]: (int(r[1]), int(r[2] or 0))
            for r in s.execute(
                select(source, func.count(), func.sum(case((self._is_won(ctx), 1), else_=0)))
                .where(*self._deal_conds(ctx), *_in_period(D.c.created_at, ctx))
                .group_by(source)
            )
        }
        source_names = dict(s.execute(select(SRC.c.id, SRC.c.name)).all())
        months: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for source_id, day_no, count, _amount in by_day:
            key = day_from_number(int(day_no)).strftime("%Y-%m")
            months[source_id][key] += int(count)
        sources = set(months) | set(leads) | set(first_amounts)
        rows = []
        for sid in sources:
            n_leads, n_won = leads.get(sid, (0, 0))
            by_month = dict(sorted(months[sid].items())) if sid in months else {}
            rows.append(
                NewCustomersRow(
                    source_id=sid,
                    source_name=source_names.get(sid, "Unknown") if sid is not None else "Unknown",
                    new_customers=sum(by_month.values()),
                    first_deal_amount=_money(first_amounts.get(sid)),
                    won_amount=_money(won_amounts.get(sid)),
                    by_month=by_month,
                    leads=n_leads,
                    leads_won=n_won,
                    lead_to_won_rate=_ratio(n_won, n_leads),
                )
            )
        rows.sort(key=lambda r: (-r.new_customers, -r.leads, r.source_name.casefold()))
        total_months: dict[str, int] = defaultdict(int)
        for r in rows:
            for k, v in r.by_month.items():
                total_months[k] += v
        t_leads = sum(r.leads for r in rows)
        t_won = sum(r.leads_won for r in rows)
        total = NewCustomersRow(
            source_id=None,
            source_name="Total",
            new_customers=sum(r.new_customers for r in rows),
            first_deal_amount=_money(sum((r.first_deal_amount for r in rows), ZERO)),
            won_amount=_money(sum((r.won_amount for r in rows), ZERO)),
            by_month=dict(sorted(total_months.items())),
            leads=t_leads,
            leads_won=t_won,
            lead_to_won_rate=_ratio(t_won, t_leads),
        )
        return NewCustomersReport(ctx.period, tuple(rows), total)

    @staticmethod
    def _bounds(ctx: Ctx) -> tuple[datetime, datetime]:
        """The instants a local-day computation must cover: the period, or (without one)
        every plausible date; only the zone's offset changes inside matter."""
        lo = ctx.start or datetime(1990, 1, 1, tzinfo=UTC)
        hi = ctx.end or ctx.now + timedelta(days=366)
        return lo, max(hi, ctx.now)

    # --- forecast -----------------------------------------------------------------------------
    def forecast(self, f: MetricsFilter, *, months: int = 6) -> ForecastReport:
        if months < 1:
            raise ValueError("months must be at least 1")
        self._check(f)
        with self.db.read() as s:
            return self._forecast(s, resolve(s, f), months=months)

    def _forecast(self, s: Session, ctx: Ctx, *, months: int = 6) -> ForecastReport:
        month_starts = [ctx.month_start(ctx.today, k) for k in range(months + 1)]
        bucket = case(
            (D.c.expected_close.is_(None), literal("no_date")),
            (D.c.expected_close < ctx.today, literal("overdue")),
            *[
                (
                    D.c.expected_close < month_starts[k + 1],
                    literal(month_starts[k].strftime("%Y-%m")),
                )
                for k in range(months)
            ],
            else_=literal("later"),
        )
        open_rows = s.execute(
            select(
                bucket.label("bucket"),
                D.c.owner_id,
                D.c.stage_id,
                func.count(),
                type_coerce(func.sum(D.c.amount), MONEY_SUM),
            )
            .where(*self._deal_conds(ctx), self._is_open(ctx))
            .group_by(bucket, D.c.owner_id, D.c.stage_id)
        ).all()
        p_owner, p_team = self._win_probabilities(s, ctx)
        history = self._forecast_history(s, ctx)
        prob = {st.id: st.probability for st in ctx.open_stages}
        index = ctx.stage_index
        acc: dict[str, list[Any]] = {}
        for key, owner_id, stage_id, count, amount in open_rows:
            amount = Decimal(amount or 0)
            i = index.get(stage_id)
            p = p_owner.get((owner_id, i))
            if p is None:
                p = p_team.get(i)
            if p is None:
                p = Decimal(prob.get(stage_id, 0)) / 100
            slot = acc.setdefault(key, [0, ZERO, ZERO, Decimal(0)])
            slot[0] += int(count)
            slot[1] += amount
            slot[2] += amount * prob.get(stage_id, 0)
            slot[3] += amount * p
        order = ["overdue", *[ms.strftime("%Y-%m") for ms in month_starts[:-1]], "later", "no_date"]
        buckets = []
        for k, key in enumerate(order):
            c, a, ws, wh = acc.get(key, [0, ZERO, ZERO, Decimal(0)])
            start = month_starts[k - 1] if 1 <= k <= months else None
            buckets.append(ForecastBucket(key, start, c, _money(a), _weighted(ws), _money(wh)))
        total = ForecastBucket(
            "total",
            None,
            sum(b.count for b in buckets),
            _money(sum((v[1] for v in acc.values()), ZERO)),
            _weighted(sum((v[2] for v in acc.values()), ZERO)),
            _money(sum((v[3] for v in acc.values()), Decimal(0))),
        )
        return ForecastReport(ctx.period, tuple(buckets), total, history)

    def _win_probabilities(
        self, s: Session, ctx: Ctx
    ) -> tuple[dict[tuple[int, int], Decimal], dict[int, Decimal]]:
        """Observed P(won | reached stage i) over deals closed in the trailing 365 days:
        per (owner, i) and for the team, where the evidence reaches MIN_EVIDENCE."""
        n = len(ctx.open_stages)
        conds = [
            *self._deal_conds(ctx),
            D.c.closed_at.is_not(None),
            D.c.closed_at >= ctx.now - timedelta(days=HISTORY_DAYS),
            D.c.closed_at < ctx.now,
        ]
        won = self._is_won(ctx)
        reached = [self._reached(ctx, i) for i in range(n)]
        rows = s.execute(
            select(
                D.c.owner_id,
                *[func.sum(case((r, 1), else_=0)) for r in reached],
                *[func.sum(case((and_(r, won), 1), else_=0)) for r in reached],
            )
            .where(*conds)
            .group_by(D.c.owner_id)
        ).all()
        p_owner: dict[tuple[int, int], Decimal] = {}
        team_n = [0] * n
        team_w = [0] * n
        for row in rows:
            owner = row[0]
            for i in range(n):
                cnt, w = int(row[1 + i] or 0), int(row[1 + n + i] or 0)
                team_n[i] += cnt
                team_w[i] += w
                if cnt >= MIN_EVIDENCE:
                    p_owner[(owner, i)] = Decimal(w) / Decimal(cnt)
        p_team = {
            i: Decimal(team_w[i]) / Decimal(team_n[i])
            for i in range(n)
            if team_n[i] >= MIN_EVIDENCE
        }
        return p_owner, p_team

    def _forecast_history(
        self, s: Session, ctx: Ctx, months: int = 6
    ) -> tuple[ForecastActual, ...]:
        """For each of the last ``months`` months: the weighted forecast as it stood when
        the month began (deals expected to close in it, at their stage then) against the
        amount actually won in it. Two grouped queries for all the months."""
        current = ctx.month_start(ctx.today)
        firsts = [ctx.month_start(current, -k) for k in range(months, -1, -1)]  # + current
        starts = [local_midnight(d, ctx.tz) for d in firsts]
        ts = m.Deal.closed_at.type
        # Month k of a deal by its expected close, and the instant its stage is read at.
        month = case(
            *[(D.c.expected_close < firsts[k + 1], literal(k)) for k in range(months)],
            else_=literal(months),
        )
        cutoff = case(
            *[(D.c.expected_close < firsts[k + 1], literal(starts[k], ts)) for k in range(months)],
            else_=literal(starts[months], ts),
        )
        # The stay each deal was in at its month's start: entered before it, left at or
        # after it (or not yet); one per deal, since a deal's stays chain end to start.
        at_start = (
            select(month.label("month"), D.c.amount, SV.c.stage_id)
            .select_from(D.join(SV, SV.c.deal_id == D.c.id))
            .where(
                *self._deal_conds(ctx),
                D.c.expected_close >= firsts[0],
                D.c.expected_close < firsts[months],
                SV.c.entered_at < cutoff,
                or_(SV.c.left_at.is_(None), SV.c.left_at >= cutoff),
            )
            .subquery("at_month_start")
        )
        weighted: dict[int, Any] = {}
        if ctx.open_stages:
            prob = case(
                {st.id: st.probability for st in ctx.open_stages},
                value=at_start.c.stage_id,
                else_=0,
            )
            weighted = dict(
                s.execute(
                    select(
                        at_start.c.month, type_coerce(func.sum(at_start.c.amount * prob), MONEY_SUM)
                    )
                    .where(at_start.c.stage_id.in_([st.id for st in ctx.open_stages]))
                    .group_by(at_start.c.month)
                ).all()
            )
        closed_month = case(
            *[(D.c.closed_at < starts[k + 1], literal(k)) for k in range(months)],
            else_=literal(months),
        )
        actual = dict(
            s.execute(
                select(closed_month, type_coerce(func.sum(D.c.amount), MONEY_SUM))
                .where(
                    *self._deal_conds(ctx),
                    self._is_won(ctx),
                    D.c.closed_at >= starts[0],
                    D.c.closed_at < starts[months],
                )
                .group_by(closed_month)
            ).all()
        )
        out = [
            ForecastActual(
                firsts[k].strftime("%Y-%m"), _weighted(weighted.get(k)), _money(actual.get(k))
            )
            for k in range(months)
        ]
        return tuple(out)

    # --- targets ------------------------------------------------------------------------------
    def targets(self, f: MetricsFilter) -> TargetsReport:
        self._check(f)
        with self.db.read() as s:
            return self._shown(self._targets(s, resolve(s, f)))  # type: ignore[no-any-return]

    def _targets(self, s: Session, ctx: Ctx) -> TargetsReport:
        f = ctx.filter
        team_first = case((TG.c.owner_id.is_(None), 0), else_=1)
        stmt = select(TG).order_by(
            TG.c.period_start, team_first, TG.c.owner_id, TG.c.metric, TG.c.id
        )
        if f.period_from is None and f.period_to is None:
            stmt = stmt.where(TG.c.period_start <= ctx.today, TG.c.period_end > ctx.today)
        else:
            if f.period_to is not None:
                stmt = stmt.where(TG.c.period_start < f.period_to)
            if f.period_from is not None:
                stmt = stmt.where(TG.c.period_end > f.period_from)
        if ctx.owner_ids is not None:
            stmt = stmt.where(TG.c.owner_id.in_(ctx.owner_ids))
        targets = s.execute(stmt).all()
        actuals = self._target_actuals(s, ctx, targets)
        names = self._user_names(s)
        rows = []
        for t in targets:
            actual = actuals.get(t.id, ZERO)
            value = Decimal(t.value)
            span = (t.period_end - t.period_start).days
            elapsed = min(max((ctx.today - t.period_start).days, 0), span)
            # In Decimal, multiplied first: exact to the cent's half (3 x 19/24 days is
            # 2.375, which rounds up; as a float share it was 2.3749999... and went down).
            expected = _money(value * elapsed / span)
            rows.append(
                TargetRow(
                    target_id=t.id,
                    owner_id=t.owner_id,
                    owner_name=names.get(t.owner_id, TEAM) if t.owner_id else TEAM,
                    metric=t.metric,
                    period_start=t.period_start,
                    period_end=t.period_end,
                    value=_money(value),
                    actual=_money(actual),
                    attainment=_ratio(actual, value),
                    expected_by_today=expected,
                    pace=_pace(actual, expected),
                    gap=_money(value - actual),
                )
            )
        return TargetsReport(ctx.period, tuple(rows))

    def _target_actuals(self, s: Session, ctx: Ctx, targets: Sequence[Any]) -> dict[int, Decimal]:
        """Each target's metric over its own period (local days), by a few grouped joins of
        the targets (as a VALUES list) with deals and activities: a person's targets
        through the (owner, time) indexes, the team's through the time indexes."""
        known: dict[int, Decimal] = ctx.memo.setdefault("target_actuals", {})
        todo = [t for t in targets if t.id not in known]
        for i in range(0, len(todo), TARGET_CHUNK):
            chunk = todo[i : i + TARGET_CHUNK]
            found = self._target_chunk(s, ctx, chunk)
            # A target with nothing behind it is 0 (and not asked again by the next report).
            known.update({t.id: found.get(t.id, ZERO) for t in chunk})
        return {t.id: known[t.id] for t in targets}

    def _target_chunk(self, s: Session, ctx: Ctx, targets: Sequence[Any]) -> dict[int, Decimal]:
        if not targets:
            return {}
        ts = m.Deal.closed_at.type
        spans = (
            values(
                column("tid", Integer),
                column("owner_id", Integer),
                column("lo", ts),
                column("hi", ts),
                column("metric", String),
                name="spans",
            )
            .data(
                [
                    (
                        t.id,
                        t.owner_id,
                        local_midnight(t.period_start, ctx.tz),
                        local_midnight(t.period_end, ctx.tz),
                        t.metric,
                    )
                    for t in targets
                ]
            )
            .cte("spans")  # SQLite names VALUES columns only in a WITH clause
        )
        out: dict[int, Decimal] = {}

        # CAST: PostgreSQL types a VALUES column of NULLs only (team targets) as text.
        span_owner = cast(spans.c.owner_id, Integer)

        def owner_match(col: ColumnElement[Any], team: bool) -> ColumnElement[bool]:
            return span_owner.is_(None) if team else span_owner == col

        deal_conds = self._deal_conds(ctx, owners=False)
        fw = self._first_wins(ctx, start=None, end=None, owners=False)
        for team in (False, True):
            in_span = and_(
                owner_match(D.c.owner_id, team),
                D.c.closed_at >= spans.c.lo,
                D.c.closed_at < spans.c.hi,
            )
            for tid, metric, total, count in s.execute(
                select(
                    spans.c.tid,
                    spans.c.metric,
                    type_coerce(func.sum(D.c.amount), MONEY_SUM),
                    func.count(),
                )
                .select_from(spans.join(D, in_span))
                .where(
                    spans.c.metric.in_(("won_amount", "won_count")),
                    self._is_won(ctx),
                    *deal_conds,
                )
                .group_by(spans.c.tid, spans.c.metric)
            ):
                out[tid] = Decimal(total or 0) if metric == "won_amount" else Decimal(count)
            in_span = and_(
                owner_match(fw.c.owner_id, team),
                fw.c.closed_at >= spans.c.lo,
                fw.c.closed_at < spans.c.hi,
            )
            for tid, count in s.execute(
                select(spans.c.tid, func.count())
                .select_from(spans.join(fw, in_span))
                .where(spans.c.metric == "new_customers")
                .group_by(spans.c.tid)
            ):
                out[tid] = Decimal(count)
            in_span = and_(
                owner_match(A.c.owner_id, team), A.c.done_at >= spans.c.lo, A.c.done_at < spans.c.hi
            )
            for tid, count in s.execute(
                select(spans.c.tid, func.count())
                .select_from(spans.join(A, in_span))
                .where(spans.c.metric == "activities_done", A.c.kind != "note")
                .group_by(spans.c.tid)
            ):
                out[tid] = Decimal(count)
        return out

    # --- performance ----------------------------------------------------------------------------
    def performance(self, f: MetricsFilter) -> PerformanceReport:
        self._check(f)
        with self.db.read() as s:
            return self._shown(self._performance(s, resolve(s, f)))  # type: ignore[no-any-return]

    def _performance(self, s: Session, ctx: Ctx) -> PerformanceReport:
        facts = self._owner_facts(s, ctx)
        cohort = [*self._deal_conds(ctx), *_in_period(D.c.created_at, ctx)]
        resp = self._medians(s, D.c.response_hours, cohort, D.c.owner_id)
        resp_team = self._medians(s, D.c.response_hours, cohort).get(None)
        act_conds = [
            A.c.done_at.is_not(None),
            A.c.kind != "note",
            *_in_period(A.c.done_at, ctx),
        ]
        if ctx.owner_ids is not None:
            act_conds.append(A.c.owner_id.in_(ctx.owner_ids))
        acts = dict(
            s.execute(
                select(A.c.owner_id, func.count()).where(*act_conds).group_by(A.c.owner_id)
            ).all()
        )
        attainment = self._won_target_attainment(s, ctx)
        names = self._user_names(s)
        n = len(ctx.open_stages)

        def row(oid: int | None, name: str, keys: Iterable[int]) -> PerformanceRow:
            keys = list(keys)
            f = OwnerFacts.total((facts[k] for k in keys if k in facts), n)
            wa = _money(f.won_amount)
            wc = f.won_count
            if oid is None:
                att_sum = [attainment[k] for k in keys if k in attainment]
                att = (
                    _ratio(sum(a for a, _ in att_sum), sum(v for _, v in att_sum))
                    if att_sum
                    else None
                )
                median = resp_team
            else:
                a = attainment.get(oid)
                att = _ratio(a[0], a[1]) if a else None
                median = resp.get(oid)
            return PerformanceRow(
                owner_id=oid,
                owner_name=name,
                won_count=wc,
                won_amount=wa,
                close_rate=_ratio(wc, wc + f.lost_count),
                avg_deal_size=_money(wa / wc) if wc else None,
                avg_cycle_days=f.cycle_days_sum / wc if wc else None,
                lead_conversion_rate=_ratio(f.qualified, f.created),
                response_time_median_hours=median,
                activities_done=sum(int(acts.get(k, 0)) for k in keys),
                open_pipeline_amount=_money(f.open_amount),
                weighted_pipeline_amount=_weighted(f.weighted_sum),
                rotting_deals=f.rotting,
                target_attainment=att,
            )

        # A person appears with any deal in the filter or any activity done in the period.
        owners = {k for k, f in facts.items() if f.active} | {k for k in acts if k is not None}
        if ctx.owner_ids is not None:
            owners &= set(ctx.owner_ids)
        rows = sorted(
            (row(o, names.get(o, str(o)), [o]) for o in owners),
            key=lambda r: (-r.won_amount, r.owner_name.casefold()),
        )
        team = row(None, TEAM, sorted(owners))
        return PerformanceReport(ctx.period, tuple(rows), team)

    def _won_target_attainment(self, s: Session, ctx: Ctx) -> dict[int, tuple[Decimal, Decimal]]:
        """Per owner: (Σ actual, Σ value) over their won_amount targets that lie wholly in the
        period and have started."""
        f = ctx.filter
        stmt = select(TG).where(
            TG.c.metric == "won_amount",
            TG.c.owner_id.is_not(None),
            TG.c.period_start <= ctx.today,
        )
        if f.period_from is not None:
            stmt = stmt.where(TG.c.period_start >= f.period_from)
        if f.period_to is not None:
            stmt = stmt.where(TG.c.period_end <= f.period_to)
        targets = s.execute(stmt).all()
        actuals = self._target_actuals(s, ctx, targets)
        out: dict[int, tuple[Decimal, Decimal]] = {}
        for t in targets:
            a, v = out.get(t.owner_id, (ZERO, ZERO))
            out[t.owner_id] = (a + actuals.get(t.id, ZERO), v + Decimal(t.value))
        return out

    # --- activity ----------------------------------------------------------------------------
    def activity(self, f: MetricsFilter, *, granularity: Granularity = "week") -> ActivityReport:
        if granularity not in ("day", "week"):
            raise ValueError("granularity must be 'day' or 'week'")
        self._check(f)
        with self.db.read() as s:
            return self._shown(  # type: ignore[no-any-return]
                self._activity(s, resolve(s, f), granularity=granularity)
            )

    def _activity(
        self, s: Session, ctx: Ctx, *, granularity: Granularity = "week"
    ) -> ActivityReport:
        conds = [A.c.done_at.is_not(None), *_in_period(A.c.done_at, ctx)]
        if ctx.owner_ids is not None:
            conds.append(A.c.owner_id.in_(ctx.owner_ids))
        lo, hi = self._bounds(ctx)
        if ctx.team_zone == ctx.tz_name:
            # The stored team-zone day: grouped in the order of ix_activities_owner_kind_day,
            # so the database neither computes a day nor sorts.
            per_day = (
                select(A.c.owner_id, A.c.kind, A.c.done_day, func.count().label("n"))
                .where(*conds)
                .group_by(A.c.owner_id, A.c.kind, A.c.done_day)
            )
            if granularity == "week":
                # Days to weeks in SQL too, over the (few) per-day groups: a seventh of the
                # rows come back. Week w starts on day 7w - 3 (1970-01-01 was a Thursday).
                days = per_day.subquery("per_day")
                week = cast(func.floor((days.c.done_day + 3) / 7.0), Integer).label("week")
                counts = s.execute(
                    select(days.c.owner_id, week, days.c.kind, func.sum(days.c.n)).group_by(
                        days.c.owner_id, week, days.c.kind
                    )
                ).all()
                weekly_in_sql = True
            else:
                counts = [(o, d, k, n) for o, k, d, n in s.execute(per_day).all()]
                weekly_in_sql = False
        else:
            if granularity == "week":
                day = local_week_number(A.c.done_at, ctx.tz, lo, hi).label("day")
            else:
                day = local_day_number(A.c.done_at, ctx.tz, lo, hi).label("day")
            counts = s.execute(
                select(A.c.owner_id, day, A.c.kind, func.count())
                .where(*conds)
                .group_by(A.c.owner_id, day, A.c.kind)
            ).all()
            weekly_in_sql = granularity == "week"
        over_conds = [A.c.done_at.is_(None), A.c.due_at.is_not(None), A.c.due_at < ctx.now]
        if ctx.owner_ids is not None:
            over_conds.append(A.c.owner_id.in_(ctx.owner_ids))
        now = literal(ctx.now, m.Activity.due_at.type)
        overdue_rows = s.execute(
            select(
                A.c.id,
                A.c.owner_id,
                A.c.kind,
                A.c.subject,
                A.c.due_at,
                days_between(A.c.due_at, now),
                A.c.deal_id,
                A.c.customer_id,
            )
            .where(*over_conds)
            .order_by(A.c.due_at, A.c.id)
        ).all()
        rot = self._rotting_select(ctx).subquery("rot")
        rotting_rows = s.execute(
            select(rot).where(rot.c.rotting == 1).order_by(rot.c.days_in_stage.desc(), rot.c.id)
        ).all()
        names = self._user_names(s)
        buckets: dict[tuple[int, date, str], int] = defaultdict(int)
        for owner_id, day_no, kind, count in counts:
            if weekly_in_sql:
                d = day_from_number(int(day_no) * 7 - 3)
            else:
                d = day_from_number(int(day_no))
                if granularity == "week":
                    d -= timedelta(days=d.weekday())
            buckets[(owner_id, d, kind)] += int(count)
        rows = tuple(
            ActivityCount(o, names.get(o, str(o)), d, k, c)
            for (o, d, k), c in sorted(
                buckets.items(),
                key=lambda kv: (names.get(kv[0][0], "").casefold(), kv[0][1], kv[0][2]),
            )
        )
        overdue = tuple(
            OverdueTask(
                activity_id=r[0],
                owner_id=r[1],
                owner_name=names.get(r[1], str(r[1])),
                kind=r[2],
                subject=r[3],
                due_at=_aware(r[4]),
                days_overdue=float(r[5]),
                deal_id=r[6],
                customer_id=r[7],
            )
            for r in overdue_rows
        )
        stage_names = {st.id: st.label(self.lang) for st in ctx.open_stages}
        rotting = tuple(
            RottingDeal(
                deal_id=r.id,
                title=r.title,
                owner_id=r.owner_id,
                owner_name=names.get(r.owner_id, str(r.owner_id)),
                stage_id=r.stage_id,
                stage_name=stage_names.get(r.stage_id, ""),
                amount=_money(r.amount),
                rot_days=int(r.rot_days),
                days_in_stage=float(r.days_in_stage),
                days_since_activity=float(r.days_silent),
            )
            for r in rotting_rows
        )
        return ActivityReport(ctx.period, granularity, rows, overdue, rotting)

    # --- board -----------------------------------------------------------------------------------
    @staticmethod
    def _board_conds(q: BoardQuery | None) -> list[ColumnElement[bool]]:
        if q is None:
            return []
        conds: list[ColumnElement[bool]] = []
        text = q.text.strip()
        if text:
            pattern = (
                "%"
                + ascii_lower(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            cs = C.alias("customer_search")
            customer = select(cs.c.company).where(cs.c.id == D.c.customer_id).scalar_subquery()
            conds.append(
                or_(
                    func.lower(D.c.title).like(pattern, escape="\\"),
                    func.lower(func.coalesce(customer, "")).like(pattern, escape="\\"),
                )
            )
        if q.close_from is not None:
            conds.append(D.c.expected_close >= q.close_from)
        if q.close_to is not None:
            conds.append(D.c.expected_close <= q.close_to)
        if q.deal_ids is not None:
            conds.append(D.c.id.in_(sorted(q.deal_ids) or [-1]))
        return conds

    def board_totals(self, f: MetricsFilter, q: BoardQuery | None = None) -> BoardTotals:
        """Per open stage: count, amount and weighted amount of the open deals in the filter.

        The probability is the stage's, so the weighted amount is Σ amount × probability
        per stage; the query reads (pipeline, stage, amount) from one index."""
        with self.db.read() as s:
            ctx = resolve(s, f)
            rows = {
                r[0]: (int(r[1]), Decimal(r[2] or 0))
                for r in s.execute(
                    select(
                        D.c.stage_id,
                        func.count(),
                        type_coerce(func.sum(D.c.amount), MONEY_SUM),
                    )
                    .where(*self._deal_conds(ctx), self._is_open(ctx), *self._board_conds(q))
                    .group_by(D.c.stage_id)
                )
            }
        return BoardTotals(
            tuple(
                StageTotals(
                    st.id,
                    rows.get(st.id, (0, ZERO))[0],
                    _money(rows.get(st.id, (0, ZERO))[1]),
                    _weighted(rows.get(st.id, (0, ZERO))[1] * st.probability),
                )
                for st in ctx.open_stages
            )
        )

    def board_cards(self, f: MetricsFilter, q: BoardQuery | None = None) -> list[DealCard]:
        """Every open deal in the filter as a board card, by one query (oldest stage entry
        first within a stage). With ``q.deal_ids`` only those deals are read, cheaply."""
        with self.db.read() as s:
            ctx = resolve(s, f)
            _rot, in_stage, _silence, rotting = self._rot_columns(ctx)
            now = literal(ctx.now, m.Deal.created_at.type)
            last = D.c.last_activity_at
            rows = s.execute(
                select(
                    D.c.id,
                    D.c.title,
                    D.c.customer_id,
                    C.c.company,
                    D.c.owner_id,
                    U.c.name,
                    D.c.stage_id,
                    D.c.amount,
                    D.c.currency,
                    D.c.expected_close,
                    D.c.source_id,
                    D.c.version,
                    in_stage,
                    case((last.is_(None), None), else_=days_between(last, now)),
                    D.c.next_due_at,
                    rotting,
                )
                .select_from(
                    D.join(U, U.c.id == D.c.owner_id).outerjoin(C, C.c.id == D.c.customer_id)
                )
                .where(self._is_open(ctx), *self._deal_conds(ctx), *self._board_conds(q))
                .order_by(D.c.stage_id, D.c.stage_entered_at, D.c.id)
            ).all()
        cards = []
        for r in rows:
            due = _aware(r[14]) if r[14] is not None else None
            cards.append(
                DealCard(
                    id=r[0],
                    title=r[1],
                    customer_id=r[2],
                    customer_name=r[3],
                    owner_id=r[4],
                    owner_name=r[5],
                    stage_id=r[6],
                    amount=_money(r[7]),
                    currency=r[8],
                    expected_close=r[9],
                    source_id=r[10],
                    version=r[11],
                    days_in_stage=float(r[12]),
                    days_since_activity=float(r[13]) if r[13] is not None else None,
                    next_due_at=due,
                    overdue=due is not None and due < ctx.now,
                    rotting=bool(r[15]),
                )
            )
        return cards

    def deal_badges(self, f: MetricsFilter) -> dict[int, DealBadges]:
        """Per open deal in the filter: days in stage, days since its last done activity, its
        next open activity's due time, and whether it is rotting."""
        with self.db.read() as s:
            ctx = resolve(s, f)
            _rot, in_stage, _silence, rotting = self._rot_columns(ctx)
            now = literal(ctx.now, m.Deal.created_at.type)
            last = D.c.last_activity_at
            rows = s.execute(
                select(
                    D.c.id,
                    in_stage,
                    case((last.is_(None), None), else_=days_between(last, now)),
                    D.c.next_due_at,
                    rotting,
                ).where(self._is_open(ctx), *self._deal_conds(ctx))
            ).all()
        return {
            r[0]: DealBadges(
                r[0],
                float(r[1]),
                float(r[2]) if r[2] is not None else None,
                _aware(r[3]) if r[3] is not None else None,
                bool(r[4]),
            )
            for r in rows
        }

    # --- customers ------------------------------------------------------------------------------
    def customer_summaries(self, text: str = "") -> list[CustomerSummary]:
        """Every customer with its open deals, won deals and won amount (its lifetime value),
        by one grouped query. ``text`` searches the company name (A–Z case-insensitive)."""
        kind = ST.c.kind
        per = (
            select(
                D.c.customer_id.label("customer_id"),
                func.sum(case((kind == "open", 1), else_=0)).label("open_deals"),
                func.sum(case((kind == "won", 1), else_=0)).label("won_deals"),
                func.sum(case((kind == "won", D.c.amount), else_=0)).label("won_amount"),
            )
            .select_from(D.join(ST, ST.c.id == D.c.stage_id))
            .where(D.c.customer_id.is_not(None))
            .group_by(D.c.customer_id)
            .subquery("per_customer")
        )
        stmt = (
            select(
                C.c.id,
                C.c.company,
                C.c.industry,
                SRC.c.name,
                U.c.name,
                per.c.open_deals,
                per.c.won_deals,
                type_coerce(per.c.won_amount, MONEY_SUM),
                C.c.created_at,
            )
            .select_from(
                C.outerjoin(per, per.c.customer_id == C.c.id)
                .outerjoin(SRC, SRC.c.id == C.c.source_id)
                .outerjoin(U, U.c.id == C.c.owner_id)
            )
            .order_by(C.c.company, C.c.id)
        )
        needle = ascii_lower(text.strip())
        if needle:
            pattern = (
                "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            stmt = stmt.where(func.lower(C.c.company).like(pattern, escape="\\"))
        with self.db.read() as s:
            return [
                CustomerSummary(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    int(r[5] or 0),
                    int(r[6] or 0),
                    _money(r[7]),
                    _aware(r[8]),
                )
                for r in s.execute(stmt)
            ]

    # --- everything ------------------------------------------------------------------------------
    def all(
        self,
        f: MetricsFilter,
        *,
        first: Sequence[str] = (),
        on_report: Callable[[str, Any], None] | None = None,
    ) -> AllReports:
        """Every report over one read transaction and one resolved filter, so they agree
        with each other and share what they have in common (the cohort's reach counts).

        The reports named in ``first`` (fields of :class:`AllReports`) are computed
        before the others; ``on_report(name, report)`` is called as each one is ready, so
        a screen can show the first ones while the rest are computed. It runs inside the
        read transaction: it should only hand the report on."""
        unknown = [name for name in first if name not in REPORT_KEYS]
        if unknown:
            raise ValueError(f"unknown reports: {unknown}")
        self._check(f)
        with self.db.read() as s:
            ctx = resolve(s, f)
            compute: dict[str, Callable[[Session, Ctx], Any]] = {
                "kpis": self._kpis,
                "stages": self._stage_efficiency,
                "funnel": self._funnel,
                "new_customers": self._new_customers,
                "forecast": self._forecast,
                "targets": self._targets,
                "performance": self._performance,
                "activity": self._activity,
            }
            done: dict[str, Any] = {}
            for name in dict.fromkeys([*first, *REPORT_KEYS]):
                done[name] = self._shown(compute[name](s, ctx))
                if on_report is not None:
                    on_report(name, done[name])
            return AllReports(**done)


# --- pure helpers ------------------------------------------------------------------------------


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _pace(actual: Decimal, expected: Decimal) -> Pace:
    if expected <= 0:
        return "on_track"
    if actual >= expected * Decimal("1.05"):
        return "ahead"
    if actual < expected * Decimal("0.95"):
        return "behind"
    return "on_track"


def _bottleneck(rows: Sequence[StageEfficiencyRow]) -> int | None:
    candidates = [r for r in rows if r.reached > 0 and r.conversion is not None]
    if not candidates:
        return None
    best = min(
        enumerate(candidates),
        key=lambda ir: (
            ir[1].conversion,
            -(ir[1].median_days if ir[1].median_days is not None else float("-inf")),
            ir[0],
        ),
    )
    return best[1].stage_id


def _funnel(
    ctx: Ctx,
    owner_id: int | None,
    name: str,
    created: int,
    reached: list[int],
    won: int,
    team: Funnel | None,
    lang: str | None,
) -> Funnel:
    n = len(ctx.open_stages)
    stages = []
    for i, st in enumerate(ctx.open_stages):
        nxt = reached[i + 1] if i + 1 < n else won
        stages.append(
            FunnelStage(st.id, st.key, st.label(lang), reached[i], _ratio(nxt, reached[i]))
        )
    bottleneck = None
    if team is not None:
        # Exact fractions: two stages exactly as far below the team must tie (earlier wins).
        worst = Fraction(0)
        for i, (mine, theirs) in enumerate(zip(stages, team.stages, strict=True)):
            if mine.reached < FUNNEL_MIN_REACHED or theirs.reached == 0:
                continue
            mine_next = reached[i + 1] if i + 1 < n else won
            team_next = team.stages[i + 1].reached if i + 1 < n else team.won
            drop = Fraction(team_next, theirs.reached) - Fraction(mine_next, mine.reached)
            if drop > worst:
                worst, bottleneck = drop, mine.stage_id
    return Funnel(owner_id, name, created, tuple(stages), won, _ratio(won, created), bottleneck)
