"""Running an import: read the file, check every row, then write all of it in one
transaction, or nothing.

:func:`run_import` is the one entry point (the CLI and the GUI wizard call it):

1. the acting user must be a manager or an admin (an admin for users), else
   :class:`~crmdesk.domain.PermissionDenied`;
2. the mapping is read and checked (:class:`MappingError`), the file is read
   (:class:`ImportFileError` for a file that cannot be used: wrong encoding, binary,
   empty, missing columns, a huge cell, several sheets, merged cells, ...);
3. every row is checked against the database (owners, customers, stages, keys...)
   before anything is written, and each problem is kept as a
   :class:`~crmdesk.importing.messages.RowIssue` (line, column, reason);
4. a dry run stops here and reports what would be created, updated and left as is;
   a real import with a bad row stops here too and writes nothing, unless
   ``skip_bad_rows`` is set: then the good rows are written and the bad ones go to
   ``rejects_path`` (their cells as read, plus ``crmdesk_line`` and
   ``crmdesk_errors``);
5. the write is one transaction (SQLAlchemy Core bulk inserts, ids drawn up front),
   recorded in the change log with the import's :class:`~crmdesk.domain.Changes`.

A ``progress(phase, done, total)`` callback hears "reading", "checking" and "writing";
``cancel`` (a callable returning True, or a ``threading.Event``) is asked at the same
points. Cancelling rolls the transaction back: nothing is written, the result says
``cancelled``.

Times: a date or time without a UTC offset is local to the mapping's ``[dates]
time_zone``, else to the database's team ``time_zone`` setting; a date alone is local
midnight. Everything is stored in UTC.
"""

from __future__ import annotations

import contextlib
import csv
import os
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError

from crmdesk.db.engine import Database
from crmdesk.db.zone import TIME_ZONE_KEY
from crmdesk.domain import Changes, Outcome, PermissionDenied, Role
from crmdesk.importing.base import Env, Planner, Row, Skip
from crmdesk.importing.binding import Binding
from crmdesk.importing.deals import DealPlanner
from crmdesk.importing.fields import ENTITIES, field_spec
from crmdesk.importing.lookups import Lookups
from crmdesk.importing.mapping import ImportMapping, load_mapping
from crmdesk.importing.messages import (
    PERMISSION_MESSAGES,
    ImportFileError,
    MappingError,
    RowIssue,
    describe,
    human_list,
)
from crmdesk.importing.reader import FileInfo, SourceRow, Table, read_table
from crmdesk.importing.records import (
    ActivityPlanner,
    ContactPlanner,
    CustomerPlanner,
    UserPlanner,
)
from crmdesk.importing.values import CellError, DateReader, read_amount, read_bool
from crmdesk.services._common import actor, is_manager, setting, utcnow

PLANNERS: dict[str, type[Planner]] = {
    "deals": DealPlanner,
    "customers": CustomerPlanner,
    "contacts": ContactPlanner,
    "activities": ActivityPlanner,
    "users": UserPlanner,
}
#: How often (rows) the progress callback hears from the checking phase.
PROGRESS_EVERY = 1_000
#: PostgreSQL: the tables an import writes (the triggers' stage_visits included).
WRITTEN_TABLES = (
    "users",
    "lead_sources",
    "lost_reasons",
    "customers",
    "contacts",
    "deals",
    "stage_transitions",
    "stage_visits",
    "activities",
    "audit_log",
)
#: PostgreSQL: an import writing this many rows refreshes the planner's statistics.
ANALYZE_AFTER = 1_000

Progress = Callable[[str, int, int], None]


