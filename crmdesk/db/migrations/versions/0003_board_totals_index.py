"""index for the board's per-stage totals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

(pipeline_id, stage_id, amount) lets the board count and sum each stage's open
deals from the index alone, which keeps a move's repaint fast at 100,000 deals.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_board_totals", "deals", ["pipeline_id", "stage_id", "amount"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_deals_board_totals", table_name="deals")
