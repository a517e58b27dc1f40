"""Benchmark: demo build time and move_deal latency on SQLite. Prints JSON.

    python benchmarks/bench_services.py --deals 100000 [--moves 500] [--db PATH]

The demo build is timed as `crmdesk demo` runs it (create, migrate, initialise,
generate). move_deal is timed per call, commit included, over open deals picked
at random, each moved one stage forward or back.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from crmdesk.db import models as m
from crmdesk.db.migrate import open_database
from crmdesk.demo import build_demo
from crmdesk.services import deals, pipelines
from crmdesk.services.setup import ensure_initialized


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="SQLite file to build (default: a temp file)")
    args = parser.parse_args()

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="crmdesk-bench-")
        path = Path(tmp.name) / "bench.sqlite3"
    else:
        path = args.db
        if path.exists():
            sys.exit(f"{path} exists; give a new file")

    started = time.perf_counter()
    result = open_database(path)
    ensure_initialized(result.db)
    summary = build_demo(result.db, deals=args.deals, seed=args.seed)
    build_s = time.perf_counter() - started
    result.db.dispose()

    started = time.perf_counter()
    db = open_database(path).db
    open_s = time.perf_counter() - started

    pipe = pipelines.get_pipeline(db)
    open_stages = [s.id for s in pipe.open_stages]
    with db.read() as s:
        rows = s.execute(
            select(m.Deal.id, m.Deal.owner_id, m.Deal.stage_id, m.Deal.version).where(
                m.Deal.stage_id.in_(open_stages)
            )
        ).all()
    rng = random.Random(args.seed)
    picks = rng.sample(rows, min(args.moves, len(rows)))
    timings: list[float] = []
    for deal_id, owner_id, stage_id, version in picks:
        idx = open_stages.index(stage_id)
        step = 1 if idx + 1 < len(open_stages) and (idx == 0 or rng.random() < 0.8) else -1
        target = open_stages[idx + step]
        t0 = time.perf_counter()
        deals.move_deal(db, deal_id, target, by=owner_id, expected_version=version)
        timings.append((time.perf_counter() - t0) * 1000)
    size = path.stat().st_size
    db.dispose()
    print(
        json.dumps(
            {
                "benchmark": "services",
                "backend": "sqlite",
                "deals": args.deals,
                "rows": {
                    "deals": summary.deals,
                    "stage_transitions": summary.transitions,
                    "activities": summary.activities,
                    "customers": summary.customers,
                },
                "demo_build_s": round(build_s, 2),
                "open_existing_db_s": round(open_s, 3),
                "db_file_mib": round(size / 1_048_576, 1),
                "move_deal_ms": {
                    "n": len(timings),
                    "median": round(statistics.median(timings), 3),
                    "p95": round(_percentile(timings, 0.95), 3),
                    "max": round(max(timings), 3),
                },
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                },
            },
            indent=2,
        )
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
