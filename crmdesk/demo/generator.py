"""A realistic, reproducible demo database: a sales team, customers and years of deals.

:func:`build_demo` simulates every deal through the pipeline, stage by stage,
with per-person skill and speed, so that every metric and report of
``METRICS.md`` has something to show: losses at every stage, back-moves,
skipped stages, reopened deals, rotting and overdue work, targets that some
people beat and others miss.

The generator draws every random number from one ``random.Random(seed)``, in a
fixed order, and places every time relative to ``now``; the same arguments
therefore give the same rows. Rows are built as plain dicts with explicit
primary keys and written with SQLAlchemy Core ``executemany`` in one
transaction, which keeps 100 000 deals well under a minute on SQLite.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import accumulate
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from crmdesk.db import models as m
from crmdesk.db.bulk import NewActivityFacts, NewDealFacts
from crmdesk.db.engine import Database
from crmdesk.demo import names as nm
from crmdesk.domain.errors import CrmError
from crmdesk.services.setup import ensure_initialized

DAY = 86_400
HOUR = 3_600
#: How far back the deal history reaches.
HISTORY_DAYS = 730
#: Rows per INSERT ... executemany, and deals simulated between two writes.
CHUNK = 5_000

#: Median dwell days per open stage (by index among the open stages).
DWELL_MEDIAN_DAYS = (6.0, 8.0, 5.0, 10.0)
#: Spread of the log-normal dwell times.
DWELL_SIGMA = 0.75
#: Chance that a deal leaving an open stage is lost there, for an average rep.
LOSE_BASE = (0.34, 0.30, 0.27, 0.22)
P_BACK = 0.05
P_SKIP = 0.07
P_REOPEN = 0.035
#: Chance that a stage visit is "forgotten" and lasts several times longer.
P_STALL = 0.06
P_NO_RESPONSE = 0.04
P_NO_CUSTOMER = 0.02

#: Relative weights of the default lead sources (by position) and their win factor.
SOURCE_WEIGHTS = (5.0, 4.0, 2.0, 3.0, 2.0, 1.5, 1.5, 1.5)
SOURCE_WIN_FACTORS = (1.0, 1.35, 0.9, 0.7, 1.15, 0.85, 0.8, 0.9)
#: Weights of the default lost reasons (by position) per open stage.
LOST_REASON_WEIGHTS = (
    (1.0, 1.0, 3.0, 2.0, 3.0, 2.0, 6.0),
    (2.0, 2.0, 4.0, 2.0, 2.0, 4.0, 3.0),
    (6.0, 4.0, 2.0, 3.0, 1.0, 2.0, 2.0),
    (5.0, 5.0, 1.0, 4.0, 1.0, 1.0, 1.0),
)
#: Median deal size in USD; CNY deals are 7 times larger in number.
AMOUNT_MEDIAN = 9_000.0
AMOUNT_SIGMA = 0.85
CNY_FACTOR = 7

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class DemoError(CrmError):
    """The demo data cannot be built here (for example, the database already holds deals)."""

    code = "demo"


@dataclass(frozen=True)
class DemoSummary:
    """How many rows :func:`build_demo` wrote, and how long it took."""

    users: int
    customers: int
    contacts: int
    deals: int
    transitions: int
    activities: int
    targets: int
    seconds: float


@dataclass
class _Rep:
    id: int
    joined: int  # epoch seconds
    skill: float  # win-odds multiplier
    speed: float  # dwell-time multiplier
    response_hours: float  # median first-response time
    diligence: float  # activities per stage visit multiplier
    size: float  # deal-size multiplier
    volume: float  # share of new deals


@dataclass
class _Context:
    """What the generator needs to know about the database it writes into."""

    pipeline_id: int
    open_stages: list[int]
    won_id: int
    lost_id: int
    sources: list[int]
    reasons: list[int]
    currency: str
    next_ids: dict[str, int]
    logins: set[str]
    team_targets: set[tuple[str, date, date]]


def build_demo(
    db: Database,
    *,
    deals: int = 1500,
    seed: int = 1,
    locale: str = "en",
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill a database that holds no deals with a sales team and ``deals`` simulated deals.

    The same ``deals``, ``seed``, ``locale`` and ``now`` give the same rows.
    ``now`` defaults to the current UTC time truncated to the hour; every
    generated time lies before it (except future tasks and targets).
    ``progress`` receives short status lines such as ``"deals 20000/100000"``.

    Raises :class:`DemoError` if the database already holds a deal; nothing
    is written then.
    """
    started = time.perf_counter()
    if deals < 1:
        raise DemoError("the number of demo deals must be at least 1", deals=deals)
    if now is None:
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    ensure_initialized(db, locale=locale)
    with db.transaction() as session:
        existing = session.execute(select(func.count()).select_from(m.Deal)).scalar_one()
        if existing:
            raise DemoError(
                f"the database already holds {existing} deals; use a new file for demo data",
                deals=existing,
            )
        ctx = _load_context(session)
        gen = _Generator(session, ctx, seed=seed, locale=locale, now=now, progress=progress)
        counts = gen.run(deals)
        if session.get_bind().dialect.name == "postgresql":
            for table in _TABLES:
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT MAX(id) FROM {table.name}))"
                    )
                )
    # Fresh planner statistics, so the reports pick the covering indexes at once.
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return DemoSummary(**counts, seconds=round(time.perf_counter() - started, 3))


_TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        m.User,
        m.Customer,
        m.Contact,
        m.Deal,
        m.StageTransition,
        m.Activity,
        m.Target,
    )
)


def _load_context(s: Session) -> _Context:
    pipeline = s.execute(
        select(m.Pipeline)
        .order_by(m.Pipeline.is_default.desc(), m.Pipeline.position, m.Pipeline.id)
        .limit(1)
    ).scalar_one_or_none()
    if pipeline is None:
        raise DemoError("the database has no pipeline")
    stages = s.execute(
        select(m.Stage.id, m.Stage.kind)
        .where(m.Stage.pipeline_id == pipeline.id)
        .order_by(m.Stage.position, m.Stage.id)
    ).all()
    open_stages = [sid for sid, kind in stages if kind == "open"]
    won = [sid for sid, kind in stages if kind == "won"]
    lost = [sid for sid, kind in stages if kind == "lost"]
    if not open_stages or not won or not lost:
        raise DemoError("the default pipeline needs open stages, a won and a lost stage")

    def active_ids(model: Any) -> list[int]:
        rows = s.execute(select(model.id, model.active).order_by(model.position, model.id)).all()
        return [r[0] for r in rows if r[1]] or [r[0] for r in rows]

    reasons = active_ids(m.LostReason)
    if not reasons:
        raise DemoError("the database has no lost reasons")
    currency_row = s.get(m.Setting, "currency")
    next_ids = {
        table.name: (s.execute(select(func.max(table.c.id))).scalar_one() or 0) + 1
        for table in _TABLES
    }
    team_targets = {
        (metric, start, end)
        for metric, start, end in s.execute(
            select(m.Target.metric, m.Target.period_start, m.Target.period_end).where(
                m.Target.owner_id.is_(None)
            )
        ).all()
    }
    return _Context(
        pipeline_id=pipeline.id,
        open_stages=open_stages,
        won_id=won[0],
        lost_id=lost[0],
        sources=active_ids(m.LeadSource),
        reasons=reasons,
        currency=currency_row.value if currency_row else "USD",
        next_ids=next_ids,
        logins=set(s.execute(select(m.User.login)).scalars()),
        team_targets=team_targets,
    )


