"""Copy a whole crmdesk database to another one: the usual move is a one-PC SQLite file
to the team's PostgreSQL server.

:func:`copy_database` reads the source in one snapshot (so people may keep working in
it) and writes every table (:data:`~crmdesk.portability.tables.TABLE_ORDER`, ids kept)
into the destination in one transaction; the destination's triggers rebuild the
derived facts. Before committing it compares the row counts of every table, the
trigger-kept facts and the KPIs of every pipeline (:mod:`crmdesk.portability.checks`)
between the source snapshot and the uncommitted destination; any difference rolls
the copy back. After the commit the destination is read again and compared once
more, and the report lists the figures side by side.

The destination must be empty: a new SQLite file, or a PostgreSQL database or schema
without crmdesk tables (they are created at the current schema), or one that
``crmdesk migrate`` just made (its default admin, pipeline and lists are replaced).
A source SQLite file with an older schema is upgraded in a temporary copy first; the
file itself is never written.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crmdesk.db.engine import Database, display_url, resolve_url, sqlite_path
from crmdesk.db.migrate import head_revision, open_database, probe
from crmdesk.portability import PortabilityError
from crmdesk.portability.checks import Checks, Difference, compare_checks, take_checks
from crmdesk.portability.dump import require_head, schema_revision, snapshot
from crmdesk.portability.tables import (
    TABLE_ORDER,
    TableWriter,
    analyze,
    clear,
    copied_columns,
    read_rows,
    require_empty,
)

Target = Database | URL | str | Path


@dataclass(frozen=True)
class CountLine:
    table: str
    source: int
    destination: int


@dataclass(frozen=True)
class KpiLine:
    pipeline: str
    name: str
    source: Any
    destination: Any


@dataclass(frozen=True)
class CopyReport:
    """What was copied and the figures that prove it. ``differences`` is empty when the
    committed destination agrees with the source snapshot in every figure."""

    source: str
    destination: str
    source_checks: Checks
    destination_checks: Checks
    differences: list[Difference] = field(default_factory=list)
    seconds: float = 0.0
    #: The source was an older SQLite schema, upgraded in a temporary copy.
    upgraded_from: str | None = None

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def counts(self) -> list[CountLine]:
        src, dst = self.source_checks.counts, self.destination_checks.counts
        return [CountLine(t, src.get(t, 0), dst.get(t, 0)) for t in src]

    @property
    def kpis(self) -> list[KpiLine]:
        lines = []
        for pipe, values in self.source_checks.kpis.items():
            other = self.destination_checks.kpis.get(pipe, {})
            lines.extend(KpiLine(pipe, k, v, other.get(k)) for k, v in values.items())
        return lines


def _same_database(a: URL, b: URL, a_schema: str | None, b_schema: str | None) -> bool:
    pa, pb = sqlite_path(a), sqlite_path(b)
    if pa is not None or pb is not None:
        return pa is not None and pb is not None and pa.resolve() == pb.resolve()
    return (display_url(a), a_schema) == (display_url(b), b_schema)


def _url(value: URL | str | Path) -> URL:
    return value if isinstance(value, URL) else resolve_url(str(value))


@contextmanager
def _source(value: Target, pg_schema: str | None) -> Iterator[tuple[Database, str | None]]:
    """The source opened read-only, and the older revision it was upgraded from (in a
    temporary copy) if it was an older SQLite file."""
    if isinstance(value, Database):
        yield value, None
        return
    url = _url(value)
    path = sqlite_path(url)
    if path is not None:
        state = probe(url)  # refuses a foreign, damaged or newer file, untouched
        if state.empty:
            raise PortabilityError(
                f"{path}: does not exist or holds no crmdesk data", reason="no_source"
            )
        if state.revision != head_revision():
            with tempfile.TemporaryDirectory(prefix="crmdesk-copy-") as tmp:
                upgraded = Path(tmp) / path.name
                src = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
                dst = sqlite3.connect(upgraded)
                try:
                    src.backup(dst)
                finally:
                    dst.close()
                    src.close()
                db = open_database(upgraded).db  # upgrades the temporary copy only
                try:
                    yield db, state.revision
                finally:
                    db.dispose()
            return
    db = open_database(url, create=False, upgrade_schema=False, pg_schema=pg_schema).db
    try:
        yield db, None
    finally:
        db.dispose()


@contextmanager
def _destination(value: Target, pg_schema: str | None) -> Iterator[tuple[Database, Path | None]]:
    """The destination opened (created at the current schema when it is new), and the
    SQLite file this call created, to be removed if the copy does not happen."""
    if isinstance(value, Database):
        yield value, None
        return
    url = _url(value)
    path = sqlite_path(url)
    existed = path is not None and path.exists() and path.stat().st_size > 0
    result = open_database(url, create=True, upgrade_schema=False, pg_schema=pg_schema)
    created = path if path is not None and not existed else None
    try:
        yield result.db, created
    finally:
        result.db.dispose()


def _remove_sqlite(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        p.unlink(missing_ok=True)


def copy_database(
    source: Target,
    destination: Target,
    *,
    source_pg_schema: str | None = None,
    destination_pg_schema: str | None = None,
    now: datetime | None = None,
) -> CopyReport:
    """Copy every table of ``source`` into the empty ``destination`` and check the result
    (see the module docstring). Each side is a :class:`Database`, a URL or an SQLite
    file path. Raises :class:`PortabilityError` when refused or when the uncommitted
    copy differs from the source (nothing is written then; an SQLite file made for the
    copy is removed); a difference found only after the commit is in the report."""
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if (
        not isinstance(source, Database)
        and not isinstance(destination, Database)
        and _same_database(_url(source), _url(destination), source_pg_schema, destination_pg_schema)
    ):
        raise PortabilityError(
            "the source and the destination are the same database", reason="same"
        )
    with ExitStack() as stack:
        src_db, upgraded_from = stack.enter_context(_source(source, source_pg_schema))
        dst_db, created = stack.enter_context(_destination(destination, destination_pg_schema))
        if src_db.display_url == dst_db.display_url and src_db.dialect == "sqlite":
            raise PortabilityError(
                "the source and the destination are the same database", reason="same"
            )
        where_dst = dst_db.display_url
        where_src = src_db.display_url
        if upgraded_from is not None:  # name the file, not its upgraded temporary copy
            where_src = display_url(_url(source))  # type: ignore[arg-type]
        try:
            src_checks = _copy(src_db, dst_db, now, where_src, where_dst)
        except BaseException:
            if created is not None:
                dst_db.dispose()
                _remove_sqlite(created)
            raise
        with dst_db.engine.connect() as conn:
            analyze(conn)
            conn.commit()
        with dst_db.read() as session:
            committed = take_checks(session, now=now)
        return CopyReport(
            source=where_src,
            destination=where_dst,
            source_checks=src_checks,
            destination_checks=committed,
            differences=compare_checks(src_checks, committed),
            seconds=round(time.perf_counter() - started, 3),
            upgraded_from=upgraded_from,
        )
    raise AssertionError("unreachable")


def _copy(
    src_db: Database, dst_db: Database, now: datetime, where_src: str, where_dst: str
) -> Checks:
    """One snapshot of the source, one transaction on the destination; the source's
    checks, which the uncommitted destination matched."""
    try:
        with snapshot(src_db) as src, dst_db.transaction() as session:
            require_head(schema_revision(src), where_src)
            dst = session.connection()
            require_head(schema_revision(dst), where_dst)
            require_empty(dst, where_dst)
            clear(dst)
            writer = TableWriter(dst)
            for name in TABLE_ORDER:
                columns = copied_columns(name)
                writer.write(name, [c.name for c in columns], read_rows(src, name, columns))
            writer.finish()
            with Session(bind=src) as src_session:
                src_checks = take_checks(src_session, now=now)
            dst_checks = take_checks(session, now=now)
            differences = compare_checks(src_checks, dst_checks)
            if differences:
                shown = "; ".join(str(d) for d in differences[:5])
                more = f" (and {len(differences) - 5} more)" if len(differences) > 5 else ""
                raise PortabilityError(
                    f"the copy in {where_dst} disagrees with {where_src}, so it was rolled "
                    f"back: {shown}{more}",
                    reason="checks_differ",
                )
    except DBAPIError as exc:
        text = str(exc.orig or exc).strip()
        first = text.splitlines()[0] if text else type(exc).__name__
        raise PortabilityError(
            f"copying into {where_dst} failed ({first}); nothing was written",
            reason="rejected_by_database",
        ) from exc
    return src_checks
