"""Hypothesis strategies for random sales data, and its direct insertion with SQLAlchemy Core.

A :class:`Scenario` is plain data: the default pipeline's stages (2–5 open
stages, ids not in position order, positions with gaps), a second pipeline,
2–4 reps, customers with sources, deals with random histories (back-moves,
skips, reopenings after won or lost, losses at any stage, equal timestamps),
activities and targets. :func:`insert_scenario` writes it into a freshly
initialised crmdesk database with explicit ids, keeping every deal row
consistent with its history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st
from sqlalchemy import delete, insert, update

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.db.zone import store_time_zone
from crmdesk.domain.reports import MetricsFilter

NOW = datetime(2026, 3, 20, 9, 41, 17, tzinfo=UTC)
TODAY = NOW.date()
SPAN = timedelta(days=400)
TZS = ("UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin")
TEAM_ZONE = "Europe/Berlin"
KINDS = ("call", "meeting", "email", "task", "note")
METRICS = ("won_amount", "won_count", "new_customers", "activities_done")
SOURCE_IDS = tuple(range(1, 9))  # the 8 default lead sources of a fresh database
REASON_IDS = tuple(range(1, 8))  # the 7 default lost reasons
ADMIN_ID = 1
REP_BASE = 10  # reps get ids 10, 11, ...
DEFAULT_PIPELINE = 1
SECOND_PIPELINE = 50
SECOND_STAGES = ((201, "renew_talk", 30, 5), (202, "renew_offer", 70, None))  # id, key, %, rot
SECOND_WON, SECOND_LOST = 203, 204
OPEN_KEYS = ("prospecting", "qualification", "quote", "contract", "signing")
OPEN_NAMES = ("Prospecting", "Qualification", "Quote", "Contract", "Signing")

WON, LOST = "won", "lost"  # stage references besides open stage indexes


def local_midnight(d: date, tz: str) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


# --------------------------------------------------------------------------- specs


@dataclass
class StageSpec:
    id: int
    key: str
    name: str
    position: int
    probability: int
    rot_days: int | None
    kind: str


@dataclass
class DealSpec:
    id: int
    owner: int  # user id
    customer: int | None  # customer id
    source: int | None
    pipeline: int
    amount: Decimal
    expected_close: date | None
    moves: list[tuple[datetime, Any]]  # (at, open stage index | WON | LOST), first = creation
    transition_ids: list[int]
    lost_reason: int


@dataclass
class ActivitySpec:
    id: int
    kind: str
    owner: int
    deal: int | None
    customer: int | None
    created_at: datetime
    due_at: datetime | None
    done_at: datetime | None


@dataclass
class TargetSpec:
    id: int
    owner: int | None
    metric: str
    start: date
    end: date
    value: Decimal


@dataclass
class Scenario:
    stages: list[StageSpec]  # default pipeline, open stages first (by position)
    qualified: int | None  # index of the qualified open stage (None: not named)
    reps: list[int]
    customers: list[tuple[int, int | None, datetime]]  # id, source id, created_at
    deals: list[DealSpec] = field(default_factory=list)
    activities: list[ActivitySpec] = field(default_factory=list)
    targets: list[TargetSpec] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for s in self.stages if s.kind == "open")


# --------------------------------------------------------------------------- primitives


@st.composite
def instants(draw: Any, lo: datetime = NOW - SPAN, hi: datetime = NOW) -> datetime:
    """An aware UTC instant in [lo, hi), whole seconds, often exactly a local midnight."""
    if draw(st.integers(0, 3)) == 0:
        tz = draw(st.sampled_from(TZS))
        d = draw(st.dates(lo.date() - timedelta(days=1), hi.date() + timedelta(days=1)))
        if draw(st.booleans()):
            d = d.replace(day=1)  # month starts: period, month-bucket and history boundaries
        t = local_midnight(d, tz)
        if lo <= t < hi:
            return t
    secs = draw(st.integers(0, max(0, int((hi - lo).total_seconds()) - 1)))
    return lo + timedelta(seconds=secs)


@st.composite
def step_after(draw: Any, prev: datetime) -> datetime:
    """The next instant of a history: equal, a little later, much later, or a midnight."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return prev
    if choice == 1:
        return prev + timedelta(seconds=draw(st.integers(1, 86_400)))
    if choice == 2:
        tz = draw(st.sampled_from(TZS))
        local = prev.astimezone(ZoneInfo(tz)).date() + timedelta(days=draw(st.integers(1, 40)))
        return local_midnight(local, tz)
    return prev + timedelta(seconds=draw(st.integers(1, 90 * 86_400)))


