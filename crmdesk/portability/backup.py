"""Backups while the app runs, validated restores, and the daily automatic backup.

* :func:`backup` takes a consistent copy while other windows keep writing. An SQLite
  database is copied through SQLite's backup API in a single step, which reads one
  snapshot of the WAL database while writers go on; the copy is a single file
  (journal mode DELETE) checked with ``PRAGMA integrity_check`` before it takes its
  name. A PostgreSQL database is written as a JSON dump read in one REPEATABLE READ
  snapshot (:mod:`crmdesk.portability.dump`), gzip-compressed when the name ends in
  ``.gz`` (the default name ends in ``.json.gz``); a JSON backup holds the users'
  password hashes, so keep it as safe as the database. A name ending in ``.json`` or
  ``.json.gz`` asks for a JSON backup of an SQLite database too.
* :func:`restore` validates the backup completely before it touches anything (an
  SQLite file: the header, ``integrity_check``, ``foreign_key_check``, the crmdesk
  marker and a known schema revision; a JSON dump: everything
  :func:`~crmdesk.portability.dump.read_dump` checks). An SQLite target is then
  rebuilt in a temporary file next to it, the current file is kept as
  ``<name>.before-restore-<time>.sqlite3`` (a hard link or a copy; it stays under its
  name until then), and the new one takes the name in one atomic rename; a database
  another program has open is refused. A
  PostgreSQL target must be empty (see docs/architecture.md for restoring over a
  team's database): a JSON backup is loaded into it, an SQLite backup copied.
* :func:`daily_backup` takes at most one backup per local calendar day into the data
  folder's ``backups`` and keeps the newest N of this database's daily backups (the
  ``backup_keep`` setting, 14 by default); other files there are never touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import text
from sqlalchemy.engine import URL

from crmdesk.db.engine import (
    Database,
    create_db_engine,
    data_dir,
    display_url,
    resolve_url,
    sqlite_path,
)
from crmdesk.db.migrate import (
    BACKUP_KEEP_KEY,
    backup_keep_value,
    downgrade,
    head_revision,
    known_revisions,
    probe,
    upgrade,
)
from crmdesk.db.models import COUNTED_TABLES
from crmdesk.portability import PortabilityError
from crmdesk.portability.copy import copy_database
from crmdesk.portability.dump import (
    GZIP_MAGIC,
    SQLITE_MAGIC,
    Dump,
    atomic_output,
    dump_database,
    load_dump,
    read_dump,
)

BackupKind = Literal["sqlite", "json"]
SQLITE_SUFFIX = ".sqlite3"
JSON_SUFFIX = ".json.gz"
_SIDECARS = ("-wal", "-shm", "-journal")


def default_backup_folder() -> Path:
    """``backups`` in crmdesk's data folder, where backups go unless told otherwise."""
    return data_dir() / "backups"


@dataclass(frozen=True)
class BackupInfo:
    """A backup file and what it holds."""

    path: Path
    kind: BackupKind
    revision: str
    counts: dict[str, int]
    bytes: int
    #: When it was written (JSON: recorded in it; SQLite: the file's time).
    created_at: datetime
    #: Whether the users' password hashes are in it (always, for an SQLite file).
    password_hashes: bool = True
    seconds: float = 0.0


@dataclass(frozen=True)
class RestoreReport:
    target: str
    backup: BackupInfo
    #: Where the database that was replaced now is (SQLite), None when there was none.
    kept_aside: Path | None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class MigrationBackup:
    #: The backup taken before the migration.
    taken: Path
    #: Older pre-migration backups of this database removed to keep the newest N.
    removed: list[Path]
    keep: int


@dataclass(frozen=True)
class DailyBackup:
    #: The backup taken now, or None when today's was already there.
    taken: Path | None
    #: Older daily backups of this database removed to keep the newest N.
    removed: list[Path]
    keep: int


# --- naming ------------------------------------------------------------------------------


def database_label(db: Database) -> str:
    """A file-name-safe name for the database, unique per file or server and schema:
    ``<file or database name>-<8 hex digits>``."""
    if db.path is not None:
        base, ident = db.path.stem, str(db.path.resolve())
    else:
        with db.engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar()
        base, ident = db.url.database or "postgres", f"{display_url(db.url)}#{schema}"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:40] or "crmdesk"
    return f"{slug}-{hashlib.sha1(ident.encode()).hexdigest()[:8]}"


def _stamp(when: datetime | None = None) -> str:
    return (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _wants_json(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".json", ".json.gz", ".gz"))


