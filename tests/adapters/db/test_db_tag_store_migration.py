"""Migration 0014: member_tags' rows move into the one tag store as Account tags owned by their directory's
management account, the member-page revision still counts account tag changes (SQLite) and not folder ones, and a
downgrade brings member_tags back with the same rows."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import Engine, text

from openrd.adapters.db import migrate
from openrd.adapters.db.engine import make_engine

_ROWS = (
    "INSERT INTO resource_directories (directory_id, master_account_id, master_account_name, root_folder_id, "
    "control_policy_status, member_deletion_status, created_ms) VALUES ('rd-abcdef', '1000000000000001', 'ma', "
    "'r-abcdef', 'Disabled', 'Disabled', 1)",
    "INSERT INTO members (account_id, directory_id, folder_id, type, join_method, status, join_ms, modify_ms) "
    "VALUES ('2000000000000002', 'rd-abcdef', 'r-abcdef', 'ResourceAccount', 'created', 'CreateSuccess', 2, 2)",
    "INSERT INTO member_tags (account_id, key, value) VALUES ('2000000000000002', 'env', 'prod')",
    "INSERT INTO member_tags (account_id, key, value) VALUES ('2000000000000002', 'team', '')",
)


def _all(engine: Engine, query: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(query))]


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.connect() as conn:
        command.downgrade(migrate._config(conn), revision)
        conn.commit()


def _revision(engine: Engine) -> int:
    return int(_all(engine, "SELECT revision FROM member_revision")[0][0])


def test_member_tags_move_into_the_tag_store_and_back(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine, "0013")
        with engine.begin() as conn:
            for statement in _ROWS:
                conn.execute(text(statement))

        migrate.upgrade(engine, "0014")
        assert _all(
            engine, "SELECT resource_type, resource_id, key, value, owner_id FROM resource_tags ORDER BY key"
        ) == [
            ("Account", "2000000000000002", "env", "prod", "1000000000000001"),
            ("Account", "2000000000000002", "team", "", "1000000000000001"),
        ]
        if engine.dialect.name == "sqlite":  # the page revision's triggers (migration 0010) moved with the rows
            before = _revision(engine)
            with engine.begin() as conn:
                conn.execute(text("UPDATE resource_tags SET value = 'dev' WHERE key = 'env'"))
                conn.execute(
                    text("INSERT INTO resource_tags VALUES ('Folder', 'fd-abcdefghij', 'k', 'v', '1000000000000001')")
                )
            assert _revision(engine) == before + 1  # the account's tag counted, the folder's did not

        _downgrade(engine, "0013")
        assert _all(engine, "SELECT account_id, key, value FROM member_tags ORDER BY key") == [
            ("2000000000000002", "env", "dev" if engine.dialect.name == "sqlite" else "prod"),
            ("2000000000000002", "team", ""),
        ]
    finally:
        engine.dispose()
