"""Database URLs, engines and transactions.

SQLite runs in WAL mode with ``foreign_keys=ON``, ``synchronous=FULL`` and a
busy timeout; write transactions start with ``BEGIN IMMEDIATE`` so that two
writers queue instead of failing half-way. PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from crmdesk.domain.changes import RECORDER, Changes
from crmdesk.domain.errors import DatabaseUnavailable

ENV_DATABASE_URL = "CRMDESK_DATABASE_URL"
DEFAULT_FILENAME = "crmdesk.sqlite3"
DEMO_FILENAME = "crmdesk-demo.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KIB = 65_536
#: A write that touches more records than this is logged as "these kinds changed".
CHANGE_LOG_MAX_IDS = 500


def data_dir() -> Path:
    """The per-user folder where crmdesk keeps its local databases and backups."""
    return Path(user_data_dir("crmdesk", appauthor=False))


def default_database_path() -> Path:
    return data_dir() / DEFAULT_FILENAME


def demo_database_path() -> Path:
    return data_dir() / DEMO_FILENAME


def resolve_url(value: str | os.PathLike[str] | None = None) -> URL:
    """Turn ``--db`` (a URL or a file path), ``$CRMDESK_DATABASE_URL`` or the default into a URL.

    A bare path means an SQLite file. ``postgresql://`` means psycopg 3.
    """
    if value is None or value == "":
        value = os.environ.get(ENV_DATABASE_URL) or str(default_database_path())
    text = os.fspath(value)
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    url = make_url(text)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).expanduser().resolve()))
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file behind an SQLite URL, or None for other backends and in-memory databases."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def display_url(url: URL) -> str:
    """The URL without its password, for the status bar, logs and messages."""
    return url.render_as_string(hide_password=True)


def create_db_engine(url: URL | str, *, pg_schema: str | None = None, echo: bool = False) -> Engine:
    """An engine with crmdesk's connection settings for SQLite or PostgreSQL.

    ``pg_schema`` puts every table of a PostgreSQL database in that schema
    (the tests use it to keep each run apart).
    """
    url = resolve_url(url) if isinstance(url, str) else url
    backend = url.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            url,
            echo=echo,
            poolclass=None if sqlite_path(url) else StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _install_sqlite_hooks(engine)
        return engine
    if backend == "postgresql":
        connect_args: dict[str, Any] = {"connect_timeout": 10}
        if pg_schema:
            connect_args["options"] = f"-csearch_path={pg_schema}"
        return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)
    raise ValueError(f"unsupported database {backend!r}: use an SQLite file or PostgreSQL")


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if sqlite_path(engine.url):
            cur.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed transaction survives a crash of the app and of the OS.
        cur.execute("PRAGMA synchronous = FULL")
        # Reports sort and group hundreds of thousands of rows: let the page cache grow to
        # 64 MiB and keep sort spills in memory rather than in temporary files.
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("crmdesk_write", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


_UNAVAILABLE_HINTS = (
    "server closed the connection",
    "connection refused",
    "could not connect",
    "connection timed out",
    "terminating connection",
    "connection is closed",
    "the connection is lost",
    "consuming input failed",
    "ssl syscall",
    "no route to host",
    "network is unreachable",
    "unable to open database file",
    "database is locked",
    "disk i/o error",
)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


def _unavailable(exc: OperationalError) -> bool:
    """Whether an OperationalError means "cannot reach the database now" (rather than a
    mistake in a statement, which stays a programming error)."""
    if exc.connection_invalidated:
        return True
    text = str(exc.orig or exc).lower()
    return any(hint in text for hint in _UNAVAILABLE_HINTS)


class Database:
    """An open crmdesk database: its URL, engine and the unit-of-work factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url: URL = engine.url
        self._write_engine = engine.execution_options(crmdesk_write=True)
        self._read_sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(bind=self._write_engine, expire_on_commit=False)
        #: Names this process's writes in the change log (its own windows skip them).
        self.origin = uuid.uuid4().hex
        self._channel: str | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return display_url(self.url)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any exception."""
        try:
            with self._unit(write) as session:
                yield session
        except (OperationalError, InterfaceError) as exc:
            if isinstance(exc, OperationalError) and not _unavailable(exc):
                raise
            raise DatabaseUnavailable(
                f"The database cannot be reached right now ({_first_line(exc)}); "
                "try again in a moment.",
                reason=_first_line(exc),
            ) from exc

    @contextmanager
    def _unit(self, write: bool) -> Iterator[Session]:
        factory = self._write_sessions if write else self._read_sessions
        with factory() as session, session.begin():
            if not write:
                yield session
                return
            recorded: list[Changes] = []
            token = RECORDER.set(recorded.append)
            try:
                yield session
            finally:
                RECORDER.reset(token)
            if recorded:
                self._log_changes(session, recorded)

    def _log_changes(self, session: Session, recorded: list[Changes]) -> None:
        """Write what this transaction changed to the change log (committed with it), and
        on PostgreSQL tell the listening windows which rows to read."""
        from crmdesk.db.models import ChangeLogEntry

        merged = Changes()
        for changes in recorded:
            merged = merged | changes

        def ids(values: frozenset[int]) -> str | None:
            if not values or len(values) > CHANGE_LOG_MAX_IDS:
                return None
            return ",".join(str(v) for v in sorted(values))

        kinds = merged.kinds
        entry = ChangeLogEntry(
            at=datetime.now(UTC),
            origin=self.origin,
            user_id=session.info.get("actor_id"),
            kinds=kinds.value,
            deal_ids=ids(merged.deal_ids),
            customer_ids=ids(merged.customer_ids),
        )
        session.add(entry)
        session.flush()
        if self.dialect == "postgresql":
            session.execute(select(func.pg_notify(self.channel(session), str(entry.id))))

    def channel(self, session: Session | None = None) -> str:
        """The PostgreSQL NOTIFY channel of this database's change log: one per schema, so
        that databases kept in separate schemas of one server do not hear each other."""
        if self._channel is None:
            if session is None:
                with self.read() as s:
                    schema = s.execute(text("SELECT current_schema()")).scalar_one()
            else:
                schema = session.execute(text("SELECT current_schema()")).scalar_one()
            digest = hashlib.sha1(str(schema).encode()).hexdigest()[:16]
            self._channel = f"crmdesk_changes_{digest}"
        return self._channel

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.transaction(write=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"
