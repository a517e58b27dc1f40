"""covering indexes for the metrics' per-deal history scans

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

The metrics fold each deal's transitions (reached stages, visits) and find each
deal's first response; these indexes let both read the index alone.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_stage_transitions_deal_history",
        "stage_transitions",
        ["deal_id", "at", "id", "to_stage_id"],
        unique=False,
    )
    op.create_index(
        "ix_activities_deal_kind_done", "activities", ["deal_id", "kind", "done_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_activities_deal_kind_done", table_name="activities")
    op.drop_index("ix_stage_transitions_deal_history", table_name="stage_transitions")