class _Cancelled(Exception):
    pass


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or (a dry run) would do.

    ``created``/``updated``/``skipped``/``rejected`` are the file lines of the rows in
    each group (sheet row numbers for a workbook); ``errors`` every problem found.
    ``written`` is True when the rows were committed. ``new_records`` names the owners,
    customers, lead sources and lost reasons that were (or would be) added, keyed
    ``user``, ``customer``, ``source``, ``lost_reason``.
    """

    entity: str
    file: FileInfo
    dry_run: bool
    written: bool
    cancelled: bool
    rows: int
    created: tuple[int, ...]
    updated: tuple[int, ...]
    skipped: tuple[int, ...]
    rejected: tuple[int, ...]
    errors: tuple[RowIssue, ...]
    new_records: dict[str, list[str]] = field(default_factory=dict)
    rejects_path: Path | None = None
    changes: Changes = field(default_factory=Changes)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Every row was (or would be) imported."""
        return not self.errors and not self.cancelled

    def summary(self) -> str:
        """One English paragraph: what happened, and the new records."""
        params: dict[str, Any] = {
            "file": self.file.path.name,
            "rows": self.rows,
            "created": len(self.created),
            "updated": len(self.updated),
            "skipped": len(self.skipped),
            "rejected": len(self.rejected),
            "seconds": self.seconds,
            "rejects": "",
        }
        if self.cancelled:
            code = "summary_cancelled"
        elif self.dry_run:
            code = "summary_dry_run"
        elif not self.written:
            code = "summary_refused"
        elif self.rejected:
            code = "summary_partial"
            if self.rejects_path is not None:
                params["rejects"] = describe("summary_rejects_file", {"path": self.rejects_path})
        else:
            code = "summary_done"
        text = describe(code, params)
        if self.cancelled or (not self.written and not self.dry_run):
            return text
        added = "summary_would_add" if self.dry_run else "summary_added"
        for kind in ("user", "customer", "source", "lost_reason"):
            names = self.new_records.get(kind) or []
            if names:
                what = describe(f"what_{kind}", {})
                text += " " + describe(
                    added, {"count": len(names), "what": what, "names": human_list(names)}
                )
        return text


