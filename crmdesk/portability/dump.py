"""The whole database as one versioned JSON document, and loading one back.

The document (format ``crmdesk-dump``, version 1; gzip-compressed when the file
name ends in ``.gz``, which :func:`read_dump` recognises by its first bytes)::

    {"format": "crmdesk-dump",
     "version": 1,
     "revision": "0007",
     "crmdesk": "0.1.0",
     "created_at": "2026-05-01T09:30:00.123456Z",
     "source": "sqlite",
     "password_hashes": false,
     "derived": "...",
     "tables": {
      "settings": {"columns": ["key", "value"], "rows": [
       ["app", "crmdesk"],
       ["currency", "USD"]
      ]},
      "users": {"columns": ["id", "name", "login", ...], "rows": [...]},
      ...
     },
     "checks": {"now": "...Z", "counts": {...}, "facts": {...}, "kpis": {...}},
     "checksum": "sha256:9f2c..."}

* ``tables`` holds every table of :data:`~crmdesk.portability.tables.TABLE_ORDER`, in
  that order (parents first), each row a list in ``columns`` order, one row per line,
  rows in primary-key order. The trigger-kept columns and ``stage_visits`` are left
  out (a load rebuilds them); ``users.password_hash`` too unless
  ``include_password_hashes`` (``password_hashes`` says which).
* Values: times are ISO 8601 in UTC ending in ``Z``; dates ``YYYY-MM-DD``; amounts
  and other decimals are strings (``"1200.00"``), never floats; booleans, whole
  numbers, text and the JSON name maps are as they are.
* ``checks`` are the row counts, the trigger-kept facts and the KPIs of the
  database when it was read (:mod:`crmdesk.portability.checks`), all from the same
  snapshot as the rows.
* ``checksum`` is a SHA-256 over the header, every table and the checks, so a file
  changed or cut short after it was written is refused.

:func:`read_dump` validates a file completely: format, version, a known schema
revision (not a newer one), exactly the tables and columns this crmdesk copies
(a dump of an older revision whose tables are the same is accepted), every value,
the row counts and the checksum. :func:`load_dump` loads it into an empty database
at the dump's own schema revision in one transaction: it refuses a database that
holds data, inserts the rows (the triggers rebuild the derived facts), then
compares the counts, facts and KPIs with the recorded ones before it commits. Any
refusal or difference rolls back: nothing is written. ``crmdesk restore`` makes the
new database at the dump's revision and upgrades it after the load.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crmdesk import __version__
from crmdesk.db.engine import Database
from crmdesk.db.migrate import head_revision, known_revisions
from crmdesk.portability import PortabilityError
from crmdesk.portability.checks import (
    Checks,
    checks_from_json,
    compare_checks,
    take_checks,
)
from crmdesk.portability.tables import (
    DERIVED_COLUMNS,
    DERIVED_TABLES,
    SECRET_COLUMNS,
    TABLE_ORDER,
    TableWriter,
    analyze,
    clear,
    column_kind,
    copied_columns,
    from_json,
    read_rows,
    require_empty,
    table,
    table_counts,
    to_json,
)

FORMAT = "crmdesk-dump"
FORMAT_VERSION = 1
GZIP_MAGIC = b"\x1f\x8b"
SQLITE_MAGIC = b"SQLite format 3\x00"
DERIVED_NOTE = (
    "left out, rebuilt by the database's triggers on load: "
    + "; ".join(f"{t}.{', '.join(cols)}" for t, cols in DERIVED_COLUMNS.items())
    + "; the tables "
    + ", ".join(DERIVED_TABLES)
)
_ROW_JSON = {"ensure_ascii": False, "separators": (",", ":"), "allow_nan": False}


@dataclass(frozen=True)
class DumpInfo:
    """What :func:`dump_database` wrote."""

    path: Path
    revision: str
    counts: dict[str, int]
    password_hashes: bool
    compressed: bool
    bytes: int
    seconds: float


@dataclass(frozen=True)
class Dump:
    """A validated dump: every value already turned back into its database type."""

    revision: str
    created_at: datetime
    crmdesk_version: str
    source: str
    password_hashes: bool
    #: Table → (column names, rows as tuples in that order), in TABLE_ORDER.
    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    checks: Checks

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, (_cols, rows) in self.tables.items()}


@dataclass(frozen=True)
class LoadReport:
    """What :func:`load_dump` loaded; ``checks`` agree with the dump's."""

    counts: dict[str, int]
    password_hashes: bool
    checks: Checks
    seconds: float


