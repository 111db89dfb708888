"""SendVerificationCodeForEnableRD: one test per documented error, in the documented order
(docs/behaviour.md#sendverificationcodeforenablerd; every earlier check passes), and proof that the rejected send queued
no SMS and issued no code. The daily quota is in test_seed_configured.py."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from aliyunsdkcore.acs_exception.exceptions import ServerException

from support.seed_operations import Seed

SITES = ["cn", "intl"]
WRONG_SITE_PHONE = {"cn": "uk", "intl": "cn"}  # a valid mobile whose country code the site rejects


def _member_of_a_new_directory(seed: Seed, site: str) -> Any:
    """A caller that NewManagementAccount made a CloudAccount member (it manages nothing itself)."""
    caller = seed.account(site)
    phone = seed.phone(site)
    seed.v3.send_enable(caller, phone)
    name = f"m{secrets.token_hex(4)}{seed.MA_SUFFIX}"
    seed.v3.enable(caller, "NewManagementAccount", name=name, phone=phone, code=seed.latest_code(phone))
    return caller


@pytest.mark.parametrize("site", SITES)
def test_already_manages_a_directory(seed: Seed, site: str) -> None:
    caller = seed.account(site)
    seed.v3.enable(caller, "CurrentAccount")
    phone = seed.phone(site)
    seed.fails(409, "EntityAlreadyExists.ResourceDirectory", seed.v3.send_enable, caller, phone)
    assert seed.messages(phone) == []


@pytest.mark.parametrize("site", SITES)
def test_already_a_member_of_a_directory(seed: Seed, site: str) -> None:
    caller = _member_of_a_new_directory(seed, site)
    phone = seed.phone(site)
    seed.fails(409, "NotSupport.AccountInAnotherResourceDirectory", seed.v3.send_enable, caller, phone)
    assert seed.messages(phone) == []


@pytest.mark.parametrize("site", SITES)
def test_no_phone_given_and_none_on_file(seed: Seed, site: str) -> None:
    caller = seed.account(site)
    seed.fails(409, "MissingSecureMobilePhone", seed.v3.send_enable, caller)
    seed.fails(409, "MissingSecureMobilePhone", seed.v1.send_enable, caller, "")  # empty counts as absent


def test_missing_phone_is_reported_through_the_core_sdk(seed: Seed) -> None:
    caller = seed.account("intl")
    with pytest.raises(ServerException) as caught:
        seed.core.send_enable(caller)
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == ("MissingSecureMobilePhone", 409)


@pytest.mark.parametrize(
    "bad", ["+86-13900001234", "8613900001234", "86-139-0000-1234", "86 13900001234", "a-13900001234", "86-"]
)
def test_phone_syntax_is_a_400_invalid_parameter(seed: Seed, bad: str) -> None:
    caller = seed.account("cn")
    exc = seed.fails(400, "InvalidParameter", seed.v3.send_enable, caller, bad)
    assert "SecureMobilePhone" in exc.data["Message"]


@pytest.mark.parametrize(
    ("site", "bad"),
    [("cn", "86-10000000000"), ("cn", "86-01390000123"), ("intl", "44-2071234567"), ("intl", "44-7400000")],
)
def test_number_not_a_valid_mobile_for_its_country_is_400(seed: Seed, site: str, bad: str) -> None:
    caller = seed.account(site)
    exc = seed.fails(400, "InvalidParameter", seed.v3.send_enable, caller, bad)
    assert "SecureMobilePhone" in exc.data["Message"]
    assert seed.messages(bad) == []


@pytest.mark.parametrize("site", SITES)
def test_country_code_the_site_rejects(seed: Seed, site: str) -> None:
    caller = seed.account(site)
    phone = seed.phone(WRONG_SITE_PHONE[site])
    seed.fails(409, "InvalidParameter.MobileCountryCode", seed.v3.send_enable, caller, phone)
    seed.fails(409, "InvalidParameter.MobileCountryCode", seed.v1.send_enable, caller, phone)
    assert seed.messages(phone) == []


@pytest.mark.parametrize("site", SITES)
def test_second_send_to_the_same_phone_within_60_seconds(seed: Seed, site: str) -> None:
    caller = seed.account(site)
    phone = seed.phone(site)
    seed.v3.send_enable(caller, phone)
    first = seed.latest_code(phone)
    other = seed.account(site)  # the throttle is keyed on the phone alone (docs/behaviour.md#send-limits)
    for who in (caller, other):
        exc = seed.fails(400, "Throttling.User", seed.v3.send_enable, who, phone)
        assert isinstance(exc, ThrottlingException)
        assert 1 <= exc.retry_after <= 60, exc.retry_after
    assert len(seed.messages(phone)) == 1
    assert seed.latest_code(phone) == first


def test_throttled_send_through_v1_and_core(seed: Seed) -> None:
    caller = seed.account("intl")
    phone = seed.phone("intl")
    seed.v1.send_enable(caller, phone)
    exc = seed.fails(400, "Throttling.User", seed.v1.send_enable, caller, phone)
    assert isinstance(exc, ThrottlingException)
    assert not isinstance(exc, ClientException)
    with pytest.raises(ServerException) as caught:
        seed.core.send_enable(caller, phone)
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == ("Throttling.User", 400)
    assert len(seed.messages(phone)) == 1


def test_throttle_releases_after_60_seconds(seed: Seed, clock: Callable[..., dict[str, Any]]) -> None:
    caller = seed.account("cn")
    phone = seed.phone("cn")
    seed.v3.send_enable(caller, phone)
    clock(advance_seconds=58)
    exc = seed.fails(400, "Throttling.User", seed.v3.send_enable, caller, phone)
    assert exc.retry_after in (1, 2), exc.retry_after  # whole seconds until the next send is allowed
    clock(advance_seconds=3)
    seed.v3.send_enable(caller, phone)
    assert len(seed.messages(phone)) == 2
