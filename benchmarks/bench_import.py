"""Benchmark: importing a large deals CSV through :func:`crmdesk.importing.run_import`.
Prints JSON.

    python benchmarks/bench_import.py --rows 100000 [--backend sqlite|postgres|both]
        [--customers 3000] [--owners 30] [--seed 7]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--keep-csv PATH]

Writes a realistic deals CSV (an export from another CRM: a few thousand customers,
about 30 owners, every stage, won and lost deals with their close dates, amounts with
thousands separators, lead sources and lost reasons, M/D/YYYY dates) into a temp
folder, then imports it into a fresh, initialised database: SQLite, PostgreSQL (the
server of ``--pg-url`` or ``$CRMDESK_TEST_DATABASE_URL``, in a schema of its own,
dropped afterwards) or both. ``--backend`` defaults to both when a PostgreSQL URL is
known, else SQLite. The owners, customers and sources are new: the import creates
them. Each backend's figures also go to stderr as soon as it is done.

Per backend it prints the phases as the progress callback reports them (setup,
reading, checking, writing; writing includes the commit), the total seconds, rows per second,
and a second import of the same file (every row found by its key and left as it is).
The JSON ends with the process's peak RSS and the machine block (``calibration_ms``
before and after).

Target: 100,000 deal rows in 30 s or less.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _common import calibrate, fresh_database
from sqlalchemy import func, select

from crmdesk.db import models as m
from crmdesk.db.engine import Database
from crmdesk.importing import parse_mapping, run_import
from crmdesk.services.setup import default_admin_id

TARGET_S = 30.0
ENV_PG_URL = "CRMDESK_TEST_DATABASE_URL"

MAPPING = """
entity = "deals"
key = "Deal ID"

[columns]
"Deal ID" = "external_ref"
"Deal name" = "title"
Company = "customer"
Owner = "owner"
Stage = "stage"
Amount = "amount"
Currency = "currency"
Created = "created_at"
Closed = "closed_at"
"Expected close" = "expected_close"
Source = "source"
"Lost reason" = "lost_reason"
Notes = "notes"

[defaults]
currency = "USD"
open_stage = "qualification"

[values.stage]
"New lead" = "prospecting"
Qualified = "qualification"
"Proposal sent" = "quote"
Negotiation = "contract"
"Closed won" = "won"
"Closed lost" = "lost"

[dates]
formats = ["%m/%d/%Y"]
time_zone = "America/New_York"

