"""Resource groups, and the default group of every existing account (docs/resource-groups.md).

The default group's ID is derived from the account's ID (domain/resource_groups.py ``default_group_id``; the rule
is repeated here so this migration keeps producing the same rows whatever the code becomes).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import base64
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _default_group_id(account_id: str) -> str:
    digest = hashlib.sha256(f"default-resource-group:{account_id}".encode()).digest()
    return "rg-" + base64.b32encode(digest).decode("ascii").lower()[:15]


def upgrade() -> None:
    table = op.create_table(
        "resource_groups",
        sa.Column("resource_group_id", sa.String(32), nullable=False),
        sa.Column(
            "account_id",
            sa.String(16),
            sa.ForeignKey("accounts.account_id", name="fk_resource_groups_account_id_accounts", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(96), nullable=False),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("create_due_ms", sa.BigInteger(), nullable=True),
        sa.Column("delete_due_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("resource_group_id", name="pk_resource_groups"),
        sa.UniqueConstraint("account_id", "name", name="uq_resource_groups_account_id_name"),
    )
    op.create_index("ix_resource_groups_account", "resource_groups", ["account_id", "created_ms", "resource_group_id"])
    accounts = op.get_bind().execute(sa.text("SELECT account_id, site, created_ms FROM accounts")).fetchall()
    rows = [
        {
            "resource_group_id": _default_group_id(account_id),
            "account_id": account_id,
            "name": "default",
            "display_name": "默认资源组" if site == "cn" else "Default Resource Group",
            "is_default": True,
            "created_ms": created_ms,
            "create_due_ms": None,
            "delete_due_ms": None,
        }
        for account_id, site, created_ms in accounts
    ]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_resource_groups_account", table_name="resource_groups")
    op.drop_table("resource_groups")
