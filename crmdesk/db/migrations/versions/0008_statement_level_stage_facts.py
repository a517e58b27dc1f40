"""PostgreSQL: the facts of a statement's new transitions and deals, kept once per statement

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

Migration 0005 keeps ``deals.reached_mask`` and the ``stage_visits`` rows with a
row-level trigger on ``stage_transitions`` (every inserted or deleted transition
recomputed its deal's mask and stays), and ``customers.first_won_deal_id`` with a
row-level trigger on ``deals``. An import of 100,000 deals ran those statements
275,000 times, one row at a time, with plans that plpgsql had cached while the
tables were still empty (a table scan per row): minutes, growing with the square of
the import.

On PostgreSQL they now run once per statement, on the rows the statement wrote
(transition tables, ``REFERENCING NEW TABLE`` / ``OLD TABLE``):

* after an INSERT or a DELETE on ``stage_transitions``, the mask and the stays of
  every deal the statement touched are recomputed;
* after an INSERT on ``deals``, the first won deal of every customer the new deals
  name (moves, edits and deletions of deals keep 0005's row-level trigger).

A statement that touched a few deals or customers (at most ``FEW``: a move in the app,
or psycopg's executemany, which sends one statement per row) has them recomputed one
by one by 0005's statements, whose plans plpgsql keeps, as before. More (an import's or
a restore's ``COPY`` of thousands of rows) are recomputed set-based by
``crmdesk_stage_facts_of(deal ids)`` and ``crmdesk_first_win_of(customer ids)``: one
statement each, planned when it runs (``EXECUTE``), with table scans, hash and merge
joins off, so that they read the rows of a few thousand deals through their indexes,
one deal at a time: statistics taken before a large load (or none: autovacuum off, or
unable to see the load's rows yet) would make the planner scan and hash whole tables
for every statement, and an import slower with each chunk. They write a
row only when its fact changes (a deal row carries 15 indexes): an import gives its
new deals the mask their transitions will give them, and the trigger, which still
computes it, finds nothing to change.

The facts are exactly those of 0005's triggers: both recompute a deal's or a
customer's facts from all of its rows once the statement's rows are in, which is when
row-level AFTER triggers ran as well.

SQLite has no statement-level triggers; its row-level ones stay as they are.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: A statement that touched at most this many deals (or customers) recomputes them one
#: by one with 0005's functions, whose plans plpgsql keeps (a move in the app, a
#: row-at-a-time executemany); more are recomputed set-based, each statement planned
#: when it runs.
FEW = 8
#: 0005's recomputation of a customer's first won deal.
FIRST_WIN = """UPDATE customers SET first_won_deal_id = (
                SELECT d.id FROM deals AS d JOIN stages AS s ON s.id = d.stage_id
                WHERE d.customer_id = customers.id AND s.kind = 'won'
                  AND d.closed_at IS NOT NULL
                ORDER BY d.closed_at, d.id LIMIT 1)"""
PG_EPOCH_DAYS = "CAST(EXTRACT(EPOCH FROM (v.next_at - v.at)) AS DOUBLE PRECISION) / 86400.0"

FUNCTIONS = {
    "crmdesk_stage_facts_of(integer[])": f"""
    CREATE FUNCTION crmdesk_stage_facts_of(p_deals integer[]) RETURNS void
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    BEGIN
    IF cardinality(p_deals) = 0 THEN
        RETURN;
    END IF;
    EXECUTE 'WITH f AS MATERIALIZED (
        SELECT d.id, coalesce(bit_or(CAST(1 AS BIGINT) << s.slot), 0) AS mask
        FROM deals AS d
        LEFT JOIN stage_transitions AS t ON t.deal_id = d.id
        LEFT JOIN stages AS s ON s.id = t.to_stage_id AND s.pipeline_id = d.pipeline_id
        WHERE d.id = ANY($1)
        GROUP BY d.id)
    UPDATE deals SET reached_mask = f.mask FROM f
    WHERE deals.id = f.id AND deals.reached_mask IS DISTINCT FROM f.mask' USING p_deals;
    EXECUTE 'DELETE FROM stage_visits WHERE deal_id = ANY($1)' USING p_deals;
    EXECUTE 'INSERT INTO stage_visits (transition_id, deal_id, pipeline_id, stage_id,
                              owner_id, source_id, deal_created_at, entered_at, left_at, days)
    SELECT v.id, v.deal_id, d.pipeline_id, v.to_stage_id, d.owner_id, d.source_id,
           d.created_at, v.at, v.next_at, {PG_EPOCH_DAYS}
    FROM (SELECT id, deal_id, to_stage_id, at,
                 lead(at) OVER (PARTITION BY deal_id ORDER BY at, id) AS next_at
          FROM stage_transitions WHERE deal_id = ANY($1)) AS v
    JOIN deals AS d ON d.id = v.deal_id' USING p_deals;
    END $$ LANGUAGE plpgsql""",
    "crmdesk_first_win_of(integer[])": """
    CREATE FUNCTION crmdesk_first_win_of(p_customers integer[]) RETURNS void
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    BEGIN
    IF cardinality(p_customers) = 0 THEN
        RETURN;
    END IF;
    EXECUTE 'WITH f AS MATERIALIZED (
        SELECT c.id, (
            SELECT d.id FROM deals AS d JOIN stages AS s ON s.id = d.stage_id
            WHERE d.customer_id = c.id AND s.kind = ''won'' AND d.closed_at IS NOT NULL
            ORDER BY d.closed_at, d.id LIMIT 1) AS deal
        FROM customers AS c WHERE c.id = ANY($1))
    UPDATE customers SET first_won_deal_id = f.deal FROM f
    WHERE customers.id = f.id AND customers.first_won_deal_id IS DISTINCT FROM f.deal'
    USING p_customers;
    END $$ LANGUAGE plpgsql""",
    "crmdesk_transitions_inserted()": f"""
    CREATE FUNCTION crmdesk_transitions_inserted() RETURNS trigger AS $$
    DECLARE
        ids integer[] := ARRAY(SELECT DISTINCT deal_id FROM inserted_rows);
        one integer;
    BEGIN
    IF cardinality(ids) <= {FEW} THEN
        FOREACH one IN ARRAY ids LOOP
            PERFORM crmdesk_stage_facts(one);
        END LOOP;
    ELSE
        PERFORM crmdesk_stage_facts_of(ids);
    END IF;
    RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "crmdesk_transitions_deleted()": f"""
    CREATE FUNCTION crmdesk_transitions_deleted() RETURNS trigger AS $$
    DECLARE
        ids integer[] := ARRAY(SELECT DISTINCT deal_id FROM deleted_rows);
        one integer;
    BEGIN
    IF cardinality(ids) <= {FEW} THEN
        FOREACH one IN ARRAY ids LOOP
            PERFORM crmdesk_stage_facts(one);
        END LOOP;
    ELSE
        PERFORM crmdesk_stage_facts_of(ids);
    END IF;
    RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "crmdesk_deals_inserted()": f"""
    CREATE FUNCTION crmdesk_deals_inserted() RETURNS trigger AS $$
    DECLARE
        ids integer[] := ARRAY(
            SELECT DISTINCT customer_id FROM inserted_rows WHERE customer_id IS NOT NULL);
        one integer;
    BEGIN
    IF cardinality(ids) <= {FEW} THEN
        FOREACH one IN ARRAY ids LOOP
            {FIRST_WIN} WHERE id = one;
        END LOOP;
    ELSE
        PERFORM crmdesk_first_win_of(ids);
    END IF;
    RETURN NULL;
    END $$ LANGUAGE plpgsql""",
}

TRIGGERS = {
    ("stage_transitions_facts_insert", "stage_transitions"): """
    CREATE TRIGGER stage_transitions_facts_insert AFTER INSERT ON stage_transitions
    REFERENCING NEW TABLE AS inserted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crmdesk_transitions_inserted()""",
    ("stage_transitions_facts_delete", "stage_transitions"): """
    CREATE TRIGGER stage_transitions_facts_delete AFTER DELETE ON stage_transitions
    REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crmdesk_transitions_deleted()""",
    ("deals_first_win_insert", "deals"): """
    CREATE TRIGGER deals_first_win_insert AFTER INSERT ON deals
    REFERENCING NEW TABLE AS inserted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crmdesk_deals_inserted()""",
    # 0005's row-level trigger, for moves, edits and deletions only.
    ("deals_first_win", "deals"): """
    CREATE TRIGGER deals_first_win
    AFTER DELETE OR UPDATE OF stage_id, closed_at, customer_id ON deals
    FOR EACH ROW EXECUTE FUNCTION crmdesk_first_win_trigger()""",
}

#: 0005's row-level triggers, put back by the downgrade (their functions stay).
ROW_TRIGGERS = {
    ("stage_transitions_facts", "stage_transitions"): """
    CREATE TRIGGER stage_transitions_facts AFTER INSERT OR DELETE ON stage_transitions
    FOR EACH ROW EXECUTE FUNCTION crmdesk_transitions_facts_trigger()""",
    ("deals_first_win", "deals"): """
    CREATE TRIGGER deals_first_win
    AFTER INSERT OR DELETE OR UPDATE OF stage_id, closed_at, customer_id ON deals
    FOR EACH ROW EXECUTE FUNCTION crmdesk_first_win_trigger()""",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table in ROW_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for ddl in FUNCTIONS.values():
        op.execute(ddl)
    for ddl in TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for signature in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    for ddl in ROW_TRIGGERS.values():
        op.execute(ddl)
