"""Handshakes remember where the invited account joins and the tags it gets.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handshakes") as batch:
        batch.add_column(sa.Column("parent_folder_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("tags", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handshakes") as batch:
        batch.drop_column("tags")
        batch.drop_column("parent_folder_id")
