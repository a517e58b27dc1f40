"""SQLite: bulk inserts of new deals and activities with their facts computed once,
set-based.

Migration 0005 keeps the derived facts with row-level triggers. For a deal the
importer inserts with its first (and closing) transition, three of them run per row:

* ``stage_transitions_facts_insert``: the deal's reached mask, and every stay of the
  deal deleted and computed again (a window over its history), per transition;
* ``deals_facts_insert``: the cycle days of a closed deal;
* ``deals_first_win_insert``: the customer's first won deal, per deal.

For 100,000 deals that is 275,000 trigger runs, over half of an import's time. A new
activity runs two more: ``activities_day_insert`` (its team-zone day) and
``activities_facts_insert`` (its deal's first response, response hours, last activity
and next due). SQLite has no statement-level triggers (PostgreSQL has, and uses them:
migration 0008), so :class:`NewDealFacts` and :class:`NewActivityFacts` set those
triggers aside while the rows go in, then compute the same facts for all the new rows
at once, one statement each:

* deals: the masks, from the deals' transitions (a row is written only where the mask
  the writer gave is not it); the cycle days of the closed ones; their stays (one
  window over their transitions, partitioned by deal); the first won deal of every
  customer they name;
* activities: the days of the done ones; the activity facts of every deal they
  belong to.

All of it happens in the caller's write transaction: SQLite's DDL is transactional,
so the triggers are back when it commits, and a rollback (a bad row, Cancel, a killed
process) brings them back with the rows. No other writer can run in between: the
transaction holds the database's only write lock from its first statement (``BEGIN
IMMEDIATE``), so nothing else is ever written without the triggers. The triggers are
created again from their own text in ``sqlite_master``, exactly as they were.

Only inserts of *new* rows go this way (the importer's, and a restore's or a copy's
through :class:`crmdesk.portability.tables.TableWriter`); moves, edits and deletions
keep the row-level triggers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from crmdesk.db.zone import done_day_sql

#: The row-level triggers a bulk insert of new deals sets aside (migration 0005).
SUSPENDED = (
    "stage_transitions_facts_insert",
    "deals_facts_insert",
    "deals_first_win_insert",
)
#: The temporary table of the new deals' ids.
IDS_NAME = "crmdesk_bulk_deals"
IDS = f"temp.{IDS_NAME}"


def sqlite_epoch(expr: str) -> str:
    """Exact seconds of an SQLite timestamp text 'YYYY-MM-DD HH:MM:SS[.ffffff]': whole
    seconds from strftime on the text without its fraction (SQLite reads times to the
    millisecond, so .9995 s and more would round up a second), plus the fraction as
    written. The expression of migration 0005's triggers."""
    whole = f"CAST(strftime('%s', substr({expr}, 1, 19)) AS INTEGER)"
    return f"({whole} + CAST(substr({expr}, 20) AS REAL))"


NEW = f"SELECT id FROM {IDS}"

#: The masks from the deals' whole history (the insert trigger ORs each new
#: transition's bit into the mask the row was given; for a new deal with its own new
#: transitions both are the same, and a wrong mask given by a writer is corrected).
MASKS = f"""
    UPDATE deals SET reached_mask = f.mask
    FROM (SELECT d.id, coalesce(sum(DISTINCT 1 << s.slot), 0) AS mask
          FROM deals AS d
          LEFT JOIN stage_transitions AS t ON t.deal_id = d.id
          LEFT JOIN stages AS s ON s.id = t.to_stage_id AND s.pipeline_id = d.pipeline_id
          WHERE d.id IN ({NEW})
          GROUP BY d.id) AS f
    WHERE deals.id = f.id AND deals.reached_mask IS NOT f.mask"""

CYCLES = f"""
    UPDATE deals
    SET cycle_days = ({sqlite_epoch("closed_at")} - {sqlite_epoch("created_at")}) / 86400.0
    WHERE id IN ({NEW}) AND closed_at IS NOT NULL"""

