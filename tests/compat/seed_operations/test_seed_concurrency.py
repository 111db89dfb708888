"""The seed operations under concurrent calls (docs/behaviour.md#several-server-processes: limits exact under
concurrency; codes single use; a phone bound exactly once; one directory per account)."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from support.seed_operations import Seed

WORKERS = 6


def _race(calls: Sequence[Callable[..., Any]]) -> Counter[str]:
    """Run the calls at once; count outcomes by error code ("ok" for success)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[..., Any]) -> str:
        barrier.wait()
        try:
            call()
        except AlibabaCloudException as exc:
            return f"{exc.status_code} {exc.code}"
        return "ok"

    with ThreadPoolExecutor(len(calls)) as pool:
        return Counter(pool.map(run, calls))


def test_concurrent_sends_to_one_phone(seed: Seed) -> None:
    callers = [seed.account("cn") for _ in range(WORKERS)]
    phone = seed.phone("cn")
    outcomes = _race([lambda c=c: seed.v3.send_enable(c, phone) for c in callers])
    assert outcomes == Counter({"ok": 1, "400 Throttling.User": WORKERS - 1})
    assert len(seed.messages(phone)) == 1


def test_concurrent_binds_with_one_code(seed: Seed) -> None:
    world = seed.world("intl")
    phone = seed.phone("intl")
    seed.v3.send_bind(world.admin, world.resource_account_id, phone)
    code = seed.latest_code(phone)
    outcomes = _race(
        [lambda: seed.v3.bind(world.admin, world.resource_account_id, phone, code) for _ in range(WORKERS)]
    )
    assert outcomes["ok"] == 1, outcomes
    assert set(outcomes) <= {"ok", "409 Invalid.VerificationCode", "409 AccountSecureMobileAlreadyExists"}
    assert seed.record(world.resource_account_id)["secure_mobile_phone"] == phone


def test_concurrent_enables_of_one_account(seed: Seed) -> None:
    caller = seed.account("intl")
    outcomes = _race([lambda: seed.v3.enable(caller, "CurrentAccount") for _ in range(WORKERS)])
    assert outcomes == Counter({"ok": 1, "409 EntityAlreadyExists.ResourceDirectory": WORKERS - 1})


def test_concurrent_new_management_accounts_with_one_name(seed: Seed) -> None:
    name = f"race-{secrets.token_hex(4)}{seed.MA_SUFFIX}"
    calls = []
    for _ in range(WORKERS):
        caller = seed.account("cn")
        phone = seed.phone("cn")
        seed.v3.send_enable(caller, phone)
        code = seed.latest_code(phone)
        calls.append(
            lambda c=caller, p=phone, k=code: seed.v3.enable(c, "NewManagementAccount", name=name, phone=p, code=k)
        )
    outcomes = _race(calls)
    assert outcomes == Counter({"ok": 1, "409 InvalidParameter.ManagementAccountName.AlreadyUsed": WORKERS - 1})
    assert sum(n == name for n in seed.account_names()) == 1


def test_concurrent_new_management_accounts_of_one_caller(seed: Seed) -> None:
    """One caller, several phones with a code each: exactly one directory, the caller a member of it."""
    caller = seed.account("intl")
    calls = []
    for _ in range(WORKERS):
        phone = seed.phone("intl")
        seed.v3.send_enable(caller, phone)
        code = seed.latest_code(phone)
        name = f"one-{secrets.token_hex(4)}{seed.MA_SUFFIX}"
        calls.append(
            lambda p=phone, k=code, n=name: seed.v3.enable(caller, "NewManagementAccount", name=n, phone=p, code=k)
        )
    outcomes = _race(calls)
    assert outcomes == Counter({"ok": 1, "409 NotSupport.AccountInAnotherResourceDirectory": WORKERS - 1})
    assert seed.directory_of(caller) is not None
