"""Who is calling and may they: AccessKeys, STS tokens, nonces, RAM authorization (docs/behaviour.md#authentication,
#authorization)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openrd import errors
from openrd.domain.identity import AccessKey, Principal, PrincipalKind
from openrd.services import authentication, identity
from openrd.services.context import Deps

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def now_ms(self) -> int:
        return int(self.current.timestamp() * 1000)


def _deny_doc(action: str) -> str:
    return json.dumps({"Version": "1", "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]})


def at_now(deps: Deps) -> Deps:
    """The services read the emulator clock from ``deps``: here it stands at NOW."""
    return deps.evolve(clock=FixedClock(NOW))


@pytest.fixture
def world(deps: Deps) -> dict[str, Any]:
    """An account with a RAM user, a RAM role and an assumed-role session."""
    account, root = identity.create_account(at_now(deps), display_name="Acme")
    aid = account.account_id
    user, user_creds = identity.create_ram_user(
        deps,
        account_id=aid,
        name="dev",
        policies=["AliyunResourceDirectoryFullAccess", _deny_doc("resourcemanager:DeleteAccount")],
    )
    bare, bare_creds = identity.create_ram_user(deps, account_id=aid, name="bare")
    role = identity.create_ram_role(
        deps, account_id=aid, name="Auditor", policies=["AliyunResourceDirectoryReadOnlyAccess"]
    )
    sts = identity.assume_role(
        at_now(deps),
        role_arn=f"acs:ram::{aid}:role/Auditor",
        session_name="alice-session",
        duration_seconds=3600,
    )
    return {
        "account_id": aid,
        "root": root,
        "user": user,
        "user_creds": user_creds,
        "bare": bare,
        "bare_creds": bare_creds,
        "role": role,
        "sts": sts,
    }


def _key(deps: Deps, access_key_id: str) -> AccessKey:
    with deps.uow(write=False) as uow:
        return authentication.load_caller(uow, access_key_id, nonce="", nonce_since_ms=0).key


def _resolve(deps: Deps, access_key_id: str, token: str | None, now_ms: int = NOW_MS) -> Principal:
    key = _key(deps, access_key_id)
    with deps.uow(write=False) as uow:
        return authentication.resolve_principal(
            uow, key=key, security_token=token, box=deps.box, clock=FixedClock(at_ms(now_ms))
        )


def _authorize(deps: Deps, principal: Principal, action: str | None) -> None:
    with deps.uow(write=False) as uow:
        authentication.authorize(uow, principal, action)


# ------------------------------------------------------------------------------------------------ principals
def test_root_principal(deps: Deps, world: dict[str, Any]) -> None:
    principal = _resolve(deps, world["root"].access_key_id, None)
    assert principal.kind is PrincipalKind.ROOT
    assert principal.account_id == principal.principal_id == world["account_id"]
    assert principal.arn == f"acs:ram::{world['account_id']}:root"
    assert principal.identity_type == "Account"


def test_ram_user_principal(deps: Deps, world: dict[str, Any]) -> None:
    principal = _resolve(deps, world["user_creds"].access_key_id, None)
    assert principal.kind is PrincipalKind.USER
    assert principal.principal_id == world["user"].user_id
    assert principal.account_id == world["account_id"]
    assert principal.arn == f"acs:ram::{world['account_id']}:user/dev"
    assert principal.identity_type == "RAMUser"


def test_role_session_principal(deps: Deps, world: dict[str, Any]) -> None:
    sts = world["sts"]
    principal = _resolve(deps, sts.access_key_id, sts.security_token)
    assert principal.kind is PrincipalKind.ROLE_SESSION
    assert principal.principal_id == world["role"].role_id
    assert principal.account_id == world["account_id"]
    assert principal.arn == f"acs:ram::{world['account_id']}:assumed-role/Auditor/alice-session"
    assert principal.identity_type == "AssumedRoleUser"
    assert principal.user_id == f"{world['role'].role_id}:alice-session"


def test_sts_token_expires_on_the_given_clock(deps: Deps, world: dict[str, Any]) -> None:
    sts = world["sts"]
    clock = FixedClock(NOW)
    clock.current += timedelta(seconds=3599)
    assert _resolve(deps, sts.access_key_id, sts.security_token, clock.now_ms()).kind is PrincipalKind.ROLE_SESSION
    clock.current += timedelta(seconds=1)  # exactly at the expiration: expired
    with pytest.raises(errors.InvalidSecurityTokenExpired):
        _resolve(deps, sts.access_key_id, sts.security_token, clock.now_ms())
    clock.current += timedelta(days=1)
    with pytest.raises(errors.InvalidSecurityTokenExpired):
        _resolve(deps, sts.access_key_id, sts.security_token, clock.now_ms())


def test_sts_token_for_another_access_key(deps: Deps, world: dict[str, Any]) -> None:
    other = identity.assume_role(
        at_now(deps),
        role_arn=f"acs:ram::{world['account_id']}:role/Auditor",
        session_name="bob-session",
    )
    with pytest.raises(errors.InvalidSecurityTokenMismatch):
        _resolve(deps, world["sts"].access_key_id, other.security_token)
    with pytest.raises(errors.InvalidSecurityTokenMismatch):
        _resolve(deps, world["root"].access_key_id, other.security_token)


@pytest.mark.parametrize("token", ["", "garbage", "CAIS" + "x" * 40])
def test_malformed_sts_token(deps: Deps, world: dict[str, Any], token: str) -> None:
    with pytest.raises(errors.InvalidSecurityTokenMalformed):
        _resolve(deps, world["sts"].access_key_id, token)


def test_tampered_sts_token(deps: Deps, world: dict[str, Any]) -> None:
    token = world["sts"].security_token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(errors.InvalidSecurityTokenMalformed):
        _resolve(deps, world["sts"].access_key_id, tampered)


def test_sts_key_without_its_token(deps: Deps, world: dict[str, Any]) -> None:
    with pytest.raises(errors.MissingSecurityToken):
        _resolve(deps, world["sts"].access_key_id, None)


def test_tokens_are_stored_only_as_keyed_hashes(deps: Deps, world: dict[str, Any]) -> None:
    token = world["sts"].security_token
    with deps.uow(write=False) as uow:
        assert uow.identity.session_by_token_hash(token) is None
        assert uow.identity.session_by_token_hash(deps.box.keyed_hash("sts-token", token)) is not None


# ------------------------------------------------------------------------------------------------ nonces
def test_remember_nonce_rejects_a_replay(deps: Deps, world: dict[str, Any]) -> None:
    kwargs = {"access_key_id": world["root"].access_key_id, "nonce": "n-1", "window_ms": 900_000}
    with deps.uow() as uow:
        authentication.remember_nonce(uow, wall_now_ms=NOW_MS, **kwargs)
    with deps.uow() as uow, pytest.raises(errors.SignatureNonceUsed):
        authentication.remember_nonce(uow, wall_now_ms=NOW_MS + 1000, **kwargs)


# ------------------------------------------------------------------------------------------------ authorize
def test_root_is_allowed_everything(deps: Deps, world: dict[str, Any]) -> None:
    principal = _resolve(deps, world["root"].access_key_id, None)
    for action in ("resourcemanager:DeleteAccount", "ram:CreateUser", "anything:AtAll"):
        _authorize(deps, principal, action)


def test_no_ram_action_needs_no_permission(deps: Deps, world: dict[str, Any]) -> None:
    _authorize(deps, _resolve(deps, world["bare_creds"].access_key_id, None), None)


def test_user_allowed_by_policy_case_insensitively(deps: Deps, world: dict[str, Any]) -> None:
    principal = _resolve(deps, world["user_creds"].access_key_id, None)
    for action in ("resourcemanager:GetAccount", "ResourceManager:createFolder", "RESOURCEMANAGER:LISTACCOUNTS"):
        _authorize(deps, principal, action)


def test_user_implicit_deny(deps: Deps, world: dict[str, Any]) -> None:
    principal = _resolve(deps, world["user_creds"].access_key_id, None)
    with pytest.raises(errors.NoPermission) as caught:
        _authorize(deps, principal, "ram:CreateUser")
    assert caught.value.status == 403
    assert caught.value.detail == {
        "PolicyType": "AccountLevelIdentityBasedPolicy",
        "AuthPrincipalOwnerId": world["account_id"],
        "AuthPrincipalType": "SubUser",
        "AuthPrincipalDisplayName": "dev",
        "NoPermissionType": "ImplicitDeny",
        "AuthAction": "ram:CreateUser",
    }
    assert caught.value.extra_fields() == {"AccessDeniedDetail": caught.value.detail}


def test_user_without_policies_is_denied(deps: Deps, world: dict[str, Any]) -> None:
    principal = _resolve(deps, world["bare_creds"].access_key_id, None)
    with pytest.raises(errors.NoPermission) as caught:
        _authorize(deps, principal, "resourcemanager:GetAccount")
    assert caught.value.detail["NoPermissionType"] == "ImplicitDeny"
    assert caught.value.detail["AuthPrincipalDisplayName"] == "bare"


def test_explicit_deny_wins_over_allow(deps: Deps, world: dict[str, Any]) -> None:
    principal = _resolve(deps, world["user_creds"].access_key_id, None)
    with pytest.raises(errors.NoPermission) as caught:
        _authorize(deps, principal, "resourcemanager:DeleteAccount")
    assert caught.value.detail["NoPermissionType"] == "ExplicitDeny"
    assert caught.value.detail["AuthAction"] == "resourcemanager:DeleteAccount"
    assert caught.value.detail["AuthPrincipalType"] == "SubUser"


def test_role_session_allowed_and_denied(deps: Deps, world: dict[str, Any]) -> None:
    sts = world["sts"]
    principal = _resolve(deps, sts.access_key_id, sts.security_token)
    _authorize(deps, principal, "resourcemanager:ListAccounts")
    _authorize(deps, principal, "resourcemanager:GetResourceDirectory")
    with pytest.raises(errors.NoPermission) as caught:
        _authorize(deps, principal, "resourcemanager:CreateFolder")
    assert caught.value.detail == {
        "PolicyType": "AccountLevelIdentityBasedPolicy",
        "AuthPrincipalOwnerId": world["account_id"],
        "AuthPrincipalType": "AssumedRoleUser",
        "AuthPrincipalDisplayName": "Auditor:alice-session",
        "NoPermissionType": "ImplicitDeny",
        "AuthAction": "resourcemanager:CreateFolder",
    }


def test_user_policies_do_not_leak_to_a_role_with_the_same_id_space(deps: Deps, world: dict[str, Any]) -> None:
    """Attachments are keyed by principal type: a role never gets a user's policies."""
    principal = Principal(PrincipalKind.ROLE_SESSION, world["account_id"], world["user"].user_id, "x", "s")
    with pytest.raises(errors.NoPermission):
        _authorize(deps, principal, "resourcemanager:GetAccount")


def at_ms(moment_ms: int) -> datetime:
    return datetime.fromtimestamp(moment_ms / 1000, UTC)
