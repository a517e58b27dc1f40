"""Reading the change log: what the other windows on this database wrote.

Every write transaction that changed something leaves one ``change_log`` row (see
``Database.transaction``). A window follows the log from the id it last read and redraws
what the rows say changed; its own rows (same ``origin``) it already knows about.

On SQLite the writers take turns (``BEGIN IMMEDIATE``), so ids are in commit order and
"every row after the last one read" is exact. On PostgreSQL two transactions may commit
out of id order, so a window reads the rows named by the notifications it receives
(``NOTIFY`` is delivered at commit, in commit order) and, after losing the connection,
refreshes everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from crmdesk.db.engine import Database
from crmdesk.db.models import ChangeLogEntry
from crmdesk.domain.changes import Change, Changes

#: Rows older than this are removed when a window opens the database.
KEEP = timedelta(days=2)
_KNOWN_KINDS = Change.ALL.value


def latest_change_id(db: Database) -> int:
    with db.read() as s:
        return int(s.execute(select(func.max(ChangeLogEntry.id))).scalar() or 0)


def _ids(text: str | None) -> frozenset[int]:
    return frozenset(int(v) for v in text.split(",")) if text else frozenset()


def _merge(rows: Iterable[ChangeLogEntry], origin: str) -> Changes:
    """The rows of other processes as one ``Changes``. A row whose id list was too long
    to keep stands for "all records of its kinds": then the merge names no ids at all,
    and the views redraw everything of those kinds."""
    out = Changes()
    wide = False
    for r in rows:
        if r.origin == origin:
            continue
        kinds = Change(r.kinds & _KNOWN_KINDS)
        if (r.deal_ids is None and kinds & Change.DEALS) or (
            r.customer_ids is None and kinds & Change.CUSTOMERS
        ):
            wide = True
        out = out | Changes(kinds, _ids(r.deal_ids), _ids(r.customer_ids))
    return Changes(out.kinds) if wide else out


def changes_after(db: Database, after_id: int, *, origin: str) -> tuple[int, Changes]:
    """The rows after ``after_id`` written by other processes, merged, and the last id
    read (SQLite: ids are in commit order)."""
    with db.read() as s:
        rows = list(
            s.execute(
                select(ChangeLogEntry)
                .where(ChangeLogEntry.id > after_id)
                .order_by(ChangeLogEntry.id)
            ).scalars()
        )
    last = rows[-1].id if rows else after_id
    return last, _merge(rows, origin)


def changes_with_ids(db: Database, ids: Sequence[int], *, origin: str) -> Changes:
    """The rows named by notifications (PostgreSQL), merged, less this process's own."""
    if not ids:
        return Changes()
    with db.read() as s:
        rows = list(
            s.execute(select(ChangeLogEntry).where(ChangeLogEntry.id.in_(sorted(set(ids)))))
            .scalars()
            .all()
        )
    return _merge(rows, origin)


def prune_change_log(db: Database, *, keep: timedelta = KEEP, now: datetime | None = None) -> int:
    """Remove rows older than ``keep`` (a window that was closed that long reloads
    everything when it opens anyway). Returns how many were removed."""
    cutoff = (now or datetime.now(UTC)) - keep
    with db.transaction() as s:
        result = s.execute(delete(ChangeLogEntry).where(ChangeLogEntry.at < cutoff))
        return int(result.rowcount or 0)
