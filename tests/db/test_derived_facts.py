"""The derived facts of migration 0005, kept by triggers, against a recomputation in Python.

``stages.slot``, ``deals.reached_mask``, ``first_response_at``, ``response_hours``,
``last_activity_at``, ``next_due_at``, ``cycle_days``, ``customers.first_won_deal_id``,
``activities.done_day`` and the ``stage_visits`` rows (one per transition; the deal's
last one still open, with ``left_at`` and ``days`` NULL) are folded here from the raw
rows (``stage_transitions``, ``activities``, ``deals``, ``stages``, ``customers`` and the
``time_zone`` setting, read with SQLAlchemy Core; the local days with ``zoneinfo``, not
from ``zone_offsets``) and compared with what the database holds after each write:
through the services, through raw Core statements, and after the migration's backfill
of an older database. Timestamps, ids and days must match exactly, durations within
1e-6 (days or hours).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from services._helpers import add_second_pipeline
from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import downgrade, head_revision, open_database, upgrade
from crmdesk.db.zone import TIME_ZONE_KEY
from crmdesk.domain import ValidationError
from crmdesk.domain.timezones import local_timezone_name
from crmdesk.services import activities, customers, deals, lists, pipelines
from crmdesk.services import activities as activities_service
from crmdesk.services import deals as deals_service
from crmdesk.services.settings import set_setting
from crmdesk.services.setup import default_admin_id, ensure_initialized

D = m.Deal.__table__
T = m.StageTransition.__table__
A = m.Activity.__table__
ST = m.Stage.__table__
V = m.StageVisit.__table__
CU = m.Customer.__table__
SE = m.Setting.__table__

RESPONSE_KINDS = frozenset({"call", "meeting", "email"})
TOLERANCE = 1e-6
BASE = datetime(2025, 2, 1, tzinfo=UTC)
DAY_ZERO = date(1970, 1, 1)


def ts(day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0) -> datetime:
    """A UTC time ``day`` days after 1 Feb 2025 (day 0 is 1 Feb)."""
    return BASE + timedelta(days=day, hours=hour, minutes=minute, seconds=second, microseconds=us)


# --- the recomputation ------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    reached_mask: int
    first_response_at: datetime | None
    response_hours: float | None
    last_activity_at: datetime | None
    next_due_at: datetime | None
    cycle_days: float | None  # None while the deal is open (no close time)


@dataclass(frozen=True)
class Visit:
    deal_id: int
    pipeline_id: int
    stage_id: int
    owner_id: int
    source_id: int | None
    deal_created_at: datetime
    entered_at: datetime
    left_at: datetime | None  # None (and days None) for the stay the deal is in now
    days: float | None


@dataclass(frozen=True)
class Derived:
    """Every derived fact: per deal, per visit (transition id), per customer's first
    won deal and per activity's team-zone day."""

    facts: dict[int, Facts]
    visits: dict[int, Visit]
    first_wins: dict[int, int | None]  # customer id: its first won deal, or None
    done_days: dict[int, int | None]  # activity id: local day of done_at, or None


def team_zone(conn: Connection) -> str:
    """The ``time_zone`` setting: every initialised or upgraded database has one."""
    zone = conn.execute(select(SE.c.value).where(SE.c.key == TIME_ZONE_KEY)).scalar_one_or_none()
    assert zone, "the team's time zone setting is missing"
    return str(zone)


