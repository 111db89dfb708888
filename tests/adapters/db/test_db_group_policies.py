"""A user's effective policies are its own and its groups' attachments, in the caller lookup and in
``policies_of`` alike (SQLite file and PostgreSQL)."""

from __future__ import annotations

from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from openrd.domain.accounts import Account
from openrd.domain.identity import AccessKey, AccessKeyStatus, RamUser
from openrd.domain.ram import RamGroup
from support.db import attach_document, attach_system

ACCOUNT = Account("1000000000000001", "alice", "Alice", "intl", None, None, True, 1_000)
DENY = '{"Version":"1","Statement":[{"Effect":"Deny","Action":"ram:Delete*","Resource":"*"}]}'


def test_a_users_policies_include_its_groups(uow: SqlUnitOfWorkFactory) -> None:
    key = AccessKey("LTAIgroupmember000000001", "secret", ACCOUNT.account_id, AccessKeyStatus.ACTIVE, user_id="u1")
    with uow() as w:
        w.accounts.add(ACCOUNT)
        for user_id, name in (("u1", "member"), ("u2", "outsider")):
            w.identity.add_user(RamUser(user_id, ACCOUNT.account_id, name))
        w.identity.add_access_key(key)
        for group_id in ("g1", "g2", "g3"):
            w.ram.add_group(RamGroup(group_id, ACCOUNT.account_id, f"name-{group_id}", "", 1, 1))
        w.ram.add_member("g1", "u1", joined_ms=1)
        w.ram.add_member("g2", "u1", joined_ms=1)
        w.ram.add_member("g3", "u2", joined_ms=1)
        attach_system(w, ACCOUNT.account_id, "user", "u1", "ReadOnlyAccess")
        attach_system(w, ACCOUNT.account_id, "group", "g1", "AliyunRAMFullAccess")
        attach_document(w, ACCOUNT.account_id, "group", "g2", "no-deletes", DENY)
        attach_system(w, ACCOUNT.account_id, "group", "g3", "AdministratorAccess")  # not u1's group
    with uow(write=False) as r:
        caller = r.identity.caller(key.access_key_id, nonce="n", nonce_since_ms=0)
        listed = tuple(r.identity.policies_of("user", "u1"))
        group_only = tuple(r.identity.policies_of("group", "g3"))
    expected = (("ReadOnlyAccess", None), ("AliyunRAMFullAccess", None), (None, DENY))
    assert caller is not None
    assert caller.user_policies == listed == expected
    assert group_only == (("AdministratorAccess", None),)
