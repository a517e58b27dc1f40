"""Benchmark and check: processes that move and edit the same deals at once. Prints JSON.

    python benchmarks/bench_concurrency.py [--backend sqlite|postgres|both] [--ops 500]
        [--workers 2] [--deals 6] [--seed 1] [--stale 0.1] [--think-ms 0]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

``--backend`` defaults to SQLite, plus PostgreSQL when ``--pg-url`` or
``$CRMDESK_TEST_DATABASE_URL`` names a server. The SQLite database is a file in a
temporary folder; on PostgreSQL the run makes a schema of its own and drops it afterwards.

Every worker is an OS process of its own (this file run as ``... worker``, its settings
read from stdin), signed in as a manager of its own, on the one database. The workers
wait for each other and start together. Each of their ``--ops`` operations reads one of
the ``--deals`` shared deals (``get_deal``) to learn its version, then either moves it
(to another open stage, to won, sometimes with an amount, to lost with a reason, or from
won or lost back to an open stage) or edits some of its title, amount and expected close,
passing that version as ``expected_version``. A ``--stale`` share of the operations pass
the version the worker read the time before instead, as a screen left open would. Every
title, amount and close date written is unique, so each one can be traced. Each worker
journals every attempt (JSON lines): the deal, the version it expected, the values it
wrote and the outcome: accepted with the new version, a ``Conflict`` with what it said,
or another error with its text.

Afterwards the journals are checked against the database, read with SQL (not the
services). Each count is 0 in a correct run:

- ``lost_updates``: two accepted writes given the same version, an accepted version that
  the deal never reached, or a field whose last accepted value is not in the row;
- ``skipped_versions``: a version between 1 and the deal's version that no accepted
  write made, or an accepted write whose version is not the one it expected plus one;
- ``history_mismatches``: a deal whose stage, stage entry and close time are not those of
  its last transition (ordered by time, then id), or whose transitions are not its
  creation plus every accepted move, in version order, from the stage it was in;
- ``bad_conflicts``: a conflict that did not name a newer version, the user whose accepted
  write made that version, and when;
- ``rejected_writes_present``: a title, amount or close date of a rejected write that
  was found in a deal or in the audit log;
- ``audit_mismatches``: per deal and audited field (owner, amount, expected close,
  stage), the audit rows are not exactly one per accepted change, with its old and new
  value and its user, in order;
- ``change_log_mismatches``: a worker's change-log rows are not one per accepted write,
  naming the deal and the worker's user, in order;
- ``derived_mismatches``: a deal's ``stage_visits`` or ``reached_mask`` (kept by
  triggers) do not follow its transitions.

``other_errors`` (any refusal but a ``Conflict``, or a failed read) and ``unchanged`` (an
accepted write that did not change the deal) must be 0 too. ``conflicts_on_fresh_read``
counts the conflicts of operations that passed the version they had just read: the other
process wrote in between; ``handoffs`` counts consecutive versions of a deal written by
different workers. The exit status is 1 when a check fails.
tests/test_concurrency.py runs the same workers and checks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

from _common import calibrate, fresh_database
from sqlalchemy import select, text

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.db.migrate import open_database
from crmdesk.domain import Conflict, Role, StageKind
from crmdesk.services import deals, lists, pipelines, users
from crmdesk.services.setup import default_admin_id

ENV_PG_URL = "CRMDESK_TEST_DATABASE_URL"
#: Close dates written by the workers count days from here (unique per worker and step).
CLOSE_BASE = date(2030, 1, 1)
#: The audited deal fields and their columns, as ``services.deals`` writes them.
AUDITED = (
    ("owner", "owner_id"),
    ("amount", "amount"),
    ("expected_close", "expected_close"),
    ("stage", "stage_id"),
)
CHECKS = (
    "lost_updates",
    "skipped_versions",
    "history_mismatches",
    "bad_conflicts",
    "rejected_writes_present",
    "audit_mismatches",
    "change_log_mismatches",
    "derived_mismatches",
)
MAX_PROBLEMS_SHOWN = 50


# --- the shared database and its deals --------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where the workers connect: an SQLite file or a PostgreSQL URL and schema."""

    url: str
    pg_schema: str | None = None

    @classmethod
    def of(cls, db: Database) -> Target:
        """The database ``db`` is connected to, as another process would open it."""
        if db.path is not None:
            return cls(str(db.path))
        with db.engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        return cls(db.url.render_as_string(hide_password=False), str(schema))


