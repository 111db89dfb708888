"""Limits and single use are exact under concurrency (docs/behaviour.md#send-limits): the engine itself, on PostgreSQL
with threads (each its own unit of work) and on one SQLite file shared by two OS processes with threads in each."""

from __future__ import annotations

import json
import multiprocessing
import secrets
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from openrd import errors
from openrd.adapters.db import tables as t
from openrd.bootstrap import build_runtime
from openrd.config import load_settings
from support.codes import engine_burst, issue_enable_code, job_loop, store_env

NOW = datetime(2024, 5, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
DAY = "2024-05-01"


def new_account() -> str:
    return f"{secrets.randbelow(10**15) + 10**15:016d}"


def new_phones(n: int) -> list[str]:
    phones: set[str] = set()
    while len(phones) < n:
        phones.add(f"86-13{secrets.randbelow(10**9):09d}")
    return sorted(phones)


def migrated(env: dict[str, str]) -> None:
    build_runtime(load_settings(env)).close()


class ProcessPair:
    """Two spawned processes, each with its own runtime (engine, pool) on the same store; each job given to
    ``run`` is split between them and released in both at once."""

    def __init__(self, env: dict[str, str]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.start = ctx.Barrier(2)
        self.results = ctx.Queue()
        self.jobs = [ctx.Queue(), ctx.Queue()]
        self.processes = [ctx.Process(target=job_loop, args=(env, q, self.start, self.results)) for q in self.jobs]
        for process in self.processes:
            process.start()

    def run(self, first: dict[str, Any], second: dict[str, Any]) -> Counter[str]:
        for queue, job in zip(self.jobs, (first, second), strict=True):
            queue.put(job)
        outcomes = [Counter(json.loads(self.results.get(timeout=240))) for _ in self.processes]
        sizes = sorted(len(job["sends"]) if job["kind"] == "send" else job["threads"] for job in (first, second))
        assert sorted(sum(o.values()) for o in outcomes) == sizes  # every thread of both processes reported
        return sum(outcomes, Counter())

    def close(self) -> None:
        for queue in self.jobs:
            queue.put(None)
        for process in self.processes:
            process.join(60)
        assert [p.exitcode for p in self.processes] == [0, 0]
        for queue in (*self.jobs, self.results):
            queue.close()
            queue.join_thread()


def issue_one(env: dict[str, str], account: str, phone: str) -> str:
    runtime = build_runtime(load_settings(env), upgrade=False)
    deps = runtime.deps
    try:
        issued = issue_enable_code(deps, account=account, phone=phone, now=NOW)
        with deps.uow(write=False) as uow:
            message = uow.outbox.get(issued.message_id)
        assert message is not None
        assert message.code is not None
        return message.code
    finally:
        runtime.close()


def check_once(env: dict[str, str], account: str, phone: str, code: str) -> bool:
    outcome = engine_burst(
        env,
        {"kind": "check", "account": account, "phone": phone, "code": code, "threads": 1, "now": NOW.isoformat()},
    )
    return outcome["accepted"] == 1


def store_counts(env: dict[str, str], account: str) -> tuple[int, int]:
    """(sends counted against the quota today, messages in the outbox) for ``account``."""
    runtime = build_runtime(load_settings(env), upgrade=False)
    try:
        with runtime.deps.uow(write=False) as uow:
            used = uow.codes.quota_used(account, DAY)
        # Counted, not listed: the session's PostgreSQL database also holds other tests' messages, sealed with
        # other master keys, which listing would try to open.
        with runtime.engine.connect() as conn:
            outbox = t.sms_outbox
            messages = conn.execute(select(func.count()).where(outbox.c.account_id == account)).scalar_one()
        return used, int(messages)
    finally:
        runtime.close()


# -------------------------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_env(postgres_url: str, tmp_path: Path) -> dict[str, str]:
    env = store_env(tmp_path, OPENRD_DATABASE_URL=postgres_url)
    migrated(env)
    return env


@pytest.mark.postgres
def test_daily_quota_exact_with_150_threads_on_postgresql(pg_env: dict[str, str]) -> None:
    account = new_account()
    sends = [[account, phone] for phone in new_phones(150)]
    outcomes = engine_burst(pg_env, {"kind": "send", "sends": sends, "now": NOW.isoformat()})
    assert outcomes == Counter(issued=100, quota=50)
    assert store_counts(pg_env, account) == (100, 100)


@pytest.mark.postgres
def test_phone_throttle_exact_with_threads_on_postgresql(pg_env: dict[str, str]) -> None:
    phone = new_phones(1)[0]
    sends = [[new_account(), phone] for _ in range(12)]  # twelve accounts race for one phone
    outcomes = engine_burst(pg_env, {"kind": "send", "sends": sends, "now": NOW.isoformat()})
    assert outcomes == Counter(issued=1, throttled=11)


@pytest.mark.postgres
def test_one_code_accepted_once_by_20_threads_on_postgresql(pg_env: dict[str, str]) -> None:
    account, phone = new_account(), new_phones(1)[0]
    code = issue_one(pg_env, account, phone)
    job = {"kind": "check", "account": account, "phone": phone, "code": code, "threads": 20, "now": NOW.isoformat()}
    assert engine_burst(pg_env, job) == Counter(accepted=1, rejected=19)
    assert not check_once(pg_env, account, phone, code)  # used


# ------------------------------------------------------------------------------- SQLite, two OS processes


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = store_env(tmp_path_factory.mktemp("two-processes"))
    migrated(env)
    return env


@pytest.fixture(scope="module")
def pair(sqlite_env: dict[str, str]) -> Iterator[ProcessPair]:
    processes = ProcessPair(sqlite_env)
    yield processes
    processes.close()


def test_daily_quota_exact_across_two_processes_on_sqlite(sqlite_env: dict[str, str], pair: ProcessPair) -> None:
    account = new_account()
    phones = new_phones(150)
    outcomes = pair.run(
        {"kind": "send", "sends": [[account, p] for p in phones[:75]], "now": NOW.isoformat()},
        {"kind": "send", "sends": [[account, p] for p in phones[75:]], "now": NOW.isoformat()},
    )
    assert outcomes == Counter(issued=100, quota=50)
    assert store_counts(sqlite_env, account) == (100, 100)


def test_phone_throttle_exact_across_two_processes_on_sqlite(pair: ProcessPair) -> None:
    phone = new_phones(1)[0]
    first, second = (
        {"kind": "send", "sends": [[new_account(), phone] for _ in range(6)], "now": NOW.isoformat()} for _ in range(2)
    )
    assert pair.run(first, second) == Counter(issued=1, throttled=11)


def test_one_code_accepted_once_across_two_processes_on_sqlite(sqlite_env: dict[str, str], pair: ProcessPair) -> None:
    account, phone = new_account(), new_phones(1)[0]
    code = issue_one(sqlite_env, account, phone)
    job = {"kind": "check", "account": account, "phone": phone, "code": code, "threads": 10, "now": NOW.isoformat()}
    assert pair.run(job, job) == Counter(accepted=1, rejected=19)
    assert not check_once(sqlite_env, account, phone, code)


def test_a_later_stamped_send_that_commits_first_still_throttles(sqlite_env: dict[str, str]) -> None:
    """What concurrent sends look like when each reads the clock before it takes the phone's lock: B reads
    12:00:01 and commits first, A read 12:00:00 and commits second. A must still be throttled, or the phone gets
    two codes within a second (at most 1 per 60 s, exact under concurrency: docs/behaviour.md#send-limits)."""
    runtime = build_runtime(load_settings(sqlite_env), upgrade=False)
    deps, phone = runtime.deps, new_phones(1)[0]

    def send(at: datetime) -> None:
        issue_enable_code(deps, account=new_account(), phone=phone, now=at)

    try:
        send(NOW + timedelta(seconds=1))
        with pytest.raises(errors.ThrottlingUser):
            send(NOW)
    finally:
        runtime.close()


def test_same_key_same_engine_cannot_consume_twice(sqlite_env: dict[str, str]) -> None:
    """Control for the races above: sequentially, the first check wins and the second loses."""
    account, phone = new_account(), new_phones(1)[0]
    code = issue_one(sqlite_env, account, phone)
    assert check_once(sqlite_env, account, phone, code)
    assert not check_once(sqlite_env, account, phone, code)
