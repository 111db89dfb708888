"""Exact limits through the API: two ``openrd serve`` processes on one SQLite file, the official Tea SDK firing
150 concurrent SendVerificationCodeForBindSecureMobilePhone calls across both, then 20 concurrent
BindSecureMobilePhone calls with the right code (docs/behaviour.md#several-server-processes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from openrd.testing.process import ServerProcess
from support.codes import Api, DirectoryWorld, make_directory, phone_for, store_env


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    root = tmp_path_factory.mktemp("two-servers")
    env = store_env(root, OPENRD_LOG_LEVEL="warning")
    servers = [ServerProcess(env, root / f"server-{i}.log") for i in range(2)]
    try:
        for server in servers:  # one after the other: each applies the migrations before it listens
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def world(two_servers: list[ServerProcess]) -> DirectoryWorld:
    return make_directory(Api(two_servers[0].endpoint), 150)


def outcome(call: Any) -> str:
    try:
        call()
    except AlibabaCloudException as exc:
        return f"{exc.status_code} {exc.code}"
    except Exception as exc:  # e.g. a 500 without the JSON envelope: counted, so the assertion shows it
        return type(exc).__name__
    return "ok"


def test_the_two_processes_share_one_store(two_servers: list[ServerProcess], world: DirectoryWorld) -> None:
    first, second = (Api(s.endpoint) for s in two_servers)
    assert first.get_account(world.members[0]) == second.get_account(world.members[0])
    assert len({s.port for s in two_servers}) == 2


def test_150_concurrent_sends_across_two_processes_issue_exactly_100(
    two_servers: list[ServerProcess], world: DirectoryWorld
) -> None:
    apis = [Api(s.endpoint) for s in two_servers]

    def send(i: int) -> str:
        api = apis[i % 2]
        return outcome(lambda: api.send_bind(world.user, world.members[i], phone_for(i)))

    with ThreadPoolExecutor(150) as pool:
        results = list(pool.map(send, range(150)))
    assert Counter(results) == Counter({"ok": 100, "409 SendValidateCodeExceedsLimitForAccount": 50})

    # Both processes served sends that succeeded, and exactly the successful ones are in the inbox.
    ok = [i for i, r in enumerate(results) if r == "ok"]
    assert {i % 2 for i in ok} == {0, 1}
    messages = apis[1].messages(limit=1000)
    by_phone = {m["phone"]: m for m in messages if m["purpose"] == "BindSecureMobilePhone"}
    assert sorted(by_phone) == sorted(phone_for(i) for i in ok)
    for i in ok:
        message = by_phone[phone_for(i)]
        assert message["account_id"] == world.members[i]  # keyed to the target member (docs/behaviour.md#sms-inbox)
        assert message["code"] is not None
        assert len(message["code"]) == 6


def test_20_concurrent_binds_with_the_right_code_accept_once(
    two_servers: list[ServerProcess], world: DirectoryWorld
) -> None:
    apis = [Api(s.endpoint) for s in two_servers]
    issued = [m for m in apis[0].messages(limit=1000) if m["purpose"] == "BindSecureMobilePhone"]
    if not issued:  # this test alone: the quota is untouched, send one
        apis[0].send_bind(world.user, world.members[0], phone_for(0))
        issued = [apis[0].latest(phone_for(0))]
    member, phone, code = issued[0]["account_id"], issued[0]["phone"], issued[0]["code"]
    assert apis[0].get_account(member)["secure_mobile_phone"] is None

    def bind(i: int) -> str:
        return outcome(lambda: apis[i % 2].bind(world.user, member, phone, code))

    with ThreadPoolExecutor(20) as pool:
        results = Counter(pool.map(bind, range(20)))
    assert results["ok"] == 1, results
    # The losers see either the spent code or the phone already bound; never a second success.
    assert set(results) <= {"ok", "409 Invalid.VerificationCode", "409 AccountSecureMobileAlreadyExists"}
    account = apis[0].get_account(member)
    assert account["secure_mobile_phone"] == phone
    # Bound once: one successful bind in the audit trail, and a further bind is refused.
    audit = apis[1].audit(account_id=world.master.account_id, action="BindSecureMobilePhone", result="success")
    assert len(audit) == 1
    assert outcome(lambda: apis[0].bind(world.user, member, phone, code)) == "409 AccountSecureMobileAlreadyExists"


def test_servers_wrote_no_tracebacks(two_servers: list[ServerProcess], tmp_path: Path) -> None:
    for server in two_servers:
        text = server.log_path.read_text(errors="replace")
        assert "Traceback" not in text, text[-4000:]
