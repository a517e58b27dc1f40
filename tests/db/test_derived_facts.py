"""The derived facts of migration 0005, kept by triggers, against a recomputation in Python.

``stages.slot``, ``deals.reached_mask``, ``first_response_at``, ``response_hours``,
``last_activity_at``, ``next_due_at`` and the ``stage_visits`` rows (one per
transition; the deal's last one still open, with ``left_at`` and ``days`` NULL) are
folded here from the raw rows (``stage_transitions``, ``activities``, ``deals``, ``stages``, read
with SQLAlchemy Core) and compared with what the database holds after each write:
through the services, through raw Core statements, and after the migration's
backfill of an older database. Timestamps must match exactly, durations within
1e-6 (days or hours).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from services._helpers import add_second_pipeline
from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select, text, update

from crmdesk.db import models as m
from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import downgrade, head_revision, open_database, upgrade
from crmdesk.domain import ValidationError
from crmdesk.services import activities, customers, deals, lists, pipelines
from crmdesk.services import activities as activities_service
from crmdesk.services import deals as deals_service
from crmdesk.services.setup import default_admin_id, ensure_initialized

D = m.Deal.__table__
T = m.StageTransition.__table__
A = m.Activity.__table__
ST = m.Stage.__table__
V = m.StageVisit.__table__
CU = m.Customer.__table__

RESPONSE_KINDS = frozenset({"call", "meeting", "email"})
TOLERANCE = 1e-6
BASE = datetime(2025, 2, 1, tzinfo=UTC)


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


def expected_facts(conn: Connection) -> tuple[dict[int, Facts], dict[int, Visit]]:
    """Every deal's facts and every visit, folded in Python from the raw rows."""
    stages = {r.id: r for r in conn.execute(select(ST.c.id, ST.c.pipeline_id, ST.c.slot))}
    deal_rows = list(
        conn.execute(select(D.c.id, D.c.pipeline_id, D.c.owner_id, D.c.source_id, D.c.created_at))
    )
    history: dict[int, list[Any]] = defaultdict(list)
    for t in conn.execute(select(T.c.id, T.c.deal_id, T.c.to_stage_id, T.c.at)):
        history[t.deal_id].append(t)
    acts: dict[int, list[Any]] = defaultdict(list)
    for a in conn.execute(
        select(A.c.deal_id, A.c.kind, A.c.done_at, A.c.due_at).where(A.c.deal_id.is_not(None))
    ):
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
    return facts, visits