amounts = st.decimals(min_value=0, max_value=250_000, places=2, allow_nan=False).map(
    lambda d: d.quantize(Decimal("0.01"))
)


# --------------------------------------------------------------------------- scenario


@st.composite
def pipelines(draw: Any) -> tuple[list[StageSpec], int | None]:
    n_open = draw(st.integers(2, 5))
    positions = sorted(
        draw(st.lists(st.integers(0, 40), min_size=n_open + 2, max_size=n_open + 2, unique=True))
    )
    ids = draw(st.permutations(list(range(11, 11 + n_open + 2))))
    stages = []
    for i in range(n_open):
        stages.append(
            StageSpec(
                id=ids[i],
                key=OPEN_KEYS[i],
                name=OPEN_NAMES[i],
                position=positions[i],
                probability=draw(st.integers(0, 100)),
                rot_days=draw(st.none() | st.integers(1, 30)),
                kind="open",
            )
        )
    stages.append(StageSpec(ids[n_open], "won", "Won", positions[n_open], 100, None, "won"))
    stages.append(
        StageSpec(ids[n_open + 1], "lost", "Lost", positions[n_open + 1], 0, None, "lost")
    )
    return stages, draw(st.none() | st.integers(0, n_open - 1))


@st.composite
def histories(draw: Any, n_open: int, max_moves: int = 6) -> list[tuple[datetime, Any]]:
    created = draw(instants())
    first = draw(st.integers(0, n_open - 1) | st.just(0))
    moves: list[tuple[datetime, Any]] = [(created, first)]
    for _ in range(draw(st.integers(0, max_moves))):
        at = draw(step_after(moves[-1][0]))
        if at >= NOW:
            break
        cur = moves[-1][1]
        if cur in (WON, LOST):
            target = draw(st.integers(0, n_open - 1))  # reopened
        else:
            options = [i for i in range(n_open) if i != cur] + [WON, LOST]
            target = draw(st.sampled_from(options))
        moves.append((at, target))
    return moves


def _bulk_deals(seed: int, reps: list[int], n_open: int, count: int) -> list[dict[str, Any]]:
    """Many deals closed in the last year, for the forecast's 20-deal evidence bar."""
    rnd = random.Random(seed)
    owners = rnd.sample(reps, k=rnd.randint(1, min(2, len(reps))))
    out = []
    for _ in range(count):
        created = NOW - timedelta(seconds=rnd.randint(86_400 * 10, 86_400 * 360))
        top = rnd.randint(0, n_open - 1)
        closed = created + timedelta(seconds=rnd.randint(0, 86_400 * 9))
        outcome = rnd.choice([WON, LOST, LOST])
        moves = [(created, 0)]
        if top:
            half = int((closed - created).total_seconds()) // 2
            moves.append((created + timedelta(seconds=half), top))
        moves.append((closed, outcome))
        out.append(
            {
                "owner": rnd.choice(owners),
                "moves": moves,
                "amount": Decimal(rnd.randint(0, 5_000_000)) / 100,
            }
        )
    return out


