"""BindSecureMobilePhone's verification code (docs/behaviour.md#code-lifecycle): every rejection is 409
Invalid.VerificationCode and binds nothing; the phone is bound exactly once with a code of its own purpose, account and
phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from support.seed_operations import Seed, World

SITES = ["cn", "intl"]


def _sent(seed: Seed, site: str) -> tuple[Any, str, str]:
    """A world, a phone and the bind code sent to it for the world's resource account."""
    world = seed.world(site)
    phone = seed.phone(site)
    seed.v3.send_bind(world.admin, world.resource_account_id, phone)
    return world, phone, seed.latest_code(phone)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _invalid(seed: Seed, world: World, account_id: str, phone: str, code: str) -> None:
    seed.fails(409, "Invalid.VerificationCode", seed.v3.bind, world.admin, account_id, phone, code)
    assert seed.record(account_id)["secure_mobile_phone"] is None


def _binds(seed: Seed, world: World, account_id: str, phone: str, code: str) -> None:
    seed.v3.bind(world.admin, account_id, phone, code)
    assert seed.record(account_id)["secure_mobile_phone"] == phone


@pytest.mark.parametrize("site", SITES)
def test_wrong_code(seed: Seed, site: str) -> None:
    world, phone, code = _sent(seed, site)
    _invalid(seed, world, world.resource_account_id, phone, _wrong(code))
    _binds(seed, world, world.resource_account_id, phone, code)


@pytest.mark.parametrize("bad", ["12345", "1234567", "abcdef"])
def test_malformed_code_is_just_invalid(seed: Seed, bad: str) -> None:
    world, phone, code = _sent(seed, "intl")
    _invalid(seed, world, world.resource_account_id, phone, bad)
    _binds(seed, world, world.resource_account_id, phone, code)


def test_expired_code(seed: Seed, clock: Callable[..., dict[str, Any]]) -> None:
    world, phone, code = _sent(seed, "cn")
    clock(advance_seconds=301)
    _invalid(seed, world, world.resource_account_id, phone, code)


def test_code_before_its_expiration_date(seed: Seed, clock: Callable[..., dict[str, Any]]) -> None:
    world, phone, code = _sent(seed, "intl")
    clock(advance_seconds=295)
    _binds(seed, world, world.resource_account_id, phone, code)


def test_code_already_used(seed: Seed) -> None:
    world, phone, code = _sent(seed, "intl")
    _binds(seed, world, world.resource_account_id, phone, code)
    seed.patch(world.resource_account_id, secure_mobile_phone=None)  # so every earlier check passes again
    _invalid(seed, world, world.resource_account_id, phone, code)


def test_code_of_another_account(seed: Seed) -> None:
    world, phone, code = _sent(seed, "cn")
    other = seed.resource_account(world)
    _invalid(seed, world, other, phone, code)
    _binds(seed, world, world.resource_account_id, phone, code)


def test_code_sent_to_another_phone(seed: Seed) -> None:
    world, phone, code = _sent(seed, "cn")
    _invalid(seed, world, world.resource_account_id, seed.phone("cn"), code)
    _binds(seed, world, world.resource_account_id, phone, code)


def test_code_of_the_enable_purpose(seed: Seed) -> None:
    world = seed.world("intl")
    phone = seed.phone("intl")
    seed.v3.send_enable(seed.account("intl"), phone)
    _invalid(seed, world, world.resource_account_id, phone, seed.latest_code(phone))


def test_five_wrong_attempts_void_the_code(seed: Seed) -> None:
    world, phone, code = _sent(seed, "intl")
    for _ in range(5):
        _invalid(seed, world, world.resource_account_id, phone, _wrong(code))
    _invalid(seed, world, world.resource_account_id, phone, code)


def test_four_wrong_attempts_leave_the_code_usable(seed: Seed) -> None:
    world, phone, code = _sent(seed, "cn")
    for _ in range(4):
        _invalid(seed, world, world.resource_account_id, phone, _wrong(code))
    _binds(seed, world, world.resource_account_id, phone, code)


def test_a_newer_code_voids_the_older_one(seed: Seed, clock: Callable[..., dict[str, Any]]) -> None:
    world, phone, first = _sent(seed, "intl")
    second = first
    while second == first:  # a fresh random code can repeat the old one (one chance in a million): send again
        clock(advance_seconds=61)
        sent = seed.v3.send_bind(world.admin, world.resource_account_id, phone)
        assert sent["ExpirationDate"]
        second = seed.latest_code(phone)
    _invalid(seed, world, world.resource_account_id, phone, first)
    _binds(seed, world, world.resource_account_id, phone, second)


def test_codes_for_two_accounts_on_one_phone_are_independent(seed: Seed, clock: Callable[..., dict[str, Any]]) -> None:
    world, phone, first = _sent(seed, "cn")
    other = seed.resource_account(world)
    clock(advance_seconds=61)
    seed.v3.send_bind(world.admin, other, phone)
    second = seed.latest_code(phone)
    _binds(seed, world, world.resource_account_id, phone, first)
    _binds(seed, world, other, phone, second)


def test_bound_exactly_once(seed: Seed) -> None:
    world, phone, code = _sent(seed, "intl")
    _binds(seed, world, world.resource_account_id, phone, code)
    seed.fails(
        409, "AccountSecureMobileAlreadyExists", seed.v3.bind, world.admin, world.resource_account_id, phone, code
    )
    assert seed.record(world.resource_account_id)["secure_mobile_phone"] == phone
