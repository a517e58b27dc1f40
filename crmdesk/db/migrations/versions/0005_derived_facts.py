"""derived per-deal facts and stage visits, kept by triggers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

The metrics read these instead of folding every deal's history on each request:

* ``stages.slot``: the stage's bit, unique in its pipeline;
* ``deals.reached_mask``: one bit per stage the deal ever entered;
* ``deals.first_response_at``, ``response_hours``, ``last_activity_at`` and
  ``next_due_at``: from the deal's activities;
* ``deals.cycle_days``: days from creation to close, for a closed deal;
* ``customers.first_won_deal_id``: the customer's first won deal (by close time,
  then id), which makes it a new customer;
* ``activities.done_day``: the local day of a done activity in the team's time
  zone (the new ``time_zone`` setting, this computer's zone at upgrade), from the
  zone's UTC offsets kept in the new table ``zone_offsets``;
* ``stage_visits``: each stay in a stage, one per transition: when it began, when
  the next transition ended it and its length in days (both NULL for the stay the
  deal is in now), with the deal's pipeline, owner, source and creation time
  copied in.

Triggers on ``stage_transitions``, ``activities`` and ``deals`` keep them exact on
every write, raw SQL included, on SQLite and PostgreSQL alike; the upgrade fills
them from the history already there. The redundant ``(deal_id, at, id)`` index
on transitions goes (the covering history index starts with the same columns),
done activities get an index per person, kind and team-zone day, and deals one per person and
close time and a covering one of every column the per-person metrics read.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from crmdesk.db.zone import TIME_ZONE_KEY, done_day_sql, store_time_zone
from crmdesk.domain.timezones import local_timezone_name

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MAX_STAGE_SLOT = 62
#: The covering index of the per-person metrics (one scan, in owner order).
FACTS_COLUMNS = [
    "pipeline_id",
    "owner_id",
    "stage_id",
    "reached_mask",
    "created_at",
    "closed_at",
    "lost_at_stage_id",
    "first_response_at",
    "amount",
    "cycle_days",
    "source_id",
    "stage_entered_at",
    "last_activity_at",
    "customer_id",
    "expected_close",
]
RESPONSE_KINDS = "('call', 'meeting', 'email')"


def _sqlite_epoch(expr: str) -> str:
    """Exact seconds since 1970 of an SQLite timestamp text (see crmdesk.metrics.sql): the
    whole seconds of the text without its fraction (SQLite would round .9995 s up), plus
    the fraction as written."""
    whole = f"CAST(strftime('%s', substr({expr}, 1, 19)) AS INTEGER)"
    return f"({whole} + CAST(substr({expr}, 20) AS REAL))"


# --- SQLite: the statements, for one deal id expression ------------------------------------


def _sqlite_visits(deal: str) -> str:
    return f"""
    DELETE FROM stage_visits WHERE deal_id = {deal};
    INSERT INTO stage_visits (transition_id, deal_id, pipeline_id, stage_id, owner_id,
                              source_id, deal_created_at, entered_at, left_at, days)
    SELECT v.id, v.deal_id, d.pipeline_id, v.to_stage_id, d.owner_id, d.source_id,
           d.created_at, v.at, v.next_at,
           ({_sqlite_epoch("v.next_at")} - {_sqlite_epoch("v.at")}) / 86400.0
    FROM (SELECT id, deal_id, to_stage_id, at,
                 lead(at) OVER (ORDER BY at, id) AS next_at
          FROM stage_transitions WHERE deal_id = {deal}) AS v
    JOIN deals AS d ON d.id = v.deal_id;"""


def _sqlite_mask(where: str) -> str:
    return f"""
    UPDATE deals SET reached_mask = (
        SELECT coalesce(sum(DISTINCT 1 << s.slot), 0)
        FROM stage_transitions AS t JOIN stages AS s ON s.id = t.to_stage_id
        WHERE t.deal_id = deals.id AND s.pipeline_id = deals.pipeline_id)
    WHERE {where};"""


def _sqlite_response(where: str) -> str:
    hours = f"({_sqlite_epoch('first_response_at')} - {_sqlite_epoch('created_at')}) / 3600.0"
    return f"""
    UPDATE deals SET response_hours =
        CASE WHEN first_response_at IS NULL THEN NULL ELSE max(0.0, {hours}) END
    WHERE {where};"""


def _sqlite_cycle(where: str) -> str:
    days = f"({_sqlite_epoch('closed_at')} - {_sqlite_epoch('created_at')}) / 86400.0"
    return f"UPDATE deals SET cycle_days = {days} WHERE {where};"


def _activity_facts(where: str) -> str:
    """Both backends: the activity facts of the deals matching ``where``."""
    return f"""
    UPDATE deals SET
        first_response_at = (SELECT min(a.done_at) FROM activities AS a
                             WHERE a.deal_id = deals.id AND a.kind IN {RESPONSE_KINDS}
                               AND a.done_at IS NOT NULL),
        last_activity_at = (SELECT max(a.done_at) FROM activities AS a
                            WHERE a.deal_id = deals.id AND a.done_at IS NOT NULL),
        next_due_at = (SELECT min(a.due_at) FROM activities AS a
                       WHERE a.deal_id = deals.id AND a.done_at IS NULL
                         AND a.due_at IS NOT NULL)
    WHERE {where};"""


FIRST_WIN = """
    UPDATE customers SET first_won_deal_id = (
        SELECT d.id FROM deals AS d JOIN stages AS s ON s.id = d.stage_id
        WHERE d.customer_id = customers.id AND s.kind = 'won' AND d.closed_at IS NOT NULL
        ORDER BY d.closed_at, d.id LIMIT 1)"""

SQLITE_TRIGGERS = {
    "activities_day_insert": f"""
    CREATE TRIGGER activities_day_insert AFTER INSERT ON activities
    WHEN NEW.done_at IS NOT NULL
    BEGIN
    UPDATE activities SET done_day = {done_day_sql("sqlite", "done_at")} WHERE id = NEW.id;
    END""",
    "activities_day_update": f"""
    CREATE TRIGGER activities_day_update AFTER UPDATE OF done_at ON activities
    BEGIN
    UPDATE activities SET done_day = {done_day_sql("sqlite", "done_at")} WHERE id = NEW.id;
    END""",
    "deals_first_win_insert": f"""
    CREATE TRIGGER deals_first_win_insert AFTER INSERT ON deals
    WHEN NEW.customer_id IS NOT NULL
    BEGIN
    {FIRST_WIN} WHERE id = NEW.customer_id;
    END""",
    "deals_first_win_update": f"""
    CREATE TRIGGER deals_first_win_update
    AFTER UPDATE OF stage_id, closed_at, customer_id ON deals
    WHEN OLD.customer_id IS NOT NULL OR NEW.customer_id IS NOT NULL
    BEGIN
    {FIRST_WIN} WHERE id IN (OLD.customer_id, NEW.customer_id);
    END""",
    "deals_first_win_delete": f"""
    CREATE TRIGGER deals_first_win_delete AFTER DELETE ON deals
    WHEN OLD.customer_id IS NOT NULL
    BEGIN
    {FIRST_WIN} WHERE id = OLD.customer_id;
    END""",
    "stage_transitions_facts_insert": f"""
    CREATE TRIGGER stage_transitions_facts_insert AFTER INSERT ON stage_transitions
    BEGIN
    UPDATE deals SET reached_mask = reached_mask | coalesce(
        (SELECT 1 << s.slot FROM stages AS s
         WHERE s.id = NEW.to_stage_id AND s.pipeline_id = deals.pipeline_id), 0)
    WHERE id = NEW.deal_id;
    {_sqlite_visits("NEW.deal_id")}
    END""",
    "stage_transitions_facts_delete": f"""
    CREATE TRIGGER stage_transitions_facts_delete AFTER DELETE ON stage_transitions
    BEGIN
    {_sqlite_mask("id = OLD.deal_id")}
    {_sqlite_visits("OLD.deal_id")}
    END""",
    "activities_facts_insert": f"""
    CREATE TRIGGER activities_facts_insert AFTER INSERT ON activities
    WHEN NEW.deal_id IS NOT NULL
    BEGIN
    {_activity_facts("id = NEW.deal_id")}
    {_sqlite_response("id = NEW.deal_id")}
    END""",
    "activities_facts_delete": f"""
    CREATE TRIGGER activities_facts_delete AFTER DELETE ON activities
    WHEN OLD.deal_id IS NOT NULL
    BEGIN
    {_activity_facts("id = OLD.deal_id")}
    {_sqlite_response("id = OLD.deal_id")}
    END""",
    "activities_facts_update": f"""
    CREATE TRIGGER activities_facts_update
    AFTER UPDATE OF deal_id, kind, done_at, due_at ON activities
    WHEN OLD.deal_id IS NOT NULL OR NEW.deal_id IS NOT NULL
    BEGIN
    {_activity_facts("id IN (OLD.deal_id, NEW.deal_id)")}
    {_sqlite_response("id IN (OLD.deal_id, NEW.deal_id)")}
    END""",
    "deals_facts_insert": f"""
    CREATE TRIGGER deals_facts_insert AFTER INSERT ON deals
    WHEN NEW.closed_at IS NOT NULL
    BEGIN
    {_sqlite_cycle("id = NEW.id")}
    END""",
    "deals_cycle_update": f"""
    CREATE TRIGGER deals_cycle_update AFTER UPDATE OF created_at, closed_at ON deals
    BEGIN
    {_sqlite_cycle("id = NEW.id")}
    END""",
    "deals_facts_update": f"""
    CREATE TRIGGER deals_facts_update
    AFTER UPDATE OF owner_id, source_id, created_at, pipeline_id ON deals
    BEGIN
    UPDATE stage_visits SET owner_id = NEW.owner_id, source_id = NEW.source_id,
        deal_created_at = NEW.created_at, pipeline_id = NEW.pipeline_id
    WHERE deal_id = NEW.id;
    {_sqlite_response("id = NEW.id")}
    {_sqlite_mask("id = NEW.id AND NEW.pipeline_id <> OLD.pipeline_id")}
    END""",
}

# --- PostgreSQL: functions and triggers -------------------------------------------------

PG_EPOCH_DAYS = "CAST(EXTRACT(EPOCH FROM (v.next_at - v.at)) AS DOUBLE PRECISION) / 86400.0"
PG_RESPONSE = (
    "CASE WHEN first_response_at IS NULL THEN NULL ELSE greatest(0.0, "
    "CAST(EXTRACT(EPOCH FROM (first_response_at - created_at)) AS DOUBLE PRECISION) / 3600.0) END"
)
PG_MASK = """
    UPDATE deals SET reached_mask = coalesce((
        SELECT bit_or(CAST(1 AS BIGINT) << s.slot)
        FROM stage_transitions AS t JOIN stages AS s ON s.id = t.to_stage_id
        WHERE t.deal_id = deals.id AND s.pipeline_id = deals.pipeline_id), 0)"""

PG_FUNCTIONS = {
    "crmdesk_stage_facts(integer)": f"""
    CREATE FUNCTION crmdesk_stage_facts(p_deal integer) RETURNS void AS $$
    BEGIN
    {PG_MASK} WHERE id = p_deal;
    DELETE FROM stage_visits WHERE deal_id = p_deal;
    INSERT INTO stage_visits (transition_id, deal_id, pipeline_id, stage_id, owner_id,
                              source_id, deal_created_at, entered_at, left_at, days)
    SELECT v.id, v.deal_id, d.pipeline_id, v.to_stage_id, d.owner_id, d.source_id,
           d.created_at, v.at, v.next_at, {PG_EPOCH_DAYS}
    FROM (SELECT id, deal_id, to_stage_id, at,
                 lead(at) OVER (ORDER BY at, id) AS next_at
          FROM stage_transitions WHERE deal_id = p_deal) AS v
    JOIN deals AS d ON d.id = v.deal_id;
    END $$ LANGUAGE plpgsql""",
    "crmdesk_activity_facts(integer)": f"""
    CREATE FUNCTION crmdesk_activity_facts(p_deal integer) RETURNS void AS $$
    BEGIN
    {_activity_facts("id = p_deal")}
    UPDATE deals SET response_hours = {PG_RESPONSE} WHERE id = p_deal;
    END $$ LANGUAGE plpgsql""",
    "crmdesk_transitions_facts_trigger()": """
    CREATE FUNCTION crmdesk_transitions_facts_trigger() RETURNS trigger AS $$
    BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM crmdesk_stage_facts(OLD.deal_id);
        RETURN OLD;
    END IF;
    PERFORM crmdesk_stage_facts(NEW.deal_id);
    RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "crmdesk_activities_facts_trigger()": """
    CREATE FUNCTION crmdesk_activities_facts_trigger() RETURNS trigger AS $$
    BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deal_id IS NOT NULL THEN
        PERFORM crmdesk_activity_facts(OLD.deal_id);
    END IF;
    IF TG_OP = 'INSERT' AND NEW.deal_id IS NOT NULL
       OR TG_OP = 'UPDATE' AND NEW.deal_id IS DISTINCT FROM OLD.deal_id
          AND NEW.deal_id IS NOT NULL THEN
        PERFORM crmdesk_activity_facts(NEW.deal_id);
    END IF;
    RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "crmdesk_deals_facts_trigger()": f"""
    CREATE FUNCTION crmdesk_deals_facts_trigger() RETURNS trigger AS $$
    BEGIN
    UPDATE stage_visits SET owner_id = NEW.owner_id, source_id = NEW.source_id,
        deal_created_at = NEW.created_at, pipeline_id = NEW.pipeline_id
    WHERE deal_id = NEW.id;
    UPDATE deals SET response_hours = {PG_RESPONSE} WHERE id = NEW.id;
    IF NEW.pipeline_id <> OLD.pipeline_id THEN
        {PG_MASK} WHERE id = NEW.id;
    END IF;
    RETURN NULL;
    END $$ LANGUAGE plpgsql""",
}

PG_FUNCTIONS["crmdesk_first_win_trigger()"] = f"""
    CREATE FUNCTION crmdesk_first_win_trigger() RETURNS trigger AS $$
    BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.customer_id IS NOT NULL THEN
        {FIRST_WIN} WHERE id = OLD.customer_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.customer_id IS NOT NULL THEN
        {FIRST_WIN} WHERE id = NEW.customer_id;
    END IF;
    RETURN NULL;
    END $$ LANGUAGE plpgsql"""

PG_FUNCTIONS["crmdesk_activity_day_trigger()"] = f"""
    CREATE FUNCTION crmdesk_activity_day_trigger() RETURNS trigger AS $$
    BEGIN
    NEW.done_day := {done_day_sql("postgresql", "NEW.done_at")};
    RETURN NEW;
    END $$ LANGUAGE plpgsql"""

PG_CYCLE = (
    "CAST(EXTRACT(EPOCH FROM (NEW.closed_at - NEW.created_at)) AS DOUBLE PRECISION) / 86400.0"
)
PG_FUNCTIONS["crmdesk_deals_cycle_trigger()"] = f"""
    CREATE FUNCTION crmdesk_deals_cycle_trigger() RETURNS trigger AS $$
    BEGIN
    NEW.cycle_days := {PG_CYCLE};
    RETURN NEW;
    END $$ LANGUAGE plpgsql"""

PG_TRIGGERS = {
    ("stage_transitions_facts", "stage_transitions"): """
    CREATE TRIGGER stage_transitions_facts AFTER INSERT OR DELETE ON stage_transitions
    FOR EACH ROW EXECUTE FUNCTION crmdesk_transitions_facts_trigger()""",
    ("activities_facts", "activities"): """
    CREATE TRIGGER activities_facts
    AFTER INSERT OR DELETE OR UPDATE OF deal_id, kind, done_at, due_at ON activities
    FOR EACH ROW EXECUTE FUNCTION crmdesk_activities_facts_trigger()""",
    ("deals_cycle", "deals"): """
    CREATE TRIGGER deals_cycle BEFORE INSERT OR UPDATE OF created_at, closed_at ON deals
    FOR EACH ROW EXECUTE FUNCTION crmdesk_deals_cycle_trigger()""",
    ("activities_day", "activities"): """
    CREATE TRIGGER activities_day BEFORE INSERT OR UPDATE OF done_at ON activities
    FOR EACH ROW EXECUTE FUNCTION crmdesk_activity_day_trigger()""",
    ("deals_first_win", "deals"): """
    CREATE TRIGGER deals_first_win
    AFTER INSERT OR DELETE OR UPDATE OF stage_id, closed_at, customer_id ON deals
    FOR EACH ROW EXECUTE FUNCTION crmdesk_first_win_trigger()""",
    ("deals_facts", "deals"): """
    CREATE TRIGGER deals_facts
    AFTER UPDATE OF owner_id, source_id, created_at, pipeline_id ON deals
    FOR EACH ROW EXECUTE FUNCTION crmdesk_deals_facts_trigger()""",
}


def _fill(sqlite: bool) -> None:
    """Slots, then every derived fact from the history already in the database."""
    bind = op.get_bind()
    op.execute(
        "UPDATE stages SET slot = (SELECT count(*) FROM stages AS s2 "
        "WHERE s2.pipeline_id = stages.pipeline_id AND (s2.position < stages.position "
        "OR (s2.position = stages.position AND s2.id < stages.id)))"
    )
    widest = bind.execute(sa.text("SELECT coalesce(max(slot), 0) FROM stages")).scalar_one()
    if widest > MAX_STAGE_SLOT:
        raise RuntimeError(f"a pipeline has more than {MAX_STAGE_SLOT + 1} stages")
    if sqlite:
        op.execute(_sqlite_mask("1 = 1"))
    else:
        op.execute(PG_MASK)
    op.execute(_activity_facts("1 = 1"))
    op.execute(FIRST_WIN)
    session = Session(bind=bind)
    zone = bind.execute(
        sa.text("SELECT value FROM settings WHERE key = :k"), {"k": TIME_ZONE_KEY}
    ).scalar()
    store_time_zone(session, zone or local_timezone_name())
    session.flush()
    if sqlite:
        op.execute(_sqlite_cycle("closed_at IS NOT NULL"))
        op.execute(_sqlite_response("1 = 1"))
        days = f"({_sqlite_epoch('v.next_at')} - {_sqlite_epoch('v.at')}) / 86400.0"
    else:
        op.execute(f"UPDATE deals SET response_hours = {PG_RESPONSE}")
        op.execute(
            "UPDATE deals SET cycle_days = CAST(EXTRACT(EPOCH FROM (closed_at - created_at)) "
            "AS DOUBLE PRECISION) / 86400.0 WHERE closed_at IS NOT NULL"
        )
        days = PG_EPOCH_DAYS
    op.execute(
        f"""
        INSERT INTO stage_visits (transition_id, deal_id, pipeline_id, stage_id, owner_id,
                                  source_id, deal_created_at, entered_at, left_at, days)
        SELECT v.id, v.deal_id, d.pipeline_id, v.to_stage_id, d.owner_id, d.source_id,
               d.created_at, v.at, v.next_at, {days}
        FROM (SELECT id, deal_id, to_stage_id, at,
                     lead(at) OVER (PARTITION BY deal_id ORDER BY at, id) AS next_at
              FROM stage_transitions) AS v
        JOIN deals AS d ON d.id = v.deal_id"""
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slot", sa.Integer(), nullable=True))
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reached_mask", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("first_response_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("response_hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("last_activity_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("next_due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("cycle_days", sa.Float(), nullable=True))
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_won_deal_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("done_day", sa.Integer(), nullable=True))
    op.create_table(
        "zone_offsets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("until_at", sa.DateTime(), nullable=True),
        sa.Column("offset_s", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_offsets")),
    )
    op.create_index("ix_zone_offsets_until_at", "zone_offsets", ["until_at"], unique=False)
    op.create_table(
        "stage_visits",
        sa.Column("transition_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("pipeline_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("deal_created_at", sa.DateTime(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.Column("days", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_stage_visits_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transition_id"],
            ["stage_transitions.id"],
            name=op.f("fk_stage_visits_transition_id_stage_transitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("transition_id", name=op.f("pk_stage_visits")),
    )
    _fill(sqlite)
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.alter_column("slot", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_stages_pipeline_slot"), ["pipeline_id", "slot"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_stages_slot"), f"slot >= 0 AND slot <= {MAX_STAGE_SLOT}"
        )
    op.create_index(
        "ix_stage_visits_deal",
        "stage_visits",
        ["deal_id", "entered_at", "left_at", "stage_id"],
        unique=False,
    )
    op.create_index(
        "ix_stage_visits_stage_days",
        "stage_visits",
        ["pipeline_id", "stage_id", "days", "deal_created_at", "owner_id", "source_id"],
        unique=False,
    )
    op.create_index(
        "ix_deals_response",
        "deals",
        ["pipeline_id", "response_hours", "created_at", "owner_id", "source_id"],
        unique=False,
    )
    op.create_index(
        "ix_deals_owner_response",
        "deals",
        ["pipeline_id", "owner_id", "response_hours", "created_at", "source_id"],
        unique=False,
    )
    op.create_index(
        "ix_deals_owner_closed",
        "deals",
        ["owner_id", "closed_at", "stage_id", "pipeline_id", "amount", "source_id", "reached_mask"],
        unique=False,
    )
    op.create_index("ix_deals_facts", "deals", FACTS_COLUMNS, unique=False)
    op.create_index(
        "ix_customers_first_win", "customers", ["first_won_deal_id", "source_id"], unique=False
    )
    op.create_index(
        "ix_deals_cycle",
        "deals",
        ["pipeline_id", "cycle_days", "stage_id", "closed_at", "owner_id", "source_id"],
        unique=False,
    )
    op.create_index(
        "ix_activities_owner_kind_day",
        "activities",
        ["owner_id", "kind", "done_day", "done_at"],
        unique=False,
    )
    op.drop_index("ix_stage_transitions_deal_at", table_name="stage_transitions")
    if sqlite:
        for ddl in SQLITE_TRIGGERS.values():
            op.execute(ddl)
    else:
        for ddl in PG_FUNCTIONS.values():
            op.execute(ddl)
        for ddl in PG_TRIGGERS.values():
            op.execute(ddl)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, table in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for signature in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    op.create_index(
        "ix_stage_transitions_deal_at", "stage_transitions", ["deal_id", "at", "id"], unique=False
    )
    op.drop_index("ix_activities_owner_kind_day", table_name="activities")
    op.drop_index("ix_deals_cycle", table_name="deals")
    op.drop_index("ix_deals_owner_closed", table_name="deals")
    op.drop_index("ix_deals_facts", table_name="deals")
    op.drop_index("ix_customers_first_win", table_name="customers")
    op.drop_index("ix_deals_owner_response", table_name="deals")
    op.drop_index("ix_deals_response", table_name="deals")
    op.drop_index("ix_stage_visits_stage_days", table_name="stage_visits")
    op.drop_index("ix_stage_visits_deal", table_name="stage_visits")
    op.drop_table("stage_visits")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("first_won_deal_id")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("done_day")
    op.drop_index("ix_zone_offsets_until_at", table_name="zone_offsets")
    op.drop_table("zone_offsets")
    op.execute(sa.text("DELETE FROM settings WHERE key = 'time_zone'"))
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_column("cycle_days")
        batch_op.drop_column("next_due_at")
        batch_op.drop_column("last_activity_at")
        batch_op.drop_column("response_hours")
        batch_op.drop_column("first_response_at")
        batch_op.drop_column("reached_mask")
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_stages_slot"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_stages_pipeline_slot"), type_="unique")
        batch_op.drop_column("slot")