@st.composite
def scenarios(draw: Any, max_deals: int = 30) -> Scenario:
    stages, qualified = draw(pipelines())
    n_open = sum(1 for s in stages if s.kind == "open")
    reps = [REP_BASE + i for i in range(draw(st.integers(2, 4)))]
    customers = [
        (i + 1, draw(st.sampled_from((None, *SOURCE_IDS))), draw(instants()))
        for i in range(draw(st.integers(0, 6)))
    ]
    sc = Scenario(stages=stages, qualified=qualified, reps=reps, customers=customers)
    cust_ids = [c[0] for c in customers]
    cust_source = {c[0]: c[1] for c in customers}

    raw: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, max_deals))):
        second = draw(st.integers(0, 7)) == 0
        moves = draw(histories(2 if second else n_open))
        raw.append(
            {
                "owner": draw(st.sampled_from(reps)),
                "moves": moves,
                "amount": draw(amounts),
                "second": second,
            }
        )
    if draw(st.integers(0, 2)) == 0:
        seed = draw(st.integers(0, 2**32 - 1))
        raw += _bulk_deals(seed, reps, n_open, draw(st.integers(18, 32)))

    next_tid = 1
    for i, r in enumerate(raw):
        customer = draw(st.none() | st.sampled_from(cust_ids)) if cust_ids else None
        if customer is not None and draw(st.integers(0, 4)) > 0:
            source = cust_source[customer]  # a new deal takes its customer's source
        else:
            source = draw(st.sampled_from((None, *SOURCE_IDS)))
        expected = draw(
            st.none() | st.dates(TODAY - timedelta(days=240), TODAY + timedelta(days=300))
        )
        moves = r["moves"]
        n = len(moves)
        # Transition ids not in time order, but ascending among equal timestamps.
        perm = draw(st.permutations(list(range(n)))) if n > 1 else [0]
        tids = [next_tid + p for p in perm]
        next_tid += n
        j = 0
        while j < n:
            k = j
            while k + 1 < n and moves[k + 1][0] == moves[j][0]:
                k += 1
            tids[j : k + 1] = sorted(tids[j : k + 1])
            j = k + 1
        sc.deals.append(
            DealSpec(
                id=i + 1,
                owner=r["owner"],
                customer=customer,
                source=source,
                pipeline=SECOND_PIPELINE if r.get("second") else DEFAULT_PIPELINE,
                amount=r["amount"],
                expected_close=expected,
                moves=moves,
                transition_ids=tids,
                lost_reason=draw(st.sampled_from(REASON_IDS)),
            )
        )

    deal_ids = [d.id for d in sc.deals]
    by_id = {d.id: d for d in sc.deals}
    for i in range(draw(st.integers(0, 25))):
        deal = draw(st.none() | st.sampled_from(deal_ids)) if deal_ids else None
        customer = draw(st.none() | st.sampled_from(cust_ids)) if cust_ids else None
        if deal is None and customer is None:
            if not deal_ids:
                continue
            deal = deal_ids[0]
        if deal is not None and draw(st.booleans()):
            created = by_id[deal].moves[0][0]
            done_at = draw(st.none() | step_after(created) | instants())
        else:
            created = draw(instants())
            done_at = draw(st.none() | instants())
        if done_at is not None and done_at >= NOW:
            done_at = None
        sc.activities.append(
            ActivitySpec(
                id=i + 1,
                kind=draw(st.sampled_from(KINDS)),
                owner=draw(st.sampled_from(reps))
                if deal is None or draw(st.integers(0, 3)) == 0
                else by_id[deal].owner,
                deal=deal,
                customer=customer,
                created_at=created,
                due_at=draw(st.none() | instants(NOW - SPAN, NOW + timedelta(days=60))),
                done_at=done_at,
            )
        )

    seen = set()
    for i in range(draw(st.integers(0, 6))):
        owner = draw(st.none() | st.sampled_from(reps))
        metric = draw(st.sampled_from(METRICS))
        start = TODAY + timedelta(days=draw(st.integers(-300, 40)))
        end = start + timedelta(days=draw(st.integers(1, 120)))
        if (owner, metric, start, end) in seen:
            continue
        seen.add((owner, metric, start, end))
        value = draw(amounts) if metric == "won_amount" else Decimal(draw(st.integers(0, 12)))
        sc.targets.append(TargetSpec(i + 1, owner, metric, start, end, value))
    return sc


