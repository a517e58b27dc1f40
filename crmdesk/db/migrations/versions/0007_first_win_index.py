"""an index for a customer's first won deal

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

The trigger that keeps ``customers.first_won_deal_id`` looks for the customer's earliest
won deal on every insert or move of one of their deals. With only an index on
``deals.customer_id`` it read and sorted all of the customer's deals each time, so a
customer with thousands of deals (an import of one big account's history) made every
insert slower than the last. This index lets it walk the customer's closed deals in
close order and stop at the first won one.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_deals_customer_closed",
        "deals",
        ["customer_id", "closed_at", "id", "stage_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_deals_customer_closed", table_name="deals")
