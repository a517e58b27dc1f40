"""Opening a database safely: recognise it, back it up, migrate it with Alembic.

A file that is not a crmdesk database, a corrupt file, or a database written by
a newer crmdesk is refused with :class:`DatabaseOpenError` and left untouched.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

from crmdesk.db.engine import Database, create_db_engine, display_url, resolve_url, sqlite_path
from crmdesk.db.models import COUNTED_TABLES, Setting
from crmdesk.domain.errors import DatabaseOpenError

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_MAGIC = b"SQLite format 3\x00"
APP_MARKER_KEY = "app"
APP_MARKER_VALUE = "crmdesk"
#: The setting of how many automatic backups of each kind are kept: the daily ones
#: (crmdesk.portability.backup.daily_backup), a server's JSON dumps before ``crmdesk
#: migrate`` and an SQLite file's copies before an upgrade (:func:`backup_sqlite`).
BACKUP_KEEP_KEY = "backup_keep"
BACKUP_KEEP_DEFAULT = 14
BACKUP_KEEP_MAX = 365


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "crmdesk.db:migrations")
    return cfg


_REVISION_LINE = re.compile(
    r'^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|None)\s*$', re.M
)


@cache
def revision_chain() -> tuple[str, ...]:
    """The schema revisions this crmdesk knows, oldest first, read from the ``revision``
    and ``down_revision`` lines of the migration files without loading Alembic (its
    import costs more than a report on a small database; ``tests/db`` checks that this
    agrees with Alembic's own reading)."""
    parents: dict[str, str | None] = {}
    versions = resources.files("crmdesk.db.migrations").joinpath("versions")
    for entry in versions.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("_"):
            continue
        found = dict((m[0], m[1] or None) for m in _REVISION_LINE.findall(entry.read_text("utf-8")))
        if "revision" not in found or found["revision"] is None:
            raise RuntimeError(f"migration {entry.name} names no revision")
        parents[found["revision"]] = found.get("down_revision")
    children = {parent: rev for rev, parent in parents.items()}
    if len(children) != len(parents) or None not in children:
        raise RuntimeError(f"the migrations do not form one line: {sorted(parents)}")
    chain: list[str] = []
    rev = children.get(None)
    while rev is not None:
        chain.append(rev)
        rev = children.get(rev)
    if len(chain) != len(parents):
        raise RuntimeError(f"the migrations do not form one line: {sorted(parents)}")
    return tuple(chain)


def head_revision() -> str:
    return revision_chain()[-1]


def known_revisions() -> set[str]:
    return set(revision_chain())


@dataclass(frozen=True)
class SchemaState:
    """What is found in a database before crmdesk touches it."""

    empty: bool
    revision: str | None

    @property
    def is_head(self) -> bool:
        return self.revision == head_revision()


def _refuse(url: URL, reason: str) -> DatabaseOpenError:
    path = sqlite_path(url)
    where = str(path) if path is not None else display_url(url)
    return DatabaseOpenError(f"{where}: {reason}", reason=reason, where=where)


def _probe_sqlite_file(url: URL, path: Path, verify: bool = True) -> SchemaState:
    """Look at an SQLite file without writing to it. ``verify`` reads every page
    (``quick_check``, about a second per few hundred MB); without it a damaged page
    surfaces later, as an error of the query that reads it."""
    if path.is_dir():
        raise _refuse(url, "is a folder, not a database file")
    if not path.exists() or path.stat().st_size == 0:
        return SchemaState(empty=True, revision=None)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise _refuse(url, f"cannot be read ({exc.strerror})") from exc
    if header != SQLITE_MAGIC:
        raise _refuse(url, "is not a crmdesk database (not an SQLite file)")
    # Without a -wal file, "immutable" reads without creating -wal/-shm files next to it.
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        con = sqlite3.connect(f"{path.as_uri()}?{flags}", uri=True)
    except sqlite3.Error as exc:
        raise _refuse(url, f"cannot be opened ({exc})") from exc
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return SchemaState(empty=True, revision=None)
        check = con.execute("PRAGMA quick_check(1)").fetchone() if verify else ("ok",)
        if not check or check[0] != "ok":
            detail = " ".join(str(check[0]).split()) if check else "?"
            raise _refuse(url, f"is damaged and cannot be used ({detail[:200]})")
        if "settings" not in tables or "alembic_version" not in tables:
            raise _refuse(url, "is an SQLite file but not a crmdesk database")
        marker = con.execute(
            "SELECT value FROM settings WHERE key = ?", (APP_MARKER_KEY,)
        ).fetchone()
        if not marker or marker[0] != APP_MARKER_VALUE:
            raise _refuse(url, "is an SQLite file but not a crmdesk database")
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return SchemaState(empty=False, revision=row[0] if row else None)
    except sqlite3.DatabaseError as exc:
        raise _refuse(url, f"is damaged and cannot be used ({_first_line(exc)})") from exc
    finally:
        con.close()


def _probe_engine(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        insp = inspect(conn)
        tables = set(insp.get_table_names())
        if not tables:
            return SchemaState(empty=True, revision=None)
        if "settings" not in tables or "alembic_version" not in tables:
            raise _refuse(engine.url, "holds tables but is not a crmdesk database")
        marker = conn.execute(
            select(Setting.value).where(Setting.key == APP_MARKER_KEY)
        ).scalar_one_or_none()
        if marker != APP_MARKER_VALUE:
            raise _refuse(engine.url, "holds tables but is not a crmdesk database")
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return SchemaState(empty=False, revision=revision)


def probe(url: URL, engine: Engine | None = None, *, verify: bool = True) -> SchemaState:
    path = sqlite_path(url)
    if path is not None:
        return _probe_sqlite_file(url, path, verify)
    assert engine is not None
    try:
        return _probe_engine(engine)
    except OperationalError as exc:
        raise _refuse(url, f"cannot connect ({_first_line(exc)})") from exc


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def backup_keep_value(raw: str | None) -> int:
    """The ``backup_keep`` setting's number (the default when unset or not a number),
    between 1 and :data:`BACKUP_KEEP_MAX`."""
    try:
        value = int(raw) if raw is not None else BACKUP_KEEP_DEFAULT
    except ValueError:
        value = BACKUP_KEEP_DEFAULT
    return min(max(value, 1), BACKUP_KEEP_MAX)


def backup_sqlite(path: Path, *, label: str, keep: int | None = None) -> Path:
    """Copy an SQLite database (consistently, through the backup API) next to it, as
    ``<name>.backup-<label>-<UTC time><suffix>``. With ``keep``, only the newest
    ``keep`` of the database's copies so named stay (the new one always); no other
    file is touched."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = path.suffix or ".sqlite3"
    target = path.with_name(f"{path.stem}.backup-{label}-{stamp}{suffix}")
    src = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    if keep is not None:
        _prune_sqlite_copies(path, suffix, target, keep)
    return target


def _prune_sqlite_copies(path: Path, suffix: str, taken: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` copies of ``path`` taken before upgrades
    (``taken`` among them). A copy that cannot be deleted (open in another program,
    read-only) stays: it must not stop the database from opening."""
    pattern = re.compile(
        rf"^{re.escape(path.stem)}\.backup-[A-Za-z0-9_]+-([0-9]{{8}}T[0-9]{{6}}Z)"
        rf"{re.escape(suffix)}$"
    )
    try:
        copies = sorted(
            (found.group(1), entry.name, entry)
            for entry in path.parent.iterdir()
            if (found := pattern.match(entry.name)) and entry.is_file() and entry != taken
        )
    except OSError:
        return
    for *_, old in copies[: max(len(copies) - (keep - 1), 0)]:
        with contextlib.suppress(OSError):
            old.unlink(missing_ok=True)


def _sqlite_backup_keep(path: Path) -> int:
    """The ``backup_keep`` setting of an SQLite file at any schema (settings is in the
    first one), read without changing the file (the copy is not taken yet); the default
    when it cannot be read."""
    raw = None
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute(
                "SELECT value FROM settings WHERE key = ?", (BACKUP_KEEP_KEY,)
            ).fetchone()
            raw = row[0] if row else None
        finally:
            con.close()
    except sqlite3.Error:
        pass
    return backup_keep_value(raw)


def _run_alembic(engine: Engine, action: Callable[[Config], None]) -> None:
    """Run a migration in one transaction.

    On SQLite, foreign keys are off while it runs (a table rebuild would
    otherwise cascade into the rows that refer to it) and checked before commit.
    """
    cfg = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                action(cfg)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration broke {len(broken)} references")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    _run_alembic(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    _run_alembic(engine, lambda cfg: command.downgrade(cfg, revision))


@dataclass(frozen=True)
class OpenResult:
    db: Database
    created: bool
    upgraded_from: str | None
    backup: Path | None


def open_database(
    url: URL | str | None = None,
    *,
    create: bool = True,
    upgrade_schema: bool | None = None,
    pg_schema: str | None = None,
    verify: bool = True,
    backup_server: Callable[[Database, str], Path] | None = None,
) -> OpenResult:
    """Open (and if needed create or upgrade) a crmdesk database.

    * A new or empty database is created at the head schema when ``create``.
    * An older SQLite schema is backed up first, then upgraded. An older
      PostgreSQL schema is upgraded only by ``crmdesk migrate`` (a shared server
      is backed up by its admin with ``pg_dump``; see docs/team-setup.md), after
      ``backup_server(db, revision)`` when given: it backs the database up at its
      older ``revision`` and returns the file (``crmdesk migrate`` writes a JSON dump,
      :func:`crmdesk.portability.backup.backup_before_migration`). An error it
      raises stops the upgrade; nothing is changed.
    * A newer schema, a foreign or corrupt file is refused, untouched.

    ``upgrade_schema`` None means: upgrade SQLite files, not shared servers.
    ``verify=False`` skips reading every page of an SQLite file first; only for
    read-only use that neither creates nor upgrades (a report).
    """
    if not verify and (create or upgrade_schema):
        raise ValueError("verify=False is for read-only opening (create=False, no upgrade)")
    if not isinstance(url, URL):
        url = resolve_url(url)
    path = sqlite_path(url)
    if upgrade_schema is None:
        upgrade_schema = path is not None
    engine = None
    if path is None:
        try:
            engine = create_db_engine(url, pg_schema=pg_schema)
        except (ValueError, ImportError) as exc:
            raise _refuse(url, f"cannot be used ({exc})") from exc
    state = probe(url, engine, verify=verify)
    if not state.empty and state.revision not in known_revisions():
        if engine is not None:
            engine.dispose()
        if state.revision is None:
            raise _refuse(url, "has no schema revision; it was not made by crmdesk")
        raise _refuse(
            url,
            f"was written by a newer crmdesk (schema {state.revision}; this version knows up "
            f"to {head_revision()}). Install the newer crmdesk to open it.",
        )
    if state.empty and not create:
        raise _refuse(url, "does not exist or holds no crmdesk data")
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _refuse(url, f"cannot be created ({exc.strerror or exc})") from exc
        engine = create_db_engine(url)
    assert engine is not None
    backup: Path | None = None
    upgraded_from: str | None = None
    try:
        if state.empty:
            upgrade(engine)
        elif not state.is_head:
            if not upgrade_schema:
                raise _refuse(
                    url,
                    f"has the older schema {state.revision}; run 'crmdesk migrate' to upgrade it",
                )
            if path is not None:
                backup = backup_sqlite(
                    path, label=state.revision or "none", keep=_sqlite_backup_keep(path)
                )
            elif backup_server is not None:
                backup = backup_server(Database(engine), state.revision or "none")
            upgrade(engine)
            upgraded_from = state.revision
    except DatabaseOpenError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise _refuse(url, f"could not be prepared ({_first_line(exc)})") from exc
    except Exception:  # a failed backup_server among others: nothing was changed
        engine.dispose()
        raise
    return OpenResult(Database(engine), state.empty, upgraded_from, backup)


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def table_counts(db: Database) -> dict[str, int]:
    counts: dict[str, int] = {}
    with db.engine.connect() as conn:
        for model in COUNTED_TABLES:
            table = model.__table__
            counts[table.name] = conn.execute(
                text(f"SELECT COUNT(*) FROM {table.name}")
            ).scalar_one()
    return counts