@st.composite
def filters(draw: Any, reps: list[int] | None = None) -> MetricsFilter:
    """A random report filter over a scenario's reps (ids REP_BASE.. by default)."""
    reps = reps or [REP_BASE + i for i in range(4)]
    frm = draw(st.none() | st.dates(TODAY - timedelta(days=420), TODAY + timedelta(days=3)))
    if frm is not None and draw(st.booleans()):
        frm = frm.replace(day=1)
    to = None
    if draw(st.booleans()):
        base = frm or TODAY - timedelta(days=420)
        to = base + timedelta(days=draw(st.integers(1, 430)))
        if draw(st.booleans()) and to.replace(day=1) > base:
            to = to.replace(day=1)
    owners = None
    if draw(st.booleans()):
        owners = tuple(
            sorted(draw(st.sets(st.sampled_from([ADMIN_ID, *reps]), min_size=1, max_size=4)))
        )
    pipeline = draw(st.sampled_from((None, None, None, DEFAULT_PIPELINE, SECOND_PIPELINE)))
    source = draw(st.none() | st.sampled_from(SOURCE_IDS)) if draw(st.booleans()) else None
    return MetricsFilter(
        period_from=frm,
        period_to=to,
        owner_ids=owners,
        pipeline_id=pipeline,
        source_id=source,
        tz=draw(st.sampled_from(TZS)),
        now=NOW,
    )


# --------------------------------------------------------------------------- insertion


