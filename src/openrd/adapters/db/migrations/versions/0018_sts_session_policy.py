"""STS sessions keep the inline session policy AssumeRole was given (docs/sts.md).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sts_sessions") as batch:
        batch.add_column(sa.Column("policy", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sts_sessions") as batch:
        batch.drop_column("policy")