def local_day(done_at: datetime, zone: str) -> int:
    """Days from 1970-01-01 to the local date (in ``zone``) of ``done_at``, cut to the
    millisecond first (so 23:59:59.9996 is still the day before)."""
    cut = done_at.replace(microsecond=done_at.microsecond // 1000 * 1000)
    return (cut.astimezone(ZoneInfo(zone)).date() - DAY_ZERO).days


def day_number(day: date) -> int:
    return (day - DAY_ZERO).days


def expected_facts(conn: Connection) -> Derived:
    """Every derived fact, folded in Python from the raw rows."""
    stages = {
        r.id: r for r in conn.execute(select(ST.c.id, ST.c.pipeline_id, ST.c.slot, ST.c.kind))
    }
    deal_rows = list(
        conn.execute(
            select(
                D.c.id,
                D.c.pipeline_id,
                D.c.owner_id,
                D.c.source_id,
                D.c.created_at,
                D.c.closed_at,
                D.c.customer_id,
                D.c.stage_id,
            )
        )
    )
    history: dict[int, list[Any]] = defaultdict(list)
    for t in conn.execute(select(T.c.id, T.c.deal_id, T.c.to_stage_id, T.c.at)):
        history[t.deal_id].append(t)
    activity_rows = list(
        conn.execute(select(A.c.id, A.c.deal_id, A.c.kind, A.c.done_at, A.c.due_at))
    )
    acts: dict[int, list[Any]] = defaultdict(list)
    for a in activity_rows:
        if a.deal_id is not None:
            acts[a.deal_id].append(a)

    facts: dict[int, Facts] = {}
    visits: dict[int, Visit] = {}
    for d in deal_rows:
        mask = 0
        for t in history[d.id]:
            stage = stages[t.to_stage_id]
            if stage.pipeline_id == d.pipeline_id:
                mask |= 1 << stage.slot
        done = [a for a in acts[d.id] if a.done_at is not None]
        first = min((a.done_at for a in done if a.kind in RESPONSE_KINDS), default=None)
        response = None
        if first is not None:
            response = max(0.0, (first - d.created_at).total_seconds() / 3600.0)
        facts[d.id] = Facts(
            reached_mask=mask,
            first_response_at=first,
            response_hours=response,
            last_activity_at=max((a.done_at for a in done), default=None),
            next_due_at=min(
                (a.due_at for a in acts[d.id] if a.done_at is None and a.due_at is not None),
                default=None,
            ),
            cycle_days=None
            if d.closed_at is None
            else (d.closed_at - d.created_at).total_seconds() / 86400.0,
        )
        # One visit per transition, ended by the next one in (at, id) order; the last
        # transition's visit is the one the deal is in now: open, no end and no length.
        ordered = sorted(history[d.id], key=lambda t: (t.at, t.id))
        following: list[Any] = [*ordered[1:], None]  # no transitions: no visits
        for t, nxt in zip(ordered, following, strict=False):
            visits[t.id] = Visit(
                deal_id=d.id,
                pipeline_id=d.pipeline_id,
                stage_id=t.to_stage_id,
                owner_id=d.owner_id,
                source_id=d.source_id,
                deal_created_at=d.created_at,
                entered_at=t.at,
                left_at=None if nxt is None else nxt.at,
                days=None if nxt is None else (nxt.at - t.at).total_seconds() / 86400.0,
            )

    # The first won deal of each customer: in a won stage of any pipeline, with a close
    # time (only raw rows lack one), the smallest (closed_at, id).
    won: dict[int, list[Any]] = defaultdict(list)
    for d in deal_rows:
        if (
            d.customer_id is not None
            and stages[d.stage_id].kind == "won"
            and d.closed_at is not None
        ):
            won[d.customer_id].append(d)
    wins: dict[int, int | None] = {}
    for cid in conn.execute(select(CU.c.id)).scalars():
        ranked = sorted(won[cid], key=lambda d: (d.closed_at, d.id))
        wins[cid] = ranked[0].id if ranked else None

    zone = team_zone(conn)
    local_days = {
        a.id: None if a.done_at is None else local_day(a.done_at, zone) for a in activity_rows
    }
    return Derived(facts, visits, wins, local_days)


def stored_facts(conn: Connection) -> Derived:
    """What the triggers (or the backfill) left in the database."""
    facts = {
        r.id: Facts(
            r.reached_mask,
            r.first_response_at,
            r.response_hours,
            r.last_activity_at,
            r.next_due_at,
            r.cycle_days,
        )
        for r in conn.execute(
            select(
                D.c.id,
                D.c.reached_mask,
                D.c.first_response_at,
                D.c.response_hours,
                D.c.last_activity_at,
                D.c.next_due_at,
                D.c.cycle_days,
            )
        )
    }
    visits = {
        r.transition_id: Visit(
            r.deal_id,
            r.pipeline_id,
            r.stage_id,
            r.owner_id,
            r.source_id,
            r.deal_created_at,
            r.entered_at,
            r.left_at,
            r.days,
        )
        for r in conn.execute(select(V))
    }
    wins = dict(conn.execute(select(CU.c.id, CU.c.first_won_deal_id)).all())
    local_days = dict(conn.execute(select(A.c.id, A.c.done_day)).all())
    return Derived(facts, visits, wins, local_days)


def _same(name: str, want: Any, got: Any) -> bool:
    if name in ("response_hours", "days", "cycle_days"):
        if want is None or got is None:
            return want is None and got is None
        return abs(float(want) - float(got)) <= TOLERANCE
    return bool(want == got)


def _diff(label: str, want: Any, got: Any) -> list[str]:
    return [
        f"{label}.{f.name}: expected {getattr(want, f.name)!r}, stored {getattr(got, f.name)!r}"
        for f in fields(want)
        if not _same(f.name, getattr(want, f.name), getattr(got, f.name))
    ]


def _engine(target: Database | Engine) -> Engine:
    return target.engine if isinstance(target, Database) else target


def assert_facts(target: Database | Engine) -> tuple[dict[int, Facts], dict[int, Visit]]:
    """Every derived fact (of every deal, visit, customer and activity) equals the
    recomputation.

    Returns what is stored for the deals and visits, for the tests' own concrete checks
    (``first_wins`` and ``done_days`` read the others).
    """
    with _engine(target).connect() as conn:
        want = expected_facts(conn)
        got = stored_facts(conn)
    problems: list[str] = []
    assert set(got.facts) == set(want.facts)
    for deal_id, want_facts in sorted(want.facts.items()):
        problems += _diff(f"deal {deal_id}", want_facts, got.facts[deal_id])
    missing = sorted(set(want.visits) - set(got.visits))
    extra = sorted(set(got.visits) - set(want.visits))
    if missing:
        problems.append(f"visits missing for transitions {missing}")
    if extra:
        problems.append(f"visits that should not exist: {[(t, got.visits[t]) for t in extra]}")
    for tid in sorted(set(want.visits) & set(got.visits)):
        problems += _diff(f"visit of transition {tid}", want.visits[tid], got.visits[tid])
    assert set(got.first_wins) == set(want.first_wins)
    problems += [
        f"customer {cid}.first_won_deal_id: expected {deal!r}, stored {got.first_wins[cid]!r}"
        for cid, deal in sorted(want.first_wins.items())
        if got.first_wins[cid] != deal
    ]
    assert set(got.done_days) == set(want.done_days)
    problems += [
        f"activity {aid}.done_day: expected {day!r}, stored {got.done_days[aid]!r}"
        for aid, day in sorted(want.done_days.items())
        if got.done_days[aid] != day or type(got.done_days[aid]) is not type(day)
    ]
    assert not problems, "\n".join(problems)
    return got.facts, got.visits


def first_wins(target: Database | Engine) -> dict[int, int | None]:
    """``{customer_id: first_won_deal_id}`` as stored."""
    with _engine(target).connect() as conn:
        return dict(conn.execute(select(CU.c.id, CU.c.first_won_deal_id)).all())


def done_days(target: Database | Engine) -> dict[int, int | None]:
    """``{activity_id: done_day}`` as stored."""
    with _engine(target).connect() as conn:
        return dict(conn.execute(select(A.c.id, A.c.done_day)).all())


def deal_visits(visits: dict[int, Visit], deal_id: int) -> list[tuple[int, Visit]]:
    """One deal's stored visits in (entered_at, transition id) order."""
    return sorted(
        ((tid, v) for tid, v in visits.items() if v.deal_id == deal_id),
        key=lambda item: (item[1].entered_at, item[0]),
    )


def slots(engine: Engine, pipeline_id: int) -> dict[int, int]:
    """``{stage_id: slot}`` of one pipeline."""
    with engine.connect() as conn:
        return dict(
            conn.execute(select(ST.c.id, ST.c.slot).where(ST.c.pipeline_id == pipeline_id)).all()
        )


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600.0


def days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400.0


# --- writing through the services ---------------------------------------------------------


class Clock:
    """The services' ``utcnow``, set by the test: deterministic history timestamps."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _move(db: Database, deal_id: int, stage_id: int, by: int, **kw: Any) -> None:
    version = deals.get_deal(db, deal_id).version
    deals.move_deal(db, deal_id, stage_id, by=by, expected_version=version, **kw)


def _update(db: Database, deal_id: int, by: int, **changes: Any) -> None:
    version = deals.get_deal(db, deal_id).version
    deals.update_deal(db, deal_id, by=by, expected_version=version, changes=changes)


def _edit_activity(db: Database, activity_id: int, by: int, **changes: Any) -> None:
    version = next(a.version for a in activities.list_activities(db) if a.id == activity_id)
    activities.update_activity(db, activity_id, by=by, expected_version=version, changes=changes)


def test_service_writes_keep_every_fact_exact(
    db: Database, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(ts(0, 9))
    monkeypatch.setattr(deals_service, "utcnow", clock)
    monkeypatch.setattr(activities_service, "utcnow", clock)
    admin = default_admin_id(db)
    rep1, rep2 = make_user("rep"), make_user("rep")
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    slot = slots(db.engine, pipe.id)
    bit = {key: 1 << slot[sid] for key, sid in stage.items()}
    sources = [s.id for s in lists.list_items(db, "sources")]
    reason = lists.list_items(db, "lost_reasons")[0].id
    cust1 = customers.create_customer(db, by=admin, company="Acme", source_id=sources[0]).value.id
    cust2 = customers.create_customer(db, by=admin, company="Globex").value.id

    # Three deals: A created in the past, B now in Qualification, C "created" later than
    # the clock, so that its moves are clamped to its creation time (ties in `at`).
    a_created = ts(0, 8, 30, 0, 250_000)
    a = deals.create_deal(
        db, by=admin, title="A", owner_id=rep1, customer_id=cust1, created_at=a_created
    ).value.id
    b = deals.create_deal(
        db,
        by=admin,
        title="B",
        owner_id=rep2,
        source_id=sources[1],
        stage_id=stage["qualification"],
    ).value.id
    c = deals.create_deal(
        db, by=admin, title="C", owner_id=rep1, customer_id=cust2, created_at=ts(20)
    ).value.id
    facts, visits = assert_facts(db)
    assert facts[a] == Facts(bit["prospecting"], None, None, None, None, None)
    assert facts[b].reached_mask == bit["qualification"]
    # Each new deal has its one transition, so one visit: the open one it is in now.
    assert len(visits) == 3
    assert [(v.stage_id, v.entered_at, v.left_at, v.days) for _, v in deal_visits(visits, a)] == [
        (stage["prospecting"], a_created, None, None)
    ]
    assert [(v.stage_id, v.entered_at, v.left_at, v.days) for _, v in deal_visits(visits, b)] == [
        (stage["qualification"], ts(0, 9), None, None)
    ]
    assert [(v.stage_id, v.entered_at, v.left_at, v.days) for _, v in deal_visits(visits, c)] == [
        (stage["prospecting"], ts(20), None, None)
    ]

    # A: skip forward, back, forward, win, reopen, lose.
    path = [
        (ts(1, 10, 0, 0, 500_000), "quote", {}),
        (ts(2, 11, 15, 30, 125_000), "qualification", {}),
        (ts(4, 9), "contract", {}),
        (ts(5, 12), "won", {"closed_at": ts(5, 16)}),
        (ts(7, 8, 45), "quote", {}),
        (ts(8, 17, 5, 5, 5), "lost", {"lost_reason_id": reason}),
    ]
    a_cycles: list[float | None] = []
    a_wins: list[int | None] = []
    for now, key, kw in path:
        clock.now = now
        _move(db, a, stage[key], admin, **kw)
        facts, visits = assert_facts(db)
        a_cycles.append(facts[a].cycle_days)
        a_wins.append(first_wins(db)[cust1])
    # Closed from the win (at its given close time) to the reopening, and again when lost.
    assert a_cycles[:3] == [None, None, None]
    assert a_cycles[3] == pytest.approx(days(ts(5, 16) - a_created), abs=1e-6)
    assert a_cycles[4] is None
    assert a_cycles[5] == pytest.approx(days(ts(8, 17, 5, 5, 5) - a_created), abs=1e-6)
    # A is Acme's first win only while it is won.
    assert a_wins == [None, None, None, a, None, None]
    assert first_wins(db)[cust2] is None
    assert facts[a].reached_mask == sum(
        bit[k] for k in ("prospecting", "quote", "qualification", "contract", "won", "lost")
    )
    a_visits = deal_visits(visits, a)
    assert [v.stage_id for _, v in a_visits] == [
        stage[k]
        for k in ("prospecting", "quote", "qualification", "contract", "won", "quote", "lost")
    ]
    assert a_visits[0][1].entered_at == a_created
    assert a_visits[0][1].left_at == ts(1, 10, 0, 0, 500_000)
    assert a_visits[0][1].days == pytest.approx(
        days(ts(1, 10, 0, 0, 500_000) - a_created), abs=1e-6
    )
    assert a_visits[3][1].left_at == ts(5, 16)  # the win's given close time
    assert (a_visits[-1][1].entered_at, a_visits[-1][1].left_at, a_visits[-1][1].days) == (
        ts(8, 17, 5, 5, 5),
        None,
        None,
    )  # lost is where A is now: open
    assert all(v.left_at is not None and v.days is not None for _, v in a_visits[:-1])
    assert {v.owner_id for _, v in a_visits} == {rep1}

    # B: lose, reopen, win.
    clock.now = ts(3, 9)
    _move(db, b, stage["lost"], admin, lost_reason_id=reason)
    assert_facts(db)
    clock.now = ts(3, 10)
    _move(db, b, stage["contract"], admin)
    assert_facts(db)
    clock.now = ts(6, 10)
    _move(db, b, stage["won"], admin)
    facts, visits = assert_facts(db)
    assert (
        facts[b].reached_mask == bit["qualification"] | bit["lost"] | bit["contract"] | bit["won"]
    )
    assert facts[b].cycle_days == pytest.approx(6 + 1 / 24, abs=1e-9)  # 0 9:00 to 6 10:00
    b_visits = deal_visits(visits, b)
    assert [(v.stage_id, v.left_at) for _, v in b_visits] == [
        (stage["qualification"], ts(3, 9)),
        (stage["lost"], ts(3, 10)),
        (stage["contract"], ts(6, 10)),
        (stage["won"], None),
    ]

    # C: the clock is before C's creation, so both moves land on the same instant.
    clock.now = ts(9)
    _move(db, c, stage["qualification"], admin)
    _move(db, c, stage["quote"], admin)
    facts, visits = assert_facts(db)
    c_visits = deal_visits(visits, c)
    assert [v.stage_id for _, v in c_visits] == [
        stage["prospecting"],
        stage["qualification"],
        stage["quote"],
    ]
    assert all(v.entered_at == v.left_at == ts(20) and v.days == 0 for _, v in c_visits[:-1])
    assert (c_visits[-1][1].entered_at, c_visits[-1][1].left_at, c_visits[-1][1].days) == (
        ts(20),
        None,
        None,
    )

    # Activities on A: open ones set the next due time, done ones the others.
    clock.now = ts(1, 9)
    task = activities.log_activity(
        db, by=admin, kind="task", subject="Send deck", deal_id=a, due_at=ts(10, 9)
    ).value.id
    facts, _ = assert_facts(db)
    assert facts[a] == Facts(
        facts[a].reached_mask,
        None,
        None,
        None,
        ts(10, 9),
        pytest.approx(days(ts(8, 17, 5, 5, 5) - a_created), abs=1e-6),
    )
    email = activities.log_activity(
        db, by=admin, kind="email", subject="Offer", deal_id=a, due_at=ts(7, 12)
    ).value.id
    facts, _ = assert_facts(db)
    assert facts[a].next_due_at == ts(7, 12)
    note = activities.log_activity(
        db, by=admin, kind="note", subject="Internal", deal_id=a, done=True
    ).value.id
    facts, _ = assert_facts(db)
    assert (facts[a].last_activity_at, facts[a].first_response_at) == (ts(1, 9), None)
    activities.complete_activity(db, email, by=admin, done_at=ts(1, 13, 45, 10, 500_000))
    facts, _ = assert_facts(db)
    assert facts[a].first_response_at == ts(1, 13, 45, 10, 500_000)
    assert facts[a].response_hours == pytest.approx(
        hours(ts(1, 13, 45, 10, 500_000) - a_created), abs=1e-6
    )
    assert facts[a].next_due_at == ts(10, 9)
    assert facts[a].last_activity_at == ts(1, 13, 45, 10, 500_000)
    # A call done before the deal was created: the response time is 0, not negative.
    call = activities.log_activity(
        db, by=admin, kind="call", subject="Cold call", deal_id=a, done_at=ts(0, 8)
    ).value.id
    facts, _ = assert_facts(db)
    assert (facts[a].first_response_at, facts[a].response_hours) == (ts(0, 8), 0.0)
    activities.reopen_activity(db, call, by=admin)
    facts, _ = assert_facts(db)
    assert facts[a].first_response_at == ts(1, 13, 45, 10, 500_000)
    _edit_activity(db, call, admin, due_at=ts(3, 9))
    facts, _ = assert_facts(db)
    assert facts[a].next_due_at == ts(3, 9)
    _edit_activity(db, task, admin, kind="meeting", due_at=ts(2, 8))
    assert_facts(db)
    activities.complete_activity(db, task, by=admin, done_at=ts(1, 11))
    facts, _ = assert_facts(db)
    assert facts[a].first_response_at == ts(1, 11)  # the meeting came first
    _edit_activity(db, note, admin, kind="call")  # a done note becomes a call at 9:00
    facts, _ = assert_facts(db)
    assert facts[a].first_response_at == ts(1, 9)
    _edit_activity(db, note, admin, kind="task")
    facts, _ = assert_facts(db)
    assert facts[a].first_response_at == ts(1, 11)
    activities.delete_activity(db, task, by=admin)
    facts, _ = assert_facts(db)
    assert facts[a].first_response_at == ts(1, 13, 45, 10, 500_000)

    # Activities on B and C.
    clock.now = ts(2, 14)
    b_meeting = activities.log_activity(
        db, by=admin, kind="meeting", subject="Demo", deal_id=b, done=True
    ).value.id
    activities.log_activity(
        db, by=admin, kind="call", subject="Follow up", deal_id=c, due_at=ts(25)
    )
    facts, _ = assert_facts(db)
    assert facts[c].next_due_at == ts(25)

    # No service moves an activity between deals; do it with a plain UPDATE.
    with db.engine.begin() as conn:
        conn.execute(update(A).where(A.c.id == call).values(deal_id=b))
    facts, _ = assert_facts(db)
    assert facts[a].next_due_at is None and facts[b].next_due_at == ts(3, 9)
    with db.engine.begin() as conn:
        conn.execute(update(A).where(A.c.id == b_meeting).values(deal_id=a))
    facts, _ = assert_facts(db)
    assert facts[b].first_response_at is None and facts[a].first_response_at == ts(
        1, 13, 45, 10, 500_000
    )

    # Reassign A, change and clear B's source: the visits follow the deal.
    _update(db, a, admin, owner_id=rep2)
    _, visits = assert_facts(db)
    assert {v.owner_id for _, v in deal_visits(visits, a)} == {rep2}
    _update(db, b, admin, source_id=sources[2])
    _, visits = assert_facts(db)
    assert {v.source_id for _, v in deal_visits(visits, b)} == {sources[2]}
    _update(db, b, admin, source_id=None, title="B renamed")
    _, visits = assert_facts(db)
    assert {v.source_id for _, v in deal_visits(visits, b)} == {None}

    # Deleting a deal takes its visits with it; its activities stay with the customer.
    _, visits = assert_facts(db)
    assert len(deal_visits(visits, c)) == 3
    deals.delete_deal(db, c, by=admin, expected_version=deals.get_deal(db, c).version)
    facts, visits = assert_facts(db)
    assert c not in facts and deal_visits(visits, c) == []
    deals.delete_deal(db, a, by=admin, expected_version=deals.get_deal(db, a).version)
    facts, visits = assert_facts(db)
    assert set(facts) == {b}
    assert {v.deal_id for v in visits.values()} == {b}
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(V)).scalar_one() == 4


# --- raw Core writes ----------------------------------------------------------------------


def _raw_deal(
    conn: Connection | Session,
    *,
    owner: int,
    pipeline: int,
    stage: int,
    created: datetime,
    source: int | None = None,
    customer: int | None = None,
    closed: datetime | None = None,
) -> int:
    return conn.execute(
        insert(D).values(
            title="Raw deal",
            owner_id=owner,
            pipeline_id=pipeline,
            stage_id=stage,
            amount=0,
            currency="USD",
            source_id=source,
            customer_id=customer,
            created_at=created,
            stage_entered_at=closed or created,
            closed_at=closed,
            version=1,
        )
    ).inserted_primary_key[0]


def _raw_transition(conn: Connection | Session, deal: int, stage: int, at: datetime) -> int:
    return conn.execute(
        insert(T).values(deal_id=deal, from_stage_id=None, to_stage_id=stage, at=at)
    ).inserted_primary_key[0]


def _raw_activity(
    conn: Connection,
    owner: int,
    kind: str,
    *,
    deal: int | None = None,
    customer: int | None = None,
    done: datetime | None = None,
    due: datetime | None = None,
) -> int:
    return conn.execute(
        insert(A).values(
            kind=kind,
            subject=kind,
            owner_id=owner,
            deal_id=deal,
            customer_id=customer,
            done_at=done,
            due_at=due,
            created_at=ts(0),
            version=1,
        )
    ).inserted_primary_key[0]


def test_raw_core_writes_keep_every_fact_exact(db: Database, make_user: Any) -> None:
    admin = default_admin_id(db)
    rep = make_user("rep")
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    slot = slots(db.engine, pipe.id)
    bit = {key: 1 << slot[sid] for key, sid in stage.items()}
    sources = [s.id for s in lists.list_items(db, "sources")]
    x_created = ts(1, 8)
    with db.engine.begin() as conn:
        cust = conn.execute(
            insert(CU).values(company="Initech", created_at=ts(0), version=1)
        ).inserted_primary_key[0]
        x = _raw_deal(
            conn,
            owner=rep,
            pipeline=pipe.id,
            stage=stage["prospecting"],
            created=x_created,
            source=sources[0],
            customer=cust,
        )
        y = _raw_deal(conn, owner=admin, pipeline=pipe.id, stage=stage["quote"], created=ts(1, 9))
    facts, visits = assert_facts(db)
    assert facts[x] == facts[y] == Facts(0, None, None, None, None, None) and visits == {}

    # Transitions one statement at a time, one of them earlier than those before it.
    with db.engine.begin() as conn:
        t1 = _raw_transition(conn, x, stage["prospecting"], ts(1, 8))
    facts, visits = assert_facts(db)
    assert facts[x].reached_mask == bit["prospecting"]
    assert visits == {
        t1: Visit(
            x, pipe.id, stage["prospecting"], rep, sources[0], x_created, ts(1, 8), None, None
        )
    }  # the only transition: the stay x is in now, open
    with db.engine.begin() as conn:
        t2 = _raw_transition(conn, x, stage["quote"], ts(3, 8))
    _, visits = assert_facts(db)
    assert visits[t1].left_at == ts(3, 8) and visits[t1].days == pytest.approx(2.0, abs=1e-9)
    assert (visits[t2].entered_at, visits[t2].left_at, visits[t2].days) == (ts(3, 8), None, None)
    with db.engine.begin() as conn:
        t3 = _raw_transition(conn, x, stage["qualification"], ts(2, 8, 0, 0, 250_000))
    facts, visits = assert_facts(db)
    assert [(tid, v.stage_id, v.entered_at, v.left_at) for tid, v in deal_visits(visits, x)] == [
        (t1, stage["prospecting"], ts(1, 8), ts(2, 8, 0, 0, 250_000)),
        (t3, stage["qualification"], ts(2, 8, 0, 0, 250_000), ts(3, 8)),
        (t2, stage["quote"], ts(3, 8), None),  # still the latest: still open
    ]
    assert visits[t1].days == pytest.approx(1 + 0.25 / 86400, abs=1e-9)
    assert visits[t2].days is None
    assert facts[x].reached_mask == bit["prospecting"] | bit["quote"] | bit["qualification"]

    # Two rows in one statement: one tied with t2 (after it, by id), one out of order.
    with db.engine.begin() as conn:
        conn.execute(
            insert(T),
            [
                {"deal_id": x, "to_stage_id": stage["contract"], "at": ts(3, 8)},
                {"deal_id": x, "to_stage_id": stage["won"], "at": ts(2, 20)},
                {"deal_id": y, "to_stage_id": stage["quote"], "at": ts(1, 9)},
                {"deal_id": y, "to_stage_id": stage["lost"], "at": ts(4, 9, 30)},
            ],
        )
        t4, t5 = conn.execute(
            select(T.c.id).where(T.c.deal_id == x, T.c.id > t3).order_by(T.c.id)
        ).scalars()
    facts, visits = assert_facts(db)
    assert [(tid, v.left_at) for tid, v in deal_visits(visits, x)] == [
        (t1, ts(2, 8, 0, 0, 250_000)),
        (t3, ts(2, 20)),
        (t5, ts(3, 8)),
        (t2, ts(3, 8)),  # left for the tied t4, which has the higher id
        (t4, None),  # t4 is the last: open
    ]
    assert visits[t2].days == 0.0
    assert (visits[t4].stage_id, visits[t4].entered_at, visits[t4].days) == (
        stage["contract"],
        ts(3, 8),
        None,
    )
    assert [(v.stage_id, v.left_at, v.days) for _, v in deal_visits(visits, y)] == [
        (stage["quote"], ts(4, 9, 30), pytest.approx(3 + 0.5 / 24, abs=1e-9)),
        (stage["lost"], None, None),
    ]
    assert facts[y].reached_mask == bit["quote"] | bit["lost"]

    # Deleting a transition (no service does; the history is append-only for UPDATE only).
    with db.engine.begin() as conn:
        conn.execute(delete(T).where(T.c.id == t5))
    facts, visits = assert_facts(db)
    assert t5 not in visits and visits[t3].left_at == ts(3, 8)
    assert facts[x].reached_mask == sum(
        bit[k] for k in ("prospecting", "qualification", "quote", "contract")
    )

    # Activities: several in one statement, on deals and on the customer alone.
    def row(kind: str, owner: int, **kw: Any) -> dict[str, Any]:
        values = {"deal_id": None, "customer_id": None, "done_at": None, "due_at": None, **kw}
        return {
            "kind": kind,
            "subject": kind,
            "owner_id": owner,
            "created_at": ts(0),
            "version": 1,
            **values,
        }

    with db.engine.begin() as conn:
        conn.execute(
            insert(A),
            [
                row("call", rep, deal_id=x, customer_id=cust, done_at=ts(1, 10, 0, 0, 750_000)),
                row("email", rep, deal_id=x, due_at=ts(5, 12)),
                row("note", rep, deal_id=x, done_at=ts(4)),
                row("meeting", admin, deal_id=y, done_at=ts(1, 7)),
                row("task", rep, customer_id=cust, due_at=ts(2)),
            ],
        )
        ids = list(conn.execute(select(A.c.id).order_by(A.c.id)).scalars())
    call, email, note, meeting, task = ids
    facts, _ = assert_facts(db)
    assert facts[x] == Facts(
        facts[x].reached_mask,
        ts(1, 10, 0, 0, 750_000),
        facts[x].response_hours,
        ts(4),
        ts(5, 12),
        None,
    )
    assert facts[x].response_hours == pytest.approx(2 + 0.75 / 3600, abs=1e-9)
    assert facts[y].response_hours == 0.0  # the meeting came before the deal

    steps = [
        update(A).where(A.c.id == email).values(done_at=ts(1, 9, 59)),  # completed
        update(A).where(A.c.id == call).values(kind="task"),  # no longer a response
        update(A).where(A.c.id == call).values(deal_id=y),  # to another deal
        update(A).where(A.c.id == email).values(done_at=None),  # reopened
        update(A).where(A.c.id == email).values(due_at=ts(6, 6, 6, 6, 6)),
        update(A).where(A.c.id == task).values(deal_id=x),  # from no deal to a deal
        update(A).where(A.c.id == task).values(due_at=None),
        update(A).where(A.c.id == meeting).values(deal_id=None, customer_id=cust),  # off deal
        update(A).where(A.c.id == note).values(subject="unrelated column"),
        delete(A).where(A.c.id == note),
    ]
    for stmt in steps:
        with db.engine.begin() as conn:
            conn.execute(stmt)
        assert_facts(db)
    facts, _ = assert_facts(db)
    assert facts[x].next_due_at == ts(6, 6, 6, 6, 6)
    assert facts[x].first_response_at is None and facts[x].last_activity_at is None
    assert facts[y].first_response_at is None and facts[y].last_activity_at == ts(
        1, 10, 0, 0, 750_000
    )

    # The deal's own columns: owner, source and creation time follow into the visits;
    # a later creation time changes the response time.
    with db.engine.begin() as conn:
        conn.execute(update(A).where(A.c.id == email).values(done_at=ts(1, 12)))
    facts, _ = assert_facts(db)
    assert facts[x].response_hours == pytest.approx(4.0, abs=1e-9)
    deal_steps = [
        update(D).where(D.c.id == x).values(owner_id=admin),
        update(D).where(D.c.id == x).values(source_id=None),
        update(D).where(D.c.id == x).values(created_at=ts(1, 10, 30)),
        update(D).where(D.c.id == x).values(created_at=ts(1, 13)),  # after the response
        update(D).where(D.c.id == x).values(title="Renamed", version=2),
    ]
    for stmt in deal_steps:
        with db.engine.begin() as conn:
            conn.execute(stmt)
        assert_facts(db)
    facts, visits = assert_facts(db)
    assert facts[x].response_hours == 0.0
    assert {(v.owner_id, v.source_id, v.deal_created_at) for _, v in deal_visits(visits, x)} == {
        (admin, None, ts(1, 13))
    }

    # A raw DELETE of the deal cascades to its history and visits.
    with db.engine.begin() as conn:
        conn.execute(delete(D).where(D.c.id == y))
    facts, visits = assert_facts(db)
    assert y not in facts and deal_visits(visits, y) == []
    assert [tid for tid, _ in deal_visits(visits, x)] == [t1, t3, t2, t4]


def test_sub_second_times_near_a_whole_second_are_exact(db: Database) -> None:
    """Fractions of .9995 s and more (SQLite's date functions round to milliseconds)."""
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    created = ts(1, 8)
    with db.engine.begin() as conn:
        deal = _raw_deal(conn, owner=admin, pipeline=pipe.id, stage=stage["quote"], created=created)
        t1 = _raw_transition(conn, deal, stage["prospecting"], created)
        t2 = _raw_transition(conn, deal, stage["qualification"], ts(1, 9, 0, 0, 999_700))
        t3 = _raw_transition(conn, deal, stage["quote"], ts(1, 10, 0, 1, 999_999))
        _raw_activity(conn, admin, "call", deal=deal, done=ts(1, 8, 30, 0, 999_600))
    facts, visits = assert_facts(db)
    assert visits[t1].days == pytest.approx((3600 + 0.9997) / 86400, abs=1e-9)
    assert visits[t2].days == pytest.approx((3601 + 0.000299) / 86400, abs=1e-9)
    assert (visits[t3].entered_at, visits[t3].left_at, visits[t3].days) == (
        ts(1, 10, 0, 1, 999_999),
        None,
        None,
    )
    assert facts[deal].response_hours == pytest.approx((1800 + 0.9996) / 3600, abs=1e-9)


# --- stages of another pipeline -----------------------------------------------------------


def test_a_stage_of_another_pipeline_sets_no_bit(db: Database) -> None:
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    slot = slots(db.engine, pipe.id)
    other_pipe, other_stage = add_second_pipeline(db)
    assert slots(db.engine, other_pipe) == {other_stage: 0}
    assert slot[stage["prospecting"]] == 0  # the same bit number in the default pipeline

    deal = deals.create_deal(
        db, by=admin, title="Q", stage_id=stage["qualification"], created_at=ts(0)
    ).value.id
    facts, _ = assert_facts(db)
    assert facts[deal].reached_mask == 1 << slot[stage["qualification"]]
    with db.engine.begin() as conn:
        foreign = _raw_transition(conn, deal, other_stage, ts(1))
    facts, visits = assert_facts(db)
    assert facts[deal].reached_mask == 1 << slot[stage["qualification"]]  # bit 0 stays clear
    _move(db, deal, stage["quote"], admin)
    facts, visits = assert_facts(db)
    assert facts[deal].reached_mask == (1 << slot[stage["qualification"]]) | (
        1 << slot[stage["quote"]]
    )
    assert visits[foreign].stage_id == other_stage and visits[foreign].pipeline_id == pipe.id

    # A deal of the second pipeline ignores the default pipeline's stages.
    renewal = deals.create_deal(db, by=admin, title="R", pipeline_id=other_pipe).value.id
    with db.engine.begin() as conn:
        _raw_transition(conn, renewal, stage["quote"], ts(2))
    facts, _ = assert_facts(db)
    assert facts[renewal].reached_mask == 1

    # Moving the first deal into the other pipeline (raw: no service does) recomputes its
    # mask against that pipeline's stages and its visits' pipeline.
    with db.engine.begin() as conn:
        conn.execute(update(D).where(D.c.id == deal).values(pipeline_id=other_pipe))
    facts, visits = assert_facts(db)
    assert facts[deal].reached_mask == 1
    assert {v.pipeline_id for _, v in deal_visits(visits, deal)} == {other_pipe}
    with db.engine.begin() as conn:
        conn.execute(update(D).where(D.c.id == deal).values(pipeline_id=pipe.id))
    facts, _ = assert_facts(db)
    assert facts[deal].reached_mask == (1 << slot[stage["qualification"]]) | (
        1 << slot[stage["quote"]]
    )


# --- the migration's backfill -------------------------------------------------------------


def _sql_ts(value: datetime, *, fraction: bool = True) -> str:
    """A timestamp as the text SQLite holds (naive UTC), as SQLAlchemy writes it or bare."""
    naive = value.astimezone(UTC).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f" if fraction else "%Y-%m-%d %H:%M:%S")


# The local days the upgrade must store for the team's zone: New York is this computer's
# zone in the test (TZ), Berlin an existing setting the upgrade must keep.
UPGRADE_DAYS: dict[str, dict[str, date]] = {
    # ts(21): 00:00 UTC on 22 Feb is still the 21st in New York, already the 22nd in Berlin.
    "note": {"America/New_York": date(2025, 2, 21), "Europe/Berlin": date(2025, 2, 22)},
    # Berlin is on summer time (+2) from 30 March 01:00 UTC: its midnight is 22:00 UTC.
    "berlin_before": {"America/New_York": date(2025, 3, 30), "Europe/Berlin": date(2025, 3, 30)},
    "berlin_midnight": {
        "America/New_York": date(2025, 3, 30),
        "Europe/Berlin": date(2025, 3, 31),
    },
    # New York is on summer time (−4) from 9 March 07:00 UTC: its midnight is 04:00 UTC.
    "ny_before": {"America/New_York": date(2025, 3, 9), "Europe/Berlin": date(2025, 3, 10)},
    "ny_midnight": {"America/New_York": date(2025, 3, 10), "Europe/Berlin": date(2025, 3, 10)},
    # Completed after the upgrade at ts(6, 1): 01:00 UTC on 7 Feb.
    "completed": {"America/New_York": date(2025, 2, 6), "Europe/Berlin": date(2025, 2, 7)},
}


@pytest.mark.parametrize(
    "zone_setting",
    [pytest.param(None, id="local-zone"), pytest.param("Europe/Berlin", id="zone-setting")],
)
def test_upgrade_from_0004_fills_the_facts_from_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zone_setting: str | None
) -> None:
    # This computer's zone, as the upgrade reads it: New York, not UTC, so that the local
    # days differ from the UTC ones.
    monkeypatch.setenv("TZ", "America/New_York")
    assert local_timezone_name() == "America/New_York"
    team = zone_setting or local_timezone_name()
    path = tmp_path / "old.sqlite3"
    opened = open_database(path)
    ensure_initialized(opened.db)
    admin = default_admin_id(opened.db)
    opened.db.dispose()
    engine = create_db_engine(resolve_url(str(path)))
    try:
        downgrade(engine, "0004")
        with engine.connect() as conn:
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0004"
            )
            insp = inspect(conn)
            assert "slot" not in {c["name"] for c in insp.get_columns("stages")}
            assert "stage_visits" not in insp.get_table_names()
            assert "zone_offsets" not in insp.get_table_names()
            assert "cycle_days" not in {c["name"] for c in insp.get_columns("deals")}
            assert "first_won_deal_id" not in {c["name"] for c in insp.get_columns("customers")}
            assert "done_day" not in {c["name"] for c in insp.get_columns("activities")}
            triggers = (
                conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
                .scalars()
                .all()
            )
            assert set(triggers) == {"stage_transitions_append_only"}
            assert conn.execute(select(SE.c.value).where(SE.c.key == TIME_ZONE_KEY)).all() == []

        def one(conn: Connection, sql: str, **params: Any) -> Any:
            return conn.execute(text(sql), params).scalar_one()

        with engine.begin() as conn:
            if zone_setting is not None:
                conn.execute(
                    text("INSERT INTO settings (key, value) VALUES ('time_zone', :z)"),
                    {"z": zone_setting},
                )
            sales = one(conn, "SELECT id FROM pipelines WHERE key = 'sales'")
            stage = dict(
                conn.execute(
                    text("SELECT key, id FROM stages WHERE pipeline_id = :p"), {"p": sales}
                ).all()
            )
            source = one(conn, "SELECT min(id) FROM lead_sources")
            conn.execute(
                text(
                    "INSERT INTO users (name, login, role, active, created_at, failed_logins) "
                    "VALUES ('Old Rep', 'oldrep', 'rep', 1, '2024-01-01 00:00:00.000000', 0)"
                )
            )
            rep = one(conn, "SELECT id FROM users WHERE login = 'oldrep'")

            def customer(company: str) -> int:
                conn.execute(
                    text(
                        "INSERT INTO customers (company, created_at, version) "
                        "VALUES (:co, '2024-01-01 00:00:00.000000', 1)"
                    ),
                    {"co": company},
                )
                return one(conn, "SELECT id FROM customers WHERE company = :co", co=company)

            cust = customer("Old Co")
            cust2 = customer("Legacy Co")  # won once, without a close time
            cust3 = customer("Never Won Co")
            conn.execute(
                text(
                    "INSERT INTO pipelines (key, name, names, position, is_default, active) "
                    "VALUES ('renewals', 'Renewals', '{}', 1, 0, 1)"
                )
            )
            renewals = one(conn, "SELECT id FROM pipelines WHERE key = 'renewals'")
            # Inserted so that the ids do not follow the positions.
            for key, position, kind in (
                ("r_late", 2, "won"),
                ("r_b", 1, "open"),
                ("r_a", 0, "open"),
            ):
                conn.execute(
                    text(
                        "INSERT INTO stages (pipeline_id, key, name, names, position, "
                        "probability, kind, active) VALUES (:p, :k, :k, '{}', :pos, 10, :kind, 1)"
                    ),
                    {"p": renewals, "k": key, "pos": position, "kind": kind},
                )
                stage[key] = one(conn, "SELECT id FROM stages WHERE key = :k", k=key)

            def deal(
                pipeline: int,
                stage_id: int,
                owner: int,
                created: str,
                src: int | None,
                *,
                closed: str | None = None,
                customer_id: int | None = None,
            ) -> int:
                conn.execute(
                    text(
                        "INSERT INTO deals (title, owner_id, pipeline_id, stage_id, amount, "
                        "currency, source_id, customer_id, created_at, stage_entered_at, "
                        "closed_at, version) "
                        "VALUES ('Old deal', :o, :p, :s, 100, 'USD', :src, :c, :at, :at, :cl, 1)"
                    ),
                    {
                        "o": owner,
                        "p": pipeline,
                        "s": stage_id,
                        "src": src,
                        "c": cust if customer_id is None else customer_id,
                        "at": created,
                        "cl": closed,
                    },
                )
                return one(conn, "SELECT max(id) FROM deals")

            def move(deal_id: int, stage_id: int, at: str) -> None:
                conn.execute(
                    text(
                        "INSERT INTO stage_transitions (deal_id, to_stage_id, at, by_user_id) "
                        "VALUES (:d, :s, :at, :u)"
                    ),
                    {"d": deal_id, "s": stage_id, "at": at, "u": admin},
                )

            def act(kind: str, deal_id: int | None, done: str | None, due: str | None) -> int:
                conn.execute(
                    text(
                        "INSERT INTO activities (kind, subject, owner_id, deal_id, customer_id, "
                        "due_at, done_at, created_at, version) "
                        "VALUES (:k, :k, :o, :d, :c, :due, :done, '2025-01-01 00:00:00.000000', 1)"
                    ),
                    {"k": kind, "o": admin, "d": deal_id, "c": cust, "due": due, "done": done},
                )
                return one(conn, "SELECT max(id) FROM activities")

            d1_created = ts(10, 9, 0, 0, 250_000)
            d1_closed = ts(20, 17, 0, 0, 125_000)
            d1 = deal(
                sales, stage["won"], admin, _sql_ts(d1_created), source, closed=_sql_ts(d1_closed)
            )
            move(d1, stage["prospecting"], _sql_ts(d1_created))
            move(d1, stage["quote"], _sql_ts(ts(12, 10, 30)))
            move(d1, stage["qualification"], _sql_ts(ts(11, 8, 0, 0, 750_000)))  # out of order
            move(d1, stage["won"], _sql_ts(d1_closed))
            act("call", d1, _sql_ts(ts(10, 10)), None)
            act("email", d1, None, _sql_ts(ts(25)))
            act("task", d1, None, _sql_ts(ts(22)))
            note = act("note", d1, _sql_ts(ts(21)), None)
            act("meeting", d1, None, None)

            d2 = deal(
                sales,
                stage["lost"],
                rep,
                _sql_ts(ts(15, 12), fraction=False),
                None,
                closed=_sql_ts(ts(18), fraction=False),
            )
            move(d2, stage["prospecting"], _sql_ts(ts(15, 12), fraction=False))
            move(d2, stage["r_a"], _sql_ts(ts(16, 12), fraction=False))  # another pipeline's
            move(d2, stage["lost"], _sql_ts(ts(18)))
            act("email", d2, _sql_ts(ts(14, 9)), None)  # before the deal: 0 hours
            act("task", d2, _sql_ts(ts(30)), None)

            d3 = deal(renewals, stage["r_a"], rep, _sql_ts(ts(2)), source)
            move(d3, stage["r_a"], _sql_ts(ts(2)))
            move(d3, stage["r_b"], _sql_ts(ts(3, 6)))
            move(d3, stage["r_a"], _sql_ts(ts(3, 6)))  # tied: after the previous, by id

            d4 = deal(sales, stage["prospecting"], admin, _sql_ts(ts(5)), None)
            move(d4, stage["prospecting"], _sql_ts(ts(5)))
            act("call", None, _sql_ts(ts(6)), None)  # the customer's alone: no deal
            d4_call = act("call", d4, None, None)

            # Won in the other pipeline, closed before d1: Old Co's first win.
            d5_closed = ts(19, 23, 59, 59, 999_700)
            d5 = deal(
                renewals, stage["r_late"], rep, _sql_ts(ts(1)), None, closed=_sql_ts(d5_closed)
            )
            move(d5, stage["r_a"], _sql_ts(ts(1)))
            move(d5, stage["r_late"], _sql_ts(d5_closed))
            # Won without a close time (an old row): no cycle, but still Legacy Co's win.
            d6 = deal(sales, stage["won"], rep, _sql_ts(ts(3)), None, customer_id=cust2)

            # Done activities around the local midnights of both zones' spring changes.
            local = {
                "note": note,
                "berlin_before": act("call", None, "2025-03-30 21:59:59.999999", None),
                "berlin_midnight": act("call", None, "2025-03-30 22:00:00", None),
                "ny_before": act("email", None, "2025-03-10 03:59:59.999600", None),
                "ny_midnight": act("email", None, "2025-03-10 04:00:00.000000", None),
            }

        upgrade(engine)
        with engine.connect() as conn:
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
                == head_revision()
            )
            # The team zone: the setting there was, else this computer's zone.
            assert team_zone(conn) == team
            assert conn.execute(select(func.count()).select_from(m.ZoneOffset)).scalar_one() > 1
        for pipeline_id in (sales, renewals):
            taken = list(slots(engine, pipeline_id).values())
            assert len(set(taken)) == len(taken) and all(0 <= s <= m.MAX_STAGE_SLOT for s in taken)
        with engine.connect() as conn:
            by_position = dict(
                conn.execute(
                    select(ST.c.position, ST.c.slot).where(ST.c.pipeline_id == sales)
                ).all()
            )
        assert by_position == {p: p for p in range(6)}

        facts, visits = assert_facts(engine)
        slot = {**slots(engine, sales), **slots(engine, renewals)}
        assert facts[d1] == Facts(
            sum(1 << slot[stage[k]] for k in ("prospecting", "quote", "qualification", "won")),
            ts(10, 10),
            facts[d1].response_hours,
            ts(21),
            ts(22),
            pytest.approx(10 + (8 * 3600 - 0.125) / 86400, abs=1e-9),
        )
        assert facts[d1].response_hours == pytest.approx(1 - 0.25 / 3600, abs=1e-9)
        assert [(v.stage_id, v.entered_at, v.left_at) for _, v in deal_visits(visits, d1)] == [
            (stage["prospecting"], d1_created, ts(11, 8, 0, 0, 750_000)),
            (stage["qualification"], ts(11, 8, 0, 0, 750_000), ts(12, 10, 30)),
            (stage["quote"], ts(12, 10, 30), ts(20, 17, 0, 0, 125_000)),
            (stage["won"], ts(20, 17, 0, 0, 125_000), None),  # where d1 is now
        ]
        assert deal_visits(visits, d1)[-1][1].days is None
        assert facts[d2] == Facts(
            (1 << slot[stage["prospecting"]]) | (1 << slot[stage["lost"]]),
            ts(14, 9),
            0.0,
            ts(30),
            None,
            pytest.approx(2.5, abs=1e-9),  # bare texts: 15 12:00 to 18 00:00
        )
        d2_days = [v.days for _, v in deal_visits(visits, d2)]
        assert d2_days[:2] == pytest.approx([1.0, 1.5], abs=1e-9)
        assert d2_days[2:] == [None]  # lost, where d2 is now
        assert facts[d3].reached_mask == (1 << slot[stage["r_a"]]) | (1 << slot[stage["r_b"]])
        assert facts[d3].cycle_days is None
        assert [(v.stage_id, v.left_at) for _, v in deal_visits(visits, d3)] == [
            (stage["r_a"], ts(3, 6)),
            (stage["r_b"], ts(3, 6)),  # left for the tied r_a, which has the higher id
            (stage["r_a"], None),
        ]
        assert facts[d4] == Facts(1 << slot[stage["prospecting"]], None, None, None, None, None)
        # d4's single transition: one visit, open.
        assert [
            (v.stage_id, v.entered_at, v.left_at, v.days) for _, v in deal_visits(visits, d4)
        ] == [(stage["prospecting"], ts(5), None, None)]
        assert facts[d5].cycle_days == pytest.approx(19 - 0.0003 / 86400, abs=1e-9)
        assert facts[d6].cycle_days is None
        assert len(visits) == 4 + 3 + 3 + 1 + 2
        # d6 is won but has no close time (raw data): it makes no one a new customer.
        assert first_wins(engine) == {cust: d5, cust2: None, cust3: None}
        stored_days = done_days(engine)
        assert {name: stored_days[aid] for name, aid in local.items()} == {
            name: day_number(UPGRADE_DAYS[name][team]) for name in local
        }
        assert stored_days[d4_call] is None  # not done

        # The triggers are there after the backfill.
        with engine.begin() as conn:
            _raw_transition(conn, d4, stage["quote"], ts(7))
            conn.execute(update(A).where(A.c.deal_id == d4).values(done_at=ts(6, 1)))
        facts, visits = assert_facts(engine)
        assert [(v.stage_id, v.left_at, v.days) for _, v in deal_visits(visits, d4)] == [
            (stage["prospecting"], ts(7), pytest.approx(2.0, abs=1e-9)),
            (stage["quote"], None, None),
        ]
        assert facts[d4].response_hours == pytest.approx(25.0, abs=1e-9)
        assert done_days(engine)[d4_call] == day_number(UPGRADE_DAYS["completed"][team])
        with engine.begin() as conn:  # d5 now closes after d1: d1 is the first win
            conn.execute(update(D).where(D.c.id == d5).values(closed_at=ts(21)))
        facts, _ = assert_facts(engine)
        assert facts[d5].cycle_days == pytest.approx(20.0, abs=1e-9)
        assert first_wins(engine)[cust] == d1
        with engine.begin() as conn:  # d1 lost: back to d5
            conn.execute(update(D).where(D.c.id == d1).values(stage_id=stage["lost"]))
        assert_facts(engine)
        assert first_wins(engine)[cust] == d5
    finally:
        engine.dispose()


