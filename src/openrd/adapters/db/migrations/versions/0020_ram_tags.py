"""RAM's own tags on roles and policies.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ram_tags",
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("resource_type", sa.String(8), nullable=False),
        sa.Column("resource_id", sa.String(128), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("value", sa.String(256), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "resource_type", "resource_id", "key", name="pk_ram_tags"),
    )


def downgrade() -> None:
    op.drop_table("ram_tags")
