"""What the benchmark scripts share: the machine's speed and a fresh database.

The scripts run as ``python benchmarks/bench_*.py``, which puts this folder on the
import path; ``tests/test_concurrency.py`` adds it before it loads its script.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from crmdesk.db.engine import Database, create_db_engine, resolve_url
from crmdesk.db.migrate import open_database
from crmdesk.services.setup import ensure_initialized


def calibrate() -> float:
    """Milliseconds for ten million integer additions in plain Python (best of three):
    how fast the machine is just now, printed with every result."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - t)
    return round(best * 1000, 1)


@contextmanager
def fresh_database(backend: str, sqlite_file: Path, pg_url: str | None) -> Iterator[Database]:
    """A new, initialised database: the SQLite file ``sqlite_file``, or a schema of its
    own on the PostgreSQL server ``pg_url``, dropped afterwards."""
    if backend == "sqlite":
        result = open_database(sqlite_file)
        try:
            ensure_initialized(result.db)
            yield result.db
        finally:
            result.db.dispose()
        return
    assert pg_url
    schema = f"crmdesk_bench_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(resolve_url(pg_url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        result = open_database(pg_url, pg_schema=schema)
        try:
            ensure_initialized(result.db)
            yield result.db
        finally:
            result.db.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