# --- taking a backup ---------------------------------------------------------------------


def backup(
    db: Database,
    path: Path | str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> BackupInfo:
    """Back ``db`` up to ``path`` (default: a new file in :func:`default_backup_folder`;
    a folder: a new file in it) while others may be writing; see the module docstring.
    The file appears only once it is complete and checked; an existing file is never
    overwritten. ``progress(rows written, rows)`` is heard by a JSON backup (an SQLite
    one is copied in a single step)."""
    started = time.perf_counter()
    if path is None or Path(path).is_dir():
        folder = default_backup_folder() if path is None else Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        suffix = SQLITE_SUFFIX if db.path is not None else JSON_SUFFIX
        path = folder / f"{database_label(db)}-{_stamp()}{suffix}"
    path = Path(path)
    if path.exists():
        raise PortabilityError(
            f"{path} already exists; choose another name or remove it", reason="exists"
        )
    if not path.parent.is_dir():
        raise PortabilityError(f"no such folder: {path.parent}", reason="no_folder")
    as_json = db.path is None or _wants_json(path)
    if as_json and not _wants_json(path):
        raise PortabilityError(
            f"{path.name}: a PostgreSQL backup is a JSON dump; name the file .json.gz "
            "(compressed) or .json",
            reason="json_name",
        )
    if as_json:
        info = dump_database(db, path, include_password_hashes=True, progress=progress)
        return BackupInfo(
            path=path,
            kind="json",
            revision=info.revision,
            counts=_counted(info.counts),
            bytes=info.bytes,
            created_at=datetime.now(UTC),
            password_hashes=True,
            seconds=round(time.perf_counter() - started, 3),
        )
    assert db.path is not None
    checked = _backup_sqlite(db.path, path)
    return replace(checked, seconds=round(time.perf_counter() - started, 3))


def _backup_sqlite(source: Path, path: Path) -> BackupInfo:
    """The backup API, all pages in one step: one read snapshot of the source, which
    writers in WAL mode do not wait for and cannot change mid-copy. The copy is checked
    completely before it takes its name."""
    source = source.resolve()
    if not source.exists():
        raise PortabilityError(f"{source} does not exist", reason="not_found")
    try:
        with atomic_output(path) as temp:
            src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True, timeout=10)
            try:
                dst = sqlite3.connect(temp)
                try:
                    src.backup(dst)  # pages=-1: every page in one step
                    dst.execute("PRAGMA journal_mode = DELETE").fetchall()
                finally:
                    dst.close()
            finally:
                src.close()
            checked = _inspect_sqlite(temp, where=str(path))
    except sqlite3.Error as exc:
        raise PortabilityError(f"cannot back up {source}: {exc}", reason="backup_failed") from exc
    except OSError as exc:
        raise PortabilityError(
            f"cannot write {path}: {exc.strerror or exc}", reason="write_failed"
        ) from exc
    return replace(checked, path=path)


# --- validating a backup -----------------------------------------------------------------


def _counted(counts: dict[str, int]) -> dict[str, int]:
    return {t.__tablename__: counts.get(t.__tablename__, 0) for t in COUNTED_TABLES}


def _inspect_sqlite(path: Path, *, where: str | None = None) -> BackupInfo:
    """Check an SQLite backup completely without writing to it."""
    where = where or str(path)

    def refuse(reason: str, code: str = "invalid_backup") -> PortabilityError:
        return PortabilityError(f"{where}: {reason}", reason=code)

    has_wal = path.with_name(path.name + "-wal").exists()
    flags = "mode=ro" if has_wal else "mode=ro&immutable=1"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True)
    except sqlite3.Error as exc:
        raise refuse(f"cannot be opened ({exc})") from exc
    try:
        check = con.execute("PRAGMA integrity_check").fetchall()
        if [r[0] for r in check] != ["ok"]:
            detail = " ".join(str(check[0][0]).split())[:200]
            raise refuse(f"is damaged ({detail})", "damaged")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "settings" not in tables or "alembic_version" not in tables:
            raise refuse("is an SQLite file but not a crmdesk database", "foreign")
        marker = con.execute("SELECT value FROM settings WHERE key = 'app'").fetchone()
        if not marker or marker[0] != "crmdesk":
            raise refuse("is an SQLite file but not a crmdesk database", "foreign")
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
        if revision not in known_revisions():
            raise refuse(
                f"has the schema {revision!r}, which this crmdesk does not know (it knows up "
                f"to {head_revision()}); install the crmdesk that wrote it",
                "unknown_schema",
            )
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise refuse(f"has {len(broken)} broken reference(s) between rows", "damaged")
        counts = {
            t.__tablename__: con.execute(f"SELECT count(*) FROM {t.__tablename__}").fetchone()[0]
            for t in COUNTED_TABLES
        }
    except sqlite3.DatabaseError as exc:
        raise refuse(f"is damaged and cannot be read ({exc})", "damaged") from exc
    finally:
        con.close()
    stat = path.stat()
    return BackupInfo(
        path=path,
        kind="sqlite",
        revision=str(revision),
        counts=counts,
        bytes=stat.st_size,
        created_at=datetime.fromtimestamp(stat.st_mtime, UTC),
    )