class _Digest:
    """The checksum: SHA-256 over the header, each table and the checks, each piece in
    its canonical JSON form followed by a newline."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def add(self, piece: str) -> None:
        self._h.update(piece.encode("utf-8"))
        self._h.update(b"\n")

    def header(self, header: dict[str, Any]) -> None:
        self.add(json.dumps(header, sort_keys=True, **_ROW_JSON))  # type: ignore[arg-type]

    def table(self, name: str, columns: list[str]) -> None:
        self.add(json.dumps([name, columns], **_ROW_JSON))  # type: ignore[arg-type]

    def row(self, row_json: str) -> None:
        self.add(row_json)

    def checks(self, checks: dict[str, Any]) -> None:
        self.add(json.dumps(checks, sort_keys=True, **_ROW_JSON))  # type: ignore[arg-type]

    def value(self) -> str:
        return "sha256:" + self._h.hexdigest()


# --- writing -----------------------------------------------------------------------------


def schema_revision(conn: Connection) -> str | None:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def require_head(revision: str | None, where: str) -> None:
    if revision != head_revision():
        if revision in known_revisions():
            raise PortabilityError(
                f"{where} has the older schema {revision}; upgrade it first "
                f"('crmdesk migrate --db ...')",
                reason="old_schema",
            )
        raise PortabilityError(
            f"{where} has the schema {revision!r}, which this crmdesk does not know "
            f"(it knows up to {head_revision()})",
            reason="unknown_schema",
        )


@contextmanager
def snapshot(db: Database) -> Iterator[Connection]:
    """One read transaction that sees a single state of the database while others
    write: SQLite's WAL snapshot, PostgreSQL's REPEATABLE READ."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with conn.begin():
            yield conn


def require_dumpable(conn: Connection, where: str) -> str:
    """The schema revision of the database ``conn`` sees, when a dump can hold it: the
    head, or an older revision whose tables and columns are the same as the head's (the
    migrations since then changed indexes or triggers only), which is what a backup
    before a migration needs. Raises :class:`PortabilityError` otherwise."""
    revision = schema_revision(conn)
    if revision == head_revision() or revision not in known_revisions():
        require_head(revision, where)
        return str(revision)
    found = inspect(conn)
    tables = set(found.get_table_names())
    differ = []
    for name in (*TABLE_ORDER, *DERIVED_TABLES):
        want = {c.name for c in table(name).columns}
        have = {c["name"] for c in found.get_columns(name)} if name in tables else set()
        if want != have:
            differ.append(name)
    if differ:
        raise PortabilityError(
            f"{where} has the older schema {revision}, whose tables ({', '.join(differ)}) "
            f"differ from schema {head_revision()}'s, so a JSON dump cannot hold it; "
            "back it up with the database's own tools (pg_dump)",
            reason="old_schema",
        )
    return str(revision)


#: A progress callback: (rows written, rows in all); it may raise to stop the dump.
Progress = Callable[[int, int], None]
#: Rows between two progress reports.
PROGRESS_EVERY = 2_000