def insert_scenario(db: Database, sc: Scenario) -> None:
    """Write a scenario into a freshly initialised database (default pipeline id 1).

    The team's zone is TEAM_ZONE, so a filter in that zone reads the stored activity
    days and a filter in any other zone computes them (both are compared)."""
    with db.transaction() as s:
        store_time_zone(s, TEAM_ZONE)
    stage_ids = [s.id for s in sc.stages if s.kind == "open"]
    won_id = next(s.id for s in sc.stages if s.kind == "won")
    lost_id = next(s.id for s in sc.stages if s.kind == "lost")
    second_open = [s[0] for s in SECOND_STAGES]
    with db.engine.begin() as conn:
        conn.execute(
            update(m.Pipeline.__table__)
            .where(m.Pipeline.__table__.c.id == DEFAULT_PIPELINE)
            .values(qualified_stage_id=None)
        )
        conn.execute(
            delete(m.Stage.__table__).where(m.Stage.__table__.c.pipeline_id == DEFAULT_PIPELINE)
        )
        conn.execute(
            insert(m.Stage.__table__),
            [
                {
                    "id": s.id,
                    "pipeline_id": DEFAULT_PIPELINE,
                    "key": s.key,
                    "name": s.name,
                    "names": {"en": s.name, "zh_CN": s.name},
                    "position": s.position,
                    "probability": s.probability,
                    "rot_days": s.rot_days,
                    "kind": s.kind,
                    "active": True,
                    "slot": slot,
                }
                for slot, s in enumerate(sc.stages)
            ],
        )
        conn.execute(
            update(m.Pipeline.__table__)
            .where(m.Pipeline.__table__.c.id == DEFAULT_PIPELINE)
            .values(qualified_stage_id=None if sc.qualified is None else stage_ids[sc.qualified])
        )
        conn.execute(
            insert(m.Pipeline.__table__),
            [
                {
                    "id": SECOND_PIPELINE,
                    "key": "renewals",
                    "name": "Renewals",
                    "names": {"en": "Renewals"},
                    "position": 1,
                    "is_default": False,
                    "active": True,
                }
            ],
        )
        second = [
            {
                "id": sid,
                "key": key,
                "name": key.replace("_", " ").title(),
                "names": {},
                "position": pos,
                "probability": prob,
                "rot_days": rot,
                "kind": "open",
            }
            for pos, (sid, key, prob, rot) in enumerate(SECOND_STAGES)
        ]
        second += [
            {
                "id": SECOND_WON,
                "key": "won",
                "name": "Won",
                "names": {},
                "position": 5,
                "probability": 100,
                "rot_days": None,
                "kind": "won",
            },
            {
                "id": SECOND_LOST,
                "key": "lost",
                "name": "Lost",
                "names": {},
                "position": 6,
                "probability": 0,
                "rot_days": None,
                "kind": "lost",
            },
        ]
        conn.execute(
            insert(m.Stage.__table__),
            [
                {**s, "pipeline_id": SECOND_PIPELINE, "active": True, "slot": s["position"]}
                for s in second
            ],
        )
        conn.execute(
            update(m.Pipeline.__table__)
            .where(m.Pipeline.__table__.c.id == SECOND_PIPELINE)
            .values(qualified_stage_id=SECOND_STAGES[1][0])
        )
        conn.execute(
            insert(m.User.__table__),
            [
                {
                    "id": uid,
                    "name": f"Rep {chr(65 + uid - REP_BASE)} {uid}",
                    "login": f"rep{uid}",
                    "role": "rep",
                    "active": True,
                    "created_at": NOW - SPAN - timedelta(days=30),
                }
                for uid in sc.reps
            ],
        )
        if sc.customers:
            conn.execute(
                insert(m.Customer.__table__),
                [
                    {
                        "id": cid,
                        "company": f"Customer {cid}",
                        "source_id": src,
                        "created_at": at,
                        "owner_id": sc.reps[0],
                    }
                    for cid, src, at in sc.customers
                ],
            )
        deals, transitions = [], []
        for d in sc.deals:
            if d.pipeline == SECOND_PIPELINE:
                ref = {WON: SECOND_WON, LOST: SECOND_LOST, **dict(enumerate(second_open))}
            else:
                ref = {WON: won_id, LOST: lost_id, **dict(enumerate(stage_ids))}
            prev = None
            for (at, target), tid in zip(d.moves, d.transition_ids, strict=True):
                transitions.append(
                    {
                        "id": tid,
                        "deal_id": d.id,
                        "from_stage_id": prev,
                        "to_stage_id": ref[target],
                        "at": at,
                        "by_user_id": d.owner,
                    }
                )
                prev = ref[target]
            last_at, last = d.moves[-1]
            closed = last in (WON, LOST)
            deals.append(
                {
                    "id": d.id,
                    "title": f"Deal {d.id}",
                    "customer_id": d.customer,
                    "owner_id": d.owner,
                    "pipeline_id": d.pipeline,
                    "stage_id": ref[last],
                    "amount": d.amount,
                    "currency": "USD",
                    "expected_close": d.expected_close,
                    "source_id": d.source,
                    "created_at": d.moves[0][0],
                    "stage_entered_at": last_at,
                    "closed_at": last_at if closed else None,
                    "lost_reason_id": d.lost_reason if last == LOST else None,
                    "lost_at_stage_id": ref[d.moves[-2][1]] if last == LOST else None,
                }
            )
        if deals:
            conn.execute(insert(m.Deal.__table__), deals)
            conn.execute(insert(m.StageTransition.__table__), transitions)
        if sc.activities:
            conn.execute(
                insert(m.Activity.__table__),
                [
                    {
                        "id": a.id,
                        "kind": a.kind,
                        "subject": f"{a.kind} {a.id}",
                        "owner_id": a.owner,
                        "deal_id": a.deal,
                        "customer_id": a.customer,
                        "due_at": a.due_at,
                        "done_at": a.done_at,
                        "created_at": a.created_at,
                    }
                    for a in sc.activities
                ],
            )
        if sc.targets:
            conn.execute(
                insert(m.Target.__table__),
                [
                    {
                        "id": t.id,
                        "owner_id": t.owner,
                        "metric": t.metric,
                        "period_start": t.start,
                        "period_end": t.end,
                        "value": t.value,
                    }
                    for t in sc.targets
                ],
            )
