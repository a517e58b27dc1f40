"""Live updates: what other windows on the same database write shows here within seconds.

A :class:`LiveUpdates` thread follows the database's change log (see
``crmdesk.db.changelog``) and emits ``changed(Changes)`` for the writes of other
processes; the main window publishes them on its ``ChangeBus``, so each view redraws what
they touched, as it does for the window's own writes.

* SQLite: ``PRAGMA data_version`` on a connection of the thread's own tells, for next to
  nothing, whether anyone committed since the last look; only then are the new rows read.
* PostgreSQL: ``LISTEN`` on the change log's channel; each notification names the row to
  read. After a lost connection it reconnects by itself and reloads everything (what was
  written meanwhile was not heard).

``connection(ok, reason)`` reports a lost and a restored connection, for the status bar.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from typing import Any

from PySide6.QtCore import QThread, Signal

from crmdesk.db import changelog
from crmdesk.db.engine import Database
from crmdesk.domain import Changes

POLL_SECONDS = 0.5
RETRY_SECONDS = 2.0


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


class LiveUpdates(QThread):
    """Follows the change log in a thread of its own until :meth:`stop`."""

    changed = Signal(object)  # Changes written by another process
    connection = Signal(bool, str)  # ok, reason (empty when ok)

    def __init__(self, db: Database, parent: Any = None, *, poll_seconds: float = POLL_SECONDS):
        super().__init__(parent)
        self.db = db
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._online = True

    def stop(self, timeout_ms: int = 5000) -> None:
        self._stop.set()
        self.wait(timeout_ms)

    # --- the thread ----------------------------------------------------------------------
    def run(self) -> None:
        follow = self._follow_postgres if self.db.dialect == "postgresql" else self._follow_sqlite
        while not self._stop.is_set():
            try:
                follow()
            except Exception as exc:  # a lost connection, a file gone: say so, try again
                if self._stop.is_set():
                    return
                self._set_online(False, _reason(exc))
                self._stop.wait(RETRY_SECONDS)

    def _set_online(self, ok: bool, reason: str = "") -> None:
        if ok != self._online:
            self._online = ok
            self.connection.emit(ok, reason)

    def _back_online(self) -> None:
        if not self._online:
            self._set_online(True)
            # What was written while we could not look is unknown: reload everything.
            self.changed.emit(Changes.everything())

    def _publish(self, changes: Changes) -> None:
        if changes.kinds:
            self.changed.emit(changes)

    def _follow_sqlite(self) -> None:
        last = changelog.latest_change_id(self.db)
        path = self.db.path
        probe: sqlite3.Connection | None = None
        if path is not None:
            probe = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        try:
            seen_version = None
            self._back_online()
            while not self._stop.wait(self.poll_seconds):
                if probe is not None:
                    version = probe.execute("PRAGMA data_version").fetchone()[0]
                    if version == seen_version:
                        continue
                    seen_version = version
                last, changes = changelog.changes_after(self.db, last, origin=self.db.origin)
                self._publish(changes)
        finally:
            if probe is not None:
                probe.close()

    def _follow_postgres(self) -> None:
        channel = self.db.channel()
        raw = self.db.engine.raw_connection()
        try:
            conn = raw.driver_connection
            assert conn is not None
            conn.rollback()
            conn.autocommit = True
            conn.execute(f'LISTEN "{channel}"')
            self._back_online()
            while not self._stop.is_set():
                ids = [
                    int(n.payload)
                    for n in conn.notifies(timeout=self.poll_seconds)
                    if n.payload.isdigit()
                ]
                if not ids:
                    # Nothing heard: make sure the connection is still there.
                    conn.execute("SELECT 1")
                    continue
                self._publish(changelog.changes_with_ids(self.db, ids, origin=self.db.origin))
        finally:
            with contextlib.suppress(Exception):
                raw.invalidate()
