"""SQLite: a bulk insert of new deals with their facts computed once, set-based.

Migration 0005 keeps the derived facts with row-level triggers. For a deal the
importer inserts with its first (and closing) transition, three of them run per row:

* ``stage_transitions_facts_insert``: the deal's reached mask, and every stay of the
  deal deleted and computed again (a window over its history), per transition;
* ``deals_facts_insert``: the cycle days of a closed deal;
* ``deals_first_win_insert``: the customer's first won deal, per deal.

For 100,000 deals that is 275,000 trigger runs, over half of an import's time.
SQLite has no statement-level triggers (PostgreSQL has, and uses them: migration
0008), so :func:`sqlite_new_deals` sets those three aside for the insert and then
computes the same facts for all the new deals at once, each with one statement:

* the masks, from the deals' transitions (a row is written only where the mask the
  importer gave is not it);
* the cycle days of the closed ones;
* their stays: one window over their transitions, partitioned by deal;
* the first won deal of every customer they name.

All of it happens in the caller's write transaction: SQLite's DDL is transactional,
so the triggers are back when it commits, and a rollback (a bad row, Cancel, a killed
process) brings them back with the rows. No other writer can run in between: the
transaction holds the database's only write lock from its first statement (``BEGIN
IMMEDIATE``), so nothing else is ever written without the triggers. The triggers are
created again from their own text in ``sqlite_master``, exactly as they were.

Only inserts of *new* deals, with their own new transitions, go this way; moves,
edits and deletions keep the row-level triggers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

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


@contextlib.contextmanager
def sqlite_new_deals(s: Session, deal_ids: Sequence[int]) -> Iterator[None]:
    """Insert the new deals ``deal_ids`` and their transitions in the ``with`` block;
    on SQLite their facts are computed at its end, set-based (see the module). Other
    databases: nothing is set aside (PostgreSQL's statement-level triggers do this).

    Must run inside a write transaction. If the block raises, the triggers are put back
    (the caller's rollback would put them back as well) and nothing is computed."""
    if s.get_bind().dialect.name != "sqlite" or not deal_ids:
        yield
        return
    stored = s.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            f"AND name IN ({', '.join(repr(n) for n in SUSPENDED)})"
        )
    ).all()
    raw = s.connection()
    for name, _ in stored:
        raw.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            _restore(s, stored)
        raise
    raw.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {IDS_NAME} (id INTEGER PRIMARY KEY)")
    raw.exec_driver_sql(f"DELETE FROM {IDS}")
    raw.exec_driver_sql(f"INSERT INTO {IDS} (id) VALUES (?)", [(i,) for i in deal_ids])
    for statement in (MASKS, CYCLES, VISITS_DELETE, VISITS, FIRST_WINS):
        raw.exec_driver_sql(statement)
    raw.exec_driver_sql(f"DELETE FROM {IDS}")
    _restore(s, stored)


def _restore(s: Session, stored: Sequence[tuple[str, str]]) -> None:
    raw = s.connection()
    for _, sql in stored:
        raw.exec_driver_sql(sql)
