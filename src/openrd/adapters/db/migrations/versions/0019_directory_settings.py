"""The directory's display-name sync setting (``resource_directories.member_display_name_sync_status``, default
``Disabled``) and who pays for a member (``member_payers``).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild on SQLite would drop the member-count triggers that update this table.
    op.add_column(
        "resource_directories",
        sa.Column("member_display_name_sync_status", sa.String(16), nullable=False, server_default="Disabled"),
    )
    op.create_table(
        "member_payers",
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("payer_account_id", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_member_payers"),
    )
    op.create_index("ix_member_payers_payer", "member_payers", ["payer_account_id"])


def downgrade() -> None:
    op.drop_table("member_payers")
    op.drop_column("resource_directories", "member_display_name_sync_status")  # SQLite's DROP COLUMN keeps triggers
