"""RAM on the seed operations (docs/behaviour.md#order-of-a-call): read-only identities are denied before any parameter
or business rule; an STS session of a FullAccess role of the management account can send and bind through every
client."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException

from support.seed_operations import Seed

SEND_ENABLE = "SendVerificationCodeForEnableRD"
ENABLE = "EnableResourceDirectory"
SEND_BIND = "SendVerificationCodeForBindSecureMobilePhone"
BIND = "BindSecureMobilePhone"
DENY_BIND = {
    "Version": "1",
    "Statement": [{"Effect": "Deny", "Action": "resourcemanager:BindSecureMobilePhone", "Resource": "*"}],
}


def _denied(seed: Seed, action: str, principal_type: str, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    exc = seed.fails(403, "NoPermission", call, *args, **kwargs)
    detail = exc.data["AccessDeniedDetail"]
    assert detail["AuthAction"] == f"resourcemanager:{action}"
    assert detail["AuthPrincipalType"] == principal_type
    return dict(detail)


def _readonly(seed: Seed, account_id: str, kind: str) -> Any:
    if kind == "user":
        return seed.ram_user(account_id, seed.READ_ONLY)
    return seed.role_session(account_id, seed.READ_ONLY)


PRINCIPAL_TYPE = {"user": "SubUser", "session": "AssumedRoleUser"}


@pytest.mark.parametrize("kind", ["user", "session"])
def test_read_only_cannot_send_or_enable(seed: Seed, kind: str) -> None:
    account = seed.account("cn")
    caller = _readonly(seed, account.account_id, kind)
    phone = seed.phone("cn")
    detail = _denied(seed, SEND_ENABLE, PRINCIPAL_TYPE[kind], seed.v3.send_enable, caller, phone)
    assert detail["NoPermissionType"] == "ImplicitDeny"
    _denied(seed, SEND_ENABLE, PRINCIPAL_TYPE[kind], seed.v3.send_enable, caller)  # authorization before parameters
    _denied(seed, ENABLE, PRINCIPAL_TYPE[kind], seed.v3.enable, caller, "CurrentAccount")
    _denied(seed, ENABLE, PRINCIPAL_TYPE[kind], seed.v3.enable, caller, None)
    _denied(
        seed,
        ENABLE,
        PRINCIPAL_TYPE[kind],
        seed.v1.enable,
        caller,
        "NewManagementAccount",
        name=f"ro{secrets.token_hex(3)}{seed.MA_SUFFIX}",
        phone=phone,
        code="123456",
    )
    assert seed.messages(phone) == []
    assert seed.directory_of(account) is None


@pytest.mark.parametrize("kind", ["user", "session"])
def test_read_only_cannot_send_or_bind(seed: Seed, kind: str) -> None:
    world = seed.world("intl")
    caller = _readonly(seed, world.master.account_id, kind)
    assert seed.v3.get_account(caller, world.resource_account_id)["Account"]["AccountId"]  # it may read
    phone = seed.phone("intl")
    target = world.resource_account_id
    _denied(seed, SEND_BIND, PRINCIPAL_TYPE[kind], seed.v3.send_bind, caller, target, phone)
    _denied(seed, SEND_BIND, PRINCIPAL_TYPE[kind], seed.v1.send_bind, caller, None, None)
    assert seed.messages(phone) == []
    seed.v3.send_bind(world.admin, target, phone)
    code = seed.latest_code(phone)
    _denied(seed, BIND, PRINCIPAL_TYPE[kind], seed.v3.bind, caller, target, phone, code)
    _denied(seed, BIND, PRINCIPAL_TYPE[kind], seed.rdm.bind, caller, target, phone, code)
    assert seed.record(target)["secure_mobile_phone"] is None
    seed.v3.bind(world.admin, target, phone, code)  # the denied attempts did not touch the code


def test_read_only_user_through_the_core_sdk(seed: Seed) -> None:
    world = seed.world("cn")
    caller = seed.ram_user(world.master.account_id, seed.READ_ONLY)
    phone = seed.phone("cn")
    with pytest.raises(ServerException) as caught:
        seed.core.send_bind(caller, world.resource_account_id, phone)
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == ("NoPermission", 403)
    assert seed.messages(phone) == []


def test_explicit_deny_wins_over_full_access(seed: Seed) -> None:
    world = seed.world("intl")
    caller = seed.ram_user(world.master.account_id, seed.FULL, DENY_BIND)
    phone = seed.phone("intl")
    seed.v3.send_bind(caller, world.resource_account_id, phone)  # allowed
    code = seed.latest_code(phone)
    detail = _denied(seed, BIND, "SubUser", seed.v3.bind, caller, world.resource_account_id, phone, code)
    assert detail["NoPermissionType"] == "ExplicitDeny"
    assert seed.record(world.resource_account_id)["secure_mobile_phone"] is None


@pytest.mark.parametrize("api_name", ["tea-v3", "tea-v1", "core", "rdm-2022"])
@pytest.mark.parametrize("site", ["cn", "intl"])
def test_sts_session_of_the_management_account_sends_and_binds(seed: Seed, api_name: str, site: str) -> None:
    api = seed.apis[api_name]
    world = seed.world(site)
    session = seed.role_session(world.master.account_id, seed.FULL)
    assert session.token
    phone = seed.phone(site)
    sent = api.send_bind(session, world.resource_account_id, phone)
    assert sent["ExpirationDate"].endswith("Z")
    sms = seed.latest(phone)
    assert (sms["purpose"], sms["account_id"]) == ("BindSecureMobilePhone", world.resource_account_id)
    api.bind(session, world.resource_account_id, phone, sms["code"])
    assert seed.record(world.resource_account_id)["secure_mobile_phone"] == phone


def test_full_access_user_of_a_plain_account_enables_a_directory(seed: Seed) -> None:
    """The seed enable operations act for the principal's account, whoever in it calls."""
    account = seed.account("cn")
    user = seed.ram_user(account.account_id, seed.FULL)
    phone = seed.phone("cn")
    seed.v3.send_enable(user, phone)
    assert seed.latest(phone)["account_id"] == account.account_id
    name = f"ru{secrets.token_hex(4)}{seed.MA_SUFFIX}"
    rd = seed.v3.enable(user, "NewManagementAccount", name=name, phone=phone, code=seed.latest_code(phone))
    assert seed.directory_of(account) == rd["ResourceDirectory"]["ResourceDirectoryId"]
