"""Control policies: custom policies, attachments, and when a pending enable or disable settles.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild on SQLite would drop the member-count triggers that update this table.
    op.add_column("resource_directories", sa.Column("control_policy_due_ms", sa.BigInteger(), nullable=True))
    op.create_table(
        "control_policies",
        sa.Column("policy_id", sa.String(40), nullable=False),
        sa.Column("directory_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.String(1024), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("policy_id", name="pk_control_policies"),
    )
    op.create_index("ix_control_policies_directory", "control_policies", ["directory_id", "created_ms", "policy_id"])
    op.create_table(
        "control_policy_attachments",
        sa.Column("target_id", sa.String(16), nullable=False),
        sa.Column("policy_id", sa.String(40), nullable=False),
        sa.Column("target_type", sa.String(8), nullable=False),
        sa.Column("directory_id", sa.String(16), nullable=False),
        sa.Column("attached_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("target_id", "policy_id", name="pk_control_policy_attachments"),
    )
    op.create_index(
        "ix_control_policy_attachments_policy",
        "control_policy_attachments",
        ["policy_id", "attached_ms", "target_id"],
    )
    op.create_index("ix_control_policy_attachments_directory", "control_policy_attachments", ["directory_id"])


def downgrade() -> None:
    op.drop_table("control_policy_attachments")
    op.drop_table("control_policies")
    op.drop_column("resource_directories", "control_policy_due_ms")  # SQLite's own DROP COLUMN keeps the triggers
