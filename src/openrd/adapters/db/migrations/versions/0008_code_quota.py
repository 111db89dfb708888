"""The daily quota's count kept in ``code_quota``, one row per quota account and day, so a send counts itself with
one upsert instead of counting the day's ``code_sends`` (an index scan that grew with every send of
the account and day). ``code_sends`` keeps the
per-phone throttle's history; its quota index goes.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "code_quota",
        sa.Column("quota_account_id", sa.String(16), primary_key=True),
        sa.Column("quota_day", sa.String(10), primary_key=True),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("last_ms", sa.BigInteger(), nullable=False),
    )
    op.execute(
        "INSERT INTO code_quota (quota_account_id, quota_day, sent, last_ms)"
        " SELECT quota_account_id, quota_day, count(*), max(sent_ms) FROM code_sends"
        " GROUP BY quota_account_id, quota_day"
    )
    op.drop_index("ix_code_sends_quota", table_name="code_sends")


def downgrade() -> None:
    op.create_index("ix_code_sends_quota", "code_sends", ["quota_account_id", "quota_day"])
    op.drop_table("code_quota")