# --- cycle days ---------------------------------------------------------------------------


def test_cycle_days_follow_the_close_time(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(ts(0, 9))
    monkeypatch.setattr(deals_service, "utcnow", clock)
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    reason = lists.list_items(db, "lost_reasons")[0].id
    created = ts(0, 9, 0, 0, 250_000)
    deal = deals.create_deal(db, by=admin, title="Cycle", created_at=created).value.id
    facts, _ = assert_facts(db)
    assert facts[deal].cycle_days is None

    # Won now: three and a half days after creation.
    clock.now = ts(3, 21, 0, 0, 250_000)
    _move(db, deal, stage["won"], admin)
    facts, _ = assert_facts(db)
    assert facts[deal].cycle_days == pytest.approx(3.5, abs=1e-9)
    # Reopened: open deals have no cycle.
    clock.now = ts(4, 8)
    _move(db, deal, stage["contract"], admin)
    facts, _ = assert_facts(db)
    assert facts[deal].cycle_days is None
    # Won again, at an explicit close time earlier than now.
    clock.now = ts(12)
    _move(db, deal, stage["won"], admin, closed_at=ts(10, 9, 0, 0, 999_900))
    facts, _ = assert_facts(db)
    assert facts[deal].cycle_days == pytest.approx(10 + 0.7499 / 86400, abs=1e-9)
    # Won to lost: closed again, now.
    clock.now = ts(15, 21, 0, 0, 250_000)
    _move(db, deal, stage["lost"], admin, lost_reason_id=reason)
    facts, _ = assert_facts(db)
    assert facts[deal].cycle_days == pytest.approx(15.5, abs=1e-9)

    # Raw writes: a closed deal inserted, the creation and close times changed, a close
    # time cleared.
    with db.engine.begin() as conn:
        closed = conn.execute(
            insert(D).values(
                title="Raw closed",
                owner_id=admin,
                pipeline_id=pipe.id,
                stage_id=stage["won"],
                amount=0,
                currency="USD",
                created_at=ts(1),
                stage_entered_at=ts(2),
                closed_at=ts(2, 0, 0, 0, 999_999),
                version=1,
            )
        ).inserted_primary_key[0]
        still_open = _raw_deal(
            conn, owner=admin, pipeline=pipe.id, stage=stage["quote"], created=ts(1)
        )
    facts, _ = assert_facts(db)
    assert facts[closed].cycle_days == pytest.approx(1 + 0.999999 / 86400, abs=1e-9)
    assert facts[still_open].cycle_days is None
    steps = [
        (update(D).where(D.c.id == deal).values(created_at=ts(5, 21, 0, 0, 250_000)), 10.0),
        (update(D).where(D.c.id == deal).values(closed_at=ts(16, 3)), 10.25 - 0.25 / 86400),
        (update(D).where(D.c.id == deal).values(created_at=ts(16, 3)), 0.0),
        (update(D).where(D.c.id == deal).values(closed_at=None), None),
    ]
    for stmt, cycle in steps:
        with db.engine.begin() as conn:
            conn.execute(stmt)
        facts, _ = assert_facts(db)
        if cycle is None:
            assert facts[deal].cycle_days is None
        else:
            assert facts[deal].cycle_days == pytest.approx(cycle, abs=1e-9)
    with db.engine.begin() as conn:  # several deals in one statement
        conn.execute(update(D).where(D.c.id.in_([deal, still_open])).values(closed_at=ts(7, 9)))
    facts, _ = assert_facts(db)
    assert facts[still_open].cycle_days == pytest.approx(6 + 9 / 24, abs=1e-9)
    assert facts[deal].cycle_days == pytest.approx(days(ts(7, 9) - ts(16, 3)), abs=1e-9)
    assert facts[deal].cycle_days < 0  # closed before it was created: as the data say


# --- first won deals ----------------------------------------------------------------------


def test_first_won_deal_of_each_customer(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(ts(0, 9))
    monkeypatch.setattr(deals_service, "utcnow", clock)
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    reason = lists.list_items(db, "lost_reasons")[0].id
    acme = customers.create_customer(db, by=admin, company="Acme").value.id
    globex = customers.create_customer(db, by=admin, company="Globex").value.id
    initech = customers.create_customer(db, by=admin, company="Initech").value.id
    # A second pipeline with a won stage of its own.
    renewals, renewal_talk = add_second_pipeline(db)
    with db.engine.begin() as conn:
        renewed = conn.execute(
            insert(ST).values(
                pipeline_id=renewals,
                key="renewed",
                name="Renewed",
                names={},
                position=1,
                probability=100,
                kind="won",
                active=True,
                slot=1,
            )
        ).inserted_primary_key[0]

    def new_deal(title: str, customer: int, pipeline: int | None = None) -> int:
        return deals.create_deal(
            db, by=admin, title=title, customer_id=customer, pipeline_id=pipeline, created_at=ts(0)
        ).value.id

    def check(want: dict[int, int | None]) -> None:
        assert_facts(db)
        assert first_wins(db) == want

    d1, d2 = new_deal("D1", acme), new_deal("D2", acme)
    g1 = new_deal("G1", globex)
    g2 = new_deal("G2", globex, renewals)
    check({acme: None, globex: None, initech: None})

    clock.now = ts(6)
    _move(db, d2, stage["won"], admin, closed_at=ts(5))
    check({acme: d2, globex: None, initech: None})
    # Won later, but closed earlier: the first win is by close time.
    _move(db, d1, stage["won"], admin, closed_at=ts(3))
    check({acme: d1, globex: None, initech: None})
    # Reopened: no longer won.
    clock.now = ts(4)
    _move(db, d1, stage["quote"], admin)
    check({acme: d2, globex: None, initech: None})
    # Won again at d2's close time: the tie goes to the smaller id.
    assert d1 < d2
    clock.now = ts(6)
    _move(db, d1, stage["won"], admin, closed_at=ts(5))
    check({acme: d1, globex: None, initech: None})
    # Won to lost: no longer won.
    clock.now = ts(7)
    _move(db, d1, stage["lost"], admin, lost_reason_id=reason)
    check({acme: d2, globex: None, initech: None})

    # A deal won in the second pipeline counts; a later win in the first does not change it.
    clock.now = ts(8)
    _move(db, g2, renewed, admin)
    check({acme: d2, globex: g2, initech: None})
    clock.now = ts(9)
    _move(db, g1, stage["won"], admin)
    check({acme: d2, globex: g2, initech: None})
    # d2 changes customer: Acme has no win left, Globex's first is now d2 (closed at 5).
    _update(db, d2, admin, customer_id=globex)
    check({acme: None, globex: d2, initech: None})
    # Deleting the first win: the next one.
    deals.delete_deal(db, d2, by=admin, expected_version=deals.get_deal(db, d2).version)
    check({acme: None, globex: g2, initech: None})

    # Raw writes.
    with db.engine.begin() as conn:  # g1 now closed before g2
        conn.execute(update(D).where(D.c.id == g1).values(closed_at=ts(7, 12)))
    check({acme: None, globex: g1, initech: None})
    with db.engine.begin() as conn:  # g1 to Acme
        conn.execute(update(D).where(D.c.id == g1).values(customer_id=acme))
    check({acme: g1, globex: g2, initech: None})
    with db.engine.begin() as conn:  # g1 to no customer
        conn.execute(update(D).where(D.c.id == g1).values(customer_id=None))
    check({acme: None, globex: g2, initech: None})
    with db.engine.begin() as conn:  # g2 reopened without clearing its close time
        conn.execute(update(D).where(D.c.id == g2).values(stage_id=renewal_talk))
    check({acme: None, globex: None, initech: None})
    with db.engine.begin() as conn:  # two won deals in one statement, tied on close time
        conn.execute(
            insert(D),
            [
                {
                    "title": f"Raw win {n}",
                    "owner_id": admin,
                    "pipeline_id": pipe.id,
                    "stage_id": stage["won"],
                    "amount": 0,
                    "currency": "USD",
                    "customer_id": initech,
                    "created_at": ts(1),
                    "stage_entered_at": ts(2, 0, 0, 0, 500),
                    "closed_at": ts(2, 0, 0, 0, 500),
                    "version": 1,
                }
                for n in (1, 2)
            ],
        )
        w1, w2 = conn.execute(
            select(D.c.id).where(D.c.customer_id == initech).order_by(D.c.id)
        ).scalars()
    check({acme: None, globex: None, initech: w1})
    with db.engine.begin() as conn:  # w2 a microsecond earlier
        conn.execute(update(D).where(D.c.id == w2).values(closed_at=ts(2, 0, 0, 0, 499)))
    check({acme: None, globex: None, initech: w2})
    with db.engine.begin() as conn:
        conn.execute(delete(D).where(D.c.id == w2))
    check({acme: None, globex: None, initech: w1})
    with db.engine.begin() as conn:  # moved to the other pipeline's won stage: still won
        conn.execute(update(D).where(D.c.id == w1).values(pipeline_id=renewals, stage_id=renewed))
    check({acme: None, globex: None, initech: w1})


# --- local days of done activities --------------------------------------------------------

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
ZONE_COLUMN = {BERLIN: 1, NEW_YORK: 2, "UTC": 3}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def on(month: int, day: int) -> date:
    return date(2025, month, day)


# (done_at, its local date in Berlin, in New York, in UTC): both sides of local midnights,
# before and after each zone's daylight-saving changes of 2025, and the instants of those
# changes. Berlin: +1, +2 from 30 March 01:00 UTC, +1 from 26 October 01:00 UTC. New York:
# −5, −4 from 9 March 07:00 UTC, −5 from 2 November 06:00 UTC.
DAY_CASES: list[tuple[datetime, date, date, date]] = [
    # Winter; .9996 s is still the second before (cut to the millisecond, not rounded).
    (utc(2025, 1, 14, 22, 59, 59, 999_999), on(1, 14), on(1, 14), on(1, 14)),
    (utc(2025, 1, 14, 23), on(1, 15), on(1, 14), on(1, 14)),
    (utc(2025, 1, 15, 4, 59, 59, 999_600), on(1, 15), on(1, 14), on(1, 15)),
    (utc(2025, 1, 15, 5), on(1, 15), on(1, 15), on(1, 15)),
    # New York's spring: midnight at 05:00 UTC before, 04:00 UTC after.
    (utc(2025, 3, 9, 4, 59, 59, 999_999), on(3, 9), on(3, 8), on(3, 9)),
    (utc(2025, 3, 9, 5), on(3, 9), on(3, 9), on(3, 9)),
    (utc(2025, 3, 9, 6, 59, 59, 999_999), on(3, 9), on(3, 9), on(3, 9)),
    (utc(2025, 3, 9, 7), on(3, 9), on(3, 9), on(3, 9)),
    (utc(2025, 3, 10, 3, 59, 59, 999_999), on(3, 10), on(3, 9), on(3, 10)),
    (utc(2025, 3, 10, 4), on(3, 10), on(3, 10), on(3, 10)),  # winter time: NY 9th
    # Berlin's spring: midnight at 23:00 UTC before, 22:00 UTC after.
    (utc(2025, 3, 29, 22, 59, 59, 999_999), on(3, 29), on(3, 29), on(3, 29)),
    (utc(2025, 3, 29, 23), on(3, 30), on(3, 29), on(3, 29)),
    (utc(2025, 3, 30, 0, 59, 59, 999_999), on(3, 30), on(3, 29), on(3, 30)),
    (utc(2025, 3, 30, 1), on(3, 30), on(3, 29), on(3, 30)),
    (utc(2025, 3, 30, 21, 59, 59, 999_500), on(3, 30), on(3, 30), on(3, 30)),
    (utc(2025, 3, 30, 22), on(3, 31), on(3, 30), on(3, 30)),  # winter time: Berlin 30th
    # Berlin's autumn: midnight at 22:00 UTC before, 23:00 UTC after.
    (utc(2025, 10, 25, 21, 59, 59, 999_999), on(10, 25), on(10, 25), on(10, 25)),
    (utc(2025, 10, 25, 22), on(10, 26), on(10, 25), on(10, 25)),
    (utc(2025, 10, 26, 0, 59, 59, 999_999), on(10, 26), on(10, 25), on(10, 26)),
    (utc(2025, 10, 26, 1), on(10, 26), on(10, 25), on(10, 26)),
    (utc(2025, 10, 26, 22, 30), on(10, 26), on(10, 26), on(10, 26)),  # summer: Berlin 27th
    (utc(2025, 10, 26, 23), on(10, 27), on(10, 26), on(10, 26)),
    # New York's autumn: midnight at 04:00 UTC before, 05:00 UTC after.
    (utc(2025, 11, 2, 3, 59, 59, 999_999), on(11, 2), on(11, 1), on(11, 2)),
    (utc(2025, 11, 2, 4), on(11, 2), on(11, 2), on(11, 2)),
    (utc(2025, 11, 2, 5, 59, 59, 999_999), on(11, 2), on(11, 2), on(11, 2)),
    (utc(2025, 11, 2, 6), on(11, 2), on(11, 2), on(11, 2)),
    (utc(2025, 11, 3, 4, 30), on(11, 3), on(11, 2), on(11, 3)),  # summer time: NY 3rd
    (utc(2025, 11, 3, 5), on(11, 3), on(11, 3), on(11, 3)),
]


def case_day(case: int, zone: str) -> int:
    return day_number(DAY_CASES[case][ZONE_COLUMN[zone]])


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK])
def test_done_days_are_local_days_in_the_team_zone(db: Database, zone: str) -> None:
    admin = default_admin_id(db)
    set_setting(db, "time_zone", zone, by=admin)
    cust = customers.create_customer(db, by=admin, company="Zoned").value.id
    deal = deals.create_deal(
        db, by=admin, title="Zoned", customer_id=cust, created_at=utc(2025, 1, 1)
    ).value.id
    n = len(DAY_CASES)
    # {activity id: the case whose instant it was done at, or None while open}
    done_case: dict[int, int | None] = {}

    def check(team: str) -> None:
        assert_facts(db)
        stored = done_days(db)
        want = {
            aid: None if case is None else case_day(case, team) for aid, case in done_case.items()
        }
        assert {aid: stored[aid] for aid in done_case} == want

    # Raw Core rows, in one statement, on the deal and on the customer alone.
    with db.engine.begin() as conn:
        conn.execute(
            insert(A),
            [
                {
                    "kind": "call",
                    "subject": f"raw {i}",
                    "owner_id": admin,
                    "deal_id": deal if i % 2 else None,
                    "customer_id": cust,
                    "done_at": at,
                    "created_at": utc(2025, 1, 1),
                    "version": 1,
                }
                for i, (at, *_) in enumerate(DAY_CASES)
            ],
        )
        raw = list(
            conn.execute(select(A.c.id).where(A.c.subject.like("raw %")).order_by(A.c.id)).scalars()
        )
        # Plain SQL with the time as text (bare when it has no fraction).
        for i, (at, *_) in enumerate(DAY_CASES):
            conn.execute(
                text(
                    "INSERT INTO activities (kind, subject, owner_id, customer_id, done_at, "
                    "created_at, version) VALUES ('email', :s, :o, :c, :at, :at, 1)"
                ),
                {
                    "s": f"text {i}",
                    "o": admin,
                    "c": cust,
                    "at": _sql_ts(at, fraction=bool(at.microsecond)),
                },
            )
        texts = list(
            conn.execute(
                select(A.c.id).where(A.c.subject.like("text %")).order_by(A.c.id)
            ).scalars()
        )
    done_case.update({aid: i for i, aid in enumerate(raw)})
    done_case.update({aid: i for i, aid in enumerate(texts)})
    check(zone)

    # Through the services: logged as done, or logged open and completed.
    logged = [
        activities.log_activity(
            db, by=admin, kind="meeting", subject=f"logged {i}", deal_id=deal, done_at=at
        ).value.id
        for i, (at, *_) in enumerate(DAY_CASES)
    ]
    completed = [
        activities.log_activity(
            db, by=admin, kind="task", subject=f"owed {i}", customer_id=cust, due_at=at
        ).value.id
        for i, (at, *_) in enumerate(DAY_CASES)
    ]
    done_case.update({aid: i for i, aid in enumerate(logged)})
    done_case.update(dict.fromkeys(completed))
    check(zone)
    for i, aid in enumerate(completed):
        activities.complete_activity(db, aid, by=admin, done_at=DAY_CASES[i][0])
        done_case[aid] = i
    check(zone)
    # Reopened: no day. Completed again, each at the other side of its midnight.
    for aid in logged:
        activities.reopen_activity(db, aid, by=admin)
        done_case[aid] = None
    check(zone)
    for i, aid in enumerate(logged):
        other = i ^ 1
        activities.complete_activity(db, aid, by=admin, done_at=DAY_CASES[other][0])
        done_case[aid] = other
    check(zone)

    # Raw updates of the done time: moved to another case, reopened.
    with db.engine.begin() as conn:
        for i, aid in enumerate(raw):
            conn.execute(update(A).where(A.c.id == aid).values(done_at=DAY_CASES[n - 1 - i][0]))
            done_case[aid] = n - 1 - i
        conn.execute(update(A).where(A.c.id == raw[0]).values(done_at=None))
        done_case[raw[0]] = None
        conn.execute(update(A).where(A.c.id == texts[0]).values(subject="renamed"))
    check(zone)

    # Hand-written spot checks, so that the table above is not the only judge.
    stored = done_days(db)
    berlin_midnight = texts[15]  # 22:00 UTC on 30 March
    ny_midnight = texts[9]  # 04:00 UTC on 10 March
    assert stored[berlin_midnight] == (
        day_number(date(2025, 3, 31)) if zone == BERLIN else day_number(date(2025, 3, 30))
    )
    assert stored[ny_midnight] == day_number(date(2025, 3, 10))
    assert stored[texts[8]] == (  # a microsecond before New York's midnight
        day_number(date(2025, 3, 10)) if zone == BERLIN else day_number(date(2025, 3, 9))
    )

    # Another team zone: every stored day follows, and new rows use the new zone.
    for team in (NEW_YORK if zone == BERLIN else BERLIN, "UTC", zone):
        set_setting(db, "time_zone", team, by=admin)
        check(team)
        case = len(done_case) % n
        with db.engine.begin() as conn:
            new_raw = _raw_activity(conn, admin, "note", customer=cust, done=DAY_CASES[case][0])
        new_logged = activities.log_activity(
            db, by=admin, kind="call", subject="after", customer_id=cust, done_at=DAY_CASES[case][0]
        ).value.id
        done_case[new_raw] = done_case[new_logged] = case
        check(team)
        with db.engine.connect() as conn:
            assert team_zone(conn) == team


