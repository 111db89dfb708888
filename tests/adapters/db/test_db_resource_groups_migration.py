"""The resource-group migration gives every account that existed before it its default group, on both stores."""

from __future__ import annotations

from sqlalchemy import text

from openrd.adapters.db import migrate
from openrd.adapters.db.engine import make_engine
from openrd.domain.resource_groups import default_group_id

ACCOUNTS = [("1000000000000001", "intl", "Default Resource Group"), ("1000000000000002", "cn", "默认资源组")]


def test_existing_accounts_get_their_default_group(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine, "0016")
        with engine.begin() as conn:
            for account_id, site, _ in ACCOUNTS:
                conn.execute(
                    text(
                        "INSERT INTO accounts (account_id, name, display_name, site, enterprise_verified, created_ms)"
                        " VALUES (:id, :id, 'a', :site, false, 5)"
                    ),
                    {"id": account_id, "site": site},
                )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT resource_group_id, account_id, name, display_name, is_default, created_ms, create_due_ms,"
                    " delete_due_ms FROM resource_groups ORDER BY account_id"
                )
            ).fetchall()
        expected = [
            (default_group_id(account_id), account_id, "default", display_name, True, 5, None, None)
            for account_id, _, display_name in ACCOUNTS
        ]
        assert [(*row[:4], bool(row[4]), *row[5:]) for row in rows] == expected
    finally:
        engine.dispose()