def _day(ts: int) -> date:
    return date.fromordinal(_EPOCH_ORDINAL + ts // DAY)


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _add_quarters(d: date, k: int) -> date:
    months = d.year * 12 + d.month - 1 + 3 * k
    return date(months // 12, months % 12 + 1, 1)


def _money(value: float, unit: int) -> Decimal:
    """``value`` rounded to a multiple of ``unit`` (at least one unit), with 2 places."""
    units = max(1, round(value / unit))
    return Decimal(units * unit).quantize(Decimal("0.01"))


class _Generator:
    def __init__(
        self,
        session: Session,
        ctx: _Context,
        *,
        seed: int,
        locale: str,
        now: datetime,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.s = session
        self.ctx = ctx
        self.rng = random.Random(seed)
        self.zh = locale.startswith("zh")
        self.now = int(now.timestamp())
        self.start = self.now - HISTORY_DAYS * DAY
        self.progress = progress or (lambda _msg: None)
        self.ids = dict(ctx.next_ids)
        self.facts: dict[str, NewDealFacts | NewActivityFacts] = {
            "deals": NewDealFacts(session),
            "activities": NewActivityFacts(session),
        }
        self.counts = dict.fromkeys(
            ("users", "customers", "contacts", "deals", "transitions", "activities", "targets"), 0
        )
        n_open = len(ctx.open_stages)
        self.n_open = n_open
        self.dwell = [DWELL_MEDIAN_DAYS[min(i, 3)] * DAY for i in range(n_open)]
        self.lose_base = [LOSE_BASE[min(i, 3)] for i in range(n_open)]
        self.source_cum = list(
            accumulate(
                SOURCE_WEIGHTS[i] if i < len(SOURCE_WEIGHTS) else 1.0
                for i in range(len(ctx.sources))
            )
        )
        self.source_win = {
            sid: SOURCE_WIN_FACTORS[i] if i < len(SOURCE_WIN_FACTORS) else 1.0
            for i, sid in enumerate(ctx.sources)
        }
        self.reason_cum = [
            list(
                accumulate(
                    LOST_REASON_WEIGHTS[min(st, 3)][j] if j < 7 else 2.0
                    for j in range(len(ctx.reasons))
                )
            )
            for st in range(n_open)
        ]
        self.amount_median = AMOUNT_MEDIAN * (CNY_FACTOR if self.zh else 1)
        self.amount_unit = 100
        self.target_unit = 10_000 if self.zh else 1_000
        # Filled as the deals are simulated, for the targets.
        self.won_amount: dict[tuple[int, date], float] = {}
        self.won_count: dict[date, int] = {}
        # Customers: parallel lists indexed by customer number.
        self.cust_ids: list[int] = []
        self.cust_owner: list[int] = []
        self.cust_source: list[int | None] = []
        self.cust_short: list[str] = []
        self.cust_industry: list[nm.Industry] = []
        self.cust_contacts: list[list[int]] = []

    # --- helpers --------------------------------------------------------------

    def _next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _write(self, table: Table, rows: Sequence[dict[str, Any]], counter: str) -> None:
        for i in range(0, len(rows), CHUNK):
            self.s.execute(insert(table), list(rows[i : i + CHUNK]))
        if (facts := self.facts.get(table.name)) is not None:
            facts.add([row["id"] for row in rows])
        self.counts[counter] += len(rows)

    def _text(self, pair: tuple[str, str]) -> str:
        return pair[1] if self.zh else pair[0]

    # --- the run --------------------------------------------------------------

    def run(self, n_deals: int) -> dict[str, int]:
        self._make_team()
        created = self._deal_times(n_deals)
        plan = self._make_customers(created)
        # SQLite: the deals', transitions' and activities' fact triggers set aside, the
        # facts computed set-based once they are all in (crmdesk.db.bulk).
        for facts in self.facts.values():
            facts.begin()
        self._make_deals(created, plan)
        for facts in self.facts.values():
            facts.finish()
        self._make_targets()
        return self.counts

    # --- the team -------------------------------------------------------------

    def _person_names(self, count: int) -> list[tuple[str, str]]:
        """``count`` distinct (display name, ascii login) pairs."""
        rng = self.rng
        if self.zh:
            surnames = rng.sample(nm.ZH_SURNAMES, count)
            given = rng.sample(nm.ZH_GIVEN_NAMES, count)
            return [(s + g, f"{sp}.{gp}") for (s, sp), (g, gp) in zip(surnames, given, strict=True)]
        first = rng.sample(nm.EN_FIRST_NAMES, count)
        last = rng.sample(nm.EN_LAST_NAMES, count)
        return [
            (f"{f} {la}", f"{f.lower()}.{la.lower()}") for f, la in zip(first, last, strict=True)
        ]

    def _unique_login(self, login: str) -> str:
        candidate, n = login, 1
        while candidate in self.ctx.logins:
            n += 1
            candidate = f"{login}{n}"
        self.ctx.logins.add(candidate)
        return candidate

    def _make_team(self) -> None:
        rng = self.rng
        n_reps = rng.randint(6, 8)
        people = self._person_names(n_reps + 1)
        # Evenly spread skills, shuffled, so the reports always show a spread.
        skills = [0.6 + 0.8 * i / (n_reps - 1) for i in range(n_reps)]
        rng.shuffle(skills)
        rows: list[dict[str, Any]] = []
        self.reps: list[_Rep] = []
        for i, (name, login) in enumerate(people):
            uid = self._next_id("users")
            login = self._unique_login(login)
            if i == 0:
                joined = self.start - rng.randint(400, 1500) * DAY
                role = "manager"
            else:
                late = i == n_reps and n_reps >= 7
                if late:
                    joined = self.now - rng.randint(200, 320) * DAY
                else:
                    joined = self.start - rng.randint(30, 900) * DAY
                role = "rep"
                skill = min(1.4, max(0.6, skills[i - 1] * rng.uniform(0.96, 1.04)))
                self.reps.append(
                    _Rep(
                        id=uid,
                        joined=joined,
                        skill=skill,
                        speed=rng.uniform(0.6, 1.8),
                        response_hours=min(48.0, max(1.5, rng.lognormvariate(math.log(6), 0.7))),
                        diligence=rng.uniform(0.6, 1.4),
                        size=rng.uniform(0.8, 1.25),
                        volume=rng.uniform(0.7, 1.3),
                    )
                )
            rows.append(
                {
                    "id": uid,
                    "name": name,
                    "login": login,
                    "role": role,
                    "active": True,
                    "email": f"{login}@example.com",
                    "password_hash": None,
                    "created_at": _dt(joined - joined % HOUR),
                }
            )
        self._write(_TABLES[0], rows, "users")
        self.rep_join_order = sorted(self.reps, key=lambda r: (r.joined, r.id))
        self.progress(f"users {len(rows)}")

    def _pick_rep(self, ts: int) -> _Rep:
        """A rep who had joined at ``ts``, weighted by their share of new deals."""
        eligible = [r for r in self.rep_join_order if r.joined <= ts] or self.rep_join_order[:1]
        return self.rng.choices(eligible, weights=[r.volume for r in eligible])[0]

    # --- deal creation times --------------------------------------------------

    def _deal_times(self, n: int) -> list[int]:
        """Sorted creation times: business hours, mostly weekdays, more in recent months."""
        rng = self.rng
        span = HISTORY_DAYS * DAY
        business_start = (1 if self.zh else 14) * HOUR  # 09:00 in Shanghai / New York
        times: list[int] = []
        for _ in range(n):
            u = rng.random()
            if rng.random() < 0.4:
                u = max(u, rng.random())
            ts = self.start + int(u * span)
            day0 = ts - ts % DAY
            weekday = (day0 // DAY + 3) % 7  # Monday = 0
            if weekday >= 5 and rng.random() < 0.85:
                day0 += -DAY if weekday == 5 else DAY
            ts = day0 + business_start + rng.randrange(9 * HOUR)
            while ts >= self.now:
                ts -= DAY
            times.append(max(ts, self.start))
        times.sort()
        return times

    # --- customers and contacts -----------------------------------------------

    def _company(self, used: set[str]) -> tuple[str, str, nm.Industry, dict[str, str]]:
        """A new company name, its short name, industry and contact details."""
        rng = self.rng
        for attempt in range(50):
            industry = rng.choice(nm.INDUSTRIES)
            if self.zh:
                city, area, _city_py = rng.choice(nm.ZH_CITIES)
                (h, hp), (t, tp) = rng.choice(nm.ZH_BRAND_HEADS), rng.choice(nm.ZH_BRAND_TAILS)
                if h == t:
                    continue
                word = rng.choice(industry.zh_words)
                name = f"{city}{h}{t}{word}有限公司"
                short = f"{h}{t}{word[:2]}"
                domain = f"{hp}{tp}-{industry.slug}.cn"
                phone = f"{area}-{rng.randint(5000_0000, 8999_9999)}"
                address = (
                    f"{city}市{rng.choice(nm.ZH_DISTRICTS)}{rng.choice(nm.ZH_ROADS)}路"
                    f"{rng.randint(1, 999)}号"
                )
            else:
                brand = rng.choice(nm.EN_BRAND_HEADS) + rng.choice(nm.EN_BRAND_TAILS)
                word = rng.choice(industry.en_words)
                name = f"{brand} {word} {rng.choice(nm.EN_COMPANY_SUFFIXES)}"
                short = brand
                domain = f"{brand.lower()}{word.lower().replace(' ', '')}.com"
                city, state, area = rng.choice(nm.EN_CITIES)
                phone = f"+1 {area}-555-01{rng.randint(0, 99):02d}"
                address = f"{rng.randint(1, 9999)} {rng.choice(nm.EN_STREETS)}, {city}, {state}"
            if attempt >= 40:
                name = f"{name} {attempt}"
            if name in used:
                continue
            used.add(name)
            info = {
                "phone": phone,
                "email": f"info@{domain}",
                "website": f"www.{domain}",
                "address": address,
                "domain": domain,
            }
            return name, short, industry, info
        raise AssertionError("unreachable: the 50th attempt always succeeds")

    def _new_customer(
        self,
        created: int,
        owner: _Rep,
        used: set[str],
        rows: list[dict[str, Any]],
        contact_rows: list[dict[str, Any]],
    ) -> int:
        rng = self.rng
        name, short, industry, info = self._company(used)
        cid = self._next_id("customers")
        source = (
            self.ctx.sources[
                rng.choices(range(len(self.ctx.sources)), cum_weights=self.source_cum)[0]
            ]
            if self.ctx.sources
            else None
        )
        created = max(created, owner.joined)
        created_dt = _dt(created)
        rows.append(
            {
                "id": cid,
                "company": name,
                "industry": industry.zh if self.zh else industry.en,
                "source_id": source,
                "owner_id": owner.id,
                "created_at": created_dt,
                "phone": info["phone"],
                "email": info["email"],
                "website": info["website"],
                "address": info["address"],
                "version": 1,
            }
        )
        contacts: list[int] = []
        n_contacts = rng.choices((1, 2, 3), cum_weights=(45, 80, 100))[0]
        for person in self._contact_people(n_contacts):
            kid = self._next_id("contacts")
            display, first_py, last_py = person
            title = rng.choice(nm.CONTACT_TITLES)
            if self.zh:
                phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
            else:
                phone = f"{info['phone'][:-2]}{rng.randint(0, 99):02d}"
            contact_rows.append(
                {
                    "id": kid,
                    "customer_id": cid,
                    "name": display,
                    "title": self._text(title),
                    "phone": phone,
                    "email": f"{first_py}.{last_py}@{info['domain']}",
                    "created_at": created_dt,
                    "version": 1,
                }
            )
            contacts.append(kid)
        self.cust_ids.append(cid)
        self.cust_owner.append(owner.id)
        self.cust_source.append(source)
        self.cust_short.append(short)
        self.cust_industry.append(industry)
        self.cust_contacts.append(contacts)
        return len(self.cust_ids) - 1

    def _contact_people(self, count: int) -> list[tuple[str, str, str]]:
        rng = self.rng
        out: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        while len(out) < count:
            if self.zh:
                (s, sp), (g, gp) = rng.choice(nm.ZH_SURNAMES), rng.choice(nm.ZH_GIVEN_NAMES)
                person = (s + g, gp, sp)
            else:
                f, la = rng.choice(nm.EN_FIRST_NAMES), rng.choice(nm.EN_LAST_NAMES)
                person = (f"{f} {la}", f.lower(), la.lower())
            if person[0] not in seen:
                seen.add(person[0])
                out.append(person)
        return out

    def _make_customers(self, created: list[int]) -> list[tuple[int | None, _Rep, int | None]]:
        """Create the customers; return per deal (customer index, owner, source id)."""
        rng = self.rng
        n = len(created)
        n_customers = max(30, n // 4)
        is_first = bytearray(n)
        if n_customers >= n:
            is_first = bytearray(b"\x01" * n)
        else:
            for i in rng.sample(range(1, n), n_customers - 1):
                is_first[i] = 1
            is_first[0] = 1
        used: set[str] = set()
        rows: list[dict[str, Any]] = []
        contact_rows: list[dict[str, Any]] = []
        plan: list[tuple[int | None, _Rep, int | None]] = []
        reps_by_id = {r.id: r for r in self.reps}
        sources = self.ctx.sources
        for i, ts in enumerate(created):
            if is_first[i]:
                owner = self._pick_rep(ts)
                cust: int | None = self._new_customer(
                    ts - rng.randint(0, 36 * HOUR), owner, used, rows, contact_rows
                )
            elif rng.random() < P_NO_CUSTOMER:
                cust = None
                owner = self._pick_rep(ts)
            else:
                cust = int(len(self.cust_ids) * rng.random() ** 0.7)
                owner = reps_by_id[self.cust_owner[cust]]
                if rng.random() < 0.15:
                    owner = self._pick_rep(ts)
            if cust is not None and rng.random() < 0.85:
                source = self.cust_source[cust]
            elif sources:
                source = sources[rng.choices(range(len(sources)), cum_weights=self.source_cum)[0]]
            else:
                source = None
            plan.append((cust, owner, source))
        for _ in range(n_customers - min(n_customers, n)):
            ts = self.start + rng.randrange(HISTORY_DAYS * DAY)
            self._new_customer(ts, self._pick_rep(ts), used, rows, contact_rows)
        self._write(_TABLES[1], rows, "customers")
        self._write(_TABLES[2], contact_rows, "contacts")
        self.progress(f"customers {len(rows)}")
        return plan

    # --- deals ----------------------------------------------------------------

    def _simulate(
        self, rep: _Rep, created: int, eff: float, size: float
    ) -> tuple[
        list[tuple[int | None, int, int]], list[tuple[int, int, int | None]], int, int | None
    ]:
        """Walk one deal through the pipeline.

        Stage numbers: 0..K-1 the open stages, K won, K+1 lost. Returns the
        transitions (from, to, at), the visits of open stages (stage, entered,
        left or None while still there), the final stage and, if lost, the
        stage it was lost in.
        """
        rng = self.rng
        k = self.n_open
        now = self.now
        trans: list[tuple[int | None, int, int]] = [(None, 0, created)]
        visits: list[tuple[int, int, int | None]] = []
        stage, t = 0, created
        backs = 0
        reopened = False
        lost_at: int | None = None
        visited = 0
        speed = rep.speed * size
        while True:
            if stage < k:
                dwell = self.dwell[stage] * speed * rng.lognormvariate(0.0, DWELL_SIGMA)
                if rng.random() < P_STALL:
                    dwell *= rng.uniform(4.0, 15.0)
                if visited >> stage & 1:
                    dwell *= 0.6
                visited |= 1 << stage
                t_next = t + int(dwell) + 60
                if t_next >= now:
                    visits.append((stage, t, None))
                    break
                visits.append((stage, t, t_next))
                base = self.lose_base[stage]
                if stage > 0 and backs == 0 and rng.random() < P_BACK:
                    nxt = stage - 1
                    backs = 1
                elif rng.random() < base / (base + (1.0 - base) * eff):
                    nxt = k + 1
                    lost_at = stage
                elif stage + 2 <= k and rng.random() < P_SKIP:
                    nxt = stage + 2
                else:
                    nxt = stage + 1
                trans.append((stage, nxt, t_next))
                stage, t = nxt, t_next
            else:
                if reopened or rng.random() >= P_REOPEN:
                    break
                t_next = t + int(rng.lognormvariate(math.log(30 * DAY), 0.6))
                if t_next >= now:
                    break
                to = k - 1 if stage == k else (lost_at if lost_at is not None else 0)
                trans.append((stage, to, t_next))
                stage, t = to, t_next
                lost_at = None
                reopened = True
                eff *= 0.8
        return trans, visits, stage, lost_at

    def _make_deals(
        self, created: list[int], plan: list[tuple[int | None, _Rep, int | None]]
    ) -> None:
        n = len(created)
        for lo in range(0, n, CHUNK):
            deal_rows: list[dict[str, Any]] = []
            trans_rows: list[dict[str, Any]] = []
            act_rows: list[dict[str, Any]] = []
            for i in range(lo, min(n, lo + CHUNK)):
                self._deal(created[i], *plan[i], deal_rows, trans_rows, act_rows)
            self._write(_TABLES[3], deal_rows, "deals")
            self._write(_TABLES[4], trans_rows, "transitions")
            self._write(_TABLES[5], act_rows, "activities")
            self.progress(f"deals {min(n, lo + CHUNK)}/{n}")

    def _deal(
        self,
        created: int,
        cust: int | None,
        rep: _Rep,
        source: int | None,
        deal_rows: list[dict[str, Any]],
        trans_rows: list[dict[str, Any]],
        act_rows: list[dict[str, Any]],
    ) -> None:
        rng = self.rng
        ctx = self.ctx
        k = self.n_open
        now = self.now
        if cust is not None:
            industry = self.cust_industry[cust]
            short = self.cust_short[cust]
            contacts = self.cust_contacts[cust]
            contact_id: int | None = contacts[0] if rng.random() < 0.6 else rng.choice(contacts)
            customer_id: int | None = self.cust_ids[cust]
        else:
            industry = rng.choice(nm.INDUSTRIES)
            short = (
                rng.choice(nm.ZH_BRAND_HEADS)[0] + rng.choice(nm.ZH_BRAND_TAILS)[0]
                if self.zh
                else rng.choice(nm.EN_BRAND_HEADS) + rng.choice(nm.EN_BRAND_TAILS)
            )
            contact_id = customer_id = None
        size = rng.lognormvariate(0.0, AMOUNT_SIGMA)
        amount = _money(
            self.amount_median * industry.amount_factor * rep.size * size, self.amount_unit
        )
        eff = rep.skill * self.source_win.get(source, 1.0) * rng.lognormvariate(0.0, 0.25)
        trans, visits, final, lost_at = self._simulate(rep, created, eff, size**0.15)

        deal_id = self._next_id("deals")
        stage_ids = [*ctx.open_stages, ctx.won_id, ctx.lost_id]
        owner = rep.id
        for frm, to, at in trans:
            trans_rows.append(
                {
                    "id": self._next_id("stage_transitions"),
                    "deal_id": deal_id,
                    "from_stage_id": None if frm is None else stage_ids[frm],
                    "to_stage_id": stage_ids[to],
                    "at": _dt(at),
                    "by_user_id": owner,
                }
            )
        entered = trans[-1][2]
        entered_dt = trans_rows[-1]["at"]
        closed = final >= k
        if closed:
            closed_dt: datetime | None = entered_dt
            exp_day = entered // DAY + int(rng.gauss(0.0, 10.0))
            expected = date.fromordinal(_EPOCH_ORDINAL + max(created // DAY, exp_day))
        else:
            closed_dt = None
            if rng.random() < 0.3:  # set at creation and never updated since
                expected = _day(created + int(rng.lognormvariate(math.log(30 * DAY), 0.5)))
            else:
                days = rng.lognormvariate(math.log(6 * (k - final) + 6), 0.6)
                expected = _day(entered + int(days * DAY))
        lost_reason = lost_stage = None
        if final == k + 1:
            assert lost_at is not None
            lost_stage = stage_ids[lost_at]
            lost_reason = ctx.reasons[
                rng.choices(range(len(ctx.reasons)), cum_weights=self.reason_cum[lost_at])[0]
            ]
        elif final == k:
            assert closed_dt is not None
            q = date(closed_dt.year, 3 * ((closed_dt.month - 1) // 3) + 1, 1)
            key = (owner, q)
            self.won_amount[key] = self.won_amount.get(key, 0.0) + float(amount)
            self.won_count[q] = self.won_count.get(q, 0) + 1
        pattern = rng.choice(nm.DEAL_PATTERNS)
        title = f"{short} – {pattern[1]}" if self.zh else f"{pattern[0]} – {short}"
        deal_rows.append(
            {
                "id": deal_id,
                "title": title,
                "customer_id": customer_id,
                "contact_id": contact_id,
                "owner_id": owner,
                "pipeline_id": ctx.pipeline_id,
                "stage_id": stage_ids[final],
                "amount": amount,
                "currency": ctx.currency,
                "expected_close": expected,
                "source_id": source,
                "created_at": trans_rows[-len(trans)]["at"],
                "stage_entered_at": entered_dt,
                "closed_at": closed_dt,
                "lost_reason_id": lost_reason,
                "lost_at_stage_id": lost_stage,
                "version": len(trans),
                "updated_at": entered_dt,
                "updated_by_id": owner,
            }
        )

        # --- activities ---
        end = entered if closed else now
        zh = self.zh

        def add(
            kind: str, subject: str, at_done: int | None, at_created: int, due: int | None = None
        ) -> None:
            act_rows.append(
                {
                    "id": self._next_id("activities"),
                    "kind": kind,
                    "subject": subject,
                    "owner_id": owner,
                    "deal_id": deal_id,
                    "customer_id": customer_id,
                    "due_at": None if due is None else _dt(due),
                    "done_at": None if at_done is None else _dt(at_done),
                    "created_at": _dt(at_created),
                    "version": 1,
                }
            )

        response: int | None = None
        if rng.random() >= P_NO_RESPONSE:
            response = created + 300 + int(rep.response_hours * HOUR * rng.lognormvariate(0.0, 0.9))
            if response <= end:
                kind, en, zh_text = rng.choice(nm.RESPONSE_SUBJECTS)
                add(kind, zh_text if zh else en, response, response)
            else:
                response = None
        for stage, t_in, t_out in visits:
            subjects = nm.STAGE_SUBJECTS[min(stage, 3)]
            if t_out is None:
                # The current visit: activity fades out on a neglected deal.
                t_out = min(now, t_in + int(rng.lognormvariate(math.log(6 * DAY), 0.8)))
            if response is not None:
                a = max(t_in, response)
                if t_out - a > HOUR:
                    for _ in range(min(4, int(rng.random() * 3.0 * rep.diligence))):
                        done = rng.randint(a, t_out)
                        kind, en, zh_text = rng.choice(subjects)
                        if kind == "meeting":
                            made = max(created, done - rng.randint(1, 5) * DAY)
                            add(kind, zh_text if zh else en, done, made, done)
                        else:
                            add(kind, zh_text if zh else en, done, done)
            if t_out - t_in > 2 * HOUR and rng.random() < 0.2:
                made = t_in + int((t_out - t_in) * 0.3 * rng.random())
                due = made + int((t_out - made) * rng.random())
                subject = rng.choice(nm.TASK_SUBJECTS[min(stage, 3)])
                add(
                    "task",
                    self._text(subject),
                    max(made, due - rng.randint(0, 6 * HOUR)),
                    made,
                    due,
                )
        if rng.random() < 0.2:
            at = rng.randint(created, max(created, end))
            add("note", self._text(rng.choice(nm.NOTE_SUBJECTS)), at, at)
        if not closed:
            subject = self._text(rng.choice(nm.TASK_SUBJECTS[min(final, 3)]))
            r = rng.random()
            if r < 0.2:  # overdue
                due = now - rng.randint(2 * HOUR, 20 * DAY)
                if due <= entered:
                    due = entered + (now - entered) // 2
                made = max(created, due - rng.randint(HOUR, 5 * DAY))
                add("task", subject, None, made, due)
            elif r < 0.85:  # the next step, planned
                due = now + rng.randint(2 * HOUR, 14 * DAY)
                made = rng.randint(entered, now)
                add("task", subject, None, made, due)

    # --- targets --------------------------------------------------------------

    def _make_targets(self) -> None:
        rng = self.rng
        current = _quarter_start(_day(self.now))
        quarters = [_add_quarters(current, k) for k in range(-8, 2)]
        basis = quarters[2:8]  # six complete quarters, well into the history

        def ts(d: date) -> int:
            return (d.toordinal() - _EPOCH_ORDINAL) * DAY

        def employed(rep: _Rep, q: date) -> float:
            q0, q1 = ts(q), ts(_add_quarters(q, 1))
            return min(1.0, max(0.0, (q1 - max(q0, rep.joined)) / (q1 - q0)))

        typical: dict[int, float] = {}
        for rep in self.reps:
            share = sum(employed(rep, q) for q in basis)
            if share > 0.5:
                won = sum(self.won_amount.get((rep.id, q), 0.0) for q in basis)
                typical[rep.id] = won / share
        team = sum(typical.values()) / len(typical) if typical else 0.0
        rows: list[dict[str, Any]] = []
        for rep in self.reps:
            mine = typical.get(rep.id, team)
            for q in quarters:
                share = employed(rep, q)
                if share <= 0.0:
                    continue
                value = (0.5 * mine + 0.5 * team) * rng.uniform(0.9, 1.2) * share
                rows.append(
                    {
                        "id": self._next_id("targets"),
                        "owner_id": rep.id,
                        "metric": "won_amount",
                        "period_start": q,
                        "period_end": _add_quarters(q, 1),
                        "value": _money(value, self.target_unit),
                    }
                )
        team_count = sum(self.won_count.get(q, 0) for q in basis) / len(basis)
        for q in quarters:
            end = _add_quarters(q, 1)
            if ("won_count", q, end) in self.ctx.team_targets:
                continue
            rows.append(
                {
                    "id": self._next_id("targets"),
                    "owner_id": None,
                    "metric": "won_count",
                    "period_start": q,
                    "period_end": end,
                    "value": _money(team_count * rng.uniform(1.0, 1.15), 1),
                }
            )
        self._write(_TABLES[6], rows, "targets")
        self.progress(f"targets {len(rows)}")