[create]
owners = "create"
customers = "create"
sources = "create"
lost_reasons = "error"
"""

HEADER = (
    "Deal ID",
    "Deal name",
    "Company",
    "Owner",
    "Stage",
    "Amount",
    "Currency",
    "Created",
    "Closed",
    "Expected close",
    "Source",
    "Lost reason",
    "Notes",
)
#: (stage in the file, weight): about a quarter open, the rest won or lost.
STAGES = (
    ("New lead", 8),
    ("Qualified", 7),
    ("Proposal sent", 6),
    ("Negotiation", 4),
    ("Closed won", 35),
    ("Closed lost", 40),
)
SOURCES = ("Website", "Referral", "Trade show", "Cold call", "Partner", "Webinar", "LinkedIn")
LOST_REASONS = ("Price too high", "Chose a competitor", "No budget", "No decision", "")
PRODUCTS = ("Router upgrade", "Switches", "Firewall", "Wi-Fi survey", "Support plan", "Laptops")
FIRST = ("Ann", "Bob", "Carla", "Deng", "Eva", "Farid", "Gina", "Hiro", "Ines", "Jon", "Kai")
LAST = ("Lee", "Wu", "Novak", "Silva", "Okafor", "Brandt", "Moreau", "Tanaka", "Rossi")
COMPANY_A = ("North", "Blue", "Iron", "Silver", "Green", "Bright", "Delta", "Summit", "Pacific")
COMPANY_B = ("wind", "stone", "field", "bridge", "lake", "point", "works", "gate", "line")
COMPANY_C = ("Traders", "Logistics", "Labs", "Foods", "Health", "Systems", "Motors", "Group")


def _us_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def write_csv(path: Path, rows: int, customers: int, owners: int, seed: int) -> dict[str, Any]:
    """The deals file; what it holds."""
    rnd = random.Random(seed)
    people: list[str] = []
    while len(people) < owners:
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        people.append(name if name not in people else f"{name} {len(people)}")
    companies = [
        f"{rnd.choice(COMPANY_A)}{rnd.choice(COMPANY_B)} {rnd.choice(COMPANY_C)} {i}"
        for i in range(customers)
    ]
    stage_names = [s for s, _ in STAGES]
    stage_weights = [w for _, w in STAGES]
    start = date(2023, 1, 1)
    span = (date(2025, 6, 30) - start).days
    stages: dict[str, int] = dict.fromkeys(stage_names, 0)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(rows):
            stage = rnd.choices(stage_names, stage_weights)[0]
            stages[stage] += 1
            created = start + timedelta(days=rnd.randrange(span))
            closed = expected = reason = ""
            if stage.startswith("Closed"):
                closed = _us_date(created + timedelta(days=rnd.randint(0, 150)))
                if stage == "Closed lost":
                    reason = rnd.choice(LOST_REASONS)
            elif rnd.random() < 0.6:
                expected = _us_date(created + timedelta(days=rnd.randint(20, 120)))
            amount = rnd.randint(5, 2_000) * 50
            company = rnd.choice(companies)
            out.writerow(
                (
                    f"CRM-{100000 + i}",
                    f"{rnd.choice(PRODUCTS)} – {company}",
                    company,
                    rnd.choice(people),
                    stage,
                    f"{amount:,}.00" if rnd.random() < 0.5 else str(amount),
                    "" if rnd.random() < 0.9 else "USD",
                    _us_date(created),
                    closed,
                    expected,
                    rnd.choice(SOURCES) if rnd.random() < 0.8 else "",
                    reason,
                    "Asked for a second demo" if rnd.random() < 0.1 else "",
                )
            )
    return {
        "rows": rows,
        "customers": customers,
        "owners": owners,
        "stages": stages,
        "csv_mib": round(path.stat().st_size / 1_048_576, 1),
    }


def _timed_import(db: Database, by: int, path: Path) -> tuple[Any, dict[str, float], float]:
    """The result, the seconds of each phase and the total.

    The phases end when the progress callback hears them complete: "setup" (the
    mapping, the acting user) until the first "reading" report, "reading" until the
    file is read, "checking" until every row is checked, "writing" (the inserts and the
    commit) until ``run_import`` returns."""
    ends: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        ends.setdefault("setup", now)
        if phase in ("reading", "checking") and done == total:
            ends[phase] = now

    t0 = time.perf_counter()
    result = run_import(db, "deals", path, parse_mapping(MAPPING), by=by, progress=progress)
    end = time.perf_counter()
    ends["writing"] = end
    phases: dict[str, float] = {}
    last = t0
    for name in ("setup", "reading", "checking", "writing"):
        at = ends.get(name, last)
        phases[name] = round(at - last, 2)
        last = at
    return result, phases, end - t0


def measure(backend: str, path: Path, folder: Path, pg_url: str | None) -> dict[str, Any]:
    with fresh_database(backend, folder / "bench.sqlite3", pg_url) as db:
        by = default_admin_id(db)
        result, phases, total = _timed_import(db, by, path)
        if not result.ok:
            sys.exit(f"{backend}: the import failed: {result.summary()} {result.errors[:3]}")
        with db.read() as s:
            deals = int(s.execute(select(func.count()).select_from(m.Deal)).scalar_one())
            history = int(
                s.execute(select(func.count()).select_from(m.StageTransition)).scalar_one()
            )
        again, again_phases, again_total = _timed_import(db, by, path)
        out: dict[str, Any] = {
            "backend": backend,
            "created": len(result.created),
            "deals_in_db": deals,
            "stage_transitions": history,
            "new_records": {k: len(v) for k, v in result.new_records.items()},
            "phases_s": phases,
            "total_s": round(total, 2),
            "rows_per_s": round(len(result.created) / total),
            "target_s": TARGET_S,
            "target_ok": total <= TARGET_S,
            "reimport": {
                "left_as_is": len(again.skipped),
                "phases_s": again_phases,
                "total_s": round(again_total, 2),
            },
        }
        if backend == "sqlite":
            out["sqlite"] = sqlite3.sqlite_version
            files = (folder / "bench.sqlite3", folder / "bench.sqlite3-wal")
            size = sum(f.stat().st_size for f in files if f.exists())
            out["db_files_mib"] = round(size / 1_048_576, 1)
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=3_000)
    parser.add_argument("--owners", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-url", default=os.environ.get(ENV_PG_URL, "").strip() or None)
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres", "both"),
        help="the database(s) to import into (default: both with a PostgreSQL URL)",
    )
    parser.add_argument("--keep-csv", type=Path, help="also keep the generated CSV here")
    args = parser.parse_args(argv)
    backend = args.backend or ("both" if args.pg_url else "sqlite")
    if backend != "sqlite" and not args.pg_url:
        parser.error(f"--backend {backend} needs --pg-url or ${ENV_PG_URL}")

    import json

    calibration_before = calibrate()
    with tempfile.TemporaryDirectory(prefix="crmdesk-bench-import-") as tmp:
        folder = Path(tmp)
        path = folder / "deals.csv"
        t = time.perf_counter()
        made = write_csv(path, args.rows, args.customers, args.owners, args.seed)
        made["write_csv_s"] = round(time.perf_counter() - t, 2)
        if args.keep_csv is not None:
            args.keep_csv.write_bytes(path.read_bytes())
        backends = ["sqlite", "postgres"] if backend == "both" else [backend]
        results = []
        for name in backends:
            print(f"importing {args.rows:,} rows into {name} ...", file=sys.stderr)
            results.append(measure(name, path, folder, args.pg_url))
            done = results[-1]
            print(
                f"  {name}: {done['total_s']} s ({done['rows_per_s']:,} rows/s), "
                f"phases {done['phases_s']}; again: {done['reimport']['total_s']} s",
                file=sys.stderr,
            )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "benchmark": "import",
                "file": made,
                "results": results,
                "peak_rss_mib": round(peak_kib / 1024, 1),
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
