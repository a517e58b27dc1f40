"""Hand-made cases for the metrics service, each with its numbers worked out by hand
from docs/metrics.md (not from the reference implementation or the service).

Runs on SQLite and, when CRMDESK_TEST_DATABASE_URL is set, on PostgreSQL (the
``db`` fixture). The clock is fixed at NOW = 2026-03-20 12:00 UTC (20:00 in
Shanghai, 08:00 in New York, 13:00 in Berlin: the same local date everywhere).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crmdesk.db.engine import Database
from crmdesk.domain.reports import MetricsFilter, PeriodInfo
from crmdesk.metrics import MetricsService

from .builder import World, local, utc

NOW = utc(2026, 3, 20, 12)
SH = "Asia/Shanghai"
NY = "America/New_York"
approx = pytest.approx


def flt(tz: str = "UTC", **kw: object) -> MetricsFilter:
    return MetricsFilter(tz=tz, now=NOW, **kw)  # type: ignore[arg-type]


def period(frm: date | None, to: date | None, tz: str = "UTC", **kw: object) -> MetricsFilter:
    return flt(tz, period_from=frm, period_to=to, **kw)


@pytest.fixture
def w(db: Database) -> World:
    return World(db)


@pytest.fixture
def svc(db: Database) -> MetricsService:
    return MetricsService(db)


def by_key(rows, attr="stage_key"):  # type: ignore[no-untyped-def]
    return {getattr(r, attr): r for r in rows}


OPEN = ("prospecting", "qualification", "quote", "contract")


# --------------------------------------------------------------------------- empty data


def test_empty_database_gives_zeros_and_nulls(svc: MetricsService) -> None:
    f = flt(SH)
    k = svc.kpis(f)
    assert k.period == PeriodInfo(None, None, SH)
    for name in (
        "close_rate",
        "lead_conversion_rate",
        "avg_sales_cycle_days",
        "median_sales_cycle_days",
        "avg_deal_size",
        "response_time_median_hours",
        "no_response_share",
        "ltv_avg",
    ):
        assert getattr(k, name) is None, name
    assert (k.won_count, k.lost_count, k.new_customers) == (0, 0, 0)
    assert k.won_amount == k.open_pipeline_amount == k.weighted_pipeline_amount == 0

    se = svc.stage_efficiency(f)
    assert [r.stage_key for r in se.rows] == list(OPEN)
    for r in se.rows:
        assert (r.reached, r.advanced, r.lost_here, r.open_here, r.visits) == (0, 0, 0, 0, 0)
        assert r.conversion is r.avg_days is r.median_days is None
    assert se.bottleneck_stage_id is None

    fun = svc.funnel(f)
    assert (fun.team.created, fun.team.won, fun.team.lead_to_won) == (0, 0, None)
    assert [(s.reached, s.conversion) for s in fun.team.stages] == [(0, None)] * 4
    assert fun.team.bottleneck_stage_id is None
    assert fun.people == ()

    nc = svc.new_customers(f)
    assert all(r.new_customers == 0 and r.leads == 0 for r in nc.rows)
    t = nc.total
    assert (t.new_customers, t.leads, t.leads_won, t.lead_to_won_rate) == (0, 0, 0, None)
    assert t.first_deal_amount == t.won_amount == 0 and t.by_month == {}

    fc = svc.forecast(f)
    assert [b.key for b in fc.buckets] == [
        "overdue", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "later",
        "no_date",
    ]  # fmt: skip
    assert fc.buckets[1].month_start == date(2026, 3, 1)
    assert fc.buckets[0].month_start is None
    for b in (*fc.buckets, fc.total):
        assert b.count == 0 and b.amount == b.weighted_stage == b.weighted_history == 0
    assert [h.month for h in fc.history] == [
        "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02",
    ]  # fmt: skip
    assert all(h.forecast == h.actual == 0 for h in fc.history)

    assert svc.targets(f).rows == ()
    perf = svc.performance(f)
    assert perf.rows == ()
    team = perf.team
    assert (team.won_count, team.activities_done, team.rotting_deals) == (0, 0, 0)
    assert team.won_amount == team.open_pipeline_amount == team.weighted_pipeline_amount == 0
    assert team.close_rate is team.avg_deal_size is team.avg_cycle_days is None
    assert team.lead_conversion_rate is team.response_time_median_hours is None
    assert team.target_attainment is None

    act = svc.activity(f)
    assert (act.rows, act.overdue, act.rotting) == ((), (), ())
    board = svc.board_totals(f)
    assert [(s.count, s.amount, s.weighted_amount) for s in board.stages] == [(0, 0, 0)] * 4
    assert svc.deal_badges(f) == {}


def test_every_denominator_zero_in_an_empty_period(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    cust = w.customer("Website")
    w.deal(rep, [(utc(2025, 6, 1), "prospecting"), (utc(2025, 7, 1), "won")], 900, customer=cust)
    w.deal(rep, [(utc(2025, 6, 2), "quote")], 1000)
    w.deal(rep, [(utc(2025, 6, 3), "prospecting"), (utc(2025, 6, 9), "lost")], 50)
    f = period(date(2026, 1, 1), date(2026, 2, 1))
    k = svc.kpis(f)
    assert k.close_rate is None and k.lead_conversion_rate is None
    assert k.avg_sales_cycle_days is None and k.median_sales_cycle_days is None
    assert k.avg_deal_size is None
    assert k.response_time_median_hours is None and k.no_response_share is None
    assert (k.won_count, k.lost_count, k.new_customers, k.won_amount) == (0, 0, 0, 0)
    # Now-based and all-time figures ignore the period.
    assert k.open_pipeline_amount == Decimal("1000.00")
    assert k.weighted_pipeline_amount == Decimal("500.00")
    assert k.ltv_avg == Decimal("900.00")
    se = svc.stage_efficiency(f)
    assert all(r.conversion is None and r.reached == 0 for r in se.rows)
    assert se.bottleneck_stage_id is None
    fun = svc.funnel(f)
    assert fun.team.created == 0 and fun.team.lead_to_won is None and fun.people == ()
    nc = svc.new_customers(f).total
    assert nc.lead_to_won_rate is None and nc.new_customers == 0


# --------------------------------------------------------------------------- histories


def test_reopened_after_lost_counts_as_open(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    path = [
        (utc(2026, 2, 1), "prospecting"),
        (utc(2026, 2, 3), "qualification"),
        (utc(2026, 2, 5), "lost"),
        (utc(2026, 2, 10), "prospecting"),
    ]
    deal = w.deal(rep, path, 1000)
    f = flt()
    k = svc.kpis(f)
    assert (k.won_count, k.lost_count, k.close_rate) == (0, 0, None)
    assert k.lead_conversion_rate == 1.0  # Qualification stays reached
    assert k.open_pipeline_amount == Decimal("1000.00")
    assert k.weighted_pipeline_amount == Decimal("100.00")
    rows = by_key(svc.stage_efficiency(f).rows)
    p, q, qt, c = (rows[key] for key in OPEN)
    assert (p.reached, p.advanced, p.conversion, p.open_here) == (1, 1, 1.0, 1)
    assert (q.reached, q.advanced, q.conversion, q.lost_here) == (1, 0, 0.0, 0)
    assert (qt.reached, qt.conversion, c.reached, c.conversion) == (0, None, 0, None)
    # Prospecting: one completed visit (2 days); the visit since reopening is not complete.
    assert (p.visits, p.avg_days, p.median_days) == (1, 2.0, 2.0)
    assert (q.visits, q.avg_days) == (1, 2.0)
    assert svc.stage_efficiency(f).bottleneck_stage_id == q.stage_id
    assert svc.board_totals(f).for_stage(p.stage_id).count == 1
    badges = svc.deal_badges(f)
    assert list(badges) == [deal]
    assert badges[deal].days_in_stage == approx(38.5)  # since 10 Feb 00:00


def test_deal_won_on_the_day_it_was_created(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    w.deal(rep, [(utc(2026, 3, 2, 6), "prospecting"), (utc(2026, 3, 2, 12), "won")], "1234.56")
    f = flt()
    k = svc.kpis(f)
    assert k.avg_sales_cycle_days == approx(0.25)
    assert k.median_sales_cycle_days == approx(0.25)
    assert (k.won_count, k.won_amount, k.close_rate) == (1, Decimal("1234.56"), 1.0)
    assert k.avg_deal_size == Decimal("1234.56")
    assert k.lead_conversion_rate == 1.0
    se = svc.stage_efficiency(f)
    assert [(r.reached, r.advanced, r.conversion) for r in se.rows] == [(1, 1, 1.0)] * 4
    assert [r.visits for r in se.rows] == [1, 0, 0, 0]
    # All conversions tie at 1.0; only Prospecting has a median, so it wins the tie.
    assert se.bottleneck_stage_id == se.rows[0].stage_id
    perf = svc.performance(f)
    assert perf.team.avg_cycle_days == approx(0.25)


def test_worked_example_reached_sets(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    # Deal 1: P -> Qt -> Q -> lost.  Deal 2: P -> won -> reopened to Q.
    w.deal(
        rep,
        [
            (utc(2026, 1, 5), "prospecting"),
            (utc(2026, 1, 6), "quote"),
            (utc(2026, 1, 7), "qualification"),
            (utc(2026, 1, 8), "lost"),
        ],
        100,
    )
    w.deal(
        rep,
        [
            (utc(2026, 1, 5), "prospecting"),
            (utc(2026, 1, 6), "won"),
            (utc(2026, 1, 9), "qualification"),
        ],
        200,
    )
    f = flt()
    se = svc.stage_efficiency(f)
    rows = by_key(se.rows)
    assert [rows[key].reached for key in OPEN] == [2, 2, 2, 1]
    assert [rows[key].advanced for key in OPEN] == [2, 2, 1, 0]  # nobody is won now
    assert [rows[key].conversion for key in OPEN] == [1.0, 1.0, 0.5, 0.0]
    assert [rows[key].lost_here for key in OPEN] == [0, 1, 0, 0]  # lost at Qualification
    assert [rows[key].open_here for key in OPEN] == [0, 1, 0, 0]
    assert [rows[key].visits for key in OPEN] == [2, 1, 1, 0]
    assert se.bottleneck_stage_id == rows["contract"].stage_id
    k = svc.kpis(f)
    assert (k.won_count, k.lost_count, k.close_rate) == (0, 1, 0.0)
    assert k.open_pipeline_amount == Decimal("200.00")
    fun = svc.funnel(f).team
    assert [s.reached for s in fun.stages] == [2, 2, 2, 1]
    assert fun.won == 0 and fun.lead_to_won == 0.0


def test_worked_example_visits(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    w.deal(
        rep,
        [
            (utc(2026, 2, 25), "prospecting"),
            (utc(2026, 2, 27), "qualification"),
            (utc(2026, 3, 1), "quote"),
            (utc(2026, 3, 4), "qualification"),
            (utc(2026, 3, 6), "quote"),
            (utc(2026, 3, 11), "contract"),
        ],
        100,
    )
    rows = by_key(svc.stage_efficiency(flt()).rows)
    quote = rows["quote"]
    assert (quote.visits, quote.avg_days, quote.median_days) == (2, 4.0, 4.0)
    qual = rows["qualification"]
    assert (qual.visits, qual.avg_days, qual.median_days) == (2, 2.0, 2.0)
    assert (rows["prospecting"].visits, rows["prospecting"].avg_days) == (1, 2.0)
    contract = rows["contract"]  # the visit in progress is not complete
    assert (contract.visits, contract.avg_days, contract.median_days) == (0, None, None)
    assert contract.open_here == 1


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(
    w: World, svc: MetricsService
) -> None:
    rep = w.rep("Ann")
    for days in (1, 2, 4, 10):
        w.deal(rep, [(utc(2026, 1, 1), "prospecting"), (utc(2026, 1, 1 + days), "won")], 10)
    k = svc.kpis(flt())
    assert k.median_sales_cycle_days == approx(3.0)
    assert k.avg_sales_cycle_days == approx(4.25)


def test_skipped_stage_counts_as_reached(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    w.deal(rep, [(utc(2026, 3, 1), "prospecting"), (utc(2026, 3, 2), "contract")], 100)
    f = flt()
    se = svc.stage_efficiency(f)
    assert [r.reached for r in se.rows] == [1, 1, 1, 1]
    assert [r.visits for r in se.rows] == [1, 0, 0, 0]  # skipped stages add no time
    assert svc.kpis(f).lead_conversion_rate == 1.0
    assert [s.reached for s in svc.funnel(f).team.stages] == [1, 1, 1, 1]


def test_deal_created_in_a_later_stage_reached_the_earlier_ones(
    w: World, svc: MetricsService
) -> None:
    rep = w.rep("Ann")
    w.deal(rep, [(utc(2026, 3, 1), "quote")], 100)
    se = svc.stage_efficiency(flt())
    assert [r.reached for r in se.rows] == [1, 1, 1, 0]
    assert [r.visits for r in se.rows] == [0, 0, 0, 0]


def test_moving_back_does_not_unreach(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    w.deal(
        rep,
        [
            (utc(2026, 3, 1), "prospecting"),
            (utc(2026, 3, 2), "quote"),
            (utc(2026, 3, 4), "prospecting"),
        ],
        100,
    )
    f = flt()
    se = svc.stage_efficiency(f)
    assert [r.reached for r in se.rows] == [1, 1, 1, 0]
    assert [r.open_here for r in se.rows] == [1, 0, 0, 0]
    assert [r.visits for r in se.rows] == [1, 0, 1, 0]
    assert svc.kpis(f).lead_conversion_rate == 1.0


# --------------------------------------------------------------------------- periods


MARCH, FEB = (date(2026, 3, 1), date(2026, 4, 1)), (date(2026, 2, 1), date(2026, 3, 1))
SH_MIDNIGHT = local(SH, 2026, 3, 1)  # 2026-03-01 00:00 in Shanghai


def _won_at_shanghai_midnight(w: World) -> None:
    assert utc(2026, 2, 28, 16) == SH_MIDNIGHT
    rep = w.rep("Ann")
    cust = w.customer("Website")
    w.deal(rep, [(utc(2026, 2, 20), "prospecting"), (SH_MIDNIGHT, "won")], 500, customer=cust)
    w.activity(rep, "call", customer=cust, done_at=SH_MIDNIGHT)


def test_close_at_local_midnight_belongs_to_the_local_day(w: World, svc: MetricsService) -> None:
    _won_at_shanghai_midnight(w)
    assert svc.kpis(period(*MARCH, SH)).won_count == 1
    assert svc.kpis(period(*FEB, SH)).won_count == 0
    assert svc.kpis(period(*FEB, "UTC")).won_count == 1
    assert svc.kpis(period(*MARCH, "UTC")).won_count == 0
    assert svc.kpis(period(*MARCH, SH)).new_customers == 1
    assert svc.new_customers(period(*MARCH, SH)).total.new_customers == 1
    assert svc.activity(period(*MARCH, SH)).rows[0].count == 1
    assert svc.activity(period(*FEB, SH)).rows == ()


def test_first_win_at_local_midnight_is_in_that_local_month(w: World, svc: MetricsService) -> None:
    _won_at_shanghai_midnight(w)
    assert svc.new_customers(period(*MARCH, SH)).total.by_month == {"2026-03": 1}
    assert svc.new_customers(flt(SH)).total.by_month == {"2026-03": 1}
    assert svc.new_customers(flt("UTC")).total.by_month == {"2026-02": 1}


def test_activity_done_at_local_midnight_is_on_that_local_day(
    w: World, svc: MetricsService
) -> None:
    _won_at_shanghai_midnight(w)
    day_sh = svc.activity(flt(SH), granularity="day").rows
    assert [(r.bucket, r.kind, r.count) for r in day_sh] == [(date(2026, 3, 1), "call", 1)]
    day_utc = svc.activity(flt("UTC"), granularity="day").rows
    assert [(r.bucket, r.kind, r.count) for r in day_utc] == [(date(2026, 2, 28), "call", 1)]
    week_sh = svc.activity(flt(SH), granularity="week").rows  # Sunday 1 March: week of 23 Feb
    assert [(r.bucket, r.count) for r in week_sh] == [(date(2026, 2, 23), 1)]


def test_created_at_local_midnight_is_in_the_cohort(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    w.deal(rep, [(local(SH, 2026, 3, 1), "prospecting")], 100)
    assert svc.funnel(period(date(2026, 3, 1), date(2026, 3, 2), SH)).team.created == 1
    assert svc.funnel(period(date(2026, 2, 28), date(2026, 3, 1), SH)).team.created == 0
    assert svc.funnel(period(date(2026, 2, 28), date(2026, 3, 1), "UTC")).team.created == 1


def test_period_boundaries_use_the_offset_of_each_date(w: World, svc: MetricsService) -> None:
    # New York changes to summer time on 8 March 2026: 8 March starts at 05:00 UTC,
    # 9 March at 04:00 UTC. A deal won at 04:30 UTC on 9 March is on 9 March there.
    rep = w.rep("Ann")
    deal = w.deal(rep, [(utc(2026, 3, 1), "prospecting"), (utc(2026, 3, 9, 4, 30), "won")], 100)
    w.activity(rep, "email", deal=deal, done_at=utc(2026, 3, 9, 4, 30))
    assert svc.kpis(period(date(2026, 3, 8), date(2026, 3, 9), NY)).won_count == 0
    assert svc.kpis(period(date(2026, 3, 9), date(2026, 3, 10), NY)).won_count == 1
    rows = svc.activity(flt(NY), granularity="day").rows
    assert [(r.bucket, r.kind) for r in rows] == [(date(2026, 3, 9), "email")]


# --------------------------------------------------------------------------- KPIs


def test_response_time_and_no_response(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    t0 = utc(2026, 3, 2, 8)
    d = [w.deal(rep, [(t0, "prospecting")], 10) for _ in range(5)]
    w.activity(rep, "call", deal=d[0], done_at=utc(2026, 3, 2, 10))  # 2 h
    w.activity(rep, "call", deal=d[0], done_at=utc(2026, 3, 3, 10))  # not the first
    w.activity(rep, "email", deal=d[1], done_at=utc(2026, 3, 2, 12))  # 4 h
    w.activity(rep, "meeting", deal=d[2], done_at=utc(2026, 3, 2, 7))  # before: 0 h
    w.activity(rep, "task", deal=d[3], done_at=utc(2026, 3, 2, 9))  # not a response
    w.activity(rep, "note", deal=d[3], done_at=utc(2026, 3, 2, 9))  # not a response
    w.activity(rep, "call", deal=d[3], due_at=utc(2026, 3, 2, 9))  # not done
    w.activity(rep, "call", deal=d[4], done_at=utc(2026, 3, 2, 18))  # 10 h
    k = svc.kpis(flt())
    assert k.response_time_median_hours == approx(3.0)  # median of 0, 2, 4, 10
    assert k.no_response_share == approx(0.2)
    perf = svc.performance(flt())
    assert perf.team.response_time_median_hours == approx(3.0)
    assert perf.rows[0].response_time_median_hours == approx(3.0)


def test_response_time_is_exact_to_the_second(w: World, svc: MetricsService) -> None:
    # Hours are seconds / 3600: a call 57 min 23 s after the first contact is 3443/3600 h.
    rep = w.rep("Ann")
    deal = w.deal(rep, [(utc(2026, 3, 2, 8), "prospecting")], 10)
    w.activity(rep, "call", deal=deal, done_at=utc(2026, 3, 2, 8, 57, 23))
    got = svc.kpis(flt()).response_time_median_hours
    assert got == approx(3443 / 3600, rel=1e-9, abs=1e-9)


def test_new_customers_first_won_deal_and_lead_sources(w: World, svc: MetricsService) -> None:
    a, b = w.rep("Ann"), w.rep("Bob")
    c1, c2, c3 = w.customer("Website"), w.customer("Referral"), w.customer(None)
    # c1's first win is in December (Bob's), so c1 is not new in February.
    w.deal(b, [(utc(2025, 12, 1), "prospecting"), (utc(2025, 12, 10), "won")], 1000,
           customer=c1, source="Website")  # fmt: skip
    w.deal(a, [(utc(2026, 1, 20), "prospecting"), (utc(2026, 2, 10), "won")], 2000,
           customer=c1, source="Website")  # fmt: skip
    # c2 (Referral): first win 5 Feb (500), another win 20 Feb (700), one loss.
    w.deal(a, [(utc(2026, 2, 1), "prospecting"), (utc(2026, 2, 5), "won")], 500,
           customer=c2, source="Referral")  # fmt: skip
    w.deal(a, [(utc(2026, 2, 15), "prospecting"), (utc(2026, 2, 20), "won")], 700,
           customer=c2, source="Referral")  # fmt: skip
    w.deal(a, [(utc(2026, 2, 2), "prospecting"), (utc(2026, 2, 3), "lost")], 99,
           customer=c2, source="Referral")  # fmt: skip
    # c3 has no source; its deal came from a trade show.
    w.deal(b, [(utc(2026, 2, 1), "prospecting"), (utc(2026, 2, 25), "won")], 300,
           customer=c3, source="Trade show")  # fmt: skip
    feb = period(date(2026, 2, 1), date(2026, 3, 1))
    rep = svc.new_customers(feb)
    rows = {r.source_name: r for r in rep.rows if r.new_customers or r.leads}
    assert set(rows) == {"Referral", "Unknown", "Trade show"}
    ref = rows["Referral"]
    assert (ref.new_customers, ref.first_deal_amount, ref.won_amount) == (1, 500, 1200)
    assert ref.by_month == {"2026-02": 1}
    assert (ref.leads, ref.leads_won, ref.lead_to_won_rate) == (3, 2, approx(2 / 3))
    unk = rows["Unknown"]
    assert unk.source_id is None
    assert (unk.new_customers, unk.first_deal_amount, unk.won_amount, unk.leads) == (
        1, 300, 300, 0,
    )  # fmt: skip
    trade = rows["Trade show"]
    assert (trade.new_customers, trade.leads, trade.leads_won, trade.lead_to_won_rate) == (
        0, 1, 1, 1.0,
    )  # fmt: skip
    t = rep.total
    assert (t.new_customers, t.first_deal_amount, t.won_amount) == (2, 800, 1500)
    assert t.by_month == {"2026-02": 2}
    assert (t.leads, t.leads_won, t.lead_to_won_rate) == (4, 3, 0.75)

    assert svc.kpis(feb).new_customers == 2
    assert svc.kpis(feb).ltv_avg == Decimal("1500.00")  # (3000 + 1200 + 300) / 3
    # The first won deal is found whatever the filters; the owner filter then applies to it.
    assert svc.kpis(period(date(2026, 2, 1), date(2026, 3, 1), owner_ids=(a,))).new_customers == 1
    assert svc.kpis(period(date(2026, 2, 1), date(2026, 3, 1), owner_ids=(b,))).new_customers == 1
    assert svc.kpis(flt(owner_ids=(a,))).new_customers == 1  # c1's first win is Bob's
    assert svc.kpis(flt()).new_customers == 3


# --------------------------------------------------------------------------- bottlenecks


def _dated(*pairs: tuple[int, str]) -> list:  # type: ignore[type-arg]
    """[(day of January 2026, stage key), ...]"""
    return [(utc(2026, 1, d), key) for d, key in pairs]


def test_bottleneck_tie_goes_to_the_longer_median(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    w.deal(rep, _dated((5, "prospecting"), (6, "lost")))
    w.deal(rep, _dated((5, "prospecting"), (6, "lost")))
    w.deal(rep, _dated((5, "prospecting"), (6, "qualification"), (7, "quote"), (10, "contract"),
                       (11, "won")))  # fmt: skip
    w.deal(rep, _dated((5, "quote"), (8, "lost")))
    se = svc.stage_efficiency(flt())
    rows = by_key(se.rows)
    assert [rows[k].reached for k in OPEN] == [4, 2, 2, 1]
    assert [rows[k].conversion for k in OPEN] == [0.5, 1.0, 0.5, 1.0]
    assert (rows["prospecting"].median_days, rows["quote"].median_days) == (1.0, 3.0)
    assert se.bottleneck_stage_id == rows["quote"].stage_id


def test_bottleneck_tie_with_equal_medians_goes_to_the_earlier_stage(
    w: World, svc: MetricsService
) -> None:
    rep = w.rep("Ann")
    w.deal(rep, _dated((5, "prospecting"), (6, "lost")))
    w.deal(rep, _dated((5, "prospecting"), (6, "lost")))
    w.deal(rep, _dated((5, "prospecting"), (6, "qualification"), (7, "quote"), (8, "contract"),
                       (9, "won")))  # fmt: skip
    w.deal(rep, _dated((5, "quote"), (6, "lost")))
    se = svc.stage_efficiency(flt())
    rows = by_key(se.rows)
    assert [rows[k].conversion for k in OPEN] == [0.5, 1.0, 0.5, 1.0]
    assert rows["prospecting"].median_days == rows["quote"].median_days == 1.0
    assert se.bottleneck_stage_id == rows["prospecting"].stage_id


def test_bottleneck_stage_without_median_loses_the_tie(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    w.deal(rep, _dated((5, "qualification")))  # open: its visit is not complete
    w.deal(rep, _dated((5, "qualification")))
    w.deal(rep, _dated((5, "prospecting"), (6, "quote"), (7, "contract"), (8, "won")))
    w.deal(rep, _dated((5, "prospecting"), (6, "quote"), (7, "contract"), (8, "lost")))
    se = svc.stage_efficiency(flt())
    rows = by_key(se.rows)
    assert [rows[k].reached for k in OPEN] == [4, 4, 2, 2]
    assert [rows[k].conversion for k in OPEN] == [1.0, 0.5, 1.0, 0.5]
    assert rows["qualification"].median_days is None
    assert rows["contract"].median_days == 1.0
    assert se.bottleneck_stage_id == rows["contract"].stage_id


def test_person_bottleneck_only_over_stages_reached_five_times(
    w: World, svc: MetricsService
) -> None:
    a, b = w.rep("Ann"), w.rep("Bob")
    for _ in range(4):
        w.deal(a, _dated((5, "prospecting"), (6, "qualification"), (7, "quote"), (8, "lost")))
    for _ in range(6):
        w.deal(a, _dated((5, "prospecting"), (6, "lost")))
    for _ in range(10):
        w.deal(b, _dated((5, "prospecting"), (6, "qualification"), (7, "quote"), (8, "contract"),
                         (9, "won")))  # fmt: skip
    fun = svc.funnel(flt())
    team = fun.team
    assert [s.reached for s in team.stages] == [20, 14, 14, 10]
    assert [s.conversion for s in team.stages] == approx([0.7, 1.0, 10 / 14, 1.0])
    assert team.won == 10 and team.lead_to_won == 0.5
    assert team.bottleneck_stage_id is None
    people = {p.owner_id: p for p in fun.people}
    ann, bob = people[a], people[b]
    assert [s.reached for s in ann.stages] == [10, 4, 4, 0]
    assert [s.conversion for s in ann.stages] == [0.4, 1.0, 0.0, None]
    # Quote (0 vs 0.71) falls furthest, but Ann reached it only 4 times.
    assert ann.bottleneck_stage_id == team.stages[0].stage_id
    assert bob.bottleneck_stage_id is None  # never below the team
    assert ann.owner_name == "Ann" and bob.owner_name == "Bob"


def test_person_bottleneck_tie_goes_to_the_earlier_stage(w: World, svc: MetricsService) -> None:
    # Team: Prospecting 10/15 = 2/3, Qualification 4/10 = 2/5.
    # Ann:  Prospecting 6/10 = 3/5, Qualification 2/6 = 1/3: both exactly 1/15 below.
    # (In floating point the second difference comes out larger; the tie must still go
    # to the earlier stage.)
    a, b = w.rep("Ann"), w.rep("Bob")
    lost_p = _dated((5, "prospecting"), (6, "lost"))
    lost_q = _dated((5, "prospecting"), (6, "qualification"), (7, "lost"))
    lost_qt = _dated((5, "prospecting"), (6, "qualification"), (7, "quote"), (8, "lost"))
    for owner, n_p, n_q, n_qt in ((a, 4, 4, 2), (b, 1, 2, 2)):
        for path, n in ((lost_p, n_p), (lost_q, n_q), (lost_qt, n_qt)):
            for _ in range(n):
                w.deal(owner, path)
    fun = svc.funnel(flt())
    assert [s.reached for s in fun.team.stages] == [15, 10, 4, 0]
    ann = next(p for p in fun.people if p.owner_id == a)
    bob = next(p for p in fun.people if p.owner_id == b)
    assert [s.reached for s in ann.stages] == [10, 6, 2, 0]
    assert ann.bottleneck_stage_id == fun.team.stages[0].stage_id
    assert bob.bottleneck_stage_id is None  # 0.8 > 2/3, 0.5 > 0.4; Quote reached twice


# --------------------------------------------------------------------------- forecast


def test_forecast_weighted_history_falls_back_owner_team_stage(
    w: World, svc: MetricsService
) -> None:
    a, b, c = w.rep("Ann"), w.rep("Bob"), w.rep("Cid")
    # Ann: 20 deals closed in the last year that reached Quote, 5 of them won.
    for i in range(20):
        w.deal(a, _dated((5, "prospecting"), (6, "quote"), (7, "won" if i < 5 else "lost")))
    # Bob: one such deal, won; and one closed more than 365 days ago (ignored).
    w.deal(b, _dated((5, "prospecting"), (6, "quote"), (7, "won")))
    w.deal(b, [(utc(2025, 1, 2), "prospecting"), (utc(2025, 1, 3), "quote"),
               (utc(2025, 1, 10), "won")])  # fmt: skip
    open_path = [(utc(2026, 3, 1), "prospecting")]
    w.deal(a, [*open_path, (utc(2026, 3, 2), "quote")], 1000)  # Ann's P: 5/20
    w.deal(b, [*open_path, (utc(2026, 3, 2), "quote")], 1000)  # team's P: 6/21
    w.deal(a, [*open_path, (utc(2026, 3, 2), "contract")], 1000)  # 6 reached: stage 80 %
    w.deal(c, [*open_path, (utc(2026, 3, 2), "qualification")], 2000)  # team's P: 6/21

    fc = svc.forecast(flt())
    nodate = next(x for x in fc.buckets if x.key == "no_date")
    assert nodate.count == 4 and nodate.amount == Decimal("5000.00")
    assert nodate.weighted_stage == Decimal("2300.00")  # 500 + 500 + 800 + 500
    # 250 + 285.714… + 800 + 571.428… = 1907.142…
    assert nodate.weighted_history == Decimal("1907.14")
    assert fc.total.weighted_history == Decimal("1907.14")
    assert fc.total.count == 4

    # The team is the owners in the filter: for Bob and Cid only 1 deal of evidence.
    fc_bc = svc.forecast(flt(owner_ids=(b, c)))
    assert fc_bc.total.weighted_history == Decimal("1000.00")  # 1000 × 50 % + 2000 × 25 %
    fc_a = svc.forecast(flt(owner_ids=(a,)))
    assert fc_a.total.weighted_history == Decimal("1050.00")  # 1000 × 5/20 + 1000 × 80 %


def test_forecast_buckets_and_history(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    start = [(utc(2026, 3, 1), "prospecting")]
    for ec, amount in (
        (date(2026, 3, 19), 1),  # overdue
        (date(2026, 3, 20), 2),  # today: this month
        (date(2026, 3, 31), 4),
        (date(2026, 8, 31), 8),  # the 6th month
        (date(2026, 9, 1), 16),  # later
        (None, 32),
    ):
        w.deal(rep, start, amount, expected_close=ec)
    # Open at the start of February in Quote (50 %), expected in February, won then.
    w.deal(rep, [(utc(2026, 1, 10), "prospecting"), (utc(2026, 1, 20), "quote"),
                 (utc(2026, 2, 10), "won")], 1000, expected_close=date(2026, 2, 15))  # fmt: skip
    # Created during February: not open at its start.
    w.deal(rep, [(utc(2026, 2, 5), "contract"), (utc(2026, 2, 25), "lost")], 5000,
           expected_close=date(2026, 2, 20))  # fmt: skip
    # Lost before February.
    w.deal(rep, [(utc(2026, 1, 2), "contract"), (utc(2026, 1, 25), "lost")], 7000,
           expected_close=date(2026, 2, 20))  # fmt: skip
    # Open at the start of December in Contract (80 %), expected in December, still open.
    w.deal(rep, [(utc(2025, 11, 1), "contract")], 100, expected_close=date(2025, 12, 24))
    fc = svc.forecast(flt())
    got = {b.key: (b.count, b.amount) for b in fc.buckets}
    assert got == {
        "overdue": (2, 101), "2026-03": (2, 6), "2026-04": (0, 0), "2026-05": (0, 0),
        "2026-06": (0, 0), "2026-07": (0, 0), "2026-08": (1, 8), "later": (1, 16),
        "no_date": (1, 32),
    }  # fmt: skip
    keys = [b.key for b in fc.buckets]
    assert (keys[0], keys[-2:]) == ("overdue", ["later", "no_date"])
    assert (fc.total.count, fc.total.amount) == (7, 163)  # 63 + the open December deal
    hist = {h.month: (h.forecast, h.actual) for h in fc.history}
    assert list(hist) == ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
    assert hist["2026-02"] == (Decimal("500.00"), Decimal("1000.00"))
    assert hist["2025-12"] == (Decimal("80.00"), 0)
    assert hist["2026-01"] == (0, 0)
    assert fc.buckets[1].month_start == date(2026, 3, 1)


# --------------------------------------------------------------------------- targets


def test_targets_pace_gap_and_attainment(w: World, svc: MetricsService) -> None:
    a, b, c = w.rep("Ann"), w.rep("Bob"), w.rep("Cid")
    c1, c2, c3 = w.customer("Website"), w.customer("Website"), w.customer("Referral")
    mar = (date(2026, 3, 1), date(2026, 4, 1))  # 31 days, 19 elapsed on 20 March
    created = [(utc(2026, 2, 20), "prospecting")]
    w.deal(a, [*created, (utc(2026, 3, 2), "won")], 12000, customer=c1)
    w.deal(a, [*created, (utc(2026, 3, 5), "won")], 7950, customer=c2)
    w.deal(b, [*created, (utc(2026, 3, 6), "won")], 18050, customer=c3)
    w.deal(c, [*created, (utc(2026, 3, 7), "won")], "18049.99", customer=c1)  # not c1's first
    w.deal(c, [*created, (utc(2026, 2, 27), "won")], 5000)  # before the period
    t_a = w.target(a, "won_amount", *mar, 31000)  # expected 19000: ahead at 19950
    t_b = w.target(b, "won_amount", *mar, 31000)  # on track at 18050
    t_c = w.target(c, "won_amount", *mar, 31000)  # behind at 18049.99
    t_anc = w.target(a, "new_customers", *mar, 2)
    t_team = w.target(None, "new_customers", *mar, 4)
    t_act = w.target(None, "activities_done", date(2026, 3, 1), date(2026, 3, 11), 10)
    t_future = w.target(a, "won_count", date(2026, 4, 1), date(2026, 5, 1), 3)
    # Exactly half a cent: 3 × 19/24 = 2.375 rounds up (as a float share, 2.3749999…).
    t_half = w.target(None, "won_count", date(2026, 3, 1), date(2026, 3, 25), 3)
    for day in (1, 3, 5, 10):
        w.activity(b, "call", customer=c3, done_at=utc(2026, 3, day, 9))
    w.activity(b, "note", customer=c3, done_at=utc(2026, 3, 4))  # notes do not count
    w.activity(b, "task", customer=c3, done_at=utc(2026, 3, 11))  # after the end
    w.activity(b, "task", customer=c3, due_at=utc(2026, 3, 2))  # not done

    rows = {r.target_id: r for r in svc.targets(period(*mar)).rows}
    assert set(rows) == {t_a, t_b, t_c, t_anc, t_team, t_act, t_half}
    assert rows[t_half].expected_by_today == Decimal("2.38")
    ra, rb, rc = rows[t_a], rows[t_b], rows[t_c]
    assert ra.expected_by_today == rb.expected_by_today == Decimal("19000.00")
    assert (ra.actual, ra.pace, ra.gap) == (Decimal("19950.00"), "ahead", Decimal("11050.00"))
    assert ra.attainment == approx(19950 / 31000)
    assert (rb.actual, rb.pace, rb.gap) == (Decimal("18050.00"), "on_track", Decimal("12950"))
    assert (rc.actual, rc.pace, rc.gap) == (Decimal("18049.99"), "behind", Decimal("12950.01"))
    anc = rows[t_anc]
    assert (anc.actual, anc.pace, anc.gap, anc.attainment) == (2, "ahead", 0, 1.0)
    assert anc.expected_by_today == Decimal("1.23")  # 2 × 19/31
    team = rows[t_team]
    assert team.owner_id is None
    assert (team.actual, team.pace, team.gap, team.attainment) == (3, "ahead", 1, 0.75)
    act = rows[t_act]
    assert (act.actual, act.expected_by_today, act.pace, act.gap) == (4, 10, "behind", 6)
    assert act.attainment == 0.4

    # With no period: the targets running today.
    running = {r.target_id for r in svc.targets(flt()).rows}
    assert running == {t_a, t_b, t_c, t_anc, t_team, t_half}
    # A target that has not started: expected 0, so on track.
    later = {r.target_id: r for r in svc.targets(period(date(2026, 3, 15), None)).rows}
    assert set(later) == {t_a, t_b, t_c, t_anc, t_team, t_future, t_half}
    fut = later[t_future]
    assert (fut.expected_by_today, fut.actual, fut.pace, fut.gap) == (0, 0, "on_track", 3)

    perf = {r.owner_id: r for r in svc.performance(period(*mar)).rows}
    assert perf[a].target_attainment == approx(19950 / 31000)
    assert perf[b].target_attainment == approx(18050 / 31000)
    # Not wholly inside a February-to-mid-March period: no attainment.
    early = svc.performance(period(date(2026, 2, 1), date(2026, 3, 15)))
    assert [r.target_attainment for r in early.rows] == [None, None, None]


# --------------------------------------------------------------------------- rotting


def test_rotting_by_stage_time_and_by_silence(w: World, svc: MetricsService) -> None:
    rep = w.rep("Ann")
    quote = w.stage["quote"]  # rot_days 10

    def quote_deal(created, entered):  # type: ignore[no-untyped-def]
        return w.deal(rep, [(created, "prospecting"), (entered, "quote")], 100)

    d1 = quote_deal(utc(2026, 3, 1, 12), utc(2026, 3, 9, 12))  # 11 days in stage
    w.activity(rep, "call", deal=d1, done_at=utc(2026, 3, 19, 12))
    d2 = quote_deal(utc(2026, 2, 18, 12), utc(2026, 3, 18, 12))  # silent since creation: 30 d
    d3 = quote_deal(utc(2026, 3, 1, 12), utc(2026, 3, 18, 12))  # last activity 12 days ago
    w.activity(rep, "call", deal=d3, done_at=utc(2026, 3, 2, 12))
    w.activity(rep, "email", deal=d3, done_at=utc(2026, 3, 8, 12))
    w.activity(rep, "task", deal=d3, due_at=utc(2026, 3, 25, 12))
    w.activity(rep, "task", deal=d3, due_at=utc(2026, 3, 22, 12))
    d4 = quote_deal(utc(2026, 3, 15, 12), utc(2026, 3, 18, 12))  # fresh
    w.activity(rep, "meeting", deal=d4, done_at=utc(2026, 3, 19, 12))
    d5 = quote_deal(utc(2026, 3, 9, 12), utc(2026, 3, 10, 12))  # exactly 10 days: not over
    w.activity(rep, "call", deal=d5, done_at=utc(2026, 3, 19, 12))
    overdue = w.activity(rep, "task", deal=d5, due_at=utc(2026, 3, 19, 12))
    w.activity(rep, "task", deal=d5, due_at=utc(2026, 3, 18), done_at=utc(2026, 3, 18))
    won = w.deal(rep, [(utc(2025, 1, 1), "quote"), (utc(2025, 2, 1), "won")], 100)

    f = flt()
    act = svc.activity(f)
    rot = {r.deal_id: r for r in act.rotting}
    assert set(rot) == {d1, d2, d3}
    assert (rot[d1].days_in_stage, rot[d1].days_since_activity) == approx((11.0, 1.0))
    assert (rot[d2].days_in_stage, rot[d2].days_since_activity) == approx((2.0, 30.0))
    assert (rot[d3].days_in_stage, rot[d3].days_since_activity) == approx((2.0, 12.0))
    assert rot[d1].rot_days == 10 and rot[d1].stage_id == quote and rot[d1].owner_id == rep
    assert rot[d1].amount == Decimal("100.00") and rot[d1].stage_name == "Quote"
    assert [(o.activity_id, o.deal_id) for o in act.overdue] == [(overdue, d5)]
    assert act.overdue[0].days_overdue == approx(1.0)

    badges = svc.deal_badges(f)
    assert set(badges) == {d1, d2, d3, d4, d5}
    assert won not in badges
    assert {d for d, b in badges.items() if b.rotting} == {d1, d2, d3}
    assert badges[d2].days_since_activity is None
    assert badges[d3].next_due_at == utc(2026, 3, 22, 12)
    assert badges[d5].days_in_stage == approx(10.0)
    assert badges[d5].next_due_at == utc(2026, 3, 19, 12)
    assert badges[d4].days_since_activity == approx(1.0)
    assert svc.performance(f).team.rotting_deals == 3
    totals = svc.board_totals(f).for_stage(quote)
    assert (totals.count, totals.amount, totals.weighted_amount) == (5, 500, 250)


# --------------------------------------------------------------------------- roll-ups


def test_people_won_amounts_add_up_to_the_team(w: World, svc: MetricsService) -> None:
    a, b, c = w.rep("Ann"), w.rep("Bob"), w.rep("Cid")
    created = [(utc(2026, 2, 1), "prospecting")]
    w.deal(a, [*created, (utc(2026, 2, 10), "won")], "1000.10")
    w.deal(a, [*created, (utc(2026, 2, 11), "won")], "2000.20")
    w.deal(b, [*created, (utc(2026, 2, 12), "won")], "333.33")
    w.deal(c, [*created, (utc(2026, 2, 13), "lost")], "999.99")
    w.deal(c, [*created, (utc(2026, 3, 13), "won")], "5.00")  # after the period
    f = period(date(2026, 2, 1), date(2026, 3, 1))
    perf = svc.performance(f)
    rows = {r.owner_id: r for r in perf.rows}
    assert {o: r.won_amount for o, r in rows.items()} == {
        a: Decimal("3000.30"), b: Decimal("333.33"), c: Decimal("0.00"),
    }  # fmt: skip
    assert sum(r.won_amount for r in perf.rows) == perf.team.won_amount == Decimal("3333.63")
    assert svc.kpis(f).won_amount == Decimal("3333.63")
    assert perf.team.won_count == 3 and perf.team.close_rate == 0.75
    assert perf.team.avg_deal_size == Decimal("1111.21")
    assert rows[a].avg_deal_size == Decimal("1500.15")
    assert rows[c].close_rate == 0.0
    assert [r.owner_id for r in perf.rows] == [a, b, c]  # largest won amount first


def test_funnels_are_monotone(w: World, svc: MetricsService) -> None:
    a, b = w.rep("Ann"), w.rep("Bob")
    paths = [
        [(1, "prospecting"), (2, "contract"), (3, "qualification")],
        [(1, "quote"), (2, "lost"), (3, "prospecting")],
        [(1, "prospecting"), (2, "won"), (3, "qualification"), (4, "lost")],
        [(1, "contract"), (2, "prospecting"), (4, "won")],
        [(1, "qualification"), (2, "prospecting")],
        [(1, "prospecting"), (2, "lost")],
    ]
    for i, path in enumerate(paths):
        w.deal(a if i % 2 else b, _dated(*path))
    fun = svc.funnel(flt())
    assert [s.reached for s in fun.team.stages] == [6, 5, 4, 3]
    assert fun.team.won == 1
    for f in (fun.team, *fun.people):
        reached = [s.reached for s in f.stages]
        assert reached == sorted(reached, reverse=True)
        assert f.won <= reached[-1] <= f.created
    assert [sum(p.stages[i].reached for p in fun.people) for i in range(4)] == [
        s.reached for s in fun.team.stages
    ]


def test_all_can_hand_on_chosen_reports_first(w: World, svc: MetricsService) -> None:
    """The reports tab shows the page on screen before the rest is computed: ``all``
    computes the reports named in ``first`` first and hands each on as it is ready, and
    the reports are the same as without that."""
    a = w.rep("Ann")
    w.deal(a, [(utc(2026, 2, 1), "prospecting"), (utc(2026, 2, 9), "won")], "250.00")
    w.deal(a, [(utc(2026, 2, 3), "quote")], "100.00")
    f = period(date(2026, 2, 1), date(2026, 3, 1))
    seen: list[tuple[str, object]] = []
    got = svc.all(f, first=("activity", "kpis"), on_report=lambda n, r: seen.append((n, r)))
    names = [n for n, _r in seen]
    assert names[:2] == ["activity", "kpis"]
    assert sorted(names) == sorted(
        ["kpis", "stages", "funnel", "new_customers", "forecast", "targets", "performance",
         "activity"]
    )  # fmt: skip
    assert all(getattr(got, n) is r for n, r in seen)  # handed on: the very reports returned
    assert got == svc.all(f)
    assert got.kpis.won_amount == Decimal("250.00")
    with pytest.raises(ValueError, match="unknown reports"):
        svc.all(f, first=("pipeline",))


# --------------------------------------------------------------------------- team zone
# Each done activity's day is stored for the team's zone (the ``time_zone`` setting);
# the activity report reads it when asked for that zone and computes it otherwise. Both
# routes must give the same days, including after the team changes its zone.


def _set_team_zone(w: World, zone: str) -> None:
    from crmdesk.services.settings import set_setting
    from crmdesk.services.setup import default_admin_id

    set_setting(w.db, "time_zone", zone, by=default_admin_id(w.db))


@pytest.mark.parametrize("team", [SH, NY, "Europe/Berlin"])
def test_activity_days_are_the_same_read_or_computed(
    w: World, svc: MetricsService, team: str
) -> None:
    _set_team_zone(w, team)
    rep = w.rep("Ann")
    deal = w.deal(rep, [(utc(2026, 3, 1), "prospecting")], 100)
    # 16:00 UTC on 28 Feb is 00:00 on 1 March in Shanghai; 04:30 UTC on 9 March is
    # 9 March in New York (summer time began on the 8th) but 8 March by winter time.
    w.activity(rep, "call", deal=deal, done_at=local(SH, 2026, 3, 1))
    w.activity(rep, "email", deal=deal, done_at=utc(2026, 3, 9, 4, 30))
    w.activity(rep, "email", deal=deal, done_at=utc(2026, 3, 9, 3, 59, 59))
    expected = {
        SH: [(date(2026, 3, 1), "call", 1), (date(2026, 3, 9), "email", 2)],
        NY: [
            (date(2026, 2, 28), "call", 1),
            (date(2026, 3, 8), "email", 1),
            (date(2026, 3, 9), "email", 1),
        ],
        "UTC": [(date(2026, 2, 28), "call", 1), (date(2026, 3, 9), "email", 2)],
    }
    for zone, want in expected.items():
        rows = svc.activity(flt(zone), granularity="day").rows
        assert [(r.bucket, r.kind, r.count) for r in rows] == want, zone
    weeks = svc.activity(flt(SH), granularity="week").rows  # Sunday 1 March: week of 23 Feb
    assert [(r.bucket, r.kind, r.count) for r in weeks] == [
        (date(2026, 2, 23), "call", 1),
        (date(2026, 3, 9), "email", 2),
    ]


def test_changing_the_team_zone_moves_the_stored_days(w: World, svc: MetricsService) -> None:
    _set_team_zone(w, "UTC")
    rep = w.rep("Ann")
    w.activity(rep, "call", customer=w.customer(), done_at=local(SH, 2026, 3, 1))
    assert [r.bucket for r in svc.activity(flt("UTC"), granularity="day").rows] == [
        date(2026, 2, 28)
    ]
    _set_team_zone(w, SH)  # now the Shanghai day is the stored one
    assert [r.bucket for r in svc.activity(flt(SH), granularity="day").rows] == [date(2026, 3, 1)]
    assert [r.bucket for r in svc.activity(flt("UTC"), granularity="day").rows] == [
        date(2026, 2, 28)
    ]


def test_an_unknown_team_zone_is_refused(w: World) -> None:
    from crmdesk.domain import ValidationError

    with pytest.raises(ValidationError) as err:
        _set_team_zone(w, "Mars/Olympus")
    assert [(e.field, e.code) for e in err.value.errors] == [("value", "invalid")]