def _inspect(path: Path) -> tuple[BackupInfo, Dump | None]:
    if not path.exists():
        raise PortabilityError(f"{path} does not exist", reason="not_found")
    if path.is_dir():
        raise PortabilityError(f"{path} is a folder, not a backup file", reason="is_folder")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise PortabilityError(
            f"{path} cannot be read ({exc.strerror or exc})", reason="unreadable"
        ) from exc
    if head == SQLITE_MAGIC:
        return _inspect_sqlite(path), None
    if head.startswith(GZIP_MAGIC) or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        dump = read_dump(path)
        info = BackupInfo(
            path=path,
            kind="json",
            revision=dump.revision,
            counts=_counted(dump.counts),
            bytes=path.stat().st_size,
            created_at=dump.created_at,
            password_hashes=dump.password_hashes,
        )
        return info, dump
    raise PortabilityError(
        f"{path} is not a crmdesk backup (neither an SQLite database nor a JSON dump)",
        reason="not_a_backup",
    )


def validate_backup(path: Path | str) -> BackupInfo:
    """Check a backup file completely (see the module docstring) and say what it holds;
    raises :class:`PortabilityError` naming the first problem."""
    return _inspect(Path(path))[0]


# --- restoring ---------------------------------------------------------------------------


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in _SIDECARS]


def _ensure_not_in_use(path: Path) -> bool:
    """Fold the WAL into the file and leave it in journal mode DELETE, which SQLite
    allows only when no other connection has it open. False when the file is not a
    usable SQLite database (it is set aside as it is)."""
    try:
        con = sqlite3.connect(path, timeout=1.0)
    except sqlite3.Error:
        return False
    try:
        con.execute("PRAGMA journal_mode = DELETE").fetchall()
        return True
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise PortabilityError(
                f"{path} is in use (crmdesk or another program has it open on this "
                "computer); close it and try again",
                reason="in_use",
            ) from exc
        return False
    except sqlite3.DatabaseError:
        return False
    finally:
        con.close()


def _set_aside(path: Path, stamp: str) -> Path | None:
    """Keep the current database as ``<name>.before-restore-<stamp>.sqlite3`` (any
    -wal/-shm/-journal files moved with it) while it stays where it is: a second name
    for the same file (a hard link), or a copy where links are not possible. The
    restored file then takes the name in one atomic rename, so a crash at any moment
    leaves a whole database under the name, the old one or the new one."""
    if not path.exists():
        return None
    _ensure_not_in_use(path)  # the WAL folded in: the file alone is the database
    aside = path.with_name(f"{path.stem}.before-restore-{stamp}{path.suffix or SQLITE_SUFFIX}")
    try:
        os.link(path, aside)
    except OSError:
        shutil.copy2(path, aside)
    for side, new_side in zip(_sidecars(path), _sidecars(aside), strict=True):
        if side.exists():
            os.replace(side, new_side)
    return aside


def _put_back(aside: Path, path: Path) -> None:
    for side, new_side in zip(_sidecars(aside), _sidecars(path), strict=True):
        if side.exists():
            os.replace(side, new_side)
    if path.exists() and os.path.samefile(aside, path):
        aside.unlink()
    else:
        os.replace(aside, path)


