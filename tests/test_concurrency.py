"""Team mode: two real processes move and edit the same deals on one database.

Each worker is an OS process of its own, signed in as a manager of its own; both read a
deal, then move it (between open stages, to won, to lost, back open) or edit its title,
amount and expected close, passing the version they read. Afterwards their journals are
checked against the rows, read with SQL: every accepted write is present, no version
was skipped or given twice, every deal's stage is its last transition and its history
is its creation plus every accepted move, every rejected write was a ``Conflict`` that
said who changed the deal and when, and it changed nothing (the checks are listed in
``benchmarks/bench_concurrency.py``, which runs the same workers and prints the counts
and the operations per second).

Runs on SQLite and, when ``CRMDESK_TEST_DATABASE_URL`` is set, on PostgreSQL.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import text

from crmdesk.db.engine import Database

BENCH_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_concurrency.py"


def _load_bench() -> ModuleType:
    if str(BENCH_PATH.parent) not in sys.path:  # as when it runs: its folder's _common
        sys.path.insert(0, str(BENCH_PATH.parent))
    spec = importlib.util.spec_from_file_location("bench_concurrency", BENCH_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_bench()

OPS_PER_WORKER = 200
WORKERS = 2
DEALS = 6


def _explain(report: Any) -> str:
    counts = {k: v for k, v in report.counts().items() if v}
    return f"{counts}\n" + "\n".join(report.problems[:20])


def _run(db: Database, tmp_path: Path, *, ops: int, stale: float, think_ms: float) -> Any:
    setup = bench.prepare(db, workers=WORKERS, deals_count=DEALS, seed=7)
    run = bench.run_workers(
        setup, tmp_path / "journals", ops=ops, seed=7, stale=stale, think_ms=think_ms, timeout_s=300
    )
    return setup, run


def test_two_processes_move_and_edit_the_same_deals_without_losing_a_write(
    db: Database, tmp_path: Path
) -> None:
    setup, run = _run(db, tmp_path, ops=OPS_PER_WORKER, stale=0.1, think_ms=2.0)
    report = bench.check(db, setup, run)

    # Both processes ran to the end, at the same time, as different users.
    assert [j.returncode for j in run.journals] == [0] * WORKERS, [j.stderr for j in run.journals]
    assert len({j.pid for j in run.journals}) == WORKERS
    assert len({j.user_id for j in run.journals}) == WORKERS
    assert max(j.started for j in run.journals) < min(j.ended for j in run.journals)

    # Every attempt was either accepted or refused as a conflict; nothing else went wrong.
    assert report.attempted == WORKERS * OPS_PER_WORKER
    assert report.other_errors == 0, _explain(report)
    assert report.unchanged == 0, _explain(report)
    assert report.accepted + report.conflicts == report.attempted

    # The checks: nothing lost, no version skipped, the history and the rest agree.
    assert report.lost_updates == 0, _explain(report)
    assert report.skipped_versions == 0, _explain(report)
    assert report.history_mismatches == 0, _explain(report)
    assert report.bad_conflicts == 0, _explain(report)
    assert report.rejected_writes_present == 0, _explain(report)
    assert report.audit_mismatches == 0, _explain(report)
    assert report.change_log_mismatches == 0, _explain(report)
    assert report.derived_mismatches == 0, _explain(report)
    assert report.problems == []
    assert report.ok

    # The run really collided and covered every kind of write.
    assert report.conflicts_on_fresh_read > 0, (
        "the processes never wrote between a read and a write"
    )
    assert report.handoffs > 0, "no deal was written by both processes in turn"
    kinds = report.accepted_by_kind
    assert kinds.get("update", 0) > 0
    assert kinds.get("move_open_to_open", 0) > 0
    assert kinds.get("move_open_to_won", 0) + kinds.get("move_lost_to_won", 0) > 0
    assert kinds.get("move_open_to_lost", 0) + kinds.get("move_won_to_lost", 0) > 0
    assert kinds.get("move_won_to_open", 0) + kinds.get("move_lost_to_open", 0) > 0


def _accepted(run: Any, worker: int) -> list[dict[str, Any]]:
    return [e for e in run.journals[worker].entries if e["outcome"] == "accepted"]


def test_the_checks_catch_lost_updates_skipped_versions_and_a_wrong_history(
    db: Database, tmp_path: Path
) -> None:
    """The checks can fail: doctored journals and rows, one fault at a time."""
    setup, run = _run(db, tmp_path, ops=40, stale=0.3, think_ms=0.0)
    clean = bench.check(db, setup, run)
    assert clean.ok, _explain(clean)

    def doctored(change: Any) -> Any:
        other = copy.deepcopy(run)
        change(other)
        return bench.check(db, setup, other)

    # Two writers told that they both made the same version: one update was lost.
    def twice(r: Any) -> None:
        entry = dict(_accepted(r, 0)[0], w=1, seq=10_000)
        r.journals[1].entries.append(entry)

    report = doctored(twice)
    assert report.lost_updates >= 1 and not report.ok, _explain(report)

    # A write the journal has no record of: a version nobody was told about.
    def forget(r: Any) -> None:
        r.journals[0].entries.remove(_accepted(r, 0)[0])

    report = doctored(forget)
    assert report.skipped_versions >= 1 and not report.ok, _explain(report)

    # A write refused with something other than a conflict.
    def locked(r: Any) -> None:
        entry = dict(_accepted(r, 1)[0], seq=10_001, outcome="error")
        entry["values"] = {"title": "never written"}
        entry["error"] = "OperationalError: database is locked"
        r.journals[1].entries.append(entry)

    report = doctored(locked)
    assert report.other_errors == 1 and not report.ok, _explain(report)

    # A refused write whose value is in the database anyway, and a conflict that did
    # not say who changed the deal.
    def leaked(r: Any) -> None:
        last = max(_accepted(r, 0), key=lambda e: e["version"])
        entry = dict(last, seq=10_002, outcome="conflict", expected=last["version"] - 1)
        entry["conflict"] = {
            "current": last["version"],
            "expected": last["version"] - 1,
            "by": None,
            "at": None,
            "message": "doctored",
        }
        r.journals[0].entries.append(entry)

    report = doctored(leaked)
    assert report.bad_conflicts == 1 and not report.ok, _explain(report)

    # Now the rows: an accepted value overwritten behind the version's back ...
    first, second, third, fourth = (d.id for d in setup.deals[:4])
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE deals SET title = 'overwritten' WHERE id = :id"), {"id": first})
    report = bench.check(db, setup, run)
    assert report.lost_updates == 1, _explain(report)
    assert "overwritten" in "\n".join(report.problems)

    # ... a version that no accepted write made ...
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE deals SET version = version + 1 WHERE id = :id"), {"id": second})
    report = bench.check(db, setup, run)
    assert report.skipped_versions == 1, _explain(report)

    # ... a transition that no accepted move wrote ...
    with db.engine.begin() as conn:
        stage = conn.execute(
            text("SELECT to_stage_id FROM stage_transitions WHERE deal_id = :id ORDER BY id"),
            {"id": third},
        ).first()
        conn.execute(
            text(
                "INSERT INTO stage_transitions (deal_id, from_stage_id, to_stage_id, at) "
                "VALUES (:id, NULL, :stage, :at)"
            ),
            {"id": third, "stage": stage[0], "at": datetime(2000, 1, 1)},
        )
    report = bench.check(db, setup, run)
    assert report.history_mismatches == 1, _explain(report)

    # ... a reached-stages mask that its transitions do not give ...
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE deals SET reached_mask = 0 WHERE id = :id"), {"id": fourth})
    report = bench.check(db, setup, run)
    assert report.derived_mismatches == 1, _explain(report)

    # ... and a missing audit row and change-log row.
    with db.engine.begin() as conn:
        conn.execute(
            text("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"),
        )
        conn.execute(
            text(
                "DELETE FROM change_log WHERE id = (SELECT max(id) FROM change_log "
                "WHERE origin = :origin)"
            ),
            {"origin": run.journals[0].origin},
        )
    report = bench.check(db, setup, run)
    assert report.audit_mismatches >= 1, _explain(report)
    assert report.change_log_mismatches >= 1, _explain(report)
    assert not report.ok
