"""``member_revision``: one row counting the changes of what a member page shows — members, member_tags, and the
accounts' display name, secure phone and removal — kept by triggers on SQLite, where it keys the pages a server
process keeps between changes (page_cache.py).

SQLite only: its writers are serialised anyway, so one more row updated per change costs no concurrency. On
PostgreSQL every change of an account would wait for that one row; the table is created there too (one schema
for both stores) but nothing counts in it and nothing reads it.

A later migration that rebuilds ``members``, ``accounts`` or ``member_tags`` on SQLite (a batch ALTER) drops their
triggers with the old table and must create them again.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_BUMP = "BEGIN UPDATE member_revision SET revision = revision + 1; END"
SQLITE_TRIGGERS = {
    "member_revision_members_insert": "AFTER INSERT ON members",
    "member_revision_members_update": "AFTER UPDATE ON members",
    "member_revision_members_delete": "AFTER DELETE ON members",
    "member_revision_tags_insert": "AFTER INSERT ON member_tags",
    "member_revision_tags_update": "AFTER UPDATE ON member_tags",
    "member_revision_tags_delete": "AFTER DELETE ON member_tags",
    # An account shows on a page only once it is a member (a members insert); its other columns are not shown.
    "member_revision_accounts_update": "AFTER UPDATE OF display_name, secure_mobile_phone ON accounts",
    "member_revision_accounts_delete": "AFTER DELETE ON accounts",
}


def upgrade() -> None:
    table = op.create_table(
        "member_revision",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "revision": 0}])
    if op.get_bind().dialect.name == "sqlite":
        for name, event in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {event} FOR EACH ROW {_BUMP}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("member_revision")
