"""``request_nonces`` on SQLite as a WITHOUT ROWID table: the rows live in the primary key's b-tree, so recording a
nonce (every signed call) writes two b-trees (the key and ``seen_ms``), not three (the rowid table, its key's
index, ``seen_ms``): one page fewer into the WAL per nonce commit, and later into the database by the
checkpoint (docs/architecture.md#smaller-fast-paths). PostgreSQL has no such table kind; nothing changes there. The
nonces are copied: the replay window holds across the upgrade.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _rebuild(*, with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE request_nonces_rebuilt (access_key_id VARCHAR(64) NOT NULL, nonce VARCHAR(128) NOT NULL,"
        " seen_ms BIGINT NOT NULL, PRIMARY KEY (access_key_id, nonce))" + ("" if with_rowid else " WITHOUT ROWID")
    )
    op.execute(
        "INSERT INTO request_nonces_rebuilt (access_key_id, nonce, seen_ms)"
        " SELECT access_key_id, nonce, seen_ms FROM request_nonces"
    )
    op.execute("DROP TABLE request_nonces")
    op.execute("ALTER TABLE request_nonces_rebuilt RENAME TO request_nonces")
    op.execute("CREATE INDEX ix_request_nonces_seen_ms ON request_nonces (seen_ms)")


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
