"""Crash safety: ``kill -9`` in the middle of a 10,000-row import and of a burst of moves.

A child process (``sys.executable``) does the work and tells the test, on stdout, how far
it got; the test kills it with SIGKILL at a chosen moment and then checks the database:

* SQLite: ``PRAGMA integrity_check`` is "ok" and ``foreign_key_check`` finds nothing;
* the import is all there or not there: deals, their stage history and the customers
  it created are exactly the counts before, or exactly before + the whole file;
* every move the child reported as committed is present, in order; the database is at
  most one move ahead of the child's journal (the commit that was in flight when the
  signal came), never behind; each deal's version, stage, close fields, history and
  change log agree;
* the database is usable afterwards (no stale lock): the import runs again and
  completes, a move succeeds.

The same checks run on PostgreSQL when ``CRMDESK_TEST_DATABASE_URL`` is set
(``integrity_check`` has no PostgreSQL counterpart there).
"""

from __future__ import annotations

import contextlib
import csv
import json
import signal
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
from conftest import requires_pg
from sqlalchemy import text

from crmdesk.db.bulk import SUSPENDED
from crmdesk.db.engine import Database
from crmdesk.db.migrate import open_database
from crmdesk.domain import StageKind
from crmdesk.importing import run_import
from crmdesk.services import deals, lists, pipelines
from crmdesk.services.setup import default_admin_id

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(signal, "SIGKILL"),
    reason="kill -9 needs SIGKILL, which Windows does not have",
)

ROWS = 10_000
COMPANIES = 50
#: The file's stages, in turn: one row in five is a won deal (two transitions each).
STAGES = ("New lead", "Qualified", "Proposal sent", "Negotiation", "Closed won")
WON_ROWS = ROWS // len(STAGES)
CHILD_TIMEOUT_S = 60
#: The import's commit writes about 9 MB of WAL frames: kill once 1 MB is there.
COMMIT_WAL_BYTES = 1_000_000

MAPPING = """\
entity = "deals"
key = "Deal ID"

[columns]
"Deal ID" = "external_ref"
"Deal name" = "title"
Company = "customer"
Owner = "owner"
Stage = "stage"
Amount = "amount"
Created = "created_at"
Closed = "closed_at"

[defaults]
currency = "USD"
open_stage = "qualification"

[values.stage]
"New lead" = "prospecting"
Qualified = "qualification"
"Proposal sent" = "quote"
Negotiation = "contract"
"Closed won" = "won"

[dates]
formats = ["%m/%d/%Y"]

[create]
owners = "error"
customers = "create"
sources = "create"
lost_reasons = "error"
"""

_OPEN = """\
import json, sys
from crmdesk.db.migrate import open_database

cfg = json.loads(sys.argv[1])
db = open_database(cfg["url"], create=False, upgrade_schema=False, pg_schema=cfg["pg_schema"]).db
"""

#: Imports the file, printing every progress tick. With ``pause_at`` = n it stops at
#: the n-th "writing" tick (the transaction open, rows inserted) and waits to be killed.
#: ``small_cache`` (SQLite) shrinks the page cache so that the rows spill into the WAL
#: before the commit: the kill then leaves uncommitted frames there.
_IMPORT_CHILD = _OPEN + textwrap.dedent(
    """
    from sqlalchemy import event
    from crmdesk.importing import run_import
    from crmdesk.services.setup import default_admin_id

    if cfg["small_cache"]:
        @event.listens_for(db.engine, "connect")
        def _small_cache(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA cache_size = 20")

        db.engine.dispose()
    admin = default_admin_id(db)
    ticks = 0

    def progress(phase, done, total):
        global ticks
        print(phase, done, total, flush=True)
        if phase == "writing":
            ticks += 1
            if ticks == cfg["pause_at"]:
                print("paused", flush=True)
                sys.stdin.readline()

    result = run_import(db, "deals", cfg["csv"], cfg["mapping"], by=admin, progress=progress)
    print("committed" if result.written else f"refused {result.errors[:3]}", flush=True)
    """
)

