"""Verification codes, code sends (quotas and throttles), rate locks, the SMS outbox.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_codes",
        sa.Column("code_id", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("code_hash", sa.String(128), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("issued_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("code_id", name="pk_verification_codes"),
    )
    op.create_index("ix_verification_codes_key", "verification_codes", ["purpose", "account_id", "phone", "status"])
    op.create_index("ix_verification_codes_expires_ms", "verification_codes", ["expires_ms"])
    op.create_table(
        "code_sends",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quota_account_id", sa.String(16), nullable=False),
        sa.Column("quota_day", sa.String(10), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("sent_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_code_sends"),
    )
    op.create_index("ix_code_sends_quota", "code_sends", ["quota_account_id", "quota_day"])
    op.create_index("ix_code_sends_phone", "code_sends", ["phone", "sent_ms"])
    op.create_table(
        "rate_locks",
        sa.Column("lock_key", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("lock_key", name="pk_rate_locks"),
    )
    op.create_table(
        "sms_outbox",
        sa.Column("message_id", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("body_ciphertext", sa.Text()),
        sa.Column("code_ciphertext", sa.Text()),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_ms", sa.BigInteger(), nullable=False),
        sa.Column("lease_until_ms", sa.BigInteger()),
        sa.Column("last_error", sa.String(512)),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("sent_ms", sa.BigInteger()),
        sa.PrimaryKeyConstraint("message_id", name="pk_sms_outbox"),
    )
    op.create_index("ix_sms_outbox_due", "sms_outbox", ["status", "next_attempt_ms"])
    op.create_index("ix_sms_outbox_phone", "sms_outbox", ["phone", "created_ms"])
    op.create_index("ix_sms_outbox_created_ms", "sms_outbox", ["created_ms"])


def downgrade() -> None:
    for table in ("sms_outbox", "rate_locks", "code_sends", "verification_codes"):
        op.drop_table(table)