@dataclass(frozen=True)
class DealStart:
    """A shared deal as it was created."""

    id: int
    title: str
    amount: str
    expected_close: str | None
    stage_id: int


@dataclass(frozen=True)
class Setup:
    target: Target
    admin_id: int
    #: One manager per worker: (user id, name).
    users: tuple[tuple[int, str], ...]
    deals: tuple[DealStart, ...]


def prepare(db: Database, *, workers: int, deals_count: int, seed: int = 1) -> Setup:
    """One manager per worker and ``deals_count`` open deals in the default pipeline's
    first stages, owned in turn by the admin and the managers."""
    rng = random.Random(seed)
    admin = default_admin_id(db)
    tag = uuid.uuid4().hex[:6]
    managers = []
    for w in range(workers):
        info = users.create_user(
            db, by=admin, name=f"Worker {w + 1}", login=f"worker{w + 1}.{tag}", role=Role.MANAGER
        ).value
        managers.append((info.id, info.name))
    owners = [admin] + [uid for uid, _ in managers]
    open_stages = [st.id for st in pipelines.get_pipeline(db).open_stages]
    created = []
    for i in range(deals_count):
        info = deals.create_deal(
            db,
            by=admin,
            title=f"Shared deal {i + 1}",
            amount=Decimal(rng.randrange(1_000, 90_000)),
            owner_id=owners[i % len(owners)],
            stage_id=open_stages[i % 2],
            expected_close=CLOSE_BASE - timedelta(days=30 + i),
        ).value
        created.append(
            DealStart(
                id=info.id,
                title=info.title,
                amount=_money(info.amount),
                expected_close=info.expected_close.isoformat() if info.expected_close else None,
                stage_id=info.stage_id,
            )
        )
    return Setup(Target.of(db), admin, tuple(managers), tuple(created))


# --- the workers -----------------------------------------------------------------


@dataclass
class Journal:
    """What one worker did: its header, every attempt in order, and how it ended."""

    worker: int
    user_id: int
    origin: str
    pid: int
    started: float
    ended: float | None
    elapsed_s: float | None
    entries: list[dict[str, Any]]
    returncode: int
    stderr: str


@dataclass
class Run:
    journals: list[Journal]
    wall_s: float