VISITS_DELETE = f"DELETE FROM stage_visits WHERE deal_id IN ({NEW})"

VISITS = f"""
    INSERT INTO stage_visits (transition_id, deal_id, pipeline_id, stage_id, owner_id,
                              source_id, deal_created_at, entered_at, left_at, days)
    SELECT v.id, v.deal_id, d.pipeline_id, v.to_stage_id, d.owner_id, d.source_id,
           d.created_at, v.at, v.next_at,
           ({sqlite_epoch("v.next_at")} - {sqlite_epoch("v.at")}) / 86400.0
    FROM (SELECT id, deal_id, to_stage_id, at,
                 lead(at) OVER (PARTITION BY deal_id ORDER BY at, id) AS next_at
          FROM stage_transitions WHERE deal_id IN ({NEW})) AS v
    JOIN deals AS d ON d.id = v.deal_id"""

FIRST_WINS = f"""
    UPDATE customers SET first_won_deal_id = (
        SELECT d.id FROM deals AS d JOIN stages AS s ON s.id = d.stage_id
        WHERE d.customer_id = customers.id AND s.kind = 'won' AND d.closed_at IS NOT NULL
        ORDER BY d.closed_at, d.id LIMIT 1)
    WHERE id IN (SELECT DISTINCT customer_id FROM deals
                 WHERE id IN ({NEW}) AND customer_id IS NOT NULL)"""


#: The row-level triggers a bulk insert of new activities sets aside (migration 0005).
ACTIVITY_TRIGGERS = ("activities_day_insert", "activities_facts_insert")
ACTIVITY_IDS_NAME = "crmdesk_bulk_activities"
NEW_ACTIVITIES = f"SELECT id FROM temp.{ACTIVITY_IDS_NAME}"
#: The deals the new activities belong to.
ACTIVITY_DEALS = (
    f"SELECT DISTINCT deal_id FROM activities "
    f"WHERE id IN ({NEW_ACTIVITIES}) AND deal_id IS NOT NULL"
)
RESPONSE_KINDS = "('call', 'meeting', 'email')"

DONE_DAYS = f"""
    UPDATE activities SET done_day = {done_day_sql("sqlite", "done_at")}
    WHERE id IN ({NEW_ACTIVITIES}) AND done_at IS NOT NULL"""

DEAL_ACTIVITY_FACTS = f"""
    UPDATE deals SET
        first_response_at = (SELECT min(a.done_at) FROM activities AS a
                             WHERE a.deal_id = deals.id AND a.kind IN {RESPONSE_KINDS}
                               AND a.done_at IS NOT NULL),
        last_activity_at = (SELECT max(a.done_at) FROM activities AS a
                            WHERE a.deal_id = deals.id AND a.done_at IS NOT NULL),
        next_due_at = (SELECT min(a.due_at) FROM activities AS a
                       WHERE a.deal_id = deals.id AND a.done_at IS NULL
                         AND a.due_at IS NOT NULL)
    WHERE id IN ({ACTIVITY_DEALS})"""

RESPONSE_HOURS = f"""
    UPDATE deals SET response_hours = CASE WHEN first_response_at IS NULL THEN NULL
        ELSE max(0.0, ({sqlite_epoch("first_response_at")} - {sqlite_epoch("created_at")})
                      / 3600.0) END
    WHERE id IN ({ACTIVITY_DEALS})"""


