"""Identity: accounts, RAM users and roles, policies, AccessKeys, STS sessions, nonces, emulator state.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emulator_state",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_emulator_state"),
    )
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("site", sa.String(32), nullable=False),
        sa.Column("secure_mobile_phone", sa.String(32)),
        sa.Column("enterprise_name", sa.String(256)),
        sa.Column("enterprise_verified", sa.Boolean(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_accounts"),
    )
    op.create_index("ix_accounts_name", "accounts", ["name"])
    op.create_table(
        "ram_users",
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name="fk_ram_users_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_ram_users"),
        sa.UniqueConstraint("account_id", "name", name="uq_ram_users_account_id_name"),
    )
    op.create_table(
        "ram_roles",
        sa.Column("role_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("name_folded", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name="fk_ram_roles_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("role_id", name="pk_ram_roles"),
        sa.UniqueConstraint("account_id", "name_folded", name="uq_ram_roles_account_id_name_folded"),
    )
    op.create_table(
        "policy_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("principal_type", sa.String(8), nullable=False),
        sa.Column("principal_id", sa.String(32), nullable=False),
        sa.Column("policy_name", sa.String(128)),
        sa.Column("document", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_policy_attachments"),
    )
    op.create_index("ix_policy_attachments_principal", "policy_attachments", ["principal_type", "principal_id"])
    op.create_table(
        "access_keys",
        sa.Column("access_key_id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(32)),
        sa.Column("session_id", sa.String(32)),
        sa.Column("secret_ciphertext", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name="fk_access_keys_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("access_key_id", name="pk_access_keys"),
    )
    op.create_table(
        "sts_sessions",
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("role_id", sa.String(32), nullable=False),
        sa.Column("role_name", sa.String(64), nullable=False),
        sa.Column("session_name", sa.String(64), nullable=False),
        sa.Column("access_key_id", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name="fk_sts_sessions_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", name="pk_sts_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_sts_sessions_token_hash"),
    )
    op.create_table(
        "request_nonces",
        sa.Column("access_key_id", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(128), nullable=False),
        sa.Column("seen_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("access_key_id", "nonce", name="pk_request_nonces"),
    )
    op.create_index("ix_request_nonces_seen_ms", "request_nonces", ["seen_ms"])


def downgrade() -> None:
    for table in (
        "request_nonces",
        "sts_sessions",
        "access_keys",
        "policy_attachments",
        "ram_roles",
        "ram_users",
        "accounts",
        "emulator_state",
    ):
        op.drop_table(table)