def run_workers(
    setup: Setup,
    directory: Path,
    *,
    ops: int,
    seed: int = 1,
    stale: float = 0.1,
    think_ms: float = 0.0,
    timeout_s: float = 600.0,
) -> Run:
    """Start one process per manager of ``setup``, let them go together, wait for them
    and read their journals."""
    directory.mkdir(parents=True, exist_ok=True)
    script = str(Path(__file__).resolve())
    procs: list[subprocess.Popen[str]] = []
    with ExitStack() as stack:
        for w, (user_id, _name) in enumerate(setup.users):
            err = stack.enter_context(open(directory / f"worker{w}.err", "w", encoding="utf-8"))
            proc = subprocess.Popen(
                [sys.executable, script, "worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
            procs.append(proc)
            config = {
                "worker": w,
                "url": setup.target.url,
                "pg_schema": setup.target.pg_schema,
                "user_id": user_id,
                "deals": [d.id for d in setup.deals],
                "ops": ops,
                "seed": seed * 1000 + w,
                "stale": stale,
                "think_ms": think_ms,
                "journal": str(directory / f"worker{w}.jsonl"),
            }
            assert proc.stdin is not None
            # The settings go through stdin: a PostgreSQL password stays out of `ps`.
            proc.stdin.write(json.dumps(config) + "\n")
            proc.stdin.flush()
        try:
            for w, proc in enumerate(procs):
                assert proc.stdout is not None
                line = proc.stdout.readline().strip()
                if line != "ready":
                    raise RuntimeError(
                        f"worker {w} did not start ({line!r}): "
                        + (directory / f"worker{w}.err").read_text(encoding="utf-8")
                    )
            started = time.perf_counter()
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write("go\n")
                proc.stdin.close()
            deadline = time.monotonic() + timeout_s
            for proc in procs:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            wall = time.perf_counter() - started
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                if proc.stdout is not None:
                    proc.stdout.close()
    journals = [
        _read_journal(
            directory / f"worker{w}.jsonl",
            w,
            proc.returncode,
            (directory / f"worker{w}.err").read_text(encoding="utf-8"),
        )
        for w, proc in enumerate(procs)
    ]
    return Run(journals, wall)


def _read_journal(path: Path, worker: int, returncode: int, stderr: str) -> Journal:
    head: dict[str, Any] = {}
    end: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            kind = item.pop("kind")
            if kind == "start":
                head = item
            elif kind == "end":
                end = item
            else:
                entries.append(item)
    return Journal(
        worker=worker,
        user_id=head.get("user_id", -1),
        origin=head.get("origin", ""),
        pid=head.get("pid", -1),
        started=head.get("t", 0.0),
        ended=end.get("t"),
        elapsed_s=end.get("elapsed_s"),
        entries=entries,
        returncode=returncode,
        stderr=stderr,
    )


def _money(value: Decimal) -> str:
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]


class _Worker:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self.w: int = config["worker"]
        self.user_id: int = config["user_id"]
        self.deal_ids: list[int] = list(config["deals"])
        self.stale: float = config["stale"]
        self.think_ms: float = config["think_ms"]
        self.span = int(config["ops"])
        self.rng = random.Random(config["seed"])
        self.db = open_database(
            config["url"], create=False, upgrade_schema=False, pg_schema=config["pg_schema"]
        ).db
        pipe = pipelines.get_pipeline(self.db)
        self.open_ids = [st.id for st in pipe.open_stages]
        self.won_id = pipe.won_stage.id
        self.lost_id = pipe.lost_stage.id
        self.reasons = [r.id for r in lists.list_items(self.db, "lost_reasons")]
        #: The version this worker read last, per deal (what a stale screen shows).
        self.seen: dict[int, int] = {}

    def unique_amount(self, seq: int) -> Decimal:
        cents = self.rng.randrange(100)
        return Decimal(f"{(self.w + 1) * 10_000_000 + seq}.{cents:02d}")

    def operation(self, seq: int) -> dict[str, Any]:
        rng = self.rng
        deal_id = rng.choice(self.deal_ids)
        entry: dict[str, Any] = {"kind": "op", "w": self.w, "seq": seq, "deal": deal_id}
        entry["t"] = time.time()
        try:
            info = deals.get_deal(self.db, deal_id)
        except Exception as exc:
            entry.update(op="read", outcome="error", error=_describe(exc))
            return entry
        expected = info.version
        old = self.seen.get(deal_id)
        if old is not None and old != info.version and rng.random() < self.stale:
            expected = old
        self.seen[deal_id] = info.version
        entry["expected"] = expected
        entry["stale"] = expected != info.version
        values: dict[str, Any] = {}
        kwargs: dict[str, Any] = {}
        changes: dict[str, Any] = {}
        if rng.random() < 0.55:
            entry["op"] = "move"
            roll = rng.random()
            if roll < 0.15 and info.stage_id != self.won_id:
                target = self.won_id
            elif roll < 0.30 and info.stage_id != self.lost_id:
                target = self.lost_id
            else:
                target = rng.choice([s for s in self.open_ids if s != info.stage_id])
            values["stage"] = target
            kind = "won" if target == self.won_id else "lost" if target == self.lost_id else "open"
            entry["move"] = f"{info.stage_kind.value}_to_{kind}"
            if target == self.lost_id:
                kwargs["lost_reason_id"] = values["lost_reason"] = rng.choice(self.reasons)
            if target == self.won_id and rng.random() < 0.5:
                kwargs["amount"] = self.unique_amount(seq)
                values["amount"] = _money(kwargs["amount"])
        else:
            entry["op"] = "update"
            picks = [name for name in ("title", "amount", "expected_close") if rng.random() < 0.6]
            for name in picks or [rng.choice(("title", "amount", "expected_close"))]:
                if name == "title":
                    changes["title"] = values["title"] = f"Worker {self.w + 1} step {seq}"
                elif name == "amount":
                    changes["amount"] = self.unique_amount(seq)
                    values["amount"] = _money(changes["amount"])
                else:
                    day = CLOSE_BASE + timedelta(days=self.w * self.span + seq)
                    changes["expected_close"] = day
                    values["expected_close"] = day.isoformat()
        entry["values"] = values
        if self.think_ms > 0:
            time.sleep(rng.uniform(0, self.think_ms) / 1000)
        t0 = time.perf_counter()
        try:
            if entry["op"] == "move":
                done = deals.move_deal(
                    self.db, deal_id, target, by=self.user_id, expected_version=expected, **kwargs
                )
            else:
                done = deals.update_deal(
                    self.db, deal_id, by=self.user_id, expected_version=expected, changes=changes
                )
        except Conflict as exc:
            entry["outcome"] = "conflict"
            entry["conflict"] = {
                "current": exc.current_version,
                "expected": exc.expected_version,
                "by": exc.changed_by,
                "at": exc.changed_at.isoformat() if exc.changed_at else None,
                "message": str(exc),
            }
        except Exception as exc:
            entry["outcome"] = "error"
            entry["error"] = _describe(exc)
        else:
            wrote = bool(done.changes.kinds) and done.value.version != expected
            entry["outcome"] = "accepted" if wrote else "unchanged"
            entry["version"] = done.value.version
            entry["stage"] = done.value.stage_id
            self.seen[deal_id] = done.value.version
        entry["ms"] = round((time.perf_counter() - t0) * 1000, 3)
        return entry


def worker_main() -> int:
    """One worker process: settings on stdin, "ready" on stdout, wait for "go"."""
    config = json.loads(sys.stdin.readline())
    worker = _Worker(config)
    with open(config["journal"], "w", encoding="utf-8") as journal:

        def write(item: Mapping[str, Any]) -> None:
            journal.write(json.dumps(item) + "\n")
            journal.flush()

        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return 2
        write(
            {
                "kind": "start",
                "worker": worker.w,
                "user_id": worker.user_id,
                "origin": worker.db.origin,
                "pid": os.getpid(),
                "t": time.time(),
            }
        )
        started = time.perf_counter()
        for seq in range(worker.span):
            write(worker.operation(seq))
        write({"kind": "end", "t": time.time(), "elapsed_s": time.perf_counter() - started})
    worker.db.dispose()
    return 0


# --- the checks ------------------------------------------------------------------


@dataclass
class Report:
    attempted: int = 0
    accepted: int = 0
    conflicts: int = 0
    conflicts_on_fresh_read: int = 0
    #: Consecutive versions of a deal made by different workers: the processes interleaved.
    handoffs: int = 0
    other_errors: int = 0
    unchanged: int = 0
    accepted_by_kind: dict[str, int] = field(default_factory=dict)
    lost_updates: int = 0
    skipped_versions: int = 0
    history_mismatches: int = 0
    bad_conflicts: int = 0
    rejected_writes_present: int = 0
    audit_mismatches: int = 0
    change_log_mismatches: int = 0
    derived_mismatches: int = 0
    #: Worker processes that did not exit with 0 or did not finish their journal.
    failed_workers: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, counter: str, count: int, message: str) -> None:
        if count <= 0:
            return
        setattr(self, counter, getattr(self, counter) + count)
        self.problems.append(f"{counter}: {message}")

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and self.other_errors == 0
            and self.unchanged == 0
            and self.failed_workers == 0
            and all(getattr(self, name) == 0 for name in CHECKS)
        )

    def counts(self) -> dict[str, int]:
        data = asdict(self)
        return {k: v for k, v in data.items() if isinstance(v, int)}


