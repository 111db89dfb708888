"""Settings that need a server of their own (``configured``: OPENRD_DAILY_CODE_QUOTA=2 and OPENRD_SITES_FILE with a
``jp`` site whose profile disallows the two bind operations): SendValidateCodeExceedsLimitForAccount for both send
operations and NotSupport.Site.Action (docs/behaviour.md#site-profiles, #send-limits)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alibabacloud_tea_openapi.exceptions import ThrottlingException

from support.seed_operations import Seed


@pytest.fixture
def seed(configured_seed: Seed) -> Seed:
    """This module's seed helpers act on the ``configured`` server, not the shared one."""
    return configured_seed


@pytest.mark.parametrize("site", ["cn", "intl"])
def test_enable_code_quota_of_the_calling_account(seed: Seed, site: str) -> None:
    caller = seed.account(site)
    first, second, third = (seed.phone(site) for _ in range(3))
    seed.v3.send_enable(caller, first)
    seed.v3.send_enable(caller, second)
    seed.fails(409, "SendValidateCodeExceedsLimitForAccount", seed.v3.send_enable, caller, third)
    assert seed.messages(third) == []
    seed.v3.send_enable(seed.account(site), third)  # another account has its own quota


def test_throttled_and_rejected_sends_do_not_count(seed: Seed) -> None:
    caller = seed.account("intl")
    first, second, third = (seed.phone("intl") for _ in range(3))
    seed.v3.send_enable(caller, first)
    exc = seed.fails(400, "Throttling.User", seed.v3.send_enable, caller, first)
    assert isinstance(exc, ThrottlingException)
    seed.fails(409, "InvalidParameter.MobileCountryCode", seed.v3.send_enable, caller, seed.phone("cn"))
    seed.v3.send_enable(caller, second)  # the second code of the day
    seed.fails(409, "SendValidateCodeExceedsLimitForAccount", seed.v3.send_enable, caller, third)
    seed.fails(409, "SendValidateCodeExceedsLimitForAccount", seed.v3.send_enable, caller, third)
    assert [len(seed.messages(p)) for p in (first, second, third)] == [1, 1, 0]


def test_bind_code_quota_is_the_management_accounts(seed: Seed) -> None:
    world = seed.world("cn")
    other = seed.resource_account(world)
    first, second, third = (seed.phone("cn") for _ in range(3))
    seed.v3.send_bind(world.admin, world.resource_account_id, first)
    seed.v3.send_bind(world.admin, other, second)  # another target, same management account
    for target in (world.resource_account_id, seed.resource_account(world)):
        seed.fails(409, "SendValidateCodeExceedsLimitForAccount", seed.v3.send_bind, world.admin, target, third)
    assert seed.messages(third) == []
    session = seed.role_session(world.master.account_id, seed.FULL)  # any identity of the management account
    seed.fails(409, "SendValidateCodeExceedsLimitForAccount", seed.v3.send_bind, session, other, third)
    # The codes already sent still bind.
    seed.v3.bind(world.admin, world.resource_account_id, first, seed.latest_code(first))
    assert seed.record(world.resource_account_id)["secure_mobile_phone"] == first


def test_quota_counts_enable_and_bind_codes_separately_per_account(seed: Seed) -> None:
    """EnableRD codes count against the caller, bind codes against the management account
    (docs/behaviour.md#send-limits)."""
    world = seed.world("intl")
    loner = seed.account("intl")
    phones = [seed.phone("intl") for _ in range(4)]
    seed.v3.send_enable(loner, phones[0])
    seed.v3.send_enable(loner, phones[1])
    seed.v3.send_bind(world.admin, world.resource_account_id, phones[2])
    seed.v3.send_bind(world.admin, world.resource_account_id, phones[3])
    assert [len(seed.messages(p)) for p in phones] == [1, 1, 1, 1]


@pytest.mark.parametrize(("site", "zone"), [("cn", "Asia/Shanghai"), ("intl", "Asia/Shanghai"), ("jp", "Asia/Tokyo")])
def test_quota_day_ends_at_midnight_in_the_sites_time_zone(
    seed: Seed, clock: Callable[..., dict[str, Any]], site: str, zone: str
) -> None:
    now = datetime.fromisoformat(seed.rd.clock()["now"].replace("Z", "+00:00"))
    local = now.astimezone(ZoneInfo(zone))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), ZoneInfo(zone))
    clock(advance_seconds=int((midnight - local).total_seconds()) - 90)  # 23:58:30 local
    caller = seed.account(site)
    phones = [seed.phone(site) for _ in range(3)]
    seed.v3.send_enable(caller, phones[0])
    seed.v3.send_enable(caller, phones[1])
    seed.fails(409, "SendValidateCodeExceedsLimitForAccount", seed.v3.send_enable, caller, phones[2])
    clock(advance_seconds=120)  # 00:00:30 local: a new quota day
    seed.v3.send_enable(caller, phones[2])
    assert seed.latest(phones[2])["account_id"] == caller.account_id


@pytest.mark.parametrize("op", ["send", "bind"])
def test_site_profile_disallows_the_bind_operations(seed: Seed, op: str) -> None:
    world = seed.world("jp")
    assert seed.record(world.master.account_id)["site"] == "jp"
    phone = seed.phone("jp")
    if op == "send":
        seed.fails(400, "NotSupport.Site.Action", seed.v3.send_bind, world.admin, world.resource_account_id, phone)
    else:
        seed.fails(400, "NotSupport.Site.Action", seed.v3.bind, world.admin, world.resource_account_id, phone, "123456")
    assert seed.messages(phone) == []
    assert seed.record(world.resource_account_id)["secure_mobile_phone"] is None


@pytest.mark.parametrize("op", ["send", "bind"])
def test_site_action_is_checked_first(seed: Seed, op: str) -> None:
    """NotSupport.Site.Action comes before every other rule, CallerIdentityError included (root caller)."""
    world = seed.world("jp")
    call = seed.v3.send_bind if op == "send" else seed.v3.bind
    args = (world.master, world.resource_account_id, seed.phone("cn")) + (("123456",) if op == "bind" else ())
    seed.fails(400, "NotSupport.Site.Action", call, *args)


def test_jp_site_still_enables_with_its_own_country_code(seed: Seed) -> None:
    caller = seed.account("jp")
    phone = seed.phone("jp")
    seed.fails(409, "InvalidParameter.MobileCountryCode", seed.v3.send_enable, caller, seed.phone("uk"))
    seed.v3.send_enable(caller, phone)
    name = f"jp-{caller.account_id[-6:]}{seed.MA_SUFFIX}"
    rd = seed.v3.enable(caller, "NewManagementAccount", name=name, phone=phone, code=seed.latest_code(phone))
    master = seed.record(rd["ResourceDirectory"]["MasterAccountId"])
    assert (master["site"], master["secure_mobile_phone"]) == ("jp", phone)