def write_dump_stream(
    conn: Connection,
    out: IO[str],
    *,
    include_password_hashes: bool,
    older: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the document of the database ``conn`` sees (inside its transaction) to
    ``out``; returns the rows written per table. ``older``: a database at an older
    schema revision with the head's tables may be written too (see
    :func:`require_dumpable`); the document names its revision. ``progress`` hears the
    rows written of all the rows (counted first, in the same snapshot)."""
    if older:
        revision = require_dumpable(conn, "the database")
    else:
        require_head(schema_revision(conn), "the database")
        revision = head_revision()
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "revision": revision,
        "crmdesk": __version__,
        "created_at": to_json("datetime", datetime.now(UTC)),
        "source": conn.dialect.name,
        "password_hashes": include_password_hashes,
        "derived": DERIVED_NOTE,
    }
    digest = _Digest()
    digest.header(header)
    out.write("{")
    out.write(",\n ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in header.items()))
    out.write(',\n "tables": {')
    counts: dict[str, int] = {}
    total = sum(table_counts(conn).get(name, 0) for name in TABLE_ORDER) if progress else 0
    written = 0
    if progress is not None:
        progress(0, total)
    for i, name in enumerate(TABLE_ORDER):
        columns = copied_columns(name, password_hashes=include_password_hashes)
        names = [c.name for c in columns]
        kinds = [column_kind(c) for c in columns]
        digest.table(name, names)
        out.write(f'{"," if i else ""}\n  {json.dumps(name)}: {{"columns": {json.dumps(names)}')
        out.write(', "rows": [')
        n = 0
        for row in read_rows(conn, name, columns):
            line = json.dumps(
                [to_json(k, v) for k, v in zip(kinds, row, strict=True)],
                **_ROW_JSON,  # type: ignore[arg-type]
            )
            digest.row(line)
            out.write(f"{',' if n else ''}\n   {line}")
            n += 1
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written, total)
        out.write("\n  ]}")
        counts[name] = n
    if progress is not None:
        progress(total, total)
    with Session(bind=conn) as session:
        checks = take_checks(session).to_json()
    digest.checks(checks)
    out.write("\n },\n")
    out.write(f' "checks": {json.dumps(checks, ensure_ascii=False)},\n')
    out.write(f' "checksum": {json.dumps(digest.value())}\n}}\n')
    return counts


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary file next to ``path`` that replaces it only when the block ends
    without an error; removed otherwise. The file's data reaches the disk before it
    takes the name, and the name before this returns: after a power cut the file is
    there whole (a backup taken before a migration that did commit) or not at all."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        yield temp
        _sync(temp)
        os.replace(temp, path)
        _sync_folder(path.parent)
    finally:
        if temp.exists():
            temp.unlink()


def _sync(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no folder handles)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def dump_database(
    db: Database,
    path: Path | str,
    *,
    include_password_hashes: bool = False,
    compress: bool | None = None,
    older: bool = False,
    progress: Progress | None = None,
) -> DumpInfo:
    """Write the whole database to ``path`` as a JSON dump, from one consistent
    snapshot. ``compress`` None means: gzip when the name ends in ``.gz``. The file
    appears only once it is complete. ``older``: see :func:`write_dump_stream` (a
    backup before a migration). ``progress``: see :func:`write_dump_stream`; an
    exception it raises stops the dump and leaves no file."""
    started = time.perf_counter()
    path = Path(path)
    if compress is None:
        compress = path.name.lower().endswith(".gz")
    if path.is_dir():
        raise PortabilityError(f"{path} is a folder", reason="is_folder")
    if not path.parent.is_dir():
        raise PortabilityError(f"no such folder: {path.parent}", reason="no_folder")
    try:
        with atomic_output(path) as temp, snapshot(db) as conn:
            revision = schema_revision(conn)
            if compress:
                with gzip.open(temp, "wt", encoding="utf-8", compresslevel=6) as out:
                    counts = write_dump_stream(
                        conn,
                        out,
                        include_password_hashes=include_password_hashes,
                        older=older,
                        progress=progress,
                    )
            else:
                with temp.open("w", encoding="utf-8", newline="\n") as out:
                    counts = write_dump_stream(
                        conn,
                        out,
                        include_password_hashes=include_password_hashes,
                        older=older,
                        progress=progress,
                    )
    except OSError as exc:
        raise PortabilityError(
            f"cannot write {path}: {exc.strerror or exc}", reason="write_failed"
        ) from exc
    return DumpInfo(
        path=path,
        revision=str(revision),
        counts=counts,
        password_hashes=include_password_hashes,
        compressed=compress,
        bytes=path.stat().st_size,
        seconds=round(time.perf_counter() - started, 3),
    )


# --- reading and validating --------------------------------------------------------------


def _refuse(where: str, reason: str, code: str = "invalid_dump") -> PortabilityError:
    return PortabilityError(f"{where}: {reason}", reason=code)


def read_document(path: Path | str) -> dict[str, Any]:
    """The parsed JSON of a dump file (gzip recognised by its first bytes)."""
    path = Path(path)
    where = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
            if head.startswith(SQLITE_MAGIC):
                raise _refuse(where, "is an SQLite database, not a JSON dump")
            fh.seek(0)
            if head.startswith(GZIP_MAGIC):
                with gzip.open(fh, "rt", encoding="utf-8") as text_in:
                    doc = json.load(text_in)
            else:
                doc = json.loads(fh.read().decode("utf-8-sig"))
    except PortabilityError:
        raise
    except FileNotFoundError:
        raise _refuse(where, "does not exist", "not_found") from None
    except IsADirectoryError:
        raise _refuse(where, "is a folder, not a dump file", "is_folder") from None
    except (EOFError, gzip.BadGzipFile, zlib.error):
        raise _refuse(where, "is damaged (its compressed data is cut short or corrupt)") from None
    except UnicodeDecodeError:
        raise _refuse(where, "is not a crmdesk JSON dump (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise _refuse(
            where,
            f"is not a crmdesk JSON dump, or is cut short (JSON error at line {exc.lineno}: "
            f"{exc.msg})",
        ) from None
    except OSError as exc:
        raise _refuse(where, f"cannot be read ({exc.strerror or exc})", "unreadable") from None
    except (ValueError, RecursionError):  # a number of thousands of digits, deep nesting
        raise _refuse(where, "is not a crmdesk JSON dump") from None
    if not isinstance(doc, dict):
        raise _refuse(where, "is not a crmdesk JSON dump")
    return doc


def read_dump(path: Path | str) -> Dump:
    """Read and validate a dump file completely; raises :class:`PortabilityError` naming
    the first problem. Nothing is written anywhere."""
    return parse_dump(read_document(path), where=str(path))


def document_checksum(doc: dict[str, Any]) -> str:
    """The checksum a well-formed dump document should carry (``checksum`` itself left
    out). It finds accidental changes and cut files; it is not a signature."""
    digest = _Digest()
    digest.header({k: v for k, v in doc.items() if k not in ("tables", "checks", "checksum")})
    for name, body in doc["tables"].items():
        digest.table(name, body["columns"])
        for row in body["rows"]:
            digest.row(json.dumps(row, **_ROW_JSON))  # type: ignore[arg-type]
    digest.checks(doc.get("checks"))  # type: ignore[arg-type]
    return digest.value()


def parse_dump(doc: dict[str, Any], *, where: str = "the dump") -> Dump:
    """Validate a parsed dump document and turn every value back into its type."""
    if doc.get("format") != FORMAT:
        raise _refuse(where, 'is not a crmdesk dump (no "format": "crmdesk-dump")')
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(where, f"has no valid format version ({version!r})")
    if version > FORMAT_VERSION:
        raise _refuse(
            where,
            f"was written by a newer crmdesk (dump format {version}; this one reads "
            f"format {FORMAT_VERSION}). Install the newer crmdesk to load it.",
            "newer_format",
        )
    revision = doc.get("revision")
    if not isinstance(revision, str) or revision not in known_revisions():
        raise _refuse(
            where,
            f"is of schema {revision!r}, which this crmdesk does not know (it knows up to "
            f"{head_revision()}); install the crmdesk that wrote it",
            "unknown_schema",
        )
    older = (
        f" (schema {revision}, older than this crmdesk's {head_revision()}: load it with "
        "the crmdesk that wrote it, then copy or back up again)"
        if revision != head_revision()
        else ""
    )
    hashes = doc.get("password_hashes")
    if not isinstance(hashes, bool):
        raise _refuse(where, "does not say whether it holds password hashes")
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        raise _refuse(where, "holds no tables")
    missing = [t for t in TABLE_ORDER if t not in tables]
    unknown = [t for t in tables if t not in TABLE_ORDER]
    if missing:
        raise _refuse(where, f"lacks the table(s) {', '.join(missing)}{older}", "tables")
    if unknown:
        raise _refuse(where, f"holds unknown table(s) {', '.join(unknown)}{older}", "tables")
    # The shape of each table, then the checksum, then every value.
    for name in TABLE_ORDER:
        body = tables[name]
        if not isinstance(body, dict) or set(body) != {"columns", "rows"}:
            raise _refuse(where, f"table {name} is malformed (needs columns and rows)")
        columns, rows = body["columns"], body["rows"]
        expected = {c.name for c in copied_columns(name, password_hashes=hashes)}
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise _refuse(where, f"table {name}: the columns are not a list of names")
        if len(set(columns)) != len(columns):
            raise _refuse(where, f"table {name} names a column twice")
        if set(columns) != expected:
            extra = sorted(set(columns) - expected)
            lacking = sorted(expected - set(columns))
            parts = []
            if lacking:
                parts.append(f"lacks {', '.join(lacking)}")
            if extra:
                parts.append(f"has unexpected {', '.join(extra)}")
            raise _refuse(
                where,
                f"table {name} does not match schema {head_revision()}: it "
                f"{' and '.join(parts)}{older}",
                "columns",
            )
        if not isinstance(rows, list):
            raise _refuse(where, f"table {name}: the rows are not a list")
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(columns):
                raise _refuse(where, f"table {name}, row {i + 1}: expected {len(columns)} values")
    raw_checks = doc.get("checks")
    try:
        expected = document_checksum(doc)
    except (TypeError, ValueError):
        raise _refuse(where, "has malformed checks") from None
    if doc.get("checksum") != expected:
        raise _refuse(
            where,
            "does not match its checksum: it was changed or damaged after it was written",
            "checksum",
        )
    try:
        checks = checks_from_json(raw_checks)
    except ValueError as exc:
        raise _refuse(where, str(exc)) from None
    decoded: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    for name in TABLE_ORDER:
        columns = tables[name]["columns"]
        by_name = {c.name: c for c in copied_columns(name, password_hashes=hashes)}
        kinds = [column_kind(by_name[c]) for c in columns]
        out_rows: list[tuple[Any, ...]] = []
        for i, row in enumerate(tables[name]["rows"]):
            values = []
            for col, kind, value in zip(columns, kinds, row, strict=True):
                try:
                    values.append(from_json(kind, value))
                except ValueError as exc:
                    raise _refuse(
                        where, f"table {name}, row {i + 1}, column {col}: {exc}"
                    ) from None
            out_rows.append(tuple(values))
        recorded = checks.counts.get(name)
        if recorded != len(out_rows):
            raise _refuse(
                where, f"table {name} holds {len(out_rows)} rows but its checks say {recorded}"
            )
        decoded[name] = (list(columns), out_rows)
    setting_columns, setting_rows = decoded["settings"]
    key_at, value_at = setting_columns.index("key"), setting_columns.index("value")
    settings = {row[key_at]: row[value_at] for row in setting_rows}
    if settings.get("app") != "crmdesk":
        raise _refuse(where, "holds no crmdesk marker (settings app = crmdesk)")
    try:
        created_at = datetime.fromisoformat(str(doc.get("created_at"))).astimezone(UTC)
    except ValueError:
        raise _refuse(where, "has no valid created_at time") from None
    return Dump(
        revision=revision,
        created_at=created_at,
        crmdesk_version=str(doc.get("crmdesk", "?")),
        source=str(doc.get("source", "?")),
        password_hashes=hashes,
        tables=decoded,
        checks=checks,
    )


# --- loading -----------------------------------------------------------------------------


def _require_same_tables(conn: Connection, dump: Dump, where: str) -> None:
    """The database's tables hold exactly the dump's columns (besides the derived ones and
    the password hashes), checked before anything is written."""
    found = inspect(conn)
    tables = set(found.get_table_names())
    for name, (columns, _rows) in dump.tables.items():
        if name not in tables:
            raise PortabilityError(
                f"{where} has no table {name}, which the dump holds", reason="columns"
            )
        have = {c["name"] for c in found.get_columns(name)}
        optional = set(DERIVED_COLUMNS.get(name, ())) | set(SECRET_COLUMNS.get(name, ()))
        lacking = sorted(set(columns) - have)
        unfilled = sorted(have - set(columns) - optional)
        if lacking or unfilled:
            detail = f"lacks {', '.join(lacking)}" if lacking else ""
            if unfilled:
                detail += ("; " if detail else "") + f"has {', '.join(unfilled)} besides"
            raise PortabilityError(
                f"{where}: table {name} does not match the dump ({detail})", reason="columns"
            )


def load_dump(db: Database, source: Dump | Path | str) -> LoadReport:
    """Load a dump into ``db``, which must be empty and at the dump's schema revision,
    in one transaction; see the module docstring. Raises :class:`PortabilityError`
    (nothing written) on any refusal or when the loaded database's counts, facts or
    KPIs differ from the dump's."""
    started = time.perf_counter()
    dump = source if isinstance(source, Dump) else read_dump(source)
    where = db.display_url
    with db.engine.connect() as conn:
        revision = schema_revision(conn)
    if revision != dump.revision:
        raise PortabilityError(
            f"{where} is at schema {revision}, the dump at {dump.revision}: a dump loads "
            "only into a database at its own schema revision ('crmdesk restore' into a new "
            "database makes one and upgrades it afterwards)",
            reason="revision_mismatch",
        )
    try:
        with db.transaction() as session:
            conn = session.connection()
            _require_same_tables(conn, dump, where)
            require_empty(conn, where)
            clear(conn)
            writer = TableWriter(conn)
            for name in TABLE_ORDER:
                columns, rows = dump.tables[name]
                writer.write(name, columns, rows)
            writer.finish()
            got = take_checks(session, now=dump.checks.now)
            differences = compare_checks(dump.checks, got)
            if differences:
                shown = "; ".join(str(d) for d in differences[:5])
                more = f" (and {len(differences) - 5} more)" if len(differences) > 5 else ""
                raise PortabilityError(
                    f"the loaded data disagrees with the dump's checks, so nothing was "
                    f"loaded: {shown}{more}",
                    reason="checks_differ",
                )
    except DBAPIError as exc:
        first = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc) else ""
        raise PortabilityError(
            f"the dump does not fit {where} ({first}); nothing was loaded",
            reason="rejected_by_database",
        ) from exc
    with db.engine.connect() as conn:
        analyze(conn)
        conn.commit()
    return LoadReport(
        counts=dict(writer.counts),
        password_hashes=dump.password_hashes,
        checks=got,
        seconds=round(time.perf_counter() - started, 3),
    )
