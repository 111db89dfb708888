"""``account_deletions``: resource accounts whose deletion was pre-checked or started, kept after the account goes.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_deletions",
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("directory_id", sa.String(16), nullable=False),
        sa.Column("check_started_ms", sa.BigInteger(), nullable=True),
        sa.Column("check_due_ms", sa.BigInteger(), nullable=True),
        sa.Column("not_allowed", sa.String(256), nullable=False),
        sa.Column("abandonable", sa.String(256), nullable=False),
        sa.Column("deletion_started_ms", sa.BigInteger(), nullable=True),
        sa.Column("deletion_due_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_deletions")),
    )
    op.create_index(op.f("ix_account_deletions_directory_id"), "account_deletions", ["directory_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_account_deletions_directory_id"), table_name="account_deletions")
    op.drop_table("account_deletions")
