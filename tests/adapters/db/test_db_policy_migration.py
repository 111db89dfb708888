"""Migration 0013: the policy documents attached before custom policies existed become custom policies
``inline-<name>-<n>`` of the principal's account, still attached, and come back as documents on a downgrade."""

from __future__ import annotations

from sqlalchemy import Engine, text

from openrd.adapters.db import migrate
from openrd.adapters.db.engine import make_engine
from support.db import downgrade_to

DOC = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:*","Resource":"*"}]}'
OTHER = '{"Version":"1","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (account_id, name, display_name, site, enterprise_verified, created_ms) "
                "VALUES ('1000000000000001', 'a', 'A', 'intl', true, 5000)"
            )
        )
        conn.execute(text("INSERT INTO ram_users VALUES ('u1', '1000000000000001', 'ops.user_1')"))
        conn.execute(text("INSERT INTO ram_roles VALUES ('r1', '1000000000000001', 'Deployer', 'deployer')"))
        rows = [("user", "u1", None, DOC), ("user", "u1", "AdministratorAccess", None), ("user", "u1", None, OTHER),
                ("role", "r1", None, DOC), ("user", "gone", None, DOC)]  # fmt: skip
        for kind, principal, name, document in rows:
            conn.execute(
                text("INSERT INTO policy_attachments (principal_type, principal_id, policy_name, document) "
                     "VALUES (:k, :p, :n, :d)"),
                {"k": kind, "p": principal, "n": name, "d": document},
            )  # fmt: skip


def test_documents_become_inline_custom_policies_and_back(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine, "0012")
        _seed(engine)
        migrate.upgrade(engine)
        with engine.connect() as conn:
            attached = conn.execute(
                text("SELECT principal_id, policy_type, policy_name, account_id FROM policy_attachments ORDER BY id")
            ).all()
            versions = conn.execute(
                text("SELECT policy_name, version, document FROM ram_policy_versions ORDER BY policy_name")
            ).all()
        account = "1000000000000001"
        assert [tuple(r) for r in attached] == [
            ("u1", "Custom", "inline-ops-user-1-1", account),
            ("u1", "System", "AdministratorAccess", account),
            ("u1", "Custom", "inline-ops-user-1-2", account),
            ("r1", "Custom", "inline-Deployer-1", account),
        ]  # fmt: skip  (an attachment of no user or role is dropped)
        assert [tuple(r) for r in versions] == [
            ("inline-Deployer-1", 1, DOC), ("inline-ops-user-1-1", 1, DOC), ("inline-ops-user-1-2", 1, OTHER),
        ]  # fmt: skip

        downgrade_to(engine, "0012")
        with engine.connect() as conn:
            back = conn.execute(
                text("SELECT principal_id, policy_name, document FROM policy_attachments ORDER BY id")
            ).all()
        assert [tuple(r) for r in back] == [
            ("u1", None, DOC), ("u1", "AdministratorAccess", None), ("u1", None, OTHER), ("r1", None, DOC),
        ]  # fmt: skip
    finally:
        engine.dispose()
