"""Member pages in their full order from the index: (directory, join time, account id) and (folder, join time,
account id). The old indexes ended at the join time, so every ListAccounts page sorted its rows again by account
id, the tie-breaker of the page order (a temporary B-tree on SQLite).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {"ix_members_directory": "directory_id", "ix_members_folder": "folder_id"}


def upgrade() -> None:
    for name, scope in INDEXES.items():
        op.drop_index(name, table_name="members")
        op.create_index(name, "members", [scope, "join_ms", "account_id"])


def downgrade() -> None:
    for name, scope in INDEXES.items():
        op.drop_index(name, table_name="members")
        op.create_index(name, "members", [scope, "join_ms"])
