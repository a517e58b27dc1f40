"""Drill-down: the deals behind each number of the reports.

For every kind of :class:`DrillSpec`, the list's count and Σ amount must equal the
figure :class:`MetricsService` shows for the same filter (per person and for the
team), on a hand-made world and on a small demo database, under several filters;
one hand-made case pins the exact deal ids. Runs on SQLite and, when
CRMDESK_TEST_DATABASE_URL is set, on PostgreSQL (the ``db`` fixture).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crmdesk.db.engine import Database
from crmdesk.demo import build_demo
from crmdesk.domain import ValidationError
from crmdesk.domain.drill import UNKNOWN_SOURCE, DrillResult, DrillSpec
from crmdesk.domain.reports import MetricsFilter
from crmdesk.metrics import MetricsService
from crmdesk.metrics.drill import drill

from .builder import World, local, utc

NOW = utc(2026, 3, 20, 12)
SH = "Asia/Shanghai"
NY = "America/New_York"


# --------------------------------------------------------------------------- hand-made world


class Hand:
    """A small world whose drill-down lists are worked out by hand (see each deal)."""

    def __init__(self, w: World) -> None:
        self.w = w
        self.ann, self.bob, self.cat = w.rep("Ann"), w.rep("Bob"), w.rep("Cat")
        c1, c2 = w.customer("Website"), w.customer("Referral")
        c3, c4 = w.customer(None), w.customer("Website")
        self.c = (c1, c2, c3, c4)
        ann, bob, cat = self.ann, self.bob, self.cat
        # c1's first win, on 3 Feb.
        self.d1 = w.deal(
            ann,
            [(utc(2026, 1, 5), "prospecting"), (utc(2026, 1, 10), "qualification"),
             (utc(2026, 2, 3), "won")],
            1000, customer=c1, source="Website",
        )  # fmt: skip
        # Created at 01:30 on 1 Feb in Shanghai (still 31 Jan in UTC); open in Quote since
        # 5 Feb: rotting (Quote rots after 10 days).
        self.d2 = w.deal(
            ann,
            [(local(SH, 2026, 2, 1, 1, 30), "prospecting"), (utc(2026, 2, 5), "quote")],
            2000, customer=c1, source="Website", expected_close=date(2026, 3, 25),
        )  # fmt: skip
        # Lost at Quote on 10 Feb.
        self.d3 = w.deal(
            bob,
            [(utc(2025, 12, 20), "prospecting"), (utc(2026, 1, 2), "qualification"),
             (utc(2026, 1, 15), "quote"), (utc(2026, 2, 10), "lost")],
            500, customer=c2, source="Referral",
        )  # fmt: skip
        # c2's first win, at 01:00 on 1 March in Shanghai (28 Feb in UTC).
        self.d4 = w.deal(
            bob,
            [(utc(2026, 2, 2), "prospecting"), (local(SH, 2026, 3, 1, 1), "won")],
            3000, customer=c2, source="Referral",
        )  # fmt: skip
        # Open in Qualification since 11 Feb: rotting (14 days), no expected close.
        self.d5 = w.deal(
            cat,
            [(utc(2026, 2, 10), "prospecting"), (utc(2026, 2, 11), "qualification")],
            700, source="Cold call",
        )  # fmt: skip
        # New on 15 March, expected to close last January: overdue, not rotting.
        self.d6 = w.deal(
            cat, [(utc(2026, 3, 15), "prospecting")], 400, expected_close=date(2026, 1, 1)
        )
        # c3's first win, long ago.
        self.d7 = w.deal(
            ann, [(utc(2025, 6, 1), "prospecting"), (utc(2025, 7, 1), "won")], 900, customer=c3
        )
        # c3's second win, in March.
        self.d8 = w.deal(
            bob,
            [(utc(2026, 1, 20), "prospecting"), (utc(2026, 1, 25), "qualification"),
             (utc(2026, 2, 20), "contract"), (utc(2026, 3, 10), "won")],
            1500, customer=c3,
        )  # fmt: skip
        # Lost at Prospecting the day after it was created.
        self.d9 = w.deal(ann, [(utc(2026, 2, 15), "prospecting"), (utc(2026, 2, 16), "lost")], 100)
        # c4's (a Website customer) first win, at 00:30 on 1 Feb in Shanghai (31 Jan in
        # UTC); the deal itself has no source.
        self.d10 = w.deal(
            cat,
            [(utc(2026, 1, 10), "prospecting"), (utc(2026, 1, 12), "contract"),
             (local(SH, 2026, 2, 1, 0, 30), "won")],
            800, customer=c4,
        )  # fmt: skip
        # Open in Quote since 15 March, silent since creation on 20 Feb but for a call on
        # 16 March: not rotting.
        self.d11 = w.deal(
            ann,
            [(utc(2026, 2, 20), "prospecting"), (utc(2026, 3, 15), "quote")],
            1200, customer=c4, source="Website", expected_close=date(2026, 5, 10),
        )  # fmt: skip
        w.activity(ann, "call", deal=self.d11, done_at=utc(2026, 3, 16))
        # c1's second win, in February.
        self.d12 = w.deal(
            ann,
            [(utc(2026, 2, 5), "prospecting"), (utc(2026, 2, 25), "won")],
            250, customer=c1, source="Website",
        )  # fmt: skip


def flt(tz: str = "UTC", **kw: object) -> MetricsFilter:
    return MetricsFilter(tz=tz, now=NOW, **kw)  # type: ignore[arg-type]


def ids(r: DrillResult) -> set[int]:
    return {row.deal_id for row in r.rows}


def test_hand_made_lists_hold_exactly_the_deals(db: Database) -> None:
    h = Hand(World(db))
    w = h.w
    feb_sh = flt(SH, period_from=date(2026, 2, 1), period_to=date(2026, 3, 1))
    feb_utc = flt("UTC", period_from=date(2026, 2, 1), period_to=date(2026, 3, 1))

    def got(f: MetricsFilter, kind: str, **kw: object) -> set[int]:
        r = drill(db, f, DrillSpec(kind, **kw))  # type: ignore[arg-type]
        assert r.count == len(r.rows)
        assert r.amount == sum((row.amount for row in r.rows), Decimal("0.00"))
        return ids(r)

    st = w.stage
    # Cohort (created 1–29 Feb, Shanghai): d2 counts (01:30 on 1 Feb there), d10 not.
    assert got(feb_sh, "created") == {h.d2, h.d4, h.d5, h.d9, h.d11, h.d12}
    assert got(feb_utc, "created") == {h.d4, h.d5, h.d9, h.d11, h.d12}
    assert got(feb_sh, "created", owner_id=h.ann) == {h.d2, h.d9, h.d11, h.d12}
    assert got(feb_sh, "created", source_id=w.source["Website"]) == {h.d2, h.d11, h.d12}
    assert got(feb_sh, "created", source_id=UNKNOWN_SOURCE) == {h.d9}
    assert got(feb_sh, "reached", stage_id=st["quote"]) == {h.d2, h.d4, h.d11, h.d12}
    assert got(feb_sh, "reached", stage_id=st["contract"]) == {h.d4, h.d12}
    assert got(feb_sh, "qualified") == {h.d2, h.d4, h.d5, h.d11, h.d12}
    assert got(feb_sh, "won_now") == {h.d4, h.d12}
    assert got(feb_sh, "won_now", source_id=w.source["Referral"]) == {h.d4}
    assert got(feb_sh, "open_here", stage_id=st["quote"]) == {h.d2, h.d11}
    assert got(feb_sh, "lost_here", stage_id=st["prospecting"]) == {h.d9}
    assert got(feb_sh, "lost_here", stage_id=st["quote"]) == set()  # d3: not in the cohort
    assert got(flt(), "lost_here", stage_id=st["quote"]) == {h.d3}
    # Closed in the period: d10 closed on 1 Feb in Shanghai, d4 on 1 March there.
    assert got(feb_sh, "won") == {h.d1, h.d10, h.d12}
    assert got(feb_utc, "won") == {h.d1, h.d4, h.d12}
    assert got(feb_sh, "won", owner_id=h.bob) == set()
    assert got(feb_sh, "lost") == {h.d3, h.d9}
    # Now: the period does not matter.
    assert got(feb_sh, "open_pipeline") == {h.d2, h.d5, h.d6, h.d11}
    assert got(feb_sh, "open_pipeline", stage_id=st["quote"]) == {h.d2, h.d11}
    assert got(feb_sh, "forecast", bucket="overdue") == {h.d6}
    assert got(feb_sh, "forecast", bucket="2026-03") == {h.d2}
    assert got(feb_sh, "forecast", bucket="2026-05") == {h.d11}
    assert got(feb_sh, "forecast", bucket="no_date") == {h.d5}
    assert got(feb_sh, "forecast", bucket="later") == set()
    assert got(feb_sh, "forecast", bucket="2026-04") == set()
    assert got(feb_sh, "rotting") == {h.d2, h.d5}
    assert got(feb_sh, "rotting", owner_id=h.cat) == {h.d5}
    # New customers: c1 (d1) and c4 (d10, a Website customer) in Shanghai's February;
    # c1 and c2 (d4) in UTC's. c1's second win (d12) is not a first win.
    assert got(feb_sh, "new_customers") == {h.d1, h.d10}
    assert got(feb_utc, "new_customers") == {h.d1, h.d4}
    assert got(feb_sh, "new_customers", source_id=w.source["Website"]) == {h.d1, h.d10}
    assert got(feb_sh, "new_customers", source_id=w.source["Referral"]) == set()
    assert got(feb_utc, "new_customers", source_id=w.source["Referral"]) == {h.d4}
    assert got(feb_sh, "new_customer_wins") == {h.d1, h.d10, h.d12}
    # By local month of the first win, all time: d7 (c3, no source) in July 2025.
    assert got(flt(SH), "new_customers", bucket="2026-02") == {h.d1, h.d10}
    assert got(flt(SH), "new_customers", bucket="2026-03") == {h.d4}
    assert got(flt(), "new_customers", bucket="2026-02") == {h.d1, h.d4}
    assert got(flt(), "new_customers", bucket="2026-01") == {h.d10}
    assert got(flt(SH), "new_customers", source_id=UNKNOWN_SOURCE) == {h.d7}
    assert got(flt(SH), "new_customers", source_id=UNKNOWN_SOURCE, bucket="2025-07") == {h.d7}
    # An owner filter: a person outside it has no deals; the team is the filter's owners.
    only_ann = flt(SH, owner_ids=(h.ann,))
    assert got(only_ann, "open_pipeline") == {h.d2, h.d11}
    assert got(only_ann, "open_pipeline", owner_id=h.cat) == set()
    assert got(only_ann, "new_customers") == {h.d1, h.d7}

    r = drill(db, feb_sh, DrillSpec("won"))
    assert (r.count, r.amount) == (3, Decimal("2050.00"))
    row = next(x for x in r.rows if x.deal_id == h.d10)
    assert (row.title, row.owner_id, row.owner_name) == ("Deal 17", h.cat, "Cat")
    assert (row.stage_id, row.stage_name, row.amount) == (st["won"], "Won", Decimal("800.00"))
    assert row.customer_name is not None and row.customer_name.startswith("Customer ")
    assert row.created_at == utc(2026, 1, 10)
    assert row.closed_at == local(SH, 2026, 2, 1, 0, 30) and row.expected_close is None
    # Oldest first.
    assert [x.deal_id for x in r.rows] == [h.d1, h.d10, h.d12]


def test_bad_specs_are_refused(db: Database) -> None:
    h = Hand(World(db))
    f = flt(SH)
    won = h.w.stage["won"]
    for spec in (
        DrillSpec("nonsense"),
        DrillSpec("reached"),  # needs a stage
        DrillSpec("reached", stage_id=won),  # not an open stage
        DrillSpec("open_here", stage_id=987654),
        DrillSpec("won", stage_id=h.w.stage["quote"]),  # takes no stage
        DrillSpec("won", bucket="2026-03"),
        DrillSpec("forecast"),
        DrillSpec("forecast", bucket="2027-12"),  # beyond the six months: "later"
        DrillSpec("forecast", bucket="soon"),
        DrillSpec("new_customers", bucket="2026-13"),
        DrillSpec("new_customers", bucket="0000-01"),
        DrillSpec("new_customers", bucket="9999-12"),
        DrillSpec("rotting", source_id=1),
    ):
        with pytest.raises(ValidationError):
            drill(db, f, spec)
    # A three-month forecast (March to May): July 2026 is then part of "later".
    assert drill(db, f, DrillSpec("forecast", bucket="2026-05"), months=3).count == 1
    with pytest.raises(ValidationError):
        drill(db, f, DrillSpec("forecast", bucket="2026-07"), months=3)


# --------------------------------------------------------------------------- against the service


def check_against_service(db: Database, f: MetricsFilter) -> list[str]:
    """Every figure of the reports that a drill-down opens, against the drill-down's count
    and amount; returns the differences."""
    svc = MetricsService(db)
    problems: list[str] = []

    memo: dict[DrillSpec, DrillResult] = {}

    def run(spec: DrillSpec) -> DrillResult:
        """The drill-down, once per spec and filter."""
        if spec not in memo:
            memo[spec] = drill(db, f, spec)
        return memo[spec]

    def check(where: str, spec: DrillSpec, count: int, amount: Decimal | None = None) -> set[int]:
        r = run(spec)
        assert r.count == len(r.rows) == len(ids(r))
        assert r.amount == sum((x.amount for x in r.rows), Decimal("0.00"))
        if r.count != count or (amount is not None and r.amount != amount):
            problems.append(
                f"{where}: {spec} lists {r.count} deals / {r.amount}, report {count} / {amount}"
            )
        return ids(r)

    def rate_of(where: str, num: int, den: int, rate: float | None) -> None:
        expected = None if den == 0 else num / den
        if (expected is None) != (rate is None) or expected != pytest.approx(rate):
            problems.append(f"{where}: {num}/{den} != {rate}")

    def partition(where: str, team: set[int], people: list[set[int]]) -> None:
        union: set[int] = set().union(*people)
        if union != team or sum(len(p) for p in people) != len(team):
            problems.append(f"{where}: the people's lists do not partition the team's")

    # KPIs.
    k = svc.kpis(f)
    fc = svc.forecast(f)
    check("kpis won", DrillSpec("won"), k.won_count, k.won_amount)
    lost_team = check("kpis lost", DrillSpec("lost"), k.lost_count)
    check("kpis new customers", DrillSpec("new_customers"), k.new_customers)
    check("kpis open pipeline", DrillSpec("open_pipeline"), fc.total.count, k.open_pipeline_amount)
    qualified = len(run(DrillSpec("qualified")).rows)
    created = len(run(DrillSpec("created")).rows)
    rate_of("kpis lead conversion", qualified, created, k.lead_conversion_rate)

    # Stage efficiency (the team's cohort).
    se = svc.stage_efficiency(f)
    fun = svc.funnel(f)
    for i, row in enumerate(se.rows):
        where = f"stages {row.stage_key}"
        check(where, DrillSpec("reached", stage_id=row.stage_id), row.reached)
        nxt = (
            DrillSpec("reached", stage_id=se.rows[i + 1].stage_id)
            if i + 1 < len(se.rows)
            else DrillSpec("won_now")
        )
        check(where + " advanced", nxt, row.advanced)
        check(where, DrillSpec("open_here", stage_id=row.stage_id), row.open_here)
        check(where, DrillSpec("lost_here", stage_id=row.stage_id), row.lost_here)

    # Funnel: the team and each person.
    team_created = set()
    for funnel in (fun.team, *fun.people):
        who = funnel.owner_name
        got = check(f"funnel {who}", DrillSpec("created", owner_id=funnel.owner_id), funnel.created)
        if funnel.owner_id is None:
            team_created = got
        for stage in funnel.stages:
            spec = DrillSpec("reached", owner_id=funnel.owner_id, stage_id=stage.stage_id)
            check(f"funnel {who} {stage.stage_key}", spec, stage.reached)
        check(f"funnel {who} won", DrillSpec("won_now", owner_id=funnel.owner_id), funnel.won)
    partition(
        "funnel created",
        team_created,
        [ids(run(DrillSpec("created", owner_id=p.owner_id))) for p in fun.people],
    )

    # Performance: each person and the team.
    perf = svc.performance(f)
    won_people, rot_people, lost_people = [], [], []
    for row in (*perf.rows, perf.team):
        who, oid = row.owner_name, row.owner_id
        won = check(
            f"perf {who} won", DrillSpec("won", owner_id=oid), row.won_count, row.won_amount
        )
        rot = check(f"perf {who} rotting", DrillSpec("rotting", owner_id=oid), row.rotting_deals)
        opened = run(DrillSpec("open_pipeline", owner_id=oid))
        if opened.amount != row.open_pipeline_amount:
            problems.append(
                f"perf {who}: open pipeline {opened.amount} != {row.open_pipeline_amount}"
            )
        lost = len(run(DrillSpec("lost", owner_id=oid)).rows)
        rate_of(f"perf {who} close rate", row.won_count, row.won_count + lost, row.close_rate)
        q = len(run(DrillSpec("qualified", owner_id=oid)).rows)
        c = len(run(DrillSpec("created", owner_id=oid)).rows)
        rate_of(f"perf {who} lead conversion", q, c, row.lead_conversion_rate)
        if oid is not None:
            won_people.append(won)
            rot_people.append(rot)
            lost_people.append(ids(run(DrillSpec("lost", owner_id=oid))))
    partition("perf won", ids(run(DrillSpec("won"))), won_people)
    partition("perf rotting", ids(run(DrillSpec("rotting"))), rot_people)
    partition("perf lost", lost_team, lost_people)

    # The activity report's rotting deals are the rotting list.
    act = svc.activity(f)
    if {r.deal_id for r in act.rotting} != ids(run(DrillSpec("rotting"))):
        problems.append("activity rotting: the deals differ")
    for r in act.rotting:
        if r.deal_id not in ids(run(DrillSpec("rotting", owner_id=r.owner_id))):
            problems.append(f"activity rotting: deal {r.deal_id} not in its owner's list")

    # Forecast buckets.
    for b in fc.buckets:
        check(f"forecast {b.key}", DrillSpec("forecast", bucket=b.key), b.count, b.amount)

    # Board totals per stage.
    for stage in svc.board_totals(f).stages:
        spec = DrillSpec("open_pipeline", stage_id=stage.stage_id)
        check(f"board {stage.stage_id}", spec, stage.count, stage.amount)

    # New customers: per customer source and month, and the total.
    nc = svc.new_customers(f)
    zone = ZoneInfo(f.tz or "UTC")
    for row in (*nc.rows, nc.total):
        is_total = row is nc.total
        src = None if is_total else (UNKNOWN_SOURCE if row.source_id is None else row.source_id)
        where = f"new customers {row.source_name}"
        firsts = run(DrillSpec("new_customers", source_id=src))
        check(where, firsts.spec, row.new_customers, row.first_deal_amount)
        months: dict[str, int] = {}
        for x in firsts.rows:
            assert x.closed_at is not None
            key = x.closed_at.astimezone(zone).strftime("%Y-%m")
            months[key] = months.get(key, 0) + 1
        if months != row.by_month:
            problems.append(f"{where}: the first wins' local months {months} != {row.by_month}")
        # Each month's own drill-down: every month of the total, the first and the last
        # month of each source (a drill-down each costs a few milliseconds).
        keys = list(row.by_month)
        for month in keys if is_total else sorted({keys[0], keys[-1]} if keys else set()):
            spec = DrillSpec("new_customers", source_id=src, bucket=month)
            check(f"{where} {month}", spec, row.by_month[month])
        got = run(DrillSpec("new_customer_wins", source_id=src))
        if got.amount != row.won_amount:
            problems.append(f"{where}: won amount {got.amount} != {row.won_amount}")
        check(f"{where} leads", DrillSpec("created", source_id=src), row.leads)
        check(f"{where} leads won", DrillSpec("won_now", source_id=src), row.leads_won)
    return problems


def filters_for(db: Database, now: datetime, period: tuple[date, date]) -> list[MetricsFilter]:
    """Whole history; a period in Shanghai; two people in New York; one lead source."""
    svc = MetricsService(db)
    everything = MetricsFilter(tz="UTC", now=now)
    people = sorted(r.owner_id for r in svc.performance(everything).rows if r.owner_id)
    sources = [r.source_id for r in svc.new_customers(everything).rows if r.source_id]
    frm, to = period
    return [
        MetricsFilter(tz=SH, now=now),
        MetricsFilter(tz=SH, now=now, period_from=frm, period_to=to),
        MetricsFilter(tz=NY, now=now, period_from=frm, period_to=to, owner_ids=tuple(people[:2])),
        MetricsFilter(tz="UTC", now=now, source_id=min(sources)),
    ]


def run_checks(db: Database, fs: list[MetricsFilter]) -> None:
    problems: list[str] = []
    for f in fs:
        problems += [f"{f}: {p}" for p in check_against_service(db, f)]
    assert not problems, "\n".join(problems)


def test_every_figure_of_the_hand_made_world(db: Database) -> None:
    Hand(World(db))
    # The lead source filter is left to the demo (each filter costs ~100 drill-downs).
    run_checks(db, filters_for(db, NOW, (date(2026, 2, 1), date(2026, 3, 1)))[:3])


def test_every_figure_of_a_demo_database(db: Database) -> None:
    now = utc(2025, 6, 15, 12)
    build_demo(db, deals=200, seed=3, now=now)
    run_checks(db, filters_for(db, now, (date(2025, 1, 1), date(2025, 6, 1))))