# --- slots of new stages ------------------------------------------------------------------


def test_new_stages_get_free_slots_and_a_full_pipeline_refuses_one_more(db: Database) -> None:
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    stage = {st.key: st.id for st in pipe.stages}
    before = slots(db.engine, pipe.id)
    assert len(set(before.values())) == len(before) == 6

    demo = pipelines.add_stage(db, pipe.id, by=admin, key="demo", name="Demo", position=1).value.id
    pilot = pipelines.add_stage(db, pipe.id, by=admin, key="pilot", name="Pilot").value.id
    after = slots(db.engine, pipe.id)
    assert {sid: after[sid] for sid in before} == before  # the old stages keep their bits
    assert after[demo] not in before.values() and after[pilot] not in before.values()
    assert after[demo] != after[pilot]
    assert all(0 <= s <= m.MAX_STAGE_SLOT for s in after.values())

    deal = deals.create_deal(db, by=admin, title="Demo deal").value.id
    _move(db, deal, demo, admin)
    facts, _ = assert_facts(db)
    assert facts[deal].reached_mask == (1 << after[stage["prospecting"]]) | (1 << after[demo])

    # A removed, never-used stage frees its slot; a new stage takes a free one.
    pipelines.remove_stage(db, pilot, by=admin)
    taken = slots(db.engine, pipe.id)
    assert pilot not in taken
    trial = pipelines.add_stage(db, pipe.id, by=admin, key="trial", name="Trial").value.id
    now = slots(db.engine, pipe.id)
    assert now[trial] not in taken.values() and 0 <= now[trial] <= m.MAX_STAGE_SLOT

    # Fill every other slot with inactive stages (kept for history, they keep their slot).
    free = sorted(set(range(m.MAX_STAGE_SLOT + 1)) - set(now.values()))
    with db.engine.begin() as conn:
        conn.execute(
            insert(ST),
            [
                {
                    "pipeline_id": pipe.id,
                    "key": f"old_{s}",
                    "name": f"Old {s}",
                    "names": {},
                    "position": 100 + s,
                    "probability": 0,
                    "kind": "open",
                    "active": False,
                    "slot": s,
                }
                for s in free
            ],
        )
        top = conn.execute(
            select(ST.c.id).where(ST.c.pipeline_id == pipe.id, ST.c.slot == m.MAX_STAGE_SLOT)
        ).scalar_one()
    assert len(slots(db.engine, pipe.id)) == m.MAX_STAGE_SLOT + 1

    with pytest.raises(ValidationError) as refused:
        pipelines.add_stage(db, pipe.id, by=admin, key="one_more", name="One more")
    error = refused.value.for_field("key")
    assert error is not None and error.code == "too_many"
    assert len(slots(db.engine, pipe.id)) == m.MAX_STAGE_SLOT + 1  # nothing was added

    # The highest slot still fits the 64-bit mask.
    with db.engine.begin() as conn:
        _raw_transition(conn, deal, top, ts(2))
    facts, _ = assert_facts(db)
    assert facts[deal].reached_mask == (
        (1 << after[stage["prospecting"]]) | (1 << after[demo]) | (1 << m.MAX_STAGE_SLOT)
    )

    # Another pipeline is not full: its new stage gets a slot its first stage does not use.
    other_pipe, other_stage = add_second_pipeline(db)
    extra = pipelines.add_stage(db, other_pipe, by=admin, key="upsell", name="Upsell").value.id
    other = slots(db.engine, other_pipe)
    assert other[other_stage] == 0 and other[extra] != 0 and len(other) == 2
