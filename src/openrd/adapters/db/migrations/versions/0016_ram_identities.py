"""RAM identities through the RAM API: user profiles, role trust policies and session limits, AccessKey creation
times, groups and their members.

Every new column of an existing table is nullable: rows stored before read as "not given" (an empty profile, a
role that trusts its own account, a session limit of 3600 s).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_USER_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("display_name", sa.String(128)),
    ("comments", sa.String(128)),
    ("email", sa.String(128)),
    ("mobile_phone", sa.String(32)),
    ("created_ms", sa.BigInteger()),
    ("updated_ms", sa.BigInteger()),
)
_ROLE_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("description", sa.String(1024)),
    ("trust_policy", sa.Text()),
    ("max_session_duration", sa.Integer()),
    ("created_ms", sa.BigInteger()),
    ("updated_ms", sa.BigInteger()),
)


def upgrade() -> None:
    for name, kind in _USER_COLUMNS:
        op.add_column("ram_users", sa.Column(name, kind))
    for name, kind in _ROLE_COLUMNS:
        op.add_column("ram_roles", sa.Column(name, kind))
    op.add_column("access_keys", sa.Column("created_ms", sa.BigInteger()))
    op.create_index("ix_access_keys_user_id", "access_keys", ["user_id"])
    op.create_table(
        "ram_groups",
        sa.Column("group_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("comments", sa.String(128)),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name="fk_ram_groups_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", name="pk_ram_groups"),
        sa.UniqueConstraint("account_id", "name", name="uq_ram_groups_account_id_name"),
    )
    op.create_table(
        "ram_group_members",
        sa.Column("group_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("joined_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["ram_groups.group_id"], name="fk_ram_group_members_group_id_ram_groups", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["ram_users.user_id"], name="fk_ram_group_members_user_id_ram_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name="pk_ram_group_members"),
    )
    op.create_index("ix_ram_group_members_user_id", "ram_group_members", ["user_id"])


def downgrade() -> None:
    op.drop_table("ram_group_members")
    op.drop_table("ram_groups")
    op.drop_index("ix_access_keys_user_id", "access_keys")
    with op.batch_alter_table("access_keys") as batch:
        batch.drop_column("created_ms")
    with op.batch_alter_table("ram_roles") as batch:
        for name, _ in _ROLE_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("ram_users") as batch:
        for name, _ in _USER_COLUMNS:
            batch.drop_column(name)
