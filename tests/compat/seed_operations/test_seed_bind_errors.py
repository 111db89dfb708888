"""SendVerificationCodeForBindSecureMobilePhone and BindSecureMobilePhone share their target checks
(docs/behaviour.md#secure-phone-binding): one test per documented error, each run against both operations, every earlier
check passing, and proof that nothing changed (no SMS queued, no phone bound). NotSupport.Site.Action and the daily
quota are in test_seed_configured.py."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ThrottlingException

from support.seed_clients import Creds
from support.seed_operations import Seed

OPS = ["send", "bind"]
SITES = ["cn", "intl"]
WRONG_SITE_PHONE = {"cn": "uk", "intl": "cn"}


def _call(seed: Seed, op: str, creds: Creds, account_id: str | None, phone: str | None) -> Any:
    if op == "send":
        return seed.v3.send_bind(creds, account_id, phone)
    return seed.v3.bind(creds, account_id, phone, "123456")  # the code is checked after every target rule


def _rejected(seed: Seed, op: str, status: int, code: str, creds: Creds, account_id: str, phone: str) -> Any:
    exc = seed.fails(status, code, _call, seed, op, creds, account_id, phone)
    assert seed.messages(phone) == []
    return exc


def _phone_of(seed: Seed, account_id: str) -> Any:
    return seed.record(account_id)["secure_mobile_phone"]


def _unknown_account_id(seed: Seed) -> str:
    return "19" + "".join(str(secrets.randbelow(10)) for _ in range(14))


@pytest.mark.parametrize("op", OPS)
def test_caller_in_no_directory(seed: Seed, op: str) -> None:
    world = seed.world("intl")
    loner = seed.account("intl")
    phone = seed.phone("intl")
    for caller in (loner, seed.ram_user(loner.account_id, seed.FULL)):
        _rejected(seed, op, 404, "EntityNotExists.ResourceDirectory", caller, world.resource_account_id, phone)
    assert _phone_of(seed, world.resource_account_id) is None


@pytest.mark.parametrize("op", OPS)
def test_root_of_the_management_account(seed: Seed, op: str) -> None:
    world = seed.world("cn")
    phone = seed.phone("cn")
    _rejected(seed, op, 409, "CallerIdentityError", world.master, world.resource_account_id, phone)
    assert _phone_of(seed, world.resource_account_id) is None


def _cloud_member(seed: Seed, site: str) -> tuple[Any, Any, str]:
    """A caller that NewManagementAccount made a CloudAccount member, a FullAccess RAM user of the new management
    account, and a resource account of that directory: (member root, management RAM user, resource account)."""
    member = seed.account(site)
    phone = seed.phone(site)
    seed.v3.send_enable(member, phone)
    name = f"cm{secrets.token_hex(4)}{seed.MA_SUFFIX}"
    rd = seed.v3.enable(member, "NewManagementAccount", name=name, phone=phone, code=seed.latest_code(phone))
    admin = seed.ram_user(rd["ResourceDirectory"]["MasterAccountId"], seed.FULL, name="rd-admin")
    created = seed.v3.create_account(admin, f"ra-{secrets.token_hex(3)}")["Account"]
    return member, admin, created["AccountId"]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("kind", ["resource-user", "resource-role", "cloud-member-user", "cloud-member-root"])
def test_identity_of_a_member_account(seed: Seed, op: str, kind: str) -> None:
    if kind.startswith("resource"):
        world = seed.world("intl")
        target = world.resource_account_id
        member_id = seed.resource_account(world)
        caller = (seed.ram_user if kind == "resource-user" else seed.role_session)(member_id, seed.FULL)
    else:
        member, _, target = _cloud_member(seed, "intl")
        caller = member if kind == "cloud-member-root" else seed.ram_user(member.account_id, seed.FULL)
    phone = seed.phone("intl")
    _rejected(seed, op, 409, "CallerIdentityError", caller, target, phone)
    assert _phone_of(seed, target) is None


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"enterprise_name": None}, "Invalid.EnterpriseName"),
        ({"enterprise_name": None, "enterprise_verified": False}, "Invalid.EnterpriseName"),
        ({"enterprise_verified": False}, "EnterpriseRealNameVerificationError"),
    ],
)
def test_management_account_enterprise_identity(seed: Seed, op: str, change: dict[str, Any], code: str) -> None:
    world = seed.world("cn")
    seed.patch(world.master.account_id, **change)
    phone = seed.phone("cn")
    _rejected(seed, op, 409, code, world.admin, world.resource_account_id, phone)
    assert _phone_of(seed, world.resource_account_id) is None


@pytest.mark.parametrize("op", OPS)
def test_unknown_account(seed: Seed, op: str) -> None:
    world = seed.world("intl")
    _rejected(seed, op, 404, "EntityNotExists.Account", world.admin, _unknown_account_id(seed), seed.phone("intl"))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("where", ["another-directory", "no-directory", "another-management-account"])
def test_account_not_in_the_callers_directory(seed: Seed, op: str, where: str) -> None:
    world = seed.world("cn")
    if where == "another-directory":
        target = seed.world("cn").resource_account_id
    elif where == "no-directory":
        target = seed.account("cn").account_id
    else:
        target = seed.world("cn").master.account_id
    phone = seed.phone("cn")
    _rejected(seed, op, 409, "NotSupport.AccountInAnotherResourceDirectory", world.admin, target, phone)
    assert _phone_of(seed, target) is None


@pytest.mark.parametrize("op", OPS)
def test_target_is_the_management_account(seed: Seed, op: str) -> None:
    world = seed.world("intl")
    phone = seed.phone("intl")
    _rejected(seed, op, 409, "EntityAlreadyExists.ResourceDirectory", world.admin, world.master.account_id, phone)
    assert _phone_of(seed, world.master.account_id) is None


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("site", SITES)
def test_target_is_the_cloud_account_that_new_management_account_made_a_member(seed: Seed, op: str, site: str) -> None:
    member, admin, _ = _cloud_member(seed, site)
    phone = seed.phone(site)
    _rejected(seed, op, 409, "AccountTypeMismatch", admin, member.account_id, phone)
    assert _phone_of(seed, member.account_id) is None


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("how", ["bound", "control-api"])
def test_target_already_has_a_secure_phone(seed: Seed, op: str, how: str) -> None:
    world = seed.world("cn")
    first = seed.phone("cn")
    if how == "bound":
        seed.v3.send_bind(world.admin, world.resource_account_id, first)
        seed.v3.bind(world.admin, world.resource_account_id, first, seed.latest_code(first))
    else:
        seed.patch(world.resource_account_id, secure_mobile_phone=first)
    phone = seed.phone("cn")
    _rejected(seed, op, 409, "AccountSecureMobileAlreadyExists", world.admin, world.resource_account_id, phone)
    assert _phone_of(seed, world.resource_account_id) == first


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("site", SITES)
def test_country_code_the_site_rejects(seed: Seed, op: str, site: str) -> None:
    world = seed.world(site)
    phone = seed.phone(WRONG_SITE_PHONE[site])
    _rejected(seed, op, 409, "InvalidParameter.MobileCountryCode", world.admin, world.resource_account_id, phone)
    assert _phone_of(seed, world.resource_account_id) is None


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize(
    ("site", "bad"),
    [
        ("cn", "+86-13900001234"),  # syntax: parameter stage
        ("cn", "8613900001234"),
        ("intl", "44-7400-123456"),
        ("intl", "44-74001234567890123"),
        ("cn", "86-10000000000"),  # not a valid mobile for its country: business stage
        ("intl", "44-2071234567"),
        ("intl", "1-2015550"),
    ],
)
def test_phone_not_valid(seed: Seed, op: str, site: str, bad: str) -> None:
    world = seed.world(site)
    exc = seed.fails(400, "InvalidParameter", _call, seed, op, world.admin, world.resource_account_id, bad)
    assert "SecureMobilePhone" in exc.data["Message"]
    assert _phone_of(seed, world.resource_account_id) is None


@pytest.mark.parametrize("site", SITES)
def test_second_send_to_the_same_phone_within_60_seconds(seed: Seed, site: str) -> None:
    world = seed.world(site)
    phone = seed.phone(site)
    seed.v3.send_bind(world.admin, world.resource_account_id, phone)
    code = seed.latest_code(phone)
    other_target = seed.resource_account(world)
    for target in (world.resource_account_id, other_target):  # keyed on the phone alone
        exc = seed.fails(400, "Throttling.User", seed.v3.send_bind, world.admin, target, phone)
        assert isinstance(exc, ThrottlingException)
        assert 1 <= exc.retry_after <= 60
    assert len(seed.messages(phone)) == 1
    seed.v3.bind(world.admin, world.resource_account_id, phone, code)  # the first code still works


def test_throttle_is_shared_with_the_enable_purpose(seed: Seed) -> None:
    world = seed.world("intl")
    phone = seed.phone("intl")
    seed.v3.send_enable(seed.account("intl"), phone)
    exc = seed.fails(400, "Throttling.User", seed.v3.send_bind, world.admin, world.resource_account_id, phone)
    assert 1 <= exc.retry_after <= 60
    assert [m["purpose"] for m in seed.messages(phone)] == ["EnableRD"]


@pytest.mark.parametrize(
    ("op", "missing"),
    [
        ("send", "AccountId"),
        ("send", "SecureMobilePhone"),
        ("bind", "AccountId"),
        ("bind", "SecureMobilePhone"),
        ("bind", "VerificationCode"),
    ],
)
def test_missing_parameter(seed: Seed, op: str, missing: str) -> None:
    world = seed.world("cn")
    phone = seed.phone("cn")
    params: dict[str, Any] = {"account_id": world.resource_account_id, "phone": phone, "code": "123456"}
    params[{"AccountId": "account_id", "SecureMobilePhone": "phone", "VerificationCode": "code"}[missing]] = None
    call: Callable[..., dict[str, Any]]
    args: tuple[Any, ...]
    if op == "send":
        call, args = seed.v3.send_bind, (params["account_id"], params["phone"])
    else:
        call, args = seed.v3.bind, (params["account_id"], params["phone"], params["code"])
    exc = seed.fails(400, "MissingParameter", call, world.admin, *args)
    assert exc.data["Message"] == seed.missing_message(missing)
    assert seed.messages(phone) == []
    assert _phone_of(seed, world.resource_account_id) is None


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("bad", ["123", "12345678901234567", "abcdefghijklmnop", "1234-67890123456"])
def test_account_id_syntax(seed: Seed, op: str, bad: str) -> None:
    world = seed.world("intl")
    exc = seed.fails(400, "InvalidParameter", _call, seed, op, world.admin, bad, seed.phone("intl"))
    assert "AccountId" in exc.data["Message"]