def run_import(
    db: Database,
    entity: str,
    file: str | Path,
    mapping: ImportMapping | str | Path,
    *,
    by: int,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    rejects_path: str | Path | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | Any | None = None,
) -> ImportResult:
    """Import ``file`` (CSV or XLSX) as ``entity`` (deals, customers, contacts,
    activities or users) with ``mapping`` (an :class:`ImportMapping` or the path of a
    TOML mapping), acting as the user ``by``. See the module docstring.

    Raises :class:`PermissionDenied`, :class:`MappingError` or
    :class:`ImportFileError`; row problems are reported in the result, never raised.
    """
    started = _time.perf_counter()
    if entity not in ENTITIES:
        raise MappingError(
            "mapping_unknown_entity", where="entity", value=entity, allowed=", ".join(ENTITIES)
        )
    if isinstance(mapping, ImportMapping):
        if mapping.entity != entity:
            raise MappingError(
                "mapping_entity_mismatch", mapping_entity=mapping.entity, entity=entity
            )
    else:
        mapping = load_mapping(mapping, entity)
    tick = _ticker(progress, cancel)
    with db.read() as s:
        _require(actor(s, by), entity)
        zone_name = mapping.time_zone or setting(s, TIME_ZONE_KEY) or "UTC"
    zone = _zone(zone_name)
    dates = DateReader(mapping.date_formats, zone)
    _check_defaults(mapping, dates)

    table: Table | None = None
    try:
        tick("reading", 0, 0)
        table = read_table(
            file,
            sheet=mapping.sheet,
            encoding=mapping.encoding,
            delimiter=mapping.delimiter,
            header_row=mapping.header_row,
            decimal=mapping.decimal,
        )
        binding = Binding(table, mapping)
        tick("reading", len(table.rows), len(table.rows))
        temp_rejects: Path | None = None
        unit = db.read() if dry_run else db.transaction()
        try:
            with unit as s:
                user = actor(s, by)
                _require(user, entity)
                env = Env(now=utcnow(), dates=dates, actor=user)
                planner = PLANNERS[entity](s, env, mapping, binding, Lookups(s, mapping, user))
                plans = _plan(planner, table, tick)
                issues = sorted(planner.issues, key=lambda i: (i.line, _column_order(binding, i)))
                rejected = tuple(sorted({i.line for i in issues}))
                result = ImportResult(
                    entity=entity,
                    file=table.info,
                    dry_run=dry_run,
                    written=False,
                    cancelled=False,
                    rows=len(table.rows),
                    created=tuple(p.line for p in plans if p.action == "create"),
                    updated=tuple(p.line for p in plans if p.action == "update"),
                    skipped=tuple(p.line for p in plans if isinstance(p, Skip)),
                    rejected=rejected,
                    errors=tuple(issues),
                    new_records=planner.new_records(plans),
                )
                if dry_run or (issues and not skip_bad_rows):
                    return _done(result, started)
                if rejected and rejects_path is not None:
                    temp_rejects = _write_rejects(Path(rejects_path), table, issues)
                writes = [p for p in plans if not isinstance(p, Skip)]
                _hold_statistics(s)
                changes = planner.write(writes, tick)
                if len(writes) >= ANALYZE_AFTER:
                    _analyze(s)
                tick("writing", len(writes), len(writes))  # the last chance to cancel
                result = _done(
                    _replace(
                        result,
                        written=True,
                        changes=changes,
                        rejects_path=Path(rejects_path) if temp_rejects else None,
                    ),
                    started,
                )
                Outcome(result, changes)  # the change log records it with this transaction
            if temp_rejects is not None:
                try:
                    os.replace(temp_rejects, Path(rejects_path))  # type: ignore[arg-type]
                except OSError:  # committed already: say where the rejects are instead
                    result = _replace(result, rejects_path=temp_rejects)
                temp_rejects = None
            return result
        finally:
            if temp_rejects is not None:
                with contextlib.suppress(OSError):
                    temp_rejects.unlink()
    except _Cancelled:
        return ImportResult(
            entity=entity,
            file=table.info if table is not None else FileInfo(Path(file), "unknown"),
            dry_run=dry_run,
            written=False,
            cancelled=True,
            rows=len(table.rows) if table is not None else 0,
            created=(),
            updated=(),
            skipped=(),
            rejected=(),
            errors=(),
            seconds=round(_time.perf_counter() - started, 3),
        )
    except (IntegrityError, DataError) as exc:
        text = str(exc.orig or exc).strip()
        reason = text.splitlines()[0] if text else type(exc).__name__
        raise ImportFileError("import_refused", reason=reason) from exc


def dry_run(
    db: Database,
    entity: str,
    file: str | Path,
    mapping: ImportMapping | str | Path,
    *,
    by: int,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | Any | None = None,
) -> ImportResult:
    """:func:`run_import` without writing: what would be created, updated, left as is,
    and every problem."""
    return run_import(
        db, entity, file, mapping, by=by, dry_run=True, progress=progress, cancel=cancel
    )


# --- the steps --------------------------------------------------------------------------------


def _require(user: Any, entity: str) -> None:
    if entity == "users":
        if user.role != Role.ADMIN.value:
            raise PermissionDenied(
                PERMISSION_MESSAGES["import_needs_admin"], action="import_users", role=user.role
            )
    elif not is_manager(user):
        raise PermissionDenied(
            PERMISSION_MESSAGES["import_needs_manager"], action="import", role=user.role
        )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _check_defaults(mapping: ImportMapping, dates: DateReader) -> None:
    """A default that can never be read is the mapping's fault, not every row's."""
    for name, value in mapping.defaults.items():
        spec = field_spec(mapping.entity, name)
        if spec is None:
            continue
        try:
            if spec.kind == "instant":
                dates.instant(value)
            elif spec.kind == "day":
                dates.day(value)
            elif spec.kind == "amount":
                read_amount(value, mapping.decimal)
            elif spec.kind == "bool":
                read_bool(value)
        except CellError as exc:
            raise MappingError(
                "mapping_bad_default",
                where=f'[defaults] "{name}"',
                reason=describe(exc.code, {"field": name, **exc.params}),
            ) from None