#: Moves deals at random (open stages, won, lost, reopened), printing
#: ``deal version stage`` after each move has committed.
_MOVES_CHILD = _OPEN + textwrap.dedent(
    """
    import random
    from crmdesk.services import deals

    rng = random.Random(cfg["seed"])
    version = {int(k): v for k, v in cfg["versions"].items()}
    stage = {int(k): v for k, v in cfg["stages"].items()}
    open_ids, closed_ids = cfg["open"], [cfg["won"], cfg["lost"]]
    ids = sorted(version)
    print("ready", flush=True)
    for _ in range(cfg["moves"]):
        d = rng.choice(ids)
        if stage[d] in closed_ids:
            target = rng.choice(open_ids)
        else:
            target = rng.choice([s for s in open_ids + closed_ids if s != stage[d]])
        info = deals.move_deal(
            db, d, target, by=cfg["user"], expected_version=version[d],
            lost_reason_id=cfg["reason"] if target == cfg["lost"] else None,
        ).value
        version[d], stage[d] = info.version, info.stage_id
        print(d, info.version, info.stage_id, flush=True)
    print("done", flush=True)
    """
)


# --- helpers --------------------------------------------------------------------------------


def _child_config(db: Database, request: pytest.FixtureRequest) -> dict[str, Any]:
    if db.dialect == "sqlite":
        assert db.path is not None
        return {"url": str(db.path), "pg_schema": None}
    return {
        "url": db.url.render_as_string(hide_password=False),
        "pg_schema": request.getfixturevalue("pg_schema"),
    }