@dataclass
class _State:
    """A deal as its accepted writes, applied in version order, leave it."""

    title: str
    amount: Decimal
    expected_close: date | None
    stage_id: int
    owner_id: int
    version: int = 1
    updated_by_id: int | None = None
    lost_reason_id: int | None = None
    lost_at_stage_id: int | None = None
    last_open_stage_id: int | None = None

    def audited(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for name, attr in AUDITED:
            value = getattr(self, attr)
            if value is None:
                out[name] = None
            elif isinstance(value, Decimal):
                out[name] = _money(value)
            elif isinstance(value, date):
                out[name] = value.isoformat()
            else:
                out[name] = str(value)
        return out


def _ordered_accepted(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda e: (e["version"], e["w"], e["seq"]))


def check(db: Database, setup: Setup, run: Run) -> Report:
    """Compare the journals with what the database holds; see the module docstring."""
    report = Report()
    entries = [e for j in run.journals for e in j.entries]
    _count_outcomes(report, run)

    deal_ids = [d.id for d in setup.deals]
    t_deals = m.Deal.__table__
    t_trans = m.StageTransition.__table__
    t_stages = m.Stage.__table__
    t_visits = m.StageVisit.__table__
    t_audit = m.AuditEntry.__table__
    t_log = m.ChangeLogEntry.__table__
    with db.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(t_deals).where(t_deals.c.id.in_(deal_ids)))}
        stages = {r.id: r for r in conn.execute(select(t_stages))}
        names = {r.id: r.name for r in conn.execute(select(m.User.__table__))}
        history: dict[int, list[Any]] = defaultdict(list)
        for r in conn.execute(
            select(t_trans)
            .where(t_trans.c.deal_id.in_(deal_ids))
            .order_by(t_trans.c.deal_id, t_trans.c.at, t_trans.c.id)
        ):
            history[r.deal_id].append(r)
        visits: dict[int, dict[int, Any]] = defaultdict(dict)
        for r in conn.execute(select(t_visits).where(t_visits.c.deal_id.in_(deal_ids))):
            visits[r.deal_id][r.transition_id] = r
        audit: dict[tuple[int, str], list[tuple[str | None, str | None, int | None]]]
        audit = defaultdict(list)
        audit_new_values: set[str] = set()
        for r in conn.execute(
            select(t_audit).where(t_audit.c.deal_id.in_(deal_ids)).order_by(t_audit.c.id)
        ):
            audit[(r.deal_id, r.field)].append((r.old_value, r.new_value, r.user_id))
            if r.new_value is not None:
                audit_new_values.add(r.new_value)
        logs = {
            j.origin: [
                (r.deal_ids, r.user_id)
                for r in conn.execute(
                    select(t_log).where(t_log.c.origin == j.origin).order_by(t_log.c.id)
                )
            ]
            for j in run.journals
        }

    accepted: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        if e.get("outcome") == "accepted":
            accepted[e["deal"]].append(e)
    user_of = {j.worker: j.user_id for j in run.journals}

    for start in setup.deals:
        row = rows.get(start.id)
        if row is None:
            report.problem("lost_updates", 1, f"deal {start.id} is gone")
            continue
        mine = _ordered_accepted(accepted[start.id])
        report.handoffs += sum(a["w"] != b["w"] for a, b in pairwise(mine))
        _check_versions(report, start.id, mine, row.version)
        state = _State(
            title=start.title,
            amount=Decimal(start.amount),
            expected_close=date.fromisoformat(start.expected_close)
            if start.expected_close
            else None,
            stage_id=start.stage_id,
            owner_id=row.owner_id,
            updated_by_id=setup.admin_id,
            last_open_stage_id=start.stage_id,
        )
        expected_history = [(None, start.stage_id, setup.admin_id)]
        expected_audit: dict[str, list[tuple[str | None, str | None, int | None]]]
        expected_audit = defaultdict(list)
        for e in mine:
            user = user_of[e["w"]]
            before = state.audited()
            values = e["values"]
            if e["op"] == "move":
                target = values["stage"]
                expected_history.append((state.stage_id, target, user))
                kind = StageKind(stages[target].kind)
                if kind is StageKind.OPEN:
                    state.lost_reason_id = state.lost_at_stage_id = None
                    state.last_open_stage_id = target
                elif kind is StageKind.WON:
                    state.lost_reason_id = state.lost_at_stage_id = None
                else:
                    state.lost_reason_id = values["lost_reason"]
                    state.lost_at_stage_id = state.last_open_stage_id
                state.stage_id = target
                if e.get("stage") != target:
                    report.problem(
                        "lost_updates", 1, f"move {_who(e)} returned stage {e.get('stage')}"
                    )
            if "title" in values:
                state.title = values["title"]
            if "amount" in values:
                state.amount = Decimal(values["amount"])
            if "expected_close" in values:
                state.expected_close = date.fromisoformat(values["expected_close"])
            state.version = e["version"]
            state.updated_by_id = user
            after = state.audited()
            for name, _attr in AUDITED:
                if before[name] != after[name]:
                    expected_audit[name].append((before[name], after[name], user))
        _check_row(report, start.id, row, state)
        _check_history(report, start.id, row, history[start.id], expected_history, stages)
        _check_derived(report, start.id, row, history[start.id], visits[start.id], stages)
        for name, _attr in AUDITED:
            found = audit.get((start.id, name), [])
            want = expected_audit.get(name, [])
            if found != want:
                diverge = next(
                    (i for i, (a, b) in enumerate(zip(found, want, strict=False)) if a != b),
                    min(len(found), len(want)),
                )
                report.problem(
                    "audit_mismatches",
                    max(1, abs(len(found) - len(want))),
                    f"deal {start.id} {name}: {len(found)} audit rows, {len(want)} accepted "
                    f"changes; first difference at #{diverge}: "
                    f"{found[diverge : diverge + 1]} != {want[diverge : diverge + 1]}",
                )

    made_by = {(e["deal"], e["version"]): user_of[e["w"]] for d in accepted.values() for e in d}
    made_by.update({(d.id, 1): setup.admin_id for d in setup.deals})
    _check_rejections(report, entries, rows, audit_new_values, names, made_by)
    for j in run.journals:
        want_log = [(str(e["deal"]), j.user_id) for e in j.entries if e["outcome"] == "accepted"]
        found_log = logs[j.origin]
        if found_log != want_log:
            missing = Counter(want_log) - Counter(found_log)
            extra = Counter(found_log) - Counter(want_log)
            wrong = sum(missing.values()) + sum(extra.values())
            report.problem(
                "change_log_mismatches",
                max(1, wrong),
                f"worker {j.worker}: {len(found_log)} change-log rows for "
                f"{len(want_log)} accepted writes; missing {sorted(missing.elements())[:10]}, "
                f"unexpected {sorted(extra.elements())[:10]}"
                + ("" if wrong else ", in another order"),
            )
    return report