def _ticker(progress: Progress | None, cancel: Any) -> Callable[[str, int, int], None]:
    asked = getattr(cancel, "is_set", cancel)

    def tick(phase: str, done: int, total: int) -> None:
        if asked is not None and asked():
            raise _Cancelled
        if progress is not None:
            progress(phase, done, total)

    return tick


def _plan(planner: Planner, table: Table, tick: Callable[[str, int, int], None]) -> list[Any]:
    rows = table.rows
    total = len(rows)
    tick("checking", 0, total)
    planner.prepare(rows)
    plans: list[Any] = []
    plan_row = planner.plan_row
    for i, source in enumerate(rows):
        if i % PROGRESS_EVERY == 0 and i:
            tick("checking", i, total)
        row = Row(source)
        plan = plan_row(row)
        if plan is not None and not row.failed:
            plans.append(plan)
    tick("checking", total, total)
    return planner.finish(plans)


def _hold_statistics(s: Any) -> None:
    """PostgreSQL: no ANALYZE by another session (autovacuum, a database-wide one) while
    the import writes. It cannot see the uncommitted rows, would record the tables as
    empty, and the triggers' statements (planned when they run) would then scan whole
    tables for every thousand rows written. Reads and writes are not blocked; a second
    import waits for this one. As :class:`crmdesk.portability.tables.TableWriter`."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text(f"LOCK TABLE {', '.join(WRITTEN_TABLES)} IN SHARE UPDATE EXCLUSIVE MODE"))


def _analyze(s: Any) -> None:
    """PostgreSQL, after a large write: fresh statistics for the written tables, in the
    import's transaction (which counts its own new rows). Without them the plans made
    while the tables were small or empty (prepared statements, the next import's
    lookups, the reports) would go on scanning them whole until autovacuum, which may
    be off, analyzes them."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text(f"ANALYZE {', '.join(WRITTEN_TABLES)}"))


def _column_order(binding: Binding, issue: RowIssue) -> int:
    if issue.column is None:
        return -1
    try:
        return binding.headers.index(issue.column)
    except ValueError:
        return len(binding.headers)


def _replace(result: ImportResult, **changes: Any) -> ImportResult:
    return replace(result, **changes)


def _done(result: ImportResult, started: float) -> ImportResult:
    return _replace(result, seconds=round(_time.perf_counter() - started, 3))


def _cell_out(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write_rejects(path: Path, table: Table, issues: list[RowIssue]) -> Path:
    """The bad rows, as read, plus their line and problems, in a temporary file beside
    ``path`` (renamed into place once the import commits). UTF-8 with a BOM for CSV, so
    that Excel shows Chinese text right; XLSX when ``path`` ends in ``.xlsx``."""
    reasons: dict[int, list[str]] = {}
    for i in issues:
        where = f"{i.column}: " if i.column else (f"{i.field}: " if i.field else "")
        reasons.setdefault(i.line, []).append(where + i.reason)
    width = len(table.headers)
    header = [*table.headers, "crmdesk_line", "crmdesk_errors"]
    bad: list[SourceRow] = [r for r in table.rows if r.line in reasons]
    lines = [
        [
            *(_cell_out(c) for c in r.cells),
            *([""] * (width - len(r.cells))),
            str(r.line),
            "; ".join(reasons[r.line]),
        ]
        for r in bad
    ]
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if path.suffix.lower() == ".xlsx":
            import openpyxl

            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet("rejects")
            ws.append(header)
            for line in lines:
                ws.append(line)
            wb.save(temp)
        else:
            with temp.open("w", encoding="utf-8-sig", newline="") as out:
                csv.writer(out).writerows([header, *lines])
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise ImportFileError(
            "rejects_unwritable", path=str(path), reason=exc.strerror or str(exc)
        ) from None
    return temp