class _SetAside:
    """The bulk path in steps, for a writer that streams its rows (a restore, a copy):
    :meth:`begin` before the first new row, :meth:`add` their ids as they are written,
    :meth:`finish` once everything the facts read is in. Does nothing on other
    databases. Must run inside a write transaction."""

    #: The row-level triggers set aside.
    suspended: tuple[str, ...] = ()
    #: The temporary table of the new rows' ids.
    ids_table = ""
    #: The set-based statements run by :meth:`finish`, in order.
    statements: tuple[str, ...] = ()

    def __init__(self, conn: Connection | Session) -> None:
        self.conn = conn.connection() if isinstance(conn, Session) else conn
        self.active = self.conn.dialect.name == "sqlite"
        self._stored: list[tuple[str, str]] = []
        self._any = False

    def begin(self) -> None:
        if not self.active:
            return
        if self._stored:
            # A second begin would find the triggers gone and never put them back.
            raise RuntimeError(f"{type(self).__name__}.begin() twice without finish()")
        conn = self.conn
        self._stored = [
            (name, sql)
            for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                f"AND name IN ({', '.join(repr(n) for n in self.suspended)})"
            )
        ]
        for name, _ in self._stored:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {self.ids_table} (id INTEGER PRIMARY KEY)"
        )
        conn.exec_driver_sql(f"DELETE FROM temp.{self.ids_table}")

    def add(self, ids: Sequence[int]) -> None:
        if self.active and ids:
            self.conn.exec_driver_sql(
                f"INSERT INTO temp.{self.ids_table} (id) VALUES (?)", [(i,) for i in ids]
            )
            self._any = True

    def finish(self) -> None:
        """Compute the new rows' facts and put the triggers back."""
        if not self.active:
            return
        if self._any:
            for statement in self.statements:
                self.conn.exec_driver_sql(statement)
        self.conn.exec_driver_sql(f"DELETE FROM temp.{self.ids_table}")
        self._any = False
        self._restore()

    def abort(self) -> None:
        """Put the triggers back without computing anything (the caller's rollback would
        put them back as well)."""
        if self.active:
            with contextlib.suppress(Exception):
                self._restore()

    def _restore(self) -> None:
        for _, sql in self._stored:
            self.conn.exec_driver_sql(sql)
        self._stored = []

    @classmethod
    @contextlib.contextmanager
    def around(cls, conn: Connection | Session, ids: Sequence[int]) -> Iterator[None]:
        """Insert the new rows ``ids`` (and what their facts read) in the ``with`` block;
        on SQLite their facts are computed at its end. If the block raises, the triggers
        are put back and nothing is computed."""
        step = cls(conn)
        step.active = step.active and bool(ids)
        step.begin()
        try:
            yield
        except BaseException:
            step.abort()
            raise
        step.add(ids)
        step.finish()


class NewDealFacts(_SetAside):
    """New deals with their transitions (see the module)."""

    suspended = SUSPENDED
    ids_table = IDS_NAME
    statements = (MASKS, CYCLES, VISITS_DELETE, VISITS, FIRST_WINS)


class NewActivityFacts(_SetAside):
    """New activities: their team-zone days, and the activity facts (first response,
    response hours, last activity, next due) of the deals they belong to."""

    suspended = ACTIVITY_TRIGGERS
    ids_table = ACTIVITY_IDS_NAME
    statements = (DONE_DAYS, DEAL_ACTIVITY_FACTS, RESPONSE_HOURS)


def sqlite_new_deals(
    conn: Connection | Session, deal_ids: Sequence[int]
) -> contextlib.AbstractContextManager[None]:
    """Insert the new deals ``deal_ids`` and their transitions in the ``with`` block;
    on SQLite their facts are computed at its end, set-based (see the module). Other
    databases: nothing is set aside (PostgreSQL's statement-level triggers do this).

    Must run inside a write transaction. If the block raises, the triggers are put back
    (the caller's rollback would put them back as well) and nothing is computed."""
    return NewDealFacts.around(conn, deal_ids)


def sqlite_new_activities(
    conn: Connection | Session, activity_ids: Sequence[int]
) -> contextlib.AbstractContextManager[None]:
    """As :func:`sqlite_new_deals`, for new activities (their deals exist already)."""
    return NewActivityFacts.around(conn, activity_ids)
