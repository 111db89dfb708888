"""Every repository method round-trips through a real database (SQLite file and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import Engine, select

from openrd.adapters.crypto import FernetSecretBox
from openrd.adapters.db import tables as t
from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from openrd.domain.accounts import Account
from openrd.domain.identity import AccessKey, AccessKeyStatus, Caller, RamRole, RamUser, StsSession
from openrd.errors import ConcurrentCallNotSupported
from support.db import attach_document, attach_system

ALICE = Account("1000000000000001", "alice@example.com", "Alice", "intl", "1-2025550123", "Alice Ltd", True, 1_000)
BOB = Account("1000000000000002", "bob", "Bob", "cn", None, None, False, 2_000)
CAROL = Account("1000000000000003", "carol", "Carol", "intl", None, None, True, 1_500)


@pytest.fixture
def accounts(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        for account in (ALICE, BOB, CAROL):
            w.accounts.add(account)


# ------------------------------------------------------------------------------------------------ accounts
def test_account_add_get(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    with uow(write=False) as w:
        assert w.accounts.get(ALICE.account_id) == ALICE
        assert w.accounts.get(BOB.account_id) == BOB
        assert w.accounts.get("9999999999999999") is None


def test_account_update_changes_everything_but_id_and_creation(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    changed = replace(
        ALICE,
        name="alice2",
        display_name="Alice Two",
        site="cn",
        secure_mobile_phone=None,
        enterprise_name=None,
        enterprise_verified=False,
    )
    with uow() as w:
        w.accounts.update(replace(changed, created_ms=999_999))
    with uow(write=False) as w:
        assert w.accounts.get(ALICE.account_id) == changed  # created_ms kept
        assert w.accounts.get(BOB.account_id) == BOB  # untouched


def test_account_list_orders_by_creation_and_pages(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    with uow(write=False) as w:
        assert list(w.accounts.list(limit=10, offset=0)) == [ALICE, CAROL, BOB]
        assert list(w.accounts.list(limit=2, offset=0)) == [ALICE, CAROL]
        assert list(w.accounts.list(limit=2, offset=2)) == [BOB]
        assert list(w.accounts.list(limit=5, offset=3)) == []


def test_account_name_taken(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    with uow(write=False) as w:
        assert w.accounts.name_taken("alice@example.com")
        assert w.accounts.name_taken("bob")
        assert not w.accounts.name_taken("nobody")


def test_account_duplicate_id_is_refused(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    with pytest.raises(ConcurrentCallNotSupported), uow() as w:
        w.accounts.add(replace(ALICE, name="other"))


# ------------------------------------------------------------------------------------------------ users / roles
def test_users_round_trip(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    user = RamUser("200000000000001", ALICE.account_id, "dev")
    with uow() as w:
        w.identity.add_user(user)
    with uow(write=False) as w:
        assert w.identity.get_user(user.user_id) == user
        assert w.identity.get_user("nope") is None
        assert w.identity.find_user(ALICE.account_id, "dev") == user
        assert w.identity.find_user(BOB.account_id, "dev") is None
        assert w.identity.find_user(ALICE.account_id, "other") is None


def test_user_names_are_unique_per_account(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    with uow() as w:
        w.identity.add_user(RamUser("u1", ALICE.account_id, "dev"))
        w.identity.add_user(RamUser("u2", BOB.account_id, "dev"))  # another account: fine
    with pytest.raises(ConcurrentCallNotSupported), uow() as w:
        w.identity.add_user(RamUser("u3", ALICE.account_id, "dev"))


def test_roles_round_trip_and_lookup_is_case_insensitive(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    role = RamRole("3000000000000000001", ALICE.account_id, "OpsAdmin")
    with uow() as w:
        w.identity.add_role(role)
    with uow(write=False) as w:
        assert w.identity.get_role(role.role_id) == role
        assert w.identity.get_role("nope") is None
        for spelling in ("OpsAdmin", "opsadmin", "OPSADMIN", "oPsAdMiN"):
            assert w.identity.find_role(ALICE.account_id, spelling) == role  # keeps its own spelling
        assert w.identity.find_role(BOB.account_id, "OpsAdmin") is None


def test_role_names_are_unique_case_insensitively(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    with uow() as w:
        w.identity.add_role(RamRole("r1", ALICE.account_id, "Admin"))
    with pytest.raises(ConcurrentCallNotSupported), uow() as w:
        w.identity.add_role(RamRole("r2", ALICE.account_id, "ADMIN"))


def test_policies_round_trip_in_attachment_order(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    doc = '{"Version":"1","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'
    with uow() as w:
        attach_system(w, ALICE.account_id, "user", "u1", "AdministratorAccess")
        attach_document(w, ALICE.account_id, "user", "u1", "deny-all", doc)
        attach_system(w, ALICE.account_id, "role", "u1", "AliyunResourceDirectoryReadOnlyAccess")
    with uow(write=False) as w:
        assert list(w.identity.policies_of("user", "u1")) == [("AdministratorAccess", None), (None, doc)]
        assert list(w.identity.policies_of("role", "u1")) == [("AliyunResourceDirectoryReadOnlyAccess", None)]
        assert list(w.identity.policies_of("user", "u2")) == []


# ------------------------------------------------------------------------------------------------ access keys
def test_access_keys_round_trip(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    keys = [
        AccessKey("LTAIroot0000000000000001", "root-secret", ALICE.account_id, AccessKeyStatus.ACTIVE),
        AccessKey("LTAIuser0000000000000001", "user-secret", ALICE.account_id, AccessKeyStatus.ACTIVE, user_id="u1"),
        AccessKey("STS.sess000000000000001", "sts-secret", ALICE.account_id, AccessKeyStatus.ACTIVE, session_id="s1"),
        AccessKey("LTAIoff00000000000000001", "off-secret", BOB.account_id, AccessKeyStatus.INACTIVE),
    ]
    with uow() as w:
        for key in keys:
            w.identity.add_access_key(key)
    with uow(write=False) as w:
        for key in keys:
            assert w.identity.get_access_key(key.access_key_id) == key
        assert w.identity.get_access_key("LTAInothere") is None


def test_the_caller_lookup_brings_the_key_its_user_and_the_nonce(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    user = RamUser("u1", ALICE.account_id, "ops")
    root = AccessKey("LTAIroot0000000000000001", "root-secret", ALICE.account_id, AccessKeyStatus.ACTIVE)
    of_user = AccessKey(
        "LTAIuser0000000000000001", "user-secret", ALICE.account_id, AccessKeyStatus.ACTIVE, user_id="u1"
    )
    orphan = AccessKey(
        "LTAIgone0000000000000001", "gone-secret", ALICE.account_id, AccessKeyStatus.ACTIVE, user_id="u9"
    )
    with uow() as w:
        w.identity.add_user(user)
        for key in (root, of_user, orphan):
            w.identity.add_access_key(key)
        w.nonces.remember(of_user.access_key_id, "seen", now_ms=5_000, window_ms=1_000)
    with uow(write=False) as w:
        assert w.identity.caller(root.access_key_id, nonce="seen", nonce_since_ms=0) == Caller(
            root, None, False, clock_offset_seconds=0
        )
        assert w.identity.caller(of_user.access_key_id, nonce="seen", nonce_since_ms=5_000) == Caller(
            of_user, user, True, user_policies=(), clock_offset_seconds=0
        )
        assert not w.identity.caller(of_user.access_key_id, nonce="seen", nonce_since_ms=5_001).nonce_seen  # type: ignore[union-attr]
        assert not w.identity.caller(of_user.access_key_id, nonce="other", nonce_since_ms=0).nonce_seen  # type: ignore[union-attr]
        assert w.identity.caller(orphan.access_key_id, nonce="n", nonce_since_ms=0) == Caller(
            orphan, None, False, clock_offset_seconds=0
        )
        assert w.identity.caller("LTAInothere", nonce="n", nonce_since_ms=0) is None


@pytest.mark.parametrize("stored", [None, "-3600", "86400"])
def test_the_caller_lookup_brings_the_emulator_clock_offset(
    uow: SqlUnitOfWorkFactory, accounts: None, stored: str | None
) -> None:
    key = AccessKey("LTAIroot0000000000000001", "root-secret", ALICE.account_id, AccessKeyStatus.ACTIVE)
    with uow() as w:
        w.identity.add_access_key(key)
        if stored is not None:
            w.state.put("clock_offset_seconds", stored)
    with uow(write=False) as r:
        caller = r.identity.caller(key.access_key_id, nonce="n", nonce_since_ms=0)
    assert caller is not None
    assert caller.clock_offset_seconds == (int(stored) if stored else 0)


def test_the_caller_lookup_brings_the_users_policies_in_attachment_order(
    uow: SqlUnitOfWorkFactory, accounts: None
) -> None:
    key = AccessKey("LTAIuser0000000000000001", "user-secret", ALICE.account_id, AccessKeyStatus.ACTIVE, user_id="u1")
    document = '{"Version":"1","Statement":[{"Effect":"Deny","Action":"resourcedirectory:*","Resource":"*"}]}'
    with uow() as w:
        w.identity.add_user(RamUser("u1", ALICE.account_id, "ops"))
        w.identity.add_user(RamUser("u2", ALICE.account_id, "other"))
        w.identity.add_role(
            RamRole("u1", ALICE.account_id, "same-id-as-the-user")
        )  # a role's policies are not the user's
        w.identity.add_access_key(key)
        attach_system(w, ALICE.account_id, "user", "u1", "ReadOnlyAccess")
        attach_system(w, ALICE.account_id, "role", "u1", "AdministratorAccess")
        attach_system(w, ALICE.account_id, "user", "u2", "AdministratorAccess")
        attach_document(w, ALICE.account_id, "user", "u1", "deny-rd", document)
        w.nonces.remember(key.access_key_id, "seen", now_ms=5_000, window_ms=1_000)
    with uow(write=False) as r:
        caller = r.identity.caller(key.access_key_id, nonce="seen", nonce_since_ms=0)
        expected = tuple(r.identity.policies_of("user", "u1"))

    assert caller is not None
    assert caller.user_policies == expected == (("ReadOnlyAccess", None), (None, document))
    assert caller.nonce_seen  # one row per policy, each with the nonce's answer


def test_access_key_status_changes(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    key = AccessKey("LTAIkey", "secret", ALICE.account_id, AccessKeyStatus.ACTIVE)
    with uow() as w:
        w.identity.add_access_key(key)
        assert w.identity.set_access_key_status(key.access_key_id, "Inactive") is True
        assert w.identity.set_access_key_status("LTAInothere", "Inactive") is False
    with uow(write=False) as w:
        assert w.identity.get_access_key(key.access_key_id) == replace(key, status=AccessKeyStatus.INACTIVE)


def test_access_key_secret_is_stored_encrypted(engine: Engine, uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    secret = "PlainTextSecretValue1234567890"
    with uow() as w:
        w.identity.add_access_key(AccessKey("LTAIenc", secret, ALICE.account_id, AccessKeyStatus.ACTIVE))
    with engine.connect() as conn:
        raw = conn.execute(
            select(t.access_keys.c.secret_ciphertext).where(t.access_keys.c.access_key_id == "LTAIenc")
        ).scalar_one()
    assert secret not in raw
    assert secret.encode().hex() not in raw
    assert FernetSecretBox("db-test-master-key").decrypt(raw) == secret
    with pytest.raises(InvalidToken):
        FernetSecretBox("another-master-key").decrypt(raw)


def test_access_key_unreadable_with_another_master_key(
    engine: Engine, uow: SqlUnitOfWorkFactory, accounts: None
) -> None:
    with uow() as w:
        w.identity.add_access_key(AccessKey("LTAIenc", "secret", ALICE.account_id, AccessKeyStatus.ACTIVE))
    wrong = SqlUnitOfWorkFactory(engine, FernetSecretBox("wrong"))
    try:
        with pytest.raises(InvalidToken), wrong(write=False) as w:
            w.identity.get_access_key("LTAIenc")
    finally:
        wrong.close()


# ------------------------------------------------------------------------------------------------ sessions
def test_sessions_round_trip_by_token_hash(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    session = StsSession("sess1", ALICE.account_id, "r1", "Admin", "alice-session", "STS.key1", 1_700_000_000_000)
    narrowed = StsSession("sess2", ALICE.account_id, "r1", "Admin", "s2", "STS.key2", 1, policy='{"Version": "1"}')
    with uow() as w:
        w.identity.add_role(RamRole("r1", ALICE.account_id, "Admin"))
        w.identity.add_session(session, token_hash="hash-1")
        w.identity.add_session(narrowed, token_hash="hash-3")
    with uow(write=False) as w:
        assert w.identity.session_by_token_hash("hash-1") == session
        assert w.identity.session_by_token_hash("hash-3") == narrowed  # with its session policy
        assert w.identity.session_by_token_hash("hash-2") is None


def test_a_session_dies_with_its_role(engine: Engine, uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    with uow() as w:
        w.identity.add_role(RamRole("r1", ALICE.account_id, "Admin"))
        w.identity.add_session(StsSession("sess1", ALICE.account_id, "r1", "Admin", "s", "STS.k", 1), token_hash="h")
    with engine.begin() as conn:  # however the role goes (RAM's DeleteRole, a reset)
        conn.execute(t.ram_roles.delete().where(t.ram_roles.c.role_id == "r1"))
    with uow(write=False) as w:
        assert w.identity.session_by_token_hash("h") is None


def test_session_token_hashes_are_unique(uow: SqlUnitOfWorkFactory, accounts: None) -> None:
    session = StsSession("sess1", ALICE.account_id, "r1", "Admin", "s1", "STS.key1", 1)
    with uow() as w:
        w.identity.add_session(session, token_hash="same")
    with pytest.raises(ConcurrentCallNotSupported), uow() as w:
        w.identity.add_session(replace(session, session_id="sess2", access_key_id="STS.key2"), token_hash="same")


# ------------------------------------------------------------------------------------------------ state
def test_state_put_get_overwrite(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        assert w.state.get("clock_offset_seconds") is None
        w.state.put("clock_offset_seconds", "60")
        w.state.put("other", "x")
    with uow() as w:
        assert w.state.get("clock_offset_seconds") == "60"
        w.state.put("clock_offset_seconds", "-3600")
    with uow(write=False) as w:
        assert w.state.get("clock_offset_seconds") == "-3600"
        assert w.state.get("other") == "x"
