"""One tag store for every taggable resource: ``resource_tags`` (resource type, resource id, key, value, owner)
takes the rows of ``member_tags`` as ``Account`` tags, owned by their directory's management account, and
``member_tags`` goes.

On SQLite the member-page revision (migration 0010) counted ``member_tags`` changes; the triggers went with that
table and come back on ``resource_tags``, for ``Account`` rows only (a folder's tags are on no member page).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_BUMP = "BEGIN UPDATE member_revision SET revision = revision + 1; END"
SQLITE_TRIGGERS = {
    "member_revision_tags_insert": "AFTER INSERT ON resource_tags FOR EACH ROW WHEN NEW.resource_type = 'Account'",
    "member_revision_tags_update": "AFTER UPDATE ON resource_tags FOR EACH ROW "
    "WHEN NEW.resource_type = 'Account' OR OLD.resource_type = 'Account'",
    "member_revision_tags_delete": "AFTER DELETE ON resource_tags FOR EACH ROW WHEN OLD.resource_type = 'Account'",
}
_OLD_TRIGGERS = {
    "member_revision_tags_insert": "AFTER INSERT ON member_tags",
    "member_revision_tags_update": "AFTER UPDATE ON member_tags",
    "member_revision_tags_delete": "AFTER DELETE ON member_tags",
}


def upgrade() -> None:
    op.create_table(
        "resource_tags",
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("owner_id", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("resource_type", "resource_id", "key", name=op.f("pk_resource_tags")),
    )
    op.create_index("ix_resource_tags_listing", "resource_tags", ["owner_id", "resource_type", "resource_id", "key"])
    op.create_index("ix_resource_tags_keys", "resource_tags", ["owner_id", "resource_type", "key", "value"])
    op.execute(
        'INSERT INTO resource_tags (resource_type, resource_id, "key", "value", owner_id) '
        'SELECT \'Account\', mt.account_id, mt."key", mt."value", d.master_account_id FROM member_tags mt '
        "JOIN members m ON m.account_id = mt.account_id "
        "JOIN resource_directories d ON d.directory_id = m.directory_id"
    )
    op.drop_table("member_tags")
    if op.get_bind().dialect.name == "sqlite":
        for name, event in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {event} {_BUMP}")


def downgrade() -> None:
    op.create_table(
        "member_tags",
        sa.Column("account_id", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "key", name=op.f("pk_member_tags")),
    )
    op.execute(
        'INSERT INTO member_tags (account_id, "key", "value") '
        'SELECT resource_id, "key", "value" FROM resource_tags WHERE resource_type = \'Account\''
    )
    op.drop_table("resource_tags")
    if op.get_bind().dialect.name == "sqlite":
        for name, event in _OLD_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {event} FOR EACH ROW {_BUMP}")