def _who(e: Mapping[str, Any]) -> str:
    return f"w{e['w']}#{e['seq']} (deal {e['deal']}, expected v{e.get('expected')})"


def _count_outcomes(report: Report, run: Run) -> None:
    kinds: Counter[str] = Counter()
    for j in run.journals:
        if j.returncode != 0 or j.ended is None:
            report.failed_workers += 1
            report.problems.append(
                f"worker {j.worker} exited with {j.returncode} "
                f"after {len(j.entries)} operations: {j.stderr.strip()[-2000:]}"
            )
        for e in j.entries:
            report.attempted += 1
            outcome = e.get("outcome")
            if outcome == "accepted":
                report.accepted += 1
                kinds[e["op"]] += 1
                if e["op"] == "move":
                    kinds[f"move_{e['move']}"] += 1
            elif outcome == "conflict":
                report.conflicts += 1
                if not e["stale"]:
                    report.conflicts_on_fresh_read += 1
            elif outcome == "unchanged":
                report.unchanged += 1
                report.problems.append(f"unchanged: {_who(e)} changed nothing")
            else:
                report.other_errors += 1
                report.problems.append(f"other error: {_who(e)} {e.get('op')}: {e.get('error')}")
    report.accepted_by_kind = dict(sorted(kinds.items()))


