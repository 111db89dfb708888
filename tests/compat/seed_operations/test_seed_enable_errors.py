"""EnableResourceDirectory: one test per documented error, reached in the documented order
(docs/behaviour.md#enableresourcedirectory; every earlier check passes), and proof that nothing was created: no
directory for the caller, no management account under the MAName, and the caller's genuine code still unused where one
was sent."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models

from support.seed_operations import Seed

SITES = ["cn", "intl"]
NEW = "NewManagementAccount"
WRONG_SITE_PHONE = {"cn": "uk", "intl": "cn"}


def _name(seed: Seed) -> str:
    return f"ma-{secrets.token_hex(4)}{seed.MA_SUFFIX}"


def _with_code(seed: Seed, site: str, **account: Any) -> tuple[Any, str, str]:
    """A caller, a phone and the EnableRD code sent to it."""
    caller = seed.account(site, **account)
    phone = seed.phone(site)
    seed.v3.send_enable(caller, phone)
    return caller, phone, seed.latest_code(phone)


def _nothing_created(seed: Seed, caller: Any, *names: str) -> None:
    assert seed.directory_of(caller) is None
    assert not set(names) & seed.account_names()


def _still_usable(seed: Seed, caller: Any, phone: str, code: str) -> None:
    rd = seed.v3.enable(caller, NEW, name=_name(seed), phone=phone, code=code)["ResourceDirectory"]
    assert seed.directory_of(caller) == rd["ResourceDirectoryId"]


def _enabled_member(seed: Seed, site: str) -> tuple[Any, str, str, str, dict[str, Any]]:
    """A caller that NewManagementAccount made a member: (caller, phone, code used, MAName, ResourceDirectory)."""
    caller, phone, code = _with_code(seed, site)
    name = _name(seed)
    rd = seed.v3.enable(caller, NEW, name=name, phone=phone, code=code)["ResourceDirectory"]
    return caller, phone, code, name, rd


# ------------------------------------------------------------------------------------------- account state
@pytest.mark.parametrize("site", SITES)
def test_already_manages_a_directory(seed: Seed, site: str) -> None:
    caller = seed.account(site)
    rd = seed.v3.enable(caller, "CurrentAccount")["ResourceDirectory"]
    seed.fails(409, "EntityAlreadyExists.ResourceDirectory", seed.v3.enable, caller, "CurrentAccount")
    name = _name(seed)
    phone = seed.phone(site)
    seed.fails(
        409, "EntityAlreadyExists.ResourceDirectory", seed.v3.enable, caller, NEW, name=name, phone=phone, code="123456"
    )
    assert seed.directory_of(caller) == rd["ResourceDirectoryId"]
    assert name not in seed.account_names()


@pytest.mark.parametrize("mode", ["CurrentAccount", NEW])
def test_member_of_another_directory(seed: Seed, mode: str) -> None:
    caller, phone, _, _, rd = _enabled_member(seed, "intl")
    name = _name(seed)
    seed.fails(
        409,
        "NotSupport.AccountInAnotherResourceDirectory",
        seed.v3.enable,
        caller,
        mode,
        name=name,
        phone=phone,
        code="123456",
    )
    assert seed.directory_of(caller) == rd["ResourceDirectoryId"]
    assert name not in seed.account_names()


@pytest.mark.parametrize("mode", ["CurrentAccount", NEW])
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"enterprise": None}, "Invalid.EnterpriseName"),
        ({"enterprise": None, "verified": False}, "Invalid.EnterpriseName"),
        ({"verified": False}, "EnterpriseRealNameVerificationError"),
    ],
)
def test_enterprise_identity(seed: Seed, mode: str, fields: dict[str, Any], code: str) -> None:
    caller, phone, genuine = _with_code(seed, "cn", **fields)  # the send itself has no enterprise rule
    name = _name(seed)
    seed.fails(409, code, seed.v3.enable, caller, mode, name=name, phone=phone, code=genuine)
    _nothing_created(seed, caller, name)


# -------------------------------------------------------------------------------------------------- MAName
@pytest.mark.parametrize(
    "bad",
    [
        "a@rdadmin.aliyunid.com",  # prefix of 1
        "x" * 51 + "@rdadmin.aliyunid.com",  # prefix of 51
        "-ab@rdadmin.aliyunid.com",
        "ab-@rdadmin.aliyunid.com",
        ".ab@rdadmin.aliyunid.com",
        "a..b@rdadmin.aliyunid.com",
        "a-_b@rdadmin.aliyunid.com",
        "a b@rdadmin.aliyunid.com",
        "a+b@rdadmin.aliyunid.com",
        "ab@example.com",
        "ab@rdadmin.aliyunid.com.cn",
        "ab",
        "@rdadmin.aliyunid.com",
        "ab@@rdadmin.aliyunid.com",
    ],
)
def test_management_account_name_format(seed: Seed, bad: str) -> None:
    caller, phone, code = _with_code(seed, "intl")
    seed.fails(
        409, "InvalidParameter.ManagementAccountName", seed.v3.enable, caller, NEW, name=bad, phone=phone, code=code
    )
    _nothing_created(seed, caller, bad)
    _still_usable(seed, caller, phone, code)


@pytest.mark.parametrize("prefix", ["ab", "x" * 50, "a.b-c_d9", "A1"])
def test_management_account_name_boundaries_are_accepted(seed: Seed, prefix: str) -> None:
    caller, phone, code = _with_code(seed, "intl")
    name = f"{prefix}{seed.MA_SUFFIX}"
    rd = seed.v3.enable(caller, NEW, name=name, phone=phone, code=code)["ResourceDirectory"]
    assert rd["MasterAccountName"] == name


def test_management_account_name_already_used(seed: Seed) -> None:
    _, _, _, taken, _ = _enabled_member(seed, "cn")
    caller, phone, code = _with_code(seed, "cn")
    seed.fails(
        409,
        "InvalidParameter.ManagementAccountName.AlreadyUsed",
        seed.v3.enable,
        caller,
        NEW,
        name=taken,
        phone=phone,
        code=code,
    )
    assert seed.directory_of(caller) is None
    _still_usable(seed, caller, phone, code)


def test_management_account_name_used_by_an_existing_login(seed: Seed) -> None:
    taken = _name(seed)
    seed.account("intl", name=taken)
    caller, phone, code = _with_code(seed, "intl")
    seed.fails(
        409,
        "InvalidParameter.ManagementAccountName.AlreadyUsed",
        seed.v3.enable,
        caller,
        NEW,
        name=taken,
        phone=phone,
        code=code,
    )
    _still_usable(seed, caller, phone, code)


# ------------------------------------------------------------------------------------------------- the phone
@pytest.mark.parametrize("bad", ["+44-7400123456", "447400123456", "44-74001234567890123", "44-7400 12345", "44-"])
def test_management_phone_syntax(seed: Seed, bad: str) -> None:
    caller, phone, code = _with_code(seed, "intl")
    name = _name(seed)
    seed.fails(
        409,
        "InvalidParameter.ManagementAccountSecurityInfo",
        seed.v3.enable,
        caller,
        NEW,
        name=name,
        phone=bad,
        code=code,
    )
    _nothing_created(seed, caller, name)
    _still_usable(seed, caller, phone, code)


@pytest.mark.parametrize(("site", "bad"), [("intl", "44-2071234567"), ("intl", "1-2015550"), ("cn", "86-10000000000")])
def test_management_phone_not_a_valid_mobile(seed: Seed, site: str, bad: str) -> None:
    caller, phone, code = _with_code(seed, site)
    name = _name(seed)
    seed.fails(
        409,
        "InvalidParameter.ManagementAccountSecurityInfo",
        seed.v3.enable,
        caller,
        NEW,
        name=name,
        phone=bad,
        code=code,
    )
    _nothing_created(seed, caller, name)
    _still_usable(seed, caller, phone, code)


@pytest.mark.parametrize("site", SITES)
def test_management_phone_country_code_the_site_rejects(seed: Seed, site: str) -> None:
    caller, phone, code = _with_code(seed, site)
    name = _name(seed)
    foreign = seed.phone(WRONG_SITE_PHONE[site])
    seed.fails(
        409, "InvalidParameter.MobileCountryCode", seed.v3.enable, caller, NEW, name=name, phone=foreign, code=code
    )
    _nothing_created(seed, caller, name)
    _still_usable(seed, caller, phone, code)


def test_no_management_phone_and_none_on_file(seed: Seed) -> None:
    caller = seed.account("cn")
    name = _name(seed)
    seed.fails(409, "MissingSecureMobilePhone", seed.v3.enable, caller, NEW, name=name, code="123456")
    _nothing_created(seed, caller, name)


# ---------------------------------------------------------------------------------------- the verification code
def test_wrong_code(seed: Seed) -> None:
    caller, phone, code = _with_code(seed, "intl")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    name = _name(seed)
    seed.fails(409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=name, phone=phone, code=wrong)
    _nothing_created(seed, caller, name)
    _still_usable(seed, caller, phone, code)  # one wrong attempt does not void it


def test_expired_code(seed: Seed, clock: Callable[..., dict[str, Any]]) -> None:
    caller, phone, code = _with_code(seed, "cn")
    clock(advance_seconds=301)
    name = _name(seed)
    seed.fails(409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=name, phone=phone, code=code)
    _nothing_created(seed, caller, name)


def test_code_still_valid_just_before_expiry(seed: Seed, clock: Callable[..., dict[str, Any]]) -> None:
    caller, phone, code = _with_code(seed, "cn")
    clock(advance_seconds=295)
    _still_usable(seed, caller, phone, code)


def test_code_already_used(seed: Seed) -> None:
    caller, phone, code, _, rd = _enabled_member(seed, "intl")
    admin = seed.ram_user(rd["MasterAccountId"], seed.FULL)
    seed.v3.client(admin).remove_cloud_account(models.RemoveCloudAccountRequest(account_id=caller.account_id))
    assert seed.directory_of(caller) is None  # every earlier check passes again
    name = _name(seed)
    seed.fails(409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=name, phone=phone, code=code)
    _nothing_created(seed, caller, name)


def test_code_sent_to_a_different_phone(seed: Seed) -> None:
    caller, phone, code = _with_code(seed, "cn")
    other = seed.phone("cn")
    name = _name(seed)
    seed.fails(409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=name, phone=other, code=code)
    _nothing_created(seed, caller, name)
    _still_usable(seed, caller, phone, code)


def test_code_sent_for_another_account(seed: Seed) -> None:
    _, phone, code = _with_code(seed, "intl")
    caller = seed.account("intl")
    name = _name(seed)
    seed.fails(409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=name, phone=phone, code=code)
    _nothing_created(seed, caller, name)


def test_code_sent_for_binding_a_phone(seed: Seed) -> None:
    world = seed.world("intl")
    phone = seed.phone("intl")
    seed.v3.send_bind(world.admin, world.resource_account_id, phone)
    code = seed.latest_code(phone)
    caller = seed.account("intl")
    name = _name(seed)
    seed.fails(409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=name, phone=phone, code=code)
    _nothing_created(seed, caller, name)


def test_five_wrong_attempts_void_the_code(seed: Seed) -> None:
    caller, phone, code = _with_code(seed, "cn")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        seed.fails(
            409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=_name(seed), phone=phone, code=wrong
        )
    name = _name(seed)
    seed.fails(409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=name, phone=phone, code=code)
    _nothing_created(seed, caller, name)


def test_four_wrong_attempts_leave_the_code_usable(seed: Seed) -> None:
    caller, phone, code = _with_code(seed, "cn")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        seed.fails(
            409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=_name(seed), phone=phone, code=wrong
        )
    _still_usable(seed, caller, phone, code)


def test_a_newer_code_voids_the_older_one(seed: Seed, clock: Callable[..., dict[str, Any]]) -> None:
    caller, phone, first = _with_code(seed, "intl")
    second = first
    while second == first:  # a fresh random code can repeat the old one (one chance in a million): send again
        clock(advance_seconds=61)
        seed.v3.send_enable(caller, phone)
        second = seed.latest_code(phone)
    name = _name(seed)
    seed.fails(409, "Invalid.VerificationCode", seed.v3.enable, caller, NEW, name=name, phone=phone, code=first)
    _nothing_created(seed, caller, name)
    _still_usable(seed, caller, phone, second)


# ------------------------------------------------------------------------------------------ parameter stage
def test_enable_mode_missing(seed: Seed) -> None:
    caller = seed.account("intl")
    exc = seed.fails(400, "MissingParameter", seed.v3.enable, caller, None)
    assert exc.data["Message"] == seed.missing_message("EnableMode")
    assert seed.directory_of(caller) is None


@pytest.mark.parametrize("missing", ["MAName", "VerificationCode"])
def test_new_management_account_needs(seed: Seed, missing: str) -> None:
    caller, phone, code = _with_code(seed, "cn")
    params: dict[str, str | None] = {"name": _name(seed), "phone": phone, "code": code}
    params["name" if missing == "MAName" else "code"] = None
    exc = seed.fails(400, "MissingParameter", seed.v3.enable, caller, NEW, **params)
    assert exc.data["Message"] == seed.missing_message(missing)
    _nothing_created(seed, caller, *(n for n in [params["name"]] if n))
    _still_usable(seed, caller, phone, code)


@pytest.mark.parametrize("mode", ["Current", "currentaccount", "NEWMANAGEMENTACCOUNT", "Both", " CurrentAccount"])
def test_bad_enable_mode(seed: Seed, mode: str) -> None:
    caller = seed.account("intl")
    exc = seed.fails(400, "InvalidParameter", seed.v3.enable, caller, mode)
    assert "EnableMode" in exc.data["Message"]
    assert seed.directory_of(caller) is None