def _single_file(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        con.close()


def restore(
    target: URL | str | Path,
    backup_file: Path | str,
    *,
    pg_schema: str | None = None,
) -> RestoreReport:
    """Put ``backup_file`` in place of the database ``target`` (an SQLite file path or a
    URL); see the module docstring. Raises :class:`PortabilityError` (nothing changed)
    when the backup is not valid, the SQLite file is in use or the PostgreSQL target
    holds data."""
    started = time.perf_counter()
    backup_path = Path(backup_file)
    info, dump = _inspect(backup_path)  # completely, before anything else
    url = target if isinstance(target, URL) else resolve_url(str(target))
    path = sqlite_path(url)
    if path is None:
        return _restore_server(url, info, dump, pg_schema, started)
    if path.resolve() == backup_path.resolve():
        raise PortabilityError("the backup and the target are the same file", reason="same")
    if path.is_dir():
        raise PortabilityError(f"{path} is a folder", reason="is_folder")
    if not path.parent.is_dir():
        raise PortabilityError(f"no such folder: {path.parent}", reason="no_folder")
    if path.exists():
        _ensure_not_in_use(path)  # early: refuse before any work
    notes: list[str] = []
    aside: Path | None = None
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.restoring")
    try:
        if dump is None:
            _backup_sqlite(backup_path, temp)
        else:
            _load_new(URL.create("sqlite", database=str(temp)), dump, None)
            _single_file(temp)
            _inspect_sqlite(temp, where=str(path))
        aside = _set_aside(path, _stamp())
        try:
            os.replace(temp, path)
        except OSError:
            if aside is not None:  # the old file is still in place: only undo the name
                _put_back(aside, path)
            raise
    except OSError as exc:
        raise PortabilityError(
            f"cannot restore into {path}: {exc.strerror or exc}", reason="write_failed"
        ) from exc
    finally:
        for p in (temp, *_sidecars(temp)):
            p.unlink(missing_ok=True)
    if info.revision != head_revision():
        notes.append(
            f"the backup has the older schema {info.revision}; "
            + (
                "crmdesk upgrades it when it next opens it (keeping a copy first)"
                if info.kind == "sqlite"
                else f"it was loaded at that schema and upgraded to {head_revision()}"
            )
        )
    if not info.password_hashes:
        notes.append(
            "the backup holds no password hashes: nobody has a password now; set them with "
            "'crmdesk users reset-password LOGIN'"
        )
    return RestoreReport(
        target=str(path),
        backup=info,
        kept_aside=aside,
        notes=notes,
        seconds=round(time.perf_counter() - started, 3),
    )


def _restore_server(
    url: URL, info: BackupInfo, dump: Dump | None, pg_schema: str | None, started: float
) -> RestoreReport:
    """A server database is never replaced: it must be empty, and receives the backup."""
    notes = [f"{display_url(url)} was empty; nothing was replaced"]
    if dump is not None:
        _load_new(url, dump, pg_schema)
        if not info.password_hashes:
            notes.append(
                "the backup holds no password hashes: nobody has a password now; set them "
                "with 'crmdesk users reset-password LOGIN'"
            )
    else:
        copy_database(info.path, url, destination_pg_schema=pg_schema)
    return RestoreReport(
        target=display_url(url),
        backup=info,
        kept_aside=None,
        notes=notes,
        seconds=round(time.perf_counter() - started, 3),
    )


def _load_new(url: URL, dump: Dump, pg_schema: str | None) -> None:
    """Load ``dump`` into the database ``url``: one without tables is created at the
    dump's schema revision, loaded, then upgraded to this crmdesk's (so the migrations
    in between apply to the data as they did to everyone else's); an existing one must
    be empty and at the dump's revision."""
    try:
        engine = create_db_engine(url, pg_schema=pg_schema)
    except (ValueError, ImportError) as exc:
        raise PortabilityError(
            f"{display_url(url)} cannot be used ({exc})", reason="bad_target"
        ) from exc
    db = Database(engine)
    try:
        state = probe(url, engine)
        if state.empty:
            upgrade(engine, dump.revision)
        try:
            load_dump(db, dump)
        except BaseException:
            if state.empty:  # the tables made for the load go again: the target is as it was
                with contextlib.suppress(Exception):
                    downgrade(engine, "base")
                    with engine.begin() as conn:
                        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            raise
        if dump.revision != head_revision():
            upgrade(engine)
    finally:
        db.dispose()


# --- the automatic backup before a migration ---------------------------------------------


def backup_before_migration(
    db: Database,
    revision: str,
    folder: Path | str | None = None,
    *,
    keep: int | None = None,
) -> MigrationBackup:
    """Back up ``db``, still at its older schema ``revision``, before ``crmdesk
    migrate`` upgrades it: a JSON dump with the password hashes, named
    ``<label>-migrate-<revision>-<UTC time>.json.gz`` in ``folder`` (default:
    :func:`default_backup_folder`), written completely before the migration starts.
    Then only the newest ``keep`` (default: the ``backup_keep`` setting) of this
    database's pre-migration backups are kept; no other file is touched.

    Raises :class:`PortabilityError` when the backup cannot be written (the migration
    must not start then), among others when the schema is so old that its tables differ
    from what a dump holds (see :func:`crmdesk.portability.dump.require_dumpable`).
    Restoring the file (``crmdesk restore``) makes a database at ``revision``, loads it
    and upgrades it."""
    folder = Path(folder) if folder is not None else default_backup_folder()
    keep = backup_keep(db) if keep is None else keep
    if keep < 1:
        raise ValueError("keep must be at least 1")
    label = database_label(db)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PortabilityError(
            f"cannot make the backup folder {folder}: {exc.strerror or exc}", reason="no_folder"
        ) from exc
    safe_rev = re.sub(r"[^A-Za-z0-9_]+", "_", revision) or "none"
    stem = f"{label}-migrate-{safe_rev}-{_stamp()}"
    taken = folder / f"{stem}{JSON_SUFFIX}"
    if taken.exists():  # two within the same second
        taken = folder / f"{stem}-{uuid.uuid4().hex[:4]}{JSON_SUFFIX}"
    dump_database(db, taken, include_password_hashes=True, older=True)
    pattern = re.compile(
        rf"^{re.escape(label)}-migrate-[A-Za-z0-9_]+-([0-9]{{8}}T[0-9]{{6}}Z)(-[0-9a-f]{{4}})?"
        rf"{re.escape(JSON_SUFFIX)}$"
    )
    found = sorted(
        (m.group(1), entry.name, entry)
        for entry in _entries(folder)
        if (m := pattern.match(entry.name)) and entry.is_file()
    )
    removed = _remove(old for *_when, old in found[: max(len(found) - keep, 0)] if old != taken)
    return MigrationBackup(taken=taken, removed=removed, keep=keep)


def _entries(folder: Path) -> list[Path]:
    """The files of a backup folder; none when it cannot be listed (pruning waits)."""
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _remove(files: Iterable[Path]) -> list[Path]:
    """Delete old backups; one that cannot be deleted (open in another program,
    read-only) stays for the next time: the backup just taken counts, not the pruning."""
    removed = []
    for old in files:
        try:
            old.unlink(missing_ok=True)
        except OSError:
            continue
        removed.append(old)
    return removed


# --- the daily automatic backup ----------------------------------------------------------


def backup_keep(db: Database) -> int:
    """The ``backup_keep`` setting: how many daily backups to keep (default 14)."""
    from crmdesk.services.settings import get_setting

    return backup_keep_value(get_setting(db, BACKUP_KEEP_KEY))


def daily_backup(
    db: Database,
    folder: Path | str | None = None,
    *,
    keep: int | None = None,
    today: date | None = None,
) -> DailyBackup:
    """Take today's automatic backup of ``db`` unless there is one, then keep only the
    newest ``keep`` daily backups of this database (default: the ``backup_keep``
    setting). Files are named ``<label>-daily-<YYYY-MM-DD>.sqlite3`` (``.json.gz`` for
    PostgreSQL) by local calendar day; see :func:`database_label`."""
    folder = Path(folder) if folder is not None else default_backup_folder()
    keep = backup_keep(db) if keep is None else keep
    if keep < 1:
        raise ValueError("keep must be at least 1")
    today = today or date.today()
    label = database_label(db)
    pattern = re.compile(
        rf"^{re.escape(label)}-daily-([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})(\.sqlite3|\.json\.gz)$"
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PortabilityError(
            f"cannot make the backup folder {folder}: {exc.strerror or exc}", reason="no_folder"
        ) from exc
    found: dict[str, list[Path]] = {}
    for entry in _entries(folder):
        match = pattern.match(entry.name)
        if match and entry.is_file():
            found.setdefault(match.group(1), []).append(entry)
    taken = None
    if today.isoformat() not in found:
        suffix = SQLITE_SUFFIX if db.path is not None else JSON_SUFFIX
        taken = folder / f"{label}-daily-{today.isoformat()}{suffix}"
        try:
            backup(db, taken)
        except PortabilityError as exc:
            if exc.params.get("reason") != "exists":
                raise
            taken = None  # another window on this database took today's meanwhile
        found[today.isoformat()] = [folder / f"{label}-daily-{today.isoformat()}{suffix}"]
    removed = _remove(old for day in sorted(found, reverse=True)[keep:] for old in found[day])
    return DailyBackup(taken=taken, removed=removed, keep=keep)