def _check_versions(report: Report, deal_id: int, mine: list[dict[str, Any]], final: int) -> None:
    for e in mine:
        if e["version"] != e["expected"] + 1:
            report.problem(
                "skipped_versions", 1, f"{_who(e)} was accepted as version {e['version']}"
            )
    claimed = Counter(e["version"] for e in mine)
    for version, n in sorted(claimed.items()):
        if n > 1:
            report.problem(
                "lost_updates",
                n - 1,
                f"deal {deal_id}: {n} accepted writes made version {version}: "
                + ", ".join(_who(e) for e in mine if e["version"] == version),
            )
    beyond = sorted(v for v in claimed if v > final)
    report.problem(
        "lost_updates",
        len(beyond),
        f"deal {deal_id} is at version {final}, but writes were accepted as {beyond}",
    )
    missing = [v for v in range(2, final + 1) if v not in claimed]
    report.problem(
        "skipped_versions",
        len(missing),
        f"deal {deal_id}: no accepted write made version(s) {missing[:20]}",
    )


def _check_row(report: Report, deal_id: int, row: Any, state: _State) -> None:
    found = {
        "title": row.title,
        "amount": _money(row.amount),
        "expected_close": row.expected_close,
        "stage_id": row.stage_id,
        "updated_by_id": row.updated_by_id,
        "lost_reason_id": row.lost_reason_id,
        "lost_at_stage_id": row.lost_at_stage_id,
    }
    want = {
        "title": state.title,
        "amount": _money(state.amount),
        "expected_close": state.expected_close,
        "stage_id": state.stage_id,
        "updated_by_id": state.updated_by_id,
        "lost_reason_id": state.lost_reason_id,
        "lost_at_stage_id": state.lost_at_stage_id,
    }
    for name, value in want.items():
        report.problem(
            "lost_updates",
            int(found[name] != value),
            f"deal {deal_id}: {name} is {found[name]!r}, the last accepted write gave {value!r}",
        )


