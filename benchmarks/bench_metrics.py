"""Benchmark: every metrics report on SQLite, against a naive in-memory route. Prints JSON.

    python benchmarks/bench_metrics.py --deals 100000 [--db PATH] [--runs 3] [--tz ZONE]
        [--slow-s 10]

Builds the demo at that size into a temp SQLite file, or reuses ``--db`` when
it exists and holds exactly that many deals (a new ``--db`` path is built and
kept). Each report of :class:`MetricsService` is timed over the whole history
(the CLI's default period), median of ``--runs`` runs, in milliseconds, and
``all`` likewise. A report whose first run takes longer than ``--slow-s``
seconds is timed once (its runs are listed in ``report_runs_ms``).

For comparison it also times the straightforward route: load the deals,
stage transitions and activities rows into plain Python and compute the KPIs
and the stage efficiency in memory. It checks that route's counts and amounts
against the service's, and prints its time and the ratio naive ÷ SQL (the
SQL side being kpis + stages).

Targets at 100,000 deals: ``all`` ≤ 2 s, each report ≤ 0.5 s; time roughly
linear in deals.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from _common import calibrate
from sqlalchemy import func, select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.db.migrate import open_database
from crmdesk.demo import build_demo
from crmdesk.metrics import MetricsFilter, MetricsService, local_timezone_name
from crmdesk.services.setup import ensure_initialized

ALL_TARGET_MS = 2000.0
REPORT_TARGET_MS = 500.0
CENT = Decimal("0.01")
RESPONSE_KINDS = {"call", "meeting", "email"}


def _count_deals(db: Database) -> int:
    with db.read() as s:
        return int(s.execute(select(func.count()).select_from(m.Deal)).scalar_one())


def _prepare(args: argparse.Namespace) -> tuple[Path, bool, float | None, Any]:
    """The database file, whether it was reused, the build time, and a temp dir to clean."""
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="crmdesk-bench-metrics-")
        path = Path(tmp.name) / "bench.sqlite3"
    else:
        path = args.db
        if path.exists():
            opened = open_database(path, create=False)  # an older schema is upgraded
            if opened.upgraded_from:
                print(
                    f"upgraded {path} from schema {opened.upgraded_from} (backup: {opened.backup})",
                    file=sys.stderr,
                )
            try:
                have = _count_deals(opened.db)
            finally:
                opened.db.dispose()
            if have != args.deals:
                sys.exit(f"{path} holds {have:,} deals, not {args.deals:,}; give another --db")
            return path, True, None, None
    started = time.perf_counter()
    result = open_database(path)
    ensure_initialized(result.db)
    build_demo(result.db, deals=args.deals, seed=args.seed)
    result.db.dispose()
    return path, False, time.perf_counter() - started, tmp


def _time(fn: Callable[[], Any], runs: int, slow_s: float) -> tuple[float, list[float], Any]:
    """Median ms of ``runs`` runs; a single run when the first one takes over ``slow_s``."""
    timings, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        timings.append((time.perf_counter() - t0) * 1000)
        if timings[0] > slow_s * 1000:
            break
    return statistics.median(timings), timings, value


# --- the naive route ------------------------------------------------------------------------------


def _days(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 86400.0


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def naive_load(db: Database) -> dict[str, Any]:
    """Every row the KPIs and stage efficiency need, as plain Python tuples."""
    D, T, A = m.Deal.__table__, m.StageTransition.__table__, m.Activity.__table__
    with db.read() as s:
        pipe = (
            s.execute(
                select(m.Pipeline).order_by(m.Pipeline.is_default.desc(), m.Pipeline.position)
            )
            .scalars()
            .first()
        )
        stages = list(
            s.execute(
                select(m.Stage).where(m.Stage.pipeline_id == pipe.id).order_by(m.Stage.position)
            ).scalars()
        )
        stage_info = [(st.id, st.kind, st.active, st.probability) for st in stages]
        deals = s.execute(
            select(
                D.c.id,
                D.c.pipeline_id,
                D.c.stage_id,
                D.c.amount,
                D.c.created_at,
                D.c.closed_at,
                D.c.customer_id,
                D.c.lost_at_stage_id,
            )
        ).all()
        transitions = s.execute(select(T.c.id, T.c.deal_id, T.c.to_stage_id, T.c.at)).all()
        activities = s.execute(select(A.c.deal_id, A.c.kind, A.c.done_at)).all()
        return {
            "pipeline_id": pipe.id,
            "qualified_stage_id": pipe.qualified_stage_id,
            "stages": stage_info,
            "deals": deals,
            "transitions": transitions,
            "activities": activities,
        }


def naive_compute(data: dict[str, Any]) -> dict[str, Any]:
    """KPIs and stage efficiency over the whole history, the straightforward way."""
    open_ids = [sid for sid, kind, active, _ in data["stages"] if kind == "open" and active]
    won_ids = {sid for sid, kind, _, _ in data["stages"] if kind == "won"}
    lost_ids = {sid for sid, kind, _, _ in data["stages"] if kind == "lost"}
    prob = {sid: p for sid, _, _, p in data["stages"]}
    n = len(open_ids)
    index = {sid: i for i, sid in enumerate(open_ids)} | dict.fromkeys(won_ids, n)
    q = open_ids.index(data["qualified_stage_id"]) if data["qualified_stage_id"] in open_ids else 1

    all_deals = data["deals"]
    deals = [d for d in all_deals if d.pipeline_id == data["pipeline_id"]]
    ids = {d.id for d in deals}
    by_deal: dict[int, list[Any]] = defaultdict(list)
    for t in data["transitions"]:
        if t.deal_id in ids:
            by_deal[t.deal_id].append(t)
    first_response: dict[int, datetime] = {}
    for a in data["activities"]:
        if a.deal_id in ids and a.done_at is not None and a.kind in RESPONSE_KINDS:
            seen = first_response.get(a.deal_id)
            if seen is None or a.done_at < seen:
                first_response[a.deal_id] = a.done_at

    won = [d for d in deals if d.stage_id in won_ids]
    lost = [d for d in deals if d.stage_id in lost_ids]
    cycles = [_days(d.created_at, d.closed_at) for d in won]
    won_amount = sum((Decimal(d.amount) for d in won), Decimal(0))
    reach: dict[int, int] = {}
    visits: dict[int, list[float]] = defaultdict(list)
    for deal_id, ts in by_deal.items():
        ts.sort(key=lambda t: (t.at, t.id))
        reach[deal_id] = max(index.get(t.to_stage_id, -1) for t in ts)
        for cur, nxt in itertools.pairwise(ts):
            visits[cur.to_stage_id].append(_days(cur.at, nxt.at))
    hours = [
        max(_days(d.created_at, first_response[d.id]) * 24.0, 0.0)
        for d in deals
        if d.id in first_response
    ]
    open_deals = [d for d in deals if d.stage_id in open_ids]
    # each customer's first won deal, over all its deals
    first_win: dict[int, Any] = {}
    for d in all_deals:
        if d.customer_id is None or d.stage_id not in won_ids:
            continue
        seen = first_win.get(d.customer_id)
        if seen is None or (d.closed_at, d.id) < (seen.closed_at, seen.id):
            first_win[d.customer_id] = d
    per_customer: dict[int, Decimal] = defaultdict(Decimal)
    for d in won:
        if d.customer_id is not None:
            per_customer[d.customer_id] += Decimal(d.amount)
    kpis = {
        "won_count": len(won),
        "lost_count": len(lost),
        "won_amount": _money(won_amount),
        "close_rate": len(won) / (len(won) + len(lost)) if won or lost else None,
        "avg_sales_cycle_days": statistics.fmean(cycles) if cycles else None,
        "median_sales_cycle_days": _median(cycles),
        "lead_conversion_rate": sum(1 for d in deals if reach.get(d.id, -1) >= q) / len(deals)
        if deals
        else None,
        "response_time_median_hours": _median(hours),
        "no_response_share": (len(deals) - len(hours)) / len(deals) if deals else None,
        "new_customers": sum(1 for d in first_win.values() if d.pipeline_id == data["pipeline_id"]),
        "open_pipeline_amount": _money(sum((Decimal(d.amount) for d in open_deals), Decimal(0))),
        "weighted_pipeline_amount": _money(
            sum((Decimal(d.amount) * prob[d.stage_id] for d in open_deals), Decimal(0)) / 100
        ),
        "ltv_avg": _money(sum(per_customer.values(), Decimal(0)) / len(per_customer))
        if per_customer
        else None,
    }
    lost_here: dict[int, int] = defaultdict(int)
    for d in lost:
        lost_here[d.lost_at_stage_id] += 1
    reached = [sum(1 for d in deals if reach.get(d.id, -1) >= i) for i in range(n)]
    stages = [
        {
            "reached": reached[i],
            "advanced": reached[i + 1] if i + 1 < n else len(won),
            "lost_here": lost_here.get(sid, 0),
            "open_here": sum(1 for d in open_deals if d.stage_id == sid),
            "visits": len(visits.get(sid, [])),
            "median_days": _median(visits.get(sid, [])),
        }
        for i, sid in enumerate(open_ids)
    ]
    return {"kpis": kpis, "stages": stages}


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))
    return a == b


def _compare(naive: dict[str, Any], kpis: Any, stages: Any) -> list[str]:
    """The figures where the naive route and the service disagree (expected: none)."""
    bad = [k for k, v in naive["kpis"].items() if not _close(v, getattr(kpis, k))]
    for mine, row in zip(naive["stages"], stages.rows, strict=True):
        bad += [f"{row.stage_key}.{k}" for k, v in mine.items() if not _close(v, getattr(row, k))]
    return bad


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="SQLite file to reuse or build (default: temp)")
    parser.add_argument("--runs", type=int, default=3, help="runs per report; the median counts")
    parser.add_argument(
        "--slow-s",
        type=float,
        default=10.0,
        help="a report whose first run takes longer is not run again (10)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tz", default=None, help="time zone (default: this computer's)")
    args = parser.parse_args()

    path, reused, build_s, tmp = _prepare(args)
    calibration_before = calibrate()
    db = open_database(path, create=False, upgrade_schema=False).db
    svc = MetricsService(db)
    now = datetime.now(UTC)
    f = MetricsFilter(tz=args.tz or local_timezone_name(), now=now)

    reports: dict[str, Callable[[], Any]] = {
        "kpis": lambda: svc.kpis(f),
        "stages": lambda: svc.stage_efficiency(f),
        "funnel": lambda: svc.funnel(f),
        "new_customers": lambda: svc.new_customers(f),
        "forecast": lambda: svc.forecast(f),
        "targets": lambda: svc.targets(f),
        "performance": lambda: svc.performance(f),
        "activity": lambda: svc.activity(f),
    }
    svc.kpis(f)  # warm the page cache once; every report is then timed the same way
    medians: dict[str, float] = {}
    runs: dict[str, list[float]] = {}
    values: dict[str, Any] = {}
    for name, fn in reports.items():
        medians[name], runs[name], values[name] = _time(fn, args.runs, args.slow_s)
    all_ms, all_runs, _ = _time(lambda: svc.all(f), args.runs, args.slow_s)

    t0 = time.perf_counter()
    data = naive_load(db)
    t1 = time.perf_counter()
    naive = naive_compute(data)
    t2 = time.perf_counter()
    load_ms, compute_ms = (t1 - t0) * 1000, (t2 - t1) * 1000
    rows = {k: len(data[k]) for k in ("deals", "transitions", "activities")}
    mismatches = _compare(naive, values["kpis"], values["stages"])
    sql_ms = medians["kpis"] + medians["stages"]
    naive_ms = load_ms + compute_ms
    size = path.stat().st_size
    db.dispose()

    slow = {k: round(v, 1) for k, v in medians.items() if v > REPORT_TARGET_MS}
    print(
        json.dumps(
            {
                "benchmark": "metrics",
                "backend": "sqlite",
                "sqlite": sqlite3.sqlite_version,
                "deals": args.deals,
                "rows": rows,
                "db_file_mib": round(size / 1_048_576, 1),
                "db_reused": reused,
                "demo_build_s": round(build_s, 1) if build_s is not None else None,
                "tz": f.tz,
                "runs": args.runs,
                "report_ms": {k: round(v, 1) for k, v in medians.items()},
                "report_runs_ms": {k: [round(x, 1) for x in v] for k, v in runs.items()},
                "all_ms": round(all_ms, 1),
                "all_runs_ms": [round(x, 1) for x in all_runs],
                "targets": {
                    "all_ms_max": ALL_TARGET_MS,
                    "report_ms_max": REPORT_TARGET_MS,
                    "all_ok": all_ms <= ALL_TARGET_MS,
                    "reports_over_target": slow,
                },
                "naive": {
                    "what": "load deals, transitions, activities; KPIs + stage efficiency "
                    "in plain Python",
                    "load_ms": round(load_ms, 1),
                    "compute_ms": round(compute_ms, 1),
                    "total_ms": round(naive_ms, 1),
                    "sql_kpis_plus_stages_ms": round(sql_ms, 1),
                    "ratio_naive_to_sql": round(naive_ms / sql_ms, 1) if sql_ms else None,
                    "mismatches_with_sql": mismatches,
                },
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
        )
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
