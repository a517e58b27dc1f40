"""The metrics service: every KPI and report of docs/metrics.md, aggregated in SQL.

Each public method runs a handful of grouped SQLAlchemy Core queries (window
functions for medians, visits and first events) and returns frozen value
objects. Nothing here loads ORM objects per deal; Python only combines the
aggregated rows (ratios, roll-ups of days into weeks or months).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    Integer,
    Numeric,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.domain import CustomerSummary
from crmdesk.domain.reports import (
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
from crmdesk.metrics.sql import days_between, local_day_number

D = m.Deal.__table__
T = m.StageTransition.__table__
A = m.Activity.__table__
ST = m.Stage.__table__
U = m.User.__table__
C = m.Customer.__table__
TG = m.Target.__table__
SRC = m.LeadSource.__table__

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_SUM = Numeric(24, 2)
RESPONSE_KINDS = ("call", "meeting", "email")
HISTORY_DAYS = 365
MIN_EVIDENCE = 20
FUNNEL_MIN_REACHED = 5
TEAM = "Team"


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
    """

    def __init__(self, db: Database) -> None:
        self.db = db

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

    def _reach(self, ctx: Ctx, conds: Sequence[ColumnElement[bool]]) -> Any:
        """Per deal matching ``conds``: the furthest open stage index it ever reached
        (the number of open stages once it was ever won; -1 for none)."""
        index = ctx.stage_index
        level = case(index, value=T.c.to_stage_id, else_=-1) if index else literal(-1, Integer)
        return (
            select(T.c.deal_id.label("deal_id"), func.max(level).label("reach"))
            .select_from(T.join(D, D.c.id == T.c.deal_id))
            .where(*conds)
            .group_by(T.c.deal_id)
            .subquery("reach")
        )

    @staticmethod
    def _medians(
        session: Session, inner: Select[Any], keys: Sequence[str] = ()
    ) -> dict[tuple[Any, ...], float]:
        """Median of column ``v`` of ``inner``, per the ``keys`` columns, by window functions."""
        sub = inner.subquery("vals")
        parts = [sub.c[k] for k in keys]
        ranked = select(
            *parts,
            sub.c.v,
            func.row_number().over(partition_by=parts or None, order_by=sub.c.v).label("rn"),
            func.count().over(partition_by=parts or None).label("cnt"),
        ).subquery("ranked")
        rparts = [ranked.c[k] for k in keys]
        stmt = (
            select(*rparts, func.avg(ranked.c.v))
            .where(
                or_(
                    ranked.c.rn == (ranked.c.cnt + 1) // 2,
                    ranked.c.rn == (ranked.c.cnt + 2) // 2,
                )
            )
            .group_by(*rparts)
        )
        return {
            tuple(row[:-1]): float(row[-1]) for row in session.execute(stmt) if row[-1] is not None
        }

    @staticmethod
    def _medians_with_total(
        session: Session, inner: Select[Any], *, key: str
    ) -> tuple[dict[tuple[Any, ...], float], float | None]:
        """Medians of ``v`` per ``key`` and over all rows, from one materialized pass."""
        vals = inner.cte("vals").prefix_with("MATERIALIZED")

        def ranked(partition: Any, label: Any) -> Any:
            return select(
                label.label("k"),
                vals.c.v,
                func.row_number().over(partition_by=partition, order_by=vals.c.v).label("rn"),
                func.count().over(partition_by=partition).label("cnt"),
            )

        both = union_all(
            ranked(vals.c[key], vals.c[key]),
            ranked(None, literal(None, Integer)),
        ).subquery("ranked")
        middle = or_(both.c.rn == (both.c.cnt + 1) // 2, both.c.rn == (both.c.cnt + 2) // 2)
        per: dict[tuple[Any, ...], float] = {}
        total: float | None = None
        stmt = select(both.c.k, (both.c.k.is_(None)).label("is_total"), func.avg(both.c.v))
        for k, is_total, value in session.execute(
            stmt.where(middle).group_by(both.c.k, both.c.k.is_(None))
        ):
            if value is None:
                continue
            if is_total:
                total = float(value)
            else:
                per[(k,)] = float(value)
        return per, total

    @staticmethod
    def _stats(
        session: Session, inner: Select[Any], keys: Sequence[str] = ()
    ) -> dict[tuple[Any, ...], tuple[int, float | None, float | None]]:
        """Count, mean and median of column ``v`` per the ``keys`` columns, in one pass."""
        sub = inner.subquery("vals")
        parts = [sub.c[k] for k in keys]
        ranked = select(
            *parts,
            sub.c.v,
            func.row_number().over(partition_by=parts or None, order_by=sub.c.v).label("rn"),
            func.count().over(partition_by=parts or None).label("cnt"),
        ).subquery("ranked")
        rparts = [ranked.c[k] for k in keys]
        middle = or_(ranked.c.rn == (ranked.c.cnt + 1) // 2, ranked.c.rn == (ranked.c.cnt + 2) // 2)
        stmt = select(
            *rparts,
            func.count(),
            func.avg(ranked.c.v),
            func.avg(case((middle, ranked.c.v), else_=None)),
        ).group_by(*rparts)
        return {
            tuple(row[: len(keys)]): (
                int(row[len(keys)]),
                float(row[-2]) if row[-2] is not None else None,
                float(row[-1]) if row[-1] is not None else None,
            )
            for row in session.execute(stmt)
            if row[len(keys)]
        }

    @staticmethod
    def _user_names(session: Session) -> dict[int, str]:
        return dict(session.execute(select(U.c.id, U.c.name)).all())

    def _first_response(self, ctx: Ctx, conds: Sequence[ColumnElement[bool]]) -> Any:
        """Per deal matching ``conds``: when the first done call, meeting or e-mail was."""
        return (
            select(A.c.deal_id.label("deal_id"), func.min(A.c.done_at).label("first_at"))
            .select_from(A.join(D, D.c.id == A.c.deal_id))
            .where(A.c.kind.in_(RESPONSE_KINDS), A.c.done_at.is_not(None), *conds)
            .group_by(A.c.deal_id)
            .subquery("first_response")
        )

    def _response_hours(self, ctx: Ctx, conds: Sequence[ColumnElement[bool]]) -> Any:
        fr = self._first_response(ctx, conds)
        hours = days_between(D.c.created_at, fr.c.first_at) * 24.0
        return fr, case((hours < 0, 0.0), else_=hours)

    def _last_done(self, ctx: Ctx, deal_ids: frozenset[int] | None = None) -> Any:
        stmt = select(A.c.deal_id.label("deal_id"), func.max(A.c.done_at).label("last_at")).where(
            A.c.deal_id.is_not(None), A.c.done_at.is_not(None)
        )
        if deal_ids is not None:
            stmt = stmt.where(A.c.deal_id.in_(sorted(deal_ids) or [-1]))
        return stmt.group_by(A.c.deal_id).subquery("last_done")

    def _rotting_select(
        self,
        ctx: Ctx,
        extra: Sequence[ColumnElement[bool]] = (),
        deal_ids: frozenset[int] | None = None,
    ) -> Select[Any]:
        """Open deals matching the filter, with their days in stage, days of silence and
        rot days; a ``rotting`` flag column."""
        last = self._last_done(ctx, deal_ids)
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
        silence = days_between(func.coalesce(last.c.last_at, D.c.created_at), now)
        rotting = and_(rot.is_not(None), or_(in_stage > rot, silence > rot))
        return (
            select(
                D.c.id,
                D.c.title,
                D.c.owner_id,
                D.c.stage_id,
                D.c.amount,
                rot.label("rot_days"),
                in_stage.label("days_in_stage"),
                silence.label("days_silent"),
                case((rotting, 1), else_=0).label("rotting"),
                last.c.last_at,
            )
            .select_from(D.outerjoin(last, last.c.deal_id == D.c.id))
            .where(self._is_open(ctx), *self._deal_conds(ctx), *extra)
        )

    # --- KPIs ---------------------------------------------------------------------------
    def kpis(self, f: MetricsFilter) -> Kpis:
        with self.db.read() as s:
            ctx = resolve(s, f)
            conds = self._deal_conds(ctx)
            won, lost = self._is_won(ctx), self._is_lost(ctx)
            closed = s.execute(
                select(
                    func.sum(case((won, 1), else_=0)),
                    func.sum(case((lost, 1), else_=0)),
                    type_coerce(func.sum(case((won, D.c.amount), else_=0)), MONEY_SUM),
                    func.avg(case((won, days_between(D.c.created_at, D.c.closed_at)))),
                ).where(*conds, D.c.closed_at.is_not(None), *_in_period(D.c.closed_at, ctx))
            ).one()
            won_count, lost_count = int(closed[0] or 0), int(closed[1] or 0)
            won_amount = _money(closed[2])
            cycle_median = self._medians(
                s,
                select(days_between(D.c.created_at, D.c.closed_at).label("v")).where(
                    *conds, won, *_in_period(D.c.closed_at, ctx)
                ),
            ).get(())

            cohort = [*conds, *_in_period(D.c.created_at, ctx)]
            reach = self._reach(ctx, cohort)
            fr, hours = self._response_hours(ctx, cohort)
            # One materialized pass over the cohort serves the counts and the median.
            facts = (
                select(
                    reach.c.reach,
                    fr.c.first_at,
                    case((fr.c.first_at.is_(None), None), else_=hours).label("v"),
                )
                .select_from(
                    D.outerjoin(reach, reach.c.deal_id == D.c.id).outerjoin(
                        fr, fr.c.deal_id == D.c.id
                    )
                )
                .where(*cohort)
                .cte("cohort_facts")
                .prefix_with("MATERIALIZED")
            )
            ranked = (
                select(
                    facts.c.v,
                    func.row_number().over(order_by=facts.c.v).label("rn"),
                    func.count().over().label("cnt"),
                )
                .where(facts.c.v.is_not(None))
                .subquery("ranked_response")
            )
            median = (
                select(func.avg(ranked.c.v))
                .where(
                    or_(
                        ranked.c.rn == (ranked.c.cnt + 1) // 2,
                        ranked.c.rn == (ranked.c.cnt + 2) // 2,
                    )
                )
                .scalar_subquery()
            )
            created = s.execute(
                select(
                    func.count(),
                    func.sum(case((facts.c.reach >= ctx.qualified_index, 1), else_=0)),
                    func.sum(case((facts.c.first_at.is_(None), 1), else_=0)),
                    median,
                ).select_from(facts)
            ).one()
            n_created = int(created[0] or 0)
            response_median = float(created[3]) if created[3] is not None else None

            pipe = s.execute(
                select(
                    type_coerce(func.sum(D.c.amount), MONEY_SUM),
                    type_coerce(func.sum(D.c.amount * ST.c.probability), MONEY_SUM),
                )
                .select_from(D.join(ST, ST.c.id == D.c.stage_id))
                .where(*conds, self._is_open(ctx))
            ).one()

            ltv_sub = (
                select(D.c.customer_id, func.sum(D.c.amount).label("total"))
                .where(*conds, won, D.c.customer_id.is_not(None))
                .group_by(D.c.customer_id)
                .subquery()
            )
            ltv = s.execute(
                select(type_coerce(func.sum(ltv_sub.c.total), MONEY_SUM), func.count())
            ).one()

            new_customers = s.execute(
                select(func.count()).select_from(self._first_wins(ctx)).where()
            ).scalar_one()
            return Kpis(
                period=ctx.period,
                close_rate=_ratio(won_count, won_count + lost_count),
                lead_conversion_rate=_ratio(int(created[1] or 0), n_created),
                avg_sales_cycle_days=float(closed[3]) if closed[3] is not None else None,
                median_sales_cycle_days=cycle_median,
                won_count=won_count,
                won_amount=won_amount,
                lost_count=lost_count,
                avg_deal_size=_money(won_amount / won_count) if won_count else None,
                response_time_median_hours=response_median,
                no_response_share=_ratio(int(created[2] or 0), n_created),
                new_customers=int(new_customers),
                open_pipeline_amount=_money(pipe[0]),
                weighted_pipeline_amount=_weighted(pipe[1]),
                ltv_avg=_money(Decimal(ltv[0]) / ltv[1]) if ltv[1] else None,
            )

    def _first_wins(
        self,
        ctx: Ctx,
        *,
        start: datetime | type[...] | None = ...,
        end: datetime | type[...] | None = ...,
        owners: bool = True,
    ) -> Any:
        """Each customer's first won deal (over all its deals), kept when it closed in the
        period and matches the filter. Columns: customer_id, deal_id, owner_id, closed_at,
        amount."""
        ranked = (
            select(
                D.c.customer_id,
                D.c.id.label("deal_id"),
                D.c.owner_id,
                D.c.pipeline_id,
                D.c.source_id,
                D.c.closed_at,
                D.c.amount,
                func.row_number()
                .over(partition_by=D.c.customer_id, order_by=(D.c.closed_at, D.c.id))
                .label("rn"),
            )
            .select_from(D.join(ST, ST.c.id == D.c.stage_id))
            .where(D.c.customer_id.is_not(None), ST.c.kind == "won")
            .subquery("ranked_wins")
        )
        lo = ctx.start if start is ... else start
        hi = ctx.end if end is ... else end
        conds: list[ColumnElement[bool]] = [
            ranked.c.rn == 1,
            ranked.c.pipeline_id == ctx.pipeline_id,
        ]
        if owners and ctx.owner_ids is not None:
            conds.append(ranked.c.owner_id.in_(ctx.owner_ids))
        if ctx.filter.source_id is not None:
            conds.append(ranked.c.source_id == ctx.filter.source_id)
        if lo is not None:
            conds.append(ranked.c.closed_at >= lo)
        if hi is not None:
            conds.append(ranked.c.closed_at < hi)
        return (
            select(
                ranked.c.customer_id,
                ranked.c.deal_id,
                ranked.c.owner_id,
                ranked.c.closed_at,
                ranked.c.amount,
            )
            .where(*conds)
            .subquery("first_wins")
        )

    def _reached_counts(
        self, s: Session, ctx: Ctx, cohort: Sequence[ColumnElement[bool]]
    ) -> dict[int, tuple[int, list[int], int]]:
        """Per owner over the cohort: deals created, reached count per open stage, won now.
        The stage report sums it; the funnel shows it per person."""
        n = len(ctx.open_stages)
        reach = self._reach(ctx, cohort)
        rows = s.execute(
            select(
                D.c.owner_id,
                func.count(),
                *[func.sum(case((reach.c.reach >= i, 1), else_=0)) for i in range(n)],
                func.sum(case((self._is_won(ctx), 1), else_=0)),
            )
            .select_from(D.join(reach, reach.c.deal_id == D.c.id))
            .where(*cohort)
            .group_by(D.c.owner_id)
        ).all()
        return {
            r[0]: (int(r[1]), [int(x or 0) for x in r[2 : 2 + n]], int(r[2 + n] or 0)) for r in rows
        }

    # --- stage efficiency ----------------------------------------------------------------
    def stage_efficiency(self, f: MetricsFilter) -> StageEfficiencyReport:
        with self.db.read() as s:
            ctx = resolve(s, f)
            cohort = [*self._deal_conds(ctx), *_in_period(D.c.created_at, ctx)]
            n = len(ctx.open_stages)
            _created, reached, won = _team_totals(self._reached_counts(s, ctx, cohort), n)
            lost_here = dict(
                s.execute(
                    select(D.c.lost_at_stage_id, func.count())
                    .where(*cohort, self._is_lost(ctx))
                    .group_by(D.c.lost_at_stage_id)
                ).all()
            )
            open_here = dict(
                s.execute(
                    select(D.c.stage_id, func.count())
                    .where(*cohort, self._is_open(ctx))
                    .group_by(D.c.stage_id)
                ).all()
            )
            visits = self._visits(ctx, cohort)
            stats = self._stats(s, select(visits.c.stage_id, visits.c.v), keys=("stage_id",))
            rows = []
            for i, st in enumerate(ctx.open_stages):
                advanced = reached[i + 1] if i + 1 < n else won
                count, avg, median = stats.get((st.id,), (0, None, None))
                rows.append(
                    StageEfficiencyRow(
                        stage_id=st.id,
                        stage_key=st.key,
                        stage_name=st.name,
                        reached=reached[i],
                        advanced=advanced,
                        conversion=_ratio(advanced, reached[i]),
                        lost_here=int(lost_here.get(st.id, 0)),
                        open_here=int(open_here.get(st.id, 0)),
                        avg_days=avg,
                        median_days=median,
                        visits=count,
                    )
                )
            return StageEfficiencyReport(ctx.period, tuple(rows), _bottleneck(rows))

    def _visits(self, ctx: Ctx, conds: Sequence[ColumnElement[bool]]) -> Any:
        """Completed stage visits of the deals matching ``conds``: stage_id, v (days)."""
        nxt = func.lead(T.c.at).over(partition_by=T.c.deal_id, order_by=(T.c.at, T.c.id))
        seq = (
            select(T.c.to_stage_id.label("stage_id"), T.c.at, nxt.label("next_at"))
            .select_from(T.join(D, D.c.id == T.c.deal_id))
            .where(*conds)
            .subquery("seq")
        )
        return (
            select(seq.c.stage_id, days_between(seq.c.at, seq.c.next_at).label("v"))
            .where(seq.c.next_at.is_not(None))
            .subquery("visits")
        )

    # --- funnel ---------------------------------------------------------------------------
    def funnel(self, f: MetricsFilter) -> FunnelReport:
        with self.db.read() as s:
            ctx = resolve(s, f)
            cohort = [*self._deal_conds(ctx), *_in_period(D.c.created_at, ctx)]
            per_owner = self._reached_counts(s, ctx, cohort)
            names = self._user_names(s)
        team = _funnel(ctx, None, TEAM, *_team_totals(per_owner, len(ctx.open_stages)), None)
        people = [
            _funnel(ctx, oid, names.get(oid, str(oid)), c, r, w, team)
            for oid, (c, r, w) in per_owner.items()
        ]
        people.sort(key=lambda p: p.owner_name.casefold())
        return FunnelReport(ctx.period, team, tuple(people))

    # --- new customers ------------------------------------------------------------------------
    def new_customers(self, f: MetricsFilter) -> NewCustomersReport:
        with self.db.read() as s:
            ctx = resolve(s, f)
            fw = self._first_wins(ctx)
            lo, hi = self._bounds(ctx)
            day = local_day_number(fw.c.closed_at, ctx.tz, lo, hi)
            by_day = s.execute(
                select(
                    C.c.source_id, day, func.count(), type_coerce(func.sum(fw.c.amount), MONEY_SUM)
                )
                .select_from(fw.join(C, C.c.id == fw.c.customer_id))
                .group_by(C.c.source_id, day)
            ).all()
            first_amounts: dict[Any, Decimal] = defaultdict(Decimal)
            for source_id, _day, _n, amount in by_day:
                first_amounts[source_id] += Decimal(amount or 0)
            # Σ won amount in the period per customer first (small), then per source of the
            # new customers; joining every deal to the first wins directly is quadratic.
            won_per_customer = (
                select(D.c.customer_id.label("customer_id"), func.sum(D.c.amount).label("total"))
                .where(
                    *self._deal_conds(ctx),
                    self._is_won(ctx),
                    D.c.customer_id.is_not(None),
                    *_in_period(D.c.closed_at, ctx),
                )
                .group_by(D.c.customer_id)
                .subquery("won_per_customer")
            )
            won_amounts = dict(
                s.execute(
                    select(
                        C.c.source_id, type_coerce(func.sum(won_per_customer.c.total), MONEY_SUM)
                    )
                    .select_from(
                        fw.join(
                            won_per_customer, won_per_customer.c.customer_id == fw.c.customer_id
                        ).join(C, C.c.id == fw.c.customer_id)
                    )
                    .group_by(C.c.source_id)
                ).all()
            )
            leads = {
                r[0]: (int(r[1]), int(r[2] or 0))
                for r in s.execute(
                    select(
                        D.c.source_id, func.count(), func.sum(case((self._is_won(ctx), 1), else_=0))
                    )
                    .where(*self._deal_conds(ctx), *_in_period(D.c.created_at, ctx))
                    .group_by(D.c.source_id)
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
        with self.db.read() as s:
            ctx = resolve(s, f)
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
        reach = self._reach(ctx, conds)
        won = self._is_won(ctx)
        rows = s.execute(
            select(
                D.c.owner_id,
                *[func.sum(case((reach.c.reach >= i, 1), else_=0)) for i in range(n)],
                *[func.sum(case((and_(reach.c.reach >= i, won), 1), else_=0)) for i in range(n)],
            )
            .select_from(D.join(reach, reach.c.deal_id == D.c.id))
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
        current = ctx.month_start(ctx.today)
        out = []
        for k in range(months, 0, -1):
            m_first = ctx.month_start(current, -k)
            m_next = ctx.month_start(current, -k + 1)
            m_start_utc = local_midnight(m_first, ctx.tz)
            m_end_utc = local_midnight(m_next, ctx.tz)
            ranked = (
                select(
                    T.c.deal_id,
                    D.c.amount,
                    T.c.to_stage_id,
                    func.row_number()
                    .over(partition_by=T.c.deal_id, order_by=(T.c.at.desc(), T.c.id.desc()))
                    .label("rn"),
                )
                .select_from(T.join(D, D.c.id == T.c.deal_id))
                .where(
                    *self._deal_conds(ctx),
                    D.c.expected_close >= m_first,
                    D.c.expected_close < m_next,
                    T.c.at < m_start_utc,
                )
                .subquery("at_month_start")
            )
            open_ids = [st.id for st in ctx.open_stages] or [-1]
            weighted = s.execute(
                select(
                    type_coerce(
                        func.sum(
                            ranked.c.amount
                            * case(
                                {st.id: st.probability for st in ctx.open_stages},
                                value=ranked.c.to_stage_id,
                                else_=0,
                            )
                            if ctx.open_stages
                            else literal(0)
                        ),
                        MONEY_SUM,
                    )
                ).where(ranked.c.rn == 1, ranked.c.to_stage_id.in_(open_ids))
            ).scalar_one()
            actual = s.execute(
                select(type_coerce(func.sum(D.c.amount), MONEY_SUM)).where(
                    *self._deal_conds(ctx),
                    self._is_won(ctx),
                    D.c.closed_at >= m_start_utc,
                    D.c.closed_at < m_end_utc,
                )
            ).scalar_one()
            out.append(
                ForecastActual(m_first.strftime("%Y-%m"), _weighted(weighted), _money(actual))
            )
        return tuple(out)

    # --- targets ------------------------------------------------------------------------------
    def targets(self, f: MetricsFilter) -> TargetsReport:
        with self.db.read() as s:
            ctx = resolve(s, f)
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
            elapsed = min(max((ctx.today - t.period_start).days / span, 0.0), 1.0)
            expected = _money(value * Decimal(repr(elapsed)))
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
        """Each target's metric over its own period, in one grouped query per metric."""
        if not targets:
            return {}
        spans = union_all(
            *[
                select(
                    literal(t.id).label("tid"),
                    literal(t.owner_id, Integer).label("owner_id"),
                    literal(local_midnight(t.period_start, ctx.tz), m.Deal.closed_at.type).label(
                        "lo"
                    ),
                    literal(local_midnight(t.period_end, ctx.tz), m.Deal.closed_at.type).label(
                        "hi"
                    ),
                    literal(t.metric).label("metric"),
                )
                for t in targets
            ]
        ).subquery("spans")
        owner_match = or_(spans.c.owner_id.is_(None), spans.c.owner_id == D.c.owner_id)
        out: dict[int, Decimal] = {}
        deal_conds = self._deal_conds(ctx, owners=False)
        for tid, total in s.execute(
            select(spans.c.tid, type_coerce(func.sum(D.c.amount), MONEY_SUM))
            .select_from(
                spans.join(
                    D,
                    and_(owner_match, D.c.closed_at >= spans.c.lo, D.c.closed_at < spans.c.hi),
                )
            )
            .where(spans.c.metric == "won_amount", self._is_won(ctx), *deal_conds)
            .group_by(spans.c.tid)
        ):
            out[tid] = Decimal(total or 0)
        for tid, count in s.execute(
            select(spans.c.tid, func.count())
            .select_from(
                spans.join(
                    D,
                    and_(owner_match, D.c.closed_at >= spans.c.lo, D.c.closed_at < spans.c.hi),
                )
            )
            .where(spans.c.metric == "won_count", self._is_won(ctx), *deal_conds)
            .group_by(spans.c.tid)
        ):
            out[tid] = Decimal(count)
        fw = self._first_wins(ctx, start=None, end=None, owners=False)
        for tid, count in s.execute(
            select(spans.c.tid, func.count())
            .select_from(
                spans.join(
                    fw,
                    and_(
                        or_(spans.c.owner_id.is_(None), spans.c.owner_id == fw.c.owner_id),
                        fw.c.closed_at >= spans.c.lo,
                        fw.c.closed_at < spans.c.hi,
                    ),
                )
            )
            .where(spans.c.metric == "new_customers")
            .group_by(spans.c.tid)
        ):
            out[tid] = Decimal(count)
        for tid, count in s.execute(
            select(spans.c.tid, func.count())
            .select_from(
                spans.join(
                    A,
                    and_(
                        or_(spans.c.owner_id.is_(None), spans.c.owner_id == A.c.owner_id),
                        A.c.done_at >= spans.c.lo,
                        A.c.done_at < spans.c.hi,
                    ),
                )
            )
            .where(spans.c.metric == "activities_done", A.c.kind != "note")
            .group_by(spans.c.tid)
        ):
            out[tid] = Decimal(count)
        return out

    # --- performance ----------------------------------------------------------------------------
    def performance(self, f: MetricsFilter) -> PerformanceReport:
        with self.db.read() as s:
            ctx = resolve(s, f)
            conds = self._deal_conds(ctx)
            won, lost = self._is_won(ctx), self._is_lost(ctx)
            closed_period = [*conds, D.c.closed_at.is_not(None), *_in_period(D.c.closed_at, ctx)]
            closed = {
                r[0]: r[1:]
                for r in s.execute(
                    select(
                        D.c.owner_id,
                        func.sum(case((won, 1), else_=0)),
                        func.sum(case((lost, 1), else_=0)),
                        type_coerce(func.sum(case((won, D.c.amount), else_=0)), MONEY_SUM),
                        func.sum(case((won, days_between(D.c.created_at, D.c.closed_at)))),
                    )
                    .where(*closed_period)
                    .group_by(D.c.owner_id)
                )
            }
            cohort = [*conds, *_in_period(D.c.created_at, ctx)]
            reach = self._reach(ctx, cohort)
            created = {
                r[0]: (int(r[1]), int(r[2] or 0))
                for r in s.execute(
                    select(
                        D.c.owner_id,
                        func.count(),
                        func.sum(case((reach.c.reach >= ctx.qualified_index, 1), else_=0)),
                    )
                    .select_from(D.outerjoin(reach, reach.c.deal_id == D.c.id))
                    .where(*cohort)
                    .group_by(D.c.owner_id)
                )
            }
            fr, hours = self._response_hours(ctx, cohort)
            resp_inner = (
                select(D.c.owner_id, hours.label("v"))
                .select_from(D.join(fr, fr.c.deal_id == D.c.id))
                .where(*cohort)
            )
            resp, resp_team = self._medians_with_total(s, resp_inner, key="owner_id")
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
            pipe = {
                r[0]: (r[1], r[2])
                for r in s.execute(
                    select(
                        D.c.owner_id,
                        type_coerce(func.sum(D.c.amount), MONEY_SUM),
                        type_coerce(func.sum(D.c.amount * ST.c.probability), MONEY_SUM),
                    )
                    .select_from(D.join(ST, ST.c.id == D.c.stage_id))
                    .where(*conds, self._is_open(ctx))
                    .group_by(D.c.owner_id)
                )
            }
            rot = self._rotting_select(ctx).subquery("rot")
            rotting = dict(
                s.execute(
                    select(rot.c.owner_id, func.sum(rot.c.rotting)).group_by(rot.c.owner_id)
                ).all()
            )
            attainment = self._won_target_attainment(s, ctx)
            names = self._user_names(s)

        def row(oid: int | None, name: str, keys: Iterable[int | None]) -> PerformanceRow:
            keys = list(keys)
            wc = sum(int(closed[k][0] or 0) for k in keys if k in closed)
            lc = sum(int(closed[k][1] or 0) for k in keys if k in closed)
            wa = _money(sum((Decimal(closed[k][2] or 0) for k in keys if k in closed), ZERO))
            cyc = sum(float(closed[k][3] or 0) for k in keys if k in closed)
            cr = sum(created[k][0] for k in keys if k in created)
            ql = sum(created[k][1] for k in keys if k in created)
            op = sum((Decimal(pipe[k][0] or 0) for k in keys if k in pipe), ZERO)
            wp = sum((Decimal(pipe[k][1] or 0) for k in keys if k in pipe), ZERO)
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
                median = resp.get((oid,))
            return PerformanceRow(
                owner_id=oid,
                owner_name=name,
                won_count=wc,
                won_amount=wa,
                close_rate=_ratio(wc, wc + lc),
                avg_deal_size=_money(wa / wc) if wc else None,
                avg_cycle_days=cyc / wc if wc else None,
                lead_conversion_rate=_ratio(ql, cr),
                response_time_median_hours=median,
                activities_done=sum(int(acts.get(k, 0)) for k in keys),
                open_pipeline_amount=_money(op),
                weighted_pipeline_amount=_weighted(wp),
                rotting_deals=sum(int(rotting.get(k) or 0) for k in keys),
                target_attainment=att,
            )

        owners = {k for k in (*closed, *created, *acts, *pipe) if k is not None}
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
        with self.db.read() as s:
            ctx = resolve(s, f)
            conds = [A.c.done_at.is_not(None), *_in_period(A.c.done_at, ctx)]
            if ctx.owner_ids is not None:
                conds.append(A.c.owner_id.in_(ctx.owner_ids))
            lo, hi = self._bounds(ctx)
            day = local_day_number(A.c.done_at, ctx.tz, lo, hi).label("day")
            counts = s.execute(
                select(A.c.owner_id, day, A.c.kind, func.count())
                .where(*conds)
                .group_by(A.c.owner_id, day, A.c.kind)
            ).all()
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
        stage_names = {st.id: st.name for st in ctx.open_stages}
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
            ids = q.deal_ids if q is not None else None
            rot = self._rotting_select(ctx, self._board_conds(q), ids).subquery("rot")
            nxt = self._next_due(ids)
            now = literal(ctx.now, m.Deal.created_at.type)
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
                    rot.c.days_in_stage,
                    case((rot.c.last_at.is_(None), None), else_=days_between(rot.c.last_at, now)),
                    nxt.c.next_due,
                    rot.c.rotting,
                )
                .select_from(
                    rot.join(D, D.c.id == rot.c.id)
                    .join(U, U.c.id == D.c.owner_id)
                    .outerjoin(C, C.c.id == D.c.customer_id)
                    .outerjoin(nxt, nxt.c.deal_id == D.c.id)
                )
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

    @staticmethod
    def _next_due(deal_ids: frozenset[int] | None = None) -> Any:
        stmt = select(A.c.deal_id.label("deal_id"), func.min(A.c.due_at).label("next_due")).where(
            A.c.deal_id.is_not(None), A.c.done_at.is_(None), A.c.due_at.is_not(None)
        )
        if deal_ids is not None:
            stmt = stmt.where(A.c.deal_id.in_(sorted(deal_ids) or [-1]))
        return stmt.group_by(A.c.deal_id).subquery("next_due")

    def deal_badges(self, f: MetricsFilter) -> dict[int, DealBadges]:
        """Per open deal in the filter: days in stage, days since its last done activity, its
        next open activity's due time, and whether it is rotting."""
        with self.db.read() as s:
            ctx = resolve(s, f)
            rot = self._rotting_select(ctx).subquery("rot")
            last = self._last_done(ctx)
            nxt = self._next_due()
            now = literal(ctx.now, m.Deal.created_at.type)
            rows = s.execute(
                select(
                    rot.c.id,
                    rot.c.days_in_stage,
                    case((last.c.last_at.is_(None), None), else_=days_between(last.c.last_at, now)),
                    nxt.c.next_due,
                    rot.c.rotting,
                ).select_from(
                    rot.outerjoin(last, last.c.deal_id == rot.c.id).outerjoin(
                        nxt, nxt.c.deal_id == rot.c.id
                    )
                )
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
    def all(self, f: MetricsFilter) -> AllReports:
        return AllReports(
            kpis=self.kpis(f),
            stages=self.stage_efficiency(f),
            funnel=self.funnel(f),
            new_customers=self.new_customers(f),
            forecast=self.forecast(f),
            targets=self.targets(f),
            performance=self.performance(f),
            activity=self.activity(f),
        )


# --- pure helpers ------------------------------------------------------------------------------


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _team_totals(
    per_owner: dict[int, tuple[int, list[int], int]], n: int
) -> tuple[int, list[int], int]:
    created = sum(v[0] for v in per_owner.values())
    reached = [sum(v[1][i] for v in per_owner.values()) for i in range(n)]
    won = sum(v[2] for v in per_owner.values())
    return created, reached, won


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
) -> Funnel:
    n = len(ctx.open_stages)
    stages = []
    for i, st in enumerate(ctx.open_stages):
        nxt = reached[i + 1] if i + 1 < n else won
        stages.append(FunnelStage(st.id, st.key, st.name, reached[i], _ratio(nxt, reached[i])))
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
