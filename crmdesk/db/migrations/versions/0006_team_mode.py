"""team mode: the audit log of deal changes and the change log that other windows follow

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

``audit_log`` keeps who changed a deal's owner, amount, expected close or stage, when,
and the old and new values. ``change_log`` holds one row per committed write (what the
services' ``Changes`` said), which the other windows on the same database read to
redraw what changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "field IN ('owner', 'amount', 'expected_close', 'stage')",
            name=op.f("ck_audit_log_field"),
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_audit_log_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_audit_log_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_deal", "audit_log", ["deal_id", "at", "id"])
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("deal_ids", sa.Text(), nullable=True),
        sa.Column("customer_ids", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_change_log_at"), "change_log", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_change_log_at"), table_name="change_log")
    op.drop_table("change_log")
    op.drop_index("ix_audit_log_deal", table_name="audit_log")
    op.drop_table("audit_log")
