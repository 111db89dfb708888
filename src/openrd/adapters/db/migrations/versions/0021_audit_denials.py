"""The audit trail says which kind of policy refused a call, and what decided it.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("denied_policy_type", sa.String(64), nullable=True))
    op.add_column("audit_events", sa.Column("denied_by", sa.String(64), nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN: a batch rebuild would lose the table's unique RequestId index name.
    op.drop_column("audit_events", "denied_by")
    op.drop_column("audit_events", "denied_policy_type")