def _start(script: str, config: dict[str, Any]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, json.dumps(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )


def _lines(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\n")


def _kill(proc: subprocess.Popen[str], *, may_have_ended: bool = False) -> tuple[str, str]:
    """SIGKILL the child; what was left in its pipes. ``may_have_ended``: a child that
    won the race and exited normally is accepted."""
    proc.send_signal(signal.SIGKILL)  # a no-op if it has already been reaped
    out, err = proc.communicate(timeout=CHILD_TIMEOUT_S)
    if not (may_have_ended and proc.returncode == 0):
        assert proc.returncode == -signal.SIGKILL, err
    return out, err


def _sqlite_is_sound(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # The fact triggers an import sets aside while it writes (crmdesk.db.bulk) are
        # back: the kill rolled their removal back with the rows.
        triggers = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).scalars()
        assert set(SUSPENDED) <= set(triggers)


def _reopen(db: Database, config: dict[str, Any]) -> Database:
    """The database as the next start of the app opens it (recovery included)."""
    return open_database(
        config["url"], create=False, upgrade_schema=False, pg_schema=config["pg_schema"]
    ).db


# --- 1. a 10,000-row import -------------------------------------------------------------------


def _write_csv(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(
            ["Deal ID", "Deal name", "Company", "Owner", "Stage", "Amount", "Created", "Closed"]
        )
        for i in range(ROWS):
            stage = STAGES[i % len(STAGES)]
            closed = "03/02/2025" if stage == "Closed won" else ""
            w.writerow(
                [
                    f"CRASH-{i}",
                    f"Deal {i}",
                    f"Company {i % COMPANIES}",
                    "admin",
                    stage,
                    100 + i,
                    "01/15/2025",
                    closed,
                ]
            )


def _counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {
            t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("deals", "stage_transitions", "stage_visits", "customers")
        }


@dataclass(frozen=True)
class Kill:
    """When to kill the importing child.

    The deals importer ticks "writing" after each 5,000-deal chunk (ticks 1 and 2) and
    once more just before it writes the change log and commits (tick 3).
    """

    #: "pause": the child stops at "writing" tick ``tick`` and waits for the signal;
    #: "commit": once tick ``tick`` is read, the test watches the WAL file and kills
    #: the child once the commit has written a part of its frames (SQLite);
    #: "committed": as soon as the child says the import committed.
    how: str
    tick: int = 0
    #: Shrink the child's page cache so that rows spill into the WAL before the commit.
    small_cache: bool = False
    #: What must be there afterwards: "none", "all" or "either" (a race with the commit).
    expect: str = "either"


BEFORE_COMMIT = Kill("pause", tick=3, expect="none")
_PG = [requires_pg, pytest.mark.postgres]
IMPORT_KILLS = [
    pytest.param(
        Kill("pause", tick=1, small_cache=True, expect="none"),
        "sqlite",
        id="sqlite-half-written-spilled-into-the-wal",
    ),
    pytest.param(BEFORE_COMMIT, "sqlite", id="sqlite-all-written-not-committed"),
    pytest.param(Kill("commit", tick=3), "sqlite", id="sqlite-while-committing"),
    pytest.param(Kill("committed", expect="all"), "sqlite", id="sqlite-just-committed"),
    # PostgreSQL writes 10,000 rows several times slower: one kill, the decisive one.
    pytest.param(BEFORE_COMMIT, "postgres", id="postgres-all-sent-not-committed", marks=_PG),
]


def _await_growth(path: Path, proc: subprocess.Popen[str], size: int) -> int:
    """Wait (busily: a commit takes milliseconds) until ``path`` holds ``size`` bytes;
    0 if the child ended first."""
    deadline = time.monotonic() + CHILD_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(FileNotFoundError):
            if (now := path.stat().st_size) >= size:
                return now
    # The child finished first (a very busy machine): the test still checks the result.
    assert proc.poll() is not None, f"{path.name} never grew"
    return 0


@pytest.mark.parametrize(("kill", "backend"), IMPORT_KILLS)
def test_a_killed_import_is_all_there_or_not_there(
    kill: Kill, db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if kill.small_cache and db.dialect != "sqlite":
        pytest.skip("the page cache and the WAL are SQLite's")
    admin = default_admin_id(db)
    for title in ("Before the import 1", "Before the import 2"):
        deals.create_deal(db, by=admin, title=title)
    data, mapping = tmp_path / "deals.csv", tmp_path / "deals.toml"
    _write_csv(data)
    mapping.write_text(MAPPING, encoding="utf-8")
    before = _counts(db)
    everything = {
        "deals": before["deals"] + ROWS,
        "stage_transitions": before["stage_transitions"] + ROWS + WON_ROWS,
        "stage_visits": before["stage_visits"] + ROWS + WON_ROWS,  # one per transition
        "customers": before["customers"] + COMPANIES,
    }
    config = _child_config(db, request)
    db.dispose()  # the last connection out checkpoints: the WAL then holds only the child's work
    wal = db.path.with_name(db.path.name + "-wal") if db.path else None

    proc = _start(
        _IMPORT_CHILD,
        {
            **config,
            "csv": str(data),
            "mapping": str(mapping),
            "small_cache": kill.small_cache,
            "pause_at": kill.tick if kill.how == "pause" else 0,
        },
    )
    assert proc.stdout is not None
    seen: list[str] = []
    writing = 0
    wal_at_kill = 0
    try:
        for line in _lines(proc.stdout):
            seen.append(line)
            if line.startswith("writing"):
                writing += 1
            if kill.how == "pause" and line == "paused":
                break
            if kill.how == "commit" and writing == kill.tick:
                assert wal is not None
                wal_at_kill = _await_growth(wal, proc, COMMIT_WAL_BYTES)
                break
            if kill.how == "committed" and line == "committed":
                break
        out, err = _kill(proc, may_have_ended=kill.how == "commit" and not wal_at_kill)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    seen += out.splitlines()
    assert not [s for s in seen if s.startswith("refused")], (seen, err)
    assert f"checking {ROWS} {ROWS}" in seen, (seen, err)  # killed in the writing phase...
    committed = "committed" in seen  # ... or, racing, just after the commit
    assert committed == (kill.expect == "all") or kill.expect == "either", seen
    if wal is not None and (kill.small_cache or kill.expect == "all"):
        # The kill left work in the WAL, not yet in the main file: uncommitted frames
        # (which recovery must ignore), or the commit (which it must keep).
        assert wal.stat().st_size > 0

    reopened = _reopen(db, config)
    try:
        if reopened.dialect == "sqlite":
            _sqlite_is_sound(reopened)
        after = _counts(reopened)
        assert after in (before, everything), (
            f"a partial import: {before=} {after=} {everything=} ({wal_at_kill=})"
        )
        if committed:
            assert after == everything
        if kill.expect == "none":
            assert after == before

        # No stale lock: the same import runs again and completes what the crash undid.
        again = run_import(reopened, "deals", data, mapping, by=admin)
        assert again.written and again.ok, again.summary()
        assert len(again.created) == (0 if after == everything else ROWS)
        assert _counts(reopened) == everything
        if reopened.dialect == "sqlite":
            _sqlite_is_sound(reopened)
    finally:
        reopened.dispose()


# --- 2. a burst of moves ----------------------------------------------------------------------

MOVE_DEALS = 12
MOVES = 2_000


@dataclass(frozen=True)
class Start:
    versions: dict[int, int]
    stages: dict[int, int]
    changes: int


def _history(db: Database) -> dict[int, list[tuple[int | None, int]]]:
    got: dict[int, list[tuple[int | None, int]]] = defaultdict(list)
    with db.read() as s:
        for deal_id, frm, to in s.execute(
            text("SELECT deal_id, from_stage_id, to_stage_id FROM stage_transitions ORDER BY id")
        ):
            got[deal_id].append((frm, to))
    return got


def _change_log_size(db: Database) -> int:
    with db.read() as s:
        return s.execute(text("SELECT count(*) FROM change_log")).scalar_one()


def check_moves(db: Database, start: Start, journal: list[tuple[int, int, int]]) -> list[str]:
    """What is wrong with the database after the mover was killed, given what it
    started from and the moves it reported as committed (in order)."""
    problems: list[str] = []
    reported: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for deal_id, version, stage_id in journal:
        reported[deal_id].append((version, stage_id))
    history = _history(db)
    with db.read() as s:
        rows = {
            r.id: r
            for r in s.execute(
                text(
                    "SELECT d.id, d.version, d.stage_id, d.closed_at, d.lost_reason_id, s.kind "
                    "FROM deals d JOIN stages s ON s.id = d.stage_id"
                )
            )
        }
    ahead = 0
    for deal_id, first_version in start.versions.items():
        row, moves, steps = rows.get(deal_id), reported[deal_id], history[deal_id]
        if row is None:
            problems.append(f"deal {deal_id} is gone")
            continue
        versions = [v for v, _ in moves]
        if versions != list(range(first_version + 1, first_version + 1 + len(moves))):
            problems.append(f"deal {deal_id}: the journal's versions jump: {versions}")
        last_reported = versions[-1] if versions else first_version
        extra = row.version - last_reported
        if extra < 0:
            problems.append(
                f"deal {deal_id}: a reported move is lost: version {row.version} "
                f"< {last_reported} reported"
            )
        elif extra > 1:
            problems.append(f"deal {deal_id}: {extra} moves committed beyond the journal")
        ahead += max(extra, 0)
        expected = [start.stages[deal_id], *(st for _, st in moves)]
        reached = [to for _, to in steps]
        if reached[: len(expected)] != expected:
            problems.append(f"deal {deal_id}: history {reached} does not start with {expected}")
        if len(reached) - 1 != row.version - first_version:
            problems.append(
                f"deal {deal_id}: {len(reached) - 1} moves in its history, "
                f"but version went {first_version} -> {row.version}"
            )
        if any(frm != prev for (frm, _), (_, prev) in zip(steps[1:], steps, strict=False)):
            problems.append(f"deal {deal_id}: its history does not chain: {steps}")
        if steps and row.stage_id != steps[-1][1]:
            problems.append(f"deal {deal_id}: stage {row.stage_id} is not its last transition")
        if (row.closed_at is None) != (row.kind == StageKind.OPEN.value):
            problems.append(f"deal {deal_id}: closed_at {row.closed_at} in a {row.kind} stage")
        if (row.lost_reason_id is None) != (row.kind != StageKind.LOST.value):
            problems.append(
                f"deal {deal_id}: lost reason {row.lost_reason_id} in a {row.kind} stage"
            )
    if ahead > 1:
        problems.append(f"{ahead} moves committed beyond the journal; one was in flight at most")
    in_db = sum(rows[d].version - v for d, v in start.versions.items() if d in rows)
    logged = _change_log_size(db) - start.changes
    if logged != in_db:
        problems.append(f"{in_db} moves committed but {logged} change-log entries")
    return problems


@pytest.mark.parametrize(
    ("kill_after", "backend"),
    [
        pytest.param(40, "sqlite", id="sqlite-early"),
        pytest.param(600, "sqlite", id="sqlite-mid-burst"),
        pytest.param(600, "postgres", id="postgres-mid-burst", marks=_PG),
    ],
)
def test_every_committed_move_survives_a_kill(
    kill_after: int, db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    reason = lists.list_items(db, "lost_reasons")[0].id
    made = [deals.create_deal(db, by=admin, title=f"Moved {i}").value for i in range(MOVE_DEALS)]
    start = Start(
        {d.id: d.version for d in made}, {d.id: d.stage_id for d in made}, _change_log_size(db)
    )
    config = _child_config(db, request)
    proc = _start(
        _MOVES_CHILD,
        {
            **config,
            "seed": kill_after,
            "moves": MOVES,
            "user": admin,
            "reason": reason,
            "versions": start.versions,
            "stages": start.stages,
            "open": [st.id for st in pipe.open_stages],
            "won": pipe.won_stage.id,
            "lost": pipe.lost_stage.id,
        },
    )
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        for line in _lines(proc.stdout):
            lines.append(line)
            if len(lines) > kill_after:
                break
        out, err = _kill(proc)  # the child goes on moving until the signal lands
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines += out.splitlines()
    assert lines[:1] == ["ready"], err
    assert "done" not in lines, "the burst ended before the kill: make it longer"
    journal = [tuple(int(x) for x in line.split()) for line in lines[1:]]
    assert all(len(j) == 3 for j in journal), lines[-3:]
    assert len(journal) >= kill_after

    db.dispose()
    reopened = _reopen(db, config)
    try:
        if reopened.dialect == "sqlite":
            _sqlite_is_sound(reopened)
        assert check_moves(reopened, start, journal) == []  # type: ignore[arg-type]

        # Usable afterwards: a move on a deal the burst was moving goes through.
        deal_id = journal[-1][0]
        current = deals.get_deal(reopened, deal_id)
        target = next(st.id for st in pipe.open_stages if st.id != current.stage_id)
        moved = deals.move_deal(
            reopened, deal_id, target, by=admin, expected_version=current.version
        )
        assert moved.value.version == current.version + 1
    finally:
        reopened.dispose()


def test_the_move_checks_catch_a_lost_and_a_torn_move(db: Database) -> None:
    """``check_moves`` itself: a reported move that is missing, or a move whose deal
    and history disagree, is reported."""
    admin = default_admin_id(db)
    pipe = pipelines.get_pipeline(db)
    d = deals.create_deal(db, by=admin, title="Checked").value
    start = Start({d.id: d.version}, {d.id: d.stage_id}, _change_log_size(db))
    target = next(st.id for st in pipe.open_stages if st.id != d.stage_id)
    moved = deals.move_deal(db, d.id, target, by=admin, expected_version=d.version).value
    journal = [(d.id, moved.version, moved.stage_id)]
    assert check_moves(db, start, journal) == []
    assert check_moves(db, start, []) == []  # one move ahead of the journal: allowed
    ghost = [*journal, (d.id, moved.version + 1, d.stage_id)]
    assert any("a reported move is lost" in p for p in check_moves(db, start, ghost))
    with db.transaction() as s:  # a move torn in two: the deal moved, no transition
        s.execute(
            text("UPDATE deals SET stage_id = :st, version = version + 1 WHERE id = :i"),
            {"st": d.stage_id, "i": d.id},
        )
    problems = check_moves(db, start, journal)
    assert any("not its last transition" in p for p in problems), problems
    assert any("moves in its history" in p for p in problems), problems
