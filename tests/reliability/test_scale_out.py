"""Scale-out correctness (docs/behaviour.md#several-server-processes): several ``openrd serve`` processes on one store —
two and four on one PostgreSQL database, two on one SQLite file — and the official Tea SDK firing concurrent calls
spread across them.

What each topology must show, exactly (not "about"):

* the daily code quota: 45 concurrent sends from one account to 45 phones with OPENRD_DAILY_CODE_QUOTA=30 → 30;
* the per-phone throttle: 10 concurrent sends to ONE phone from different accounts and targets → 1;
* a code is accepted at most once: 10 concurrent BindSecureMobilePhone with the right code → 1 success;
* a phone is bound at most once: 10 concurrent binds of one account to 5 phones, each with its valid code → 1;
* a replayed nonce is rejected whichever process sees it first: one pre-signed V3 request sent to every process
  at once → one 200, the rest 400 SignatureNonceUsed, one effect.

Every topology gets a PostgreSQL database (or SQLite file) of its own, created and dropped here; the tests of a
topology share its processes and keep out of each other's way with their own accounts and phones.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from openrd.testing.process import ServerProcess
from support.api import Creds
from support.reliability import Api, cluster, database, outcome, phone_for, sign_v3, sql, store_env

QUOTA = 30
MEMBERS = 8
TOPOLOGIES = [
    pytest.param(("postgresql", 2), id="postgresql-x2", marks=pytest.mark.postgres),
    pytest.param(("postgresql", 4), id="postgresql-x4", marks=pytest.mark.postgres),
    pytest.param(("sqlite", 2), id="sqlite-x2"),
]
INVALID_CODE = "409 Invalid.VerificationCode"
ALREADY_BOUND = "409 AccountSecureMobileAlreadyExists"


@dataclass
class Topology:
    store: str
    servers: list[ServerProcess]
    database_url: str
    master: Creds  # root key of a cn management account with a directory
    user: Creds  # its RAM user with AliyunResourceDirectoryFullAccess
    members: list[str]  # resource accounts, none bound yet

    @property
    def apis(self) -> list[Api]:
        return [Api(s.endpoint) for s in self.servers]

    def api(self, i: int) -> Api:
        """The process call ``i`` goes to: round robin over all of them."""
        return Api(self.servers[i % len(self.servers)].endpoint)


@pytest.fixture(scope="module", params=TOPOLOGIES)
def topology(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    store, size = request.param
    root = tmp_path_factory.mktemp(f"{store}-x{size}")
    with database(store, root, "openrd_scale") as database_url:
        env = store_env(root, database_url, OPENRD_DAILY_CODE_QUOTA=str(QUOTA))
        with cluster(env, root, size) as servers:
            api = Api(servers[0].endpoint)
            master = api.account()
            assert outcome(lambda: api.enable_current(master)) == "ok"
            user = api.ram_user(master.account_id)
            tag = secrets.token_hex(2)
            with ThreadPoolExecutor(4) as pool:
                members = list(pool.map(lambda i: api.create_member(master, f"member-{tag}-{i}"), range(MEMBERS)))
            yield Topology(store, servers, database_url, master, user, members)
            for server in servers:
                log = server.log_text()
                assert "Traceback" not in log, log[-4000:]


def burst(calls: Sequence[Callable[..., Any]]) -> list[str]:
    """Run every call on its own thread, released together; the outcome of each, in order."""
    gate = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> str:
        gate.wait(60)
        return outcome(call)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


# ------------------------------------------------------------------------------------------- quota


def test_daily_quota_is_exact_across_processes(topology: Topology) -> None:
    first = topology.apis[0]
    account = first.account()
    phones = [phone_for(i, block=0) for i in range(45)]
    results = burst([lambda i=i: topology.api(i).send_enable(account, phones[i]) for i in range(45)])

    assert Counter(results) == Counter({"ok": QUOTA, "409 SendValidateCodeExceedsLimitForAccount": 45 - QUOTA})
    ok = [i for i, r in enumerate(results) if r == "ok"]
    assert len({i % len(topology.servers) for i in ok}) > 1  # more than one process issued codes
    # Exactly the successful sends were recorded and queued, nothing for the refused ones (plain SQL).
    recorded = sql(topology.database_url, "SELECT phone FROM code_sends WHERE quota_account_id = ?", account.account_id)
    assert sorted(p for (p,) in recorded) == sorted(phones[i] for i in ok)
    queued = sql(topology.database_url, "SELECT phone FROM sms_outbox WHERE account_id = ?", account.account_id)
    assert sorted(p for (p,) in queued) == sorted(phones[i] for i in ok)
    # The inbox (read through another process) shows one message per successful send.
    inbox = [m for m in topology.apis[-1].messages() if m["account_id"] == account.account_id]
    assert sorted(m["phone"] for m in inbox) == sorted(phones[i] for i in ok)


# ---------------------------------------------------------------------------------------- throttle


def test_per_phone_throttle_is_exact_across_processes(topology: Topology) -> None:
    first = topology.apis[0]
    phone = phone_for(0, block=1)
    senders = [first.account() for _ in range(5)]
    # Ten different callers and targets, one phone: five enable codes (five accounts), five bind codes (five members).
    calls: list[Callable[..., Any]] = [lambda i=i: topology.api(i).send_enable(senders[i], phone) for i in range(5)] + [
        lambda i=i: topology.api(i).send_bind(topology.user, topology.members[i - 5], phone) for i in range(5, 10)
    ]
    results = burst(calls)

    assert Counter(results) == Counter({"ok": 1, "400 Throttling.User": 9}), results
    assert sql(topology.database_url, "SELECT count(*) FROM code_sends WHERE phone = ?", phone) == [(1,)]
    assert sql(topology.database_url, "SELECT count(*) FROM verification_codes WHERE phone = ?", phone) == [(1,)]
    assert len(topology.apis[-1].messages(phone=phone)) == 1


# ------------------------------------------------------------------------------------------- binds


def test_a_code_is_accepted_at_most_once(topology: Topology) -> None:
    apis = topology.apis
    member, phone = topology.members[-1], phone_for(1, block=1)
    assert outcome(lambda: apis[0].send_bind(topology.user, member, phone)) == "ok"
    code = apis[-1].latest(phone)["code"]
    audit = {"account_id": topology.master.account_id, "action": "BindSecureMobilePhone", "result": "success"}
    before = len(apis[0].audit(**audit))

    results = burst([lambda i=i: topology.api(i).bind(topology.user, member, phone, code) for i in range(10)])

    assert results.count("ok") == 1, results
    assert set(results) <= {"ok", INVALID_CODE, ALREADY_BOUND}, results
    assert apis[-1].get_account(member)["secure_mobile_phone"] == phone
    assert len(apis[0].audit(**audit)) == before + 1
    used = sql(
        topology.database_url,
        "SELECT status, count(*) FROM verification_codes WHERE account_id = ? AND phone = ? GROUP BY status",
        member,
        phone,
    )
    assert dict(used) == {"used": 1}
    # And afterwards, on any process, the same code binds nothing.
    assert {outcome(lambda a=a: a.bind(topology.user, member, phone, code)) for a in apis} == {ALREADY_BOUND}


def test_a_phone_is_bound_at_most_once(topology: Topology) -> None:
    """Five valid codes for one account (five phones), ten concurrent binds: one phone wins, once."""
    apis = topology.apis
    member = topology.members[-2]
    phones = [phone_for(10 + i, block=1) for i in range(5)]
    for i, phone in enumerate(phones):
        assert outcome(lambda i=i, phone=phone: topology.api(i).send_bind(topology.user, member, phone)) == "ok"
    codes = {phone: apis[0].latest(phone)["code"] for phone in phones}

    attempts = [phones[i % 5] for i in range(10)]
    results = burst(
        [
            lambda i=i: topology.api(i + 1).bind(topology.user, member, attempts[i], codes[attempts[i]])
            for i in range(10)
        ]
    )

    assert results.count("ok") == 1, results
    assert set(results) <= {"ok", INVALID_CODE, ALREADY_BOUND}, results
    winner = attempts[results.index("ok")]
    for api in apis:
        assert api.get_account(member)["secure_mobile_phone"] == winner
    # The losers' codes were rolled back with their failed binds: one code consumed, the others still unused.
    rows = sql(topology.database_url, "SELECT phone, status FROM verification_codes WHERE account_id = ?", member)
    assert sorted(rows) == sorted((p, "used" if p == winner else "active") for p in phones)


# ------------------------------------------------------------------------------------------ nonces


def fire_everywhere_at_once(topology: Topology, request: Any, copies: int = 3) -> Counter[tuple[int, str]]:
    """``copies`` copies of one signed request to every process at the same moment: (status, code) of each."""
    targets = [server.endpoint for server in topology.servers] * copies
    gate = threading.Barrier(len(targets))

    def fire(endpoint: str) -> tuple[int, str]:
        gate.wait(60)
        response = httpx.post(
            f"http://{endpoint}/", params=request.query, headers=request.headers, content=request.body, timeout=60
        )
        return response.status_code, str(response.json().get("Code", ""))

    with ThreadPoolExecutor(len(targets)) as pool:
        return Counter(pool.map(fire, targets))


def answered_once(results: Counter[tuple[int, str]]) -> bool:
    return results == Counter({(200, ""): 1, (400, "SignatureNonceUsed"): results.total() - 1})


@pytest.mark.parametrize("round_", range(3))
def test_a_replayed_nonce_is_rejected_whichever_process_sees_it_first(topology: Topology, round_: int) -> None:
    """One V3 request, signed once, sent three times to every process at the same moment: it runs once."""
    name = f"replay-{round_}-{secrets.token_hex(3)}"
    host = topology.servers[0].endpoint  # signed with one Host; every copy carries exactly these bytes
    request = sign_v3(
        topology.master, host=host, action="CreateResourceAccount", version="2020-03-31", query=[("DisplayName", name)]
    )
    results = fire_everywhere_at_once(topology, request)
    assert answered_once(results), results
    created = sql(topology.database_url, "SELECT count(*) FROM accounts WHERE display_name = ?", name)
    assert created == [(1,)]


@pytest.mark.parametrize("round_", range(3))
def test_a_replayed_read_is_answered_once_whichever_process_sees_it_first(topology: Topology, round_: int) -> None:
    """A read records its nonce after its call, outside the write lock: copies racing through every process at once
    may all run, but exactly one is answered 200."""
    host = topology.servers[0].endpoint
    request = sign_v3(topology.master, host=host, action="GetResourceDirectory", version="2020-03-31", query=[])
    results = fire_everywhere_at_once(topology, request)
    assert answered_once(results), results