def _check_history(
    report: Report,
    deal_id: int,
    row: Any,
    history: list[Any],
    expected: list[tuple[int | None, int, int]],
    stages: Mapping[int, Any],
) -> None:
    found = [(t.from_stage_id, t.to_stage_id, t.by_user_id) for t in history]
    bad: list[str] = []
    if not history:
        bad.append("no transitions")
    else:
        last = history[-1]
        if row.stage_id != last.to_stage_id:
            bad.append(f"stage {row.stage_id} but the last transition went to {last.to_stage_id}")
        if row.stage_entered_at != last.at:
            bad.append(f"entered its stage at {row.stage_entered_at}, not at {last.at}")
        closed = stages[row.stage_id].kind != StageKind.OPEN.value
        if closed and row.closed_at != last.at:
            bad.append(f"closed at {row.closed_at}, the last transition was at {last.at}")
        if not closed and row.closed_at is not None:
            bad.append(f"open but closed at {row.closed_at}")
    if [t.id for t in history] != sorted(t.id for t in history):
        bad.append("ordered by time, the transitions are not in the order they were written")
    if found != expected:
        diverge = next(
            (i for i, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b),
            min(len(found), len(expected)),
        )
        bad.append(
            f"{len(found)} transitions for 1 creation + {len(expected) - 1} accepted moves; "
            f"first difference at #{diverge}: "
            f"{found[diverge : diverge + 1]} != {expected[diverge : diverge + 1]}"
        )
    report.problem("history_mismatches", int(bool(bad)), f"deal {deal_id}: " + "; ".join(bad))


def _check_derived(
    report: Report,
    deal_id: int,
    row: Any,
    history: list[Any],
    visits: Mapping[int, Any],
    stages: Mapping[int, Any],
) -> None:
    bad: list[str] = []
    mask = 0
    for i, t in enumerate(history):
        if stages[t.to_stage_id].pipeline_id == row.pipeline_id:
            mask |= 1 << stages[t.to_stage_id].slot
        v = visits.get(t.id)
        left = history[i + 1].at if i + 1 < len(history) else None
        if v is None:
            bad.append(f"no stage visit for transition {t.id}")
        elif (v.stage_id, v.entered_at, v.left_at) != (t.to_stage_id, t.at, left):
            bad.append(
                f"visit {t.id} is ({v.stage_id}, {v.entered_at}, {v.left_at}), "
                f"not ({t.to_stage_id}, {t.at}, {left})"
            )
    if len(visits) != len(history):
        bad.append(f"{len(visits)} stage visits for {len(history)} transitions")
    if row.reached_mask != mask:
        bad.append(f"reached_mask {row.reached_mask:#x}, its transitions give {mask:#x}")
    report.problem("derived_mismatches", int(bool(bad)), f"deal {deal_id}: " + "; ".join(bad[:3]))


def _check_rejections(
    report: Report,
    entries: Sequence[dict[str, Any]],
    rows: Mapping[int, Any],
    audit_new_values: set[str],
    names: Mapping[int, str],
    made_by: Mapping[tuple[int, int], int],
) -> None:
    titles = {r.title for r in rows.values()}
    amounts = {_money(r.amount) for r in rows.values()}
    closes = {r.expected_close.isoformat() for r in rows.values() if r.expected_close}
    for e in entries:
        if e.get("outcome") not in ("conflict", "error") or e.get("op") == "read":
            continue
        values = e["values"]
        present = []
        if values.get("title") in titles:
            present.append("title")
        if "amount" in values and (
            values["amount"] in amounts or values["amount"] in audit_new_values
        ):
            present.append("amount")
        if "expected_close" in values and (
            values["expected_close"] in closes or values["expected_close"] in audit_new_values
        ):
            present.append("expected_close")
        report.problem(
            "rejected_writes_present",
            len(present),
            f"{_who(e)} was rejected, but its {', '.join(present)} is in the database",
        )
        if e["outcome"] != "conflict":
            continue
        c = e["conflict"]
        bad = []
        if c["expected"] != e["expected"]:
            bad.append(f"it names version {c['expected']} as the one edited")
        if not c["current"] > e["expected"]:
            bad.append(f"it names current version {c['current']}")
        maker = made_by.get((e["deal"], c["current"]))
        if maker is None or c["by"] != names.get(maker):
            who = names.get(maker) if maker is not None else "nobody the journals know"
            bad.append(f"it names {c['by']!r} as who changed it, not {who!r}")
        if not c["at"]:
            bad.append("it does not say when")
        report.problem(
            "bad_conflicts", int(bool(bad)), f"{_who(e)}: {'; '.join(bad)} ({c['message']})"
        )


