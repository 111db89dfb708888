"""Delegated administrators of trusted services (docs/delegation.md).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegated_administrators",
        sa.Column(
            "account_id",
            sa.String(16),
            sa.ForeignKey(
                "members.account_id",
                name="fk_delegated_administrators_account_id_members",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("service_principal", sa.String(128), nullable=False),
        sa.Column("directory_id", sa.String(16), nullable=False),
        sa.Column("registered_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "service_principal", name="pk_delegated_administrators"),
    )
    op.create_index(
        "ix_delegated_administrators_directory",
        "delegated_administrators",
        ["directory_id", "service_principal", "registered_ms"],
    )


def downgrade() -> None:
    op.drop_index("ix_delegated_administrators_directory", table_name="delegated_administrators")
    op.drop_table("delegated_administrators")