def stored_facts(conn: Connection) -> tuple[dict[int, Facts], dict[int, Visit]]:
    """What the triggers (or the backfill) left in the database."""
    facts = {
        r.id: Facts(
            r.reached_mask, r.first_response_at, r.response_hours, r.last_activity_at, r.next_due_at
        )
        for r in conn.execute(
            select(
                D.c.id,
                D.c.reached_mask,
                D.c.first_response_at,
                D.c.response_hours,
                D.c.last_activity_at,
                D.c.next_due_at,
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
    return facts, visits


def _same(name: str, want: Any, got: Any) -> bool:
    if name in ("response_hours", "days"):
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


def assert_facts(target: Database | Engine) -> tuple[dict[int, Facts], dict[int, Visit]]:
    """Every derived fact of every deal, and every visit, equals the recomputation.

    Returns what is stored, for the tests' own concrete checks.
    """
    engine = target.engine if isinstance(target, Database) else target
    with engine.connect() as conn:
        want_facts, want_visits = expected_facts(conn)
        got_facts, got_visits = stored_facts(conn)
    problems: list[str] = []
    assert set(got_facts) == set(want_facts)
    for deal_id, want in sorted(want_facts.items()):
        problems += _diff(f"deal {deal_id}", want, got_facts[deal_id])
    missing = sorted(set(want_visits) - set(got_visits))
    extra = sorted(set(got_visits) - set(want_visits))
    if missing:
        problems.append(f"visits missing for transitions {missing}")
    if extra:
        problems.append(f"visits that should not exist: {[(t, got_visits[t]) for t in extra]}")
    for tid in sorted(set(want_visits) & set(got_visits)):
        problems += _diff(f"visit of transition {tid}", want_visits[tid], got_visits[tid])
    assert not problems, "\n".join(problems)
    return got_facts, got_visits


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
    assert facts[a] == Facts(bit["prospecting"], None, None, None, None)
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
    for now, key, kw in path:
        clock.now = now
        _move(db, a, stage[key], admin, **kw)
        facts, visits = assert_facts(db)
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
    assert facts[a] == Facts(facts[a].reached_mask, None, None, None, ts(10, 9))
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
    conn: Connection,
    *,
    owner: int,
    pipeline: int,
    stage: int,
    created: datetime,
    source: int | None = None,
    customer: int | None = None,
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
            stage_entered_at=created,
            version=1,
        )
    ).inserted_primary_key[0]


def _raw_transition(conn: Connection, deal: int, stage: int, at: datetime) -> int:
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
    assert facts[x] == facts[y] == Facts(0, None, None, None, None) and visits == {}

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
        facts[x].reached_mask, ts(1, 10, 0, 0, 750_000), facts[x].response_hours, ts(4), ts(5, 12)
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


def test_upgrade_from_0004_fills_the_facts_from_the_history(tmp_path: Path) -> None:
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
            triggers = (
                conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
                .scalars()
                .all()
            )
            assert set(triggers) == {"stage_transitions_append_only"}

        def one(conn: Connection, sql: str, **params: Any) -> Any:
            return conn.execute(text(sql), params).scalar_one()

        with engine.begin() as conn:
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
            conn.execute(
                text(
                    "INSERT INTO customers (company, created_at, version) "
                    "VALUES ('Old Co', '2024-01-01 00:00:00.000000', 1)"
                )
            )
            cust = one(conn, "SELECT id FROM customers WHERE company = 'Old Co'")
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
                pipeline: int, stage_id: int, owner: int, created: str, src: int | None
            ) -> int:
                conn.execute(
                    text(
                        "INSERT INTO deals (title, owner_id, pipeline_id, stage_id, amount, "
                        "currency, source_id, customer_id, created_at, stage_entered_at, version) "
                        "VALUES ('Old deal', :o, :p, :s, 100, 'USD', :src, :c, :at, :at, 1)"
                    ),
                    {
                        "o": owner,
                        "p": pipeline,
                        "s": stage_id,
                        "src": src,
                        "c": cust,
                        "at": created,
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

            def act(kind: str, deal_id: int | None, done: str | None, due: str | None) -> None:
                conn.execute(
                    text(
                        "INSERT INTO activities (kind, subject, owner_id, deal_id, customer_id, "
                        "due_at, done_at, created_at, version) "
                        "VALUES (:k, :k, :o, :d, :c, :due, :done, '2025-01-01 00:00:00.000000', 1)"
                    ),
                    {"k": kind, "o": admin, "d": deal_id, "c": cust, "due": due, "done": done},
                )

            d1_created = ts(10, 9, 0, 0, 250_000)
            d1 = deal(sales, stage["won"], admin, _sql_ts(d1_created), source)
            move(d1, stage["prospecting"], _sql_ts(d1_created))
            move(d1, stage["quote"], _sql_ts(ts(12, 10, 30)))
            move(d1, stage["qualification"], _sql_ts(ts(11, 8, 0, 0, 750_000)))  # out of order
            move(d1, stage["won"], _sql_ts(ts(20, 17, 0, 0, 125_000)))
            act("call", d1, _sql_ts(ts(10, 10)), None)
            act("email", d1, None, _sql_ts(ts(25)))
            act("task", d1, None, _sql_ts(ts(22)))
            act("note", d1, _sql_ts(ts(21)), None)
            act("meeting", d1, None, None)

            d2 = deal(sales, stage["lost"], rep, _sql_ts(ts(15, 12), fraction=False), None)
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
            act("call", d4, None, None)

        upgrade(engine)
        with engine.connect() as conn:
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
                == head_revision()
            )
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
        )
        d2_days = [v.days for _, v in deal_visits(visits, d2)]
        assert d2_days[:2] == pytest.approx([1.0, 1.5], abs=1e-9)
        assert d2_days[2:] == [None]  # lost, where d2 is now
        assert facts[d3].reached_mask == (1 << slot[stage["r_a"]]) | (1 << slot[stage["r_b"]])
        assert [(v.stage_id, v.left_at) for _, v in deal_visits(visits, d3)] == [
            (stage["r_a"], ts(3, 6)),
            (stage["r_b"], ts(3, 6)),  # left for the tied r_a, which has the higher id
            (stage["r_a"], None),
        ]
        assert facts[d4] == Facts(1 << slot[stage["prospecting"]], None, None, None, None)
        # d4's single transition: one visit, open.
        assert [
            (v.stage_id, v.entered_at, v.left_at, v.days) for _, v in deal_visits(visits, d4)
        ] == [(stage["prospecting"], ts(5), None, None)]
        assert len(visits) == 4 + 3 + 3 + 1

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
    finally:
        engine.dispose()


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