# --- the benchmark ---------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@contextmanager
def _database(backend: str, pg_url: str | None) -> Iterator[tuple[Database, Path]]:
    """A new, initialised database and a scratch folder for the journals."""
    with tempfile.TemporaryDirectory(prefix="crmdesk-concurrency-") as tmp:
        folder = Path(tmp)
        with fresh_database(backend, folder / "shared.sqlite3", pg_url) as db:
            yield db, folder


def measure(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with _database(backend, args.pg_url) as (db, folder):
        setup = prepare(db, workers=args.workers, deals_count=args.deals, seed=args.seed)
        run = run_workers(
            setup,
            folder / "journals",
            ops=args.ops,
            seed=args.seed,
            stale=args.stale,
            think_ms=args.think_ms,
        )
        report = check(db, setup, run)
    counts = report.counts()
    per_process = [
        round(len(j.entries) / j.elapsed_s, 1) if j.elapsed_s else None for j in run.journals
    ]
    ends = [j.ended for j in run.journals if j.ended is not None]
    span = (max(ends) - min(j.started for j in run.journals)) if ends else None
    writes = [e["ms"] for j in run.journals for e in j.entries if "ms" in e]
    return {
        "ok": report.ok,
        "operations": {
            name: counts[name]
            for name in (
                "attempted",
                "accepted",
                "conflicts",
                "conflicts_on_fresh_read",
                "handoffs",
                "other_errors",
                "unchanged",
            )
        }
        | {"accepted_by_kind": report.accepted_by_kind},
        "checks": {name: counts[name] for name in (*CHECKS, "failed_workers")},
        "ops_per_s": {
            "total": round(report.attempted / span, 1) if span else None,
            "per_process": per_process,
        },
        "write_ms": {
            "n": len(writes),
            "median": round(statistics.median(writes), 3) if writes else None,
            "p95": round(_percentile(writes, 0.95), 3) if writes else None,
            "max": round(max(writes), 3) if writes else None,
        },
        "wall_s": round(run.wall_s, 2),
        # How long every worker was running at once.
        "all_running_s": round(min(ends) - max(j.started for j in run.journals), 2)
        if len(ends) == len(run.journals)
        else None,
        "problems": report.problems[:MAX_PROBLEMS_SHOWN],
        "problems_total": len(report.problems),
    }


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["worker"]:
        return worker_main()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"))
    parser.add_argument("--ops", type=int, default=500, help="operations per worker")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--deals", type=int, default=6, help="shared deals")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--stale", type=float, default=0.1, help="share of writes passing an older version"
    )
    parser.add_argument(
        "--think-ms", type=float, default=0.0, help="up to this pause between read and write"
    )
    parser.add_argument("--pg-url", default=os.environ.get(ENV_PG_URL, "").strip() or None)
    args = parser.parse_args(argv)
    if args.workers < 1 or args.deals < 1 or args.ops < 0:
        parser.error("--workers and --deals must be at least 1, --ops at least 0")
    backend = args.backend or ("both" if args.pg_url else "sqlite")
    backends = ["sqlite", "postgres"] if backend == "both" else [backend]
    if "postgres" in backends and not args.pg_url:
        parser.error(f"PostgreSQL needs --pg-url or ${ENV_PG_URL}")

    calibration_before = calibrate()
    results = {name: measure(name, args) for name in backends}
    print(
        json.dumps(
            {
                "benchmark": "concurrency",
                "ok": all(r["ok"] for r in results.values()),
                "workers": args.workers,
                "ops_per_worker": args.ops,
                "deals": args.deals,
                "seed": args.seed,
                "stale": args.stale,
                "think_ms": args.think_ms,
                "backends": results,
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    # A fixed pure-Python loop, before and after: on a shared or
                    # throttled CPU it shows how fast the machine ran meanwhile.
                    "calibration_ms": [calibration_before, calibrate()],
                },
            },
            indent=2,
            default=str,
        )
    )
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
