"""In-process cost of one signed call: the dispatcher alone, without HTTP or the load generator.

Starts openrd in this process (SQLite in a temporary directory, or ``--store postgresql``), builds the benchmark's
world (a management account with a directory, a RAM user with AliyunResourceDirectoryFullAccess, resource
accounts), pre-signs N V3 requests per operation exactly as the Tea SDK does (fresh nonces), then calls
``openrd.api.dispatch.dispatch`` on each and prints microseconds per call. ``--profile`` adds a cProfile of
the timed loop (top functions by cumulative and by own time). Use it to find where a call's time goes before
and after an optimisation; ``bench/run.py`` measures the whole server. The identity operations of ``callers.py``
(SessionGetAccount, ConditionedGetAccount, GetUser, AssumeRole) get their callers made only when asked for; the tag
reads (ListTagResources of one account, ListAccountsWithTags: the first page with IncludeTags) read the accounts
``--seed`` loads, three tags each.

``--instructions`` runs the same setup under ``valgrind --tool=callgrind`` with instrumentation off, switches it on
(through callgrind's client requests, from a small C helper built with the system's compiler) only around the N
calls of each operation after their warm-up, and prints the instructions per call: a count the machine's load does
not change, for before/after comparisons on a shared machine (``PYTHONPATH`` picks the code measured).

    .venv/bin/python bench/profile_dispatch.py [--calls 2000] [--ops GetAccount,ListAccounts] [--profile]
    .venv/bin/python bench/profile_dispatch.py --instructions --calls 300 --members 20 --ops GetAccount,GetUser
    .venv/bin/python bench/profile_dispatch.py --instructions --members 3 --seed 99997 --ops ListTagResources
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import callers
from instructions import Counter, count_under_callgrind
from loadgen import acs3_request

from openrd.api.dispatch import dispatch
from openrd.api.request import RawRequest
from openrd.testing.client import OpenRD
from openrd.testing.server import LiveServer, start_server

VERSION = "2020-03-31"


def parse(raw: bytes, host: str) -> RawRequest:
    """The RawRequest the ASGI endpoint would build from these bytes."""
    from urllib.parse import parse_qsl, urlsplit

    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ")
    url = urlsplit(target)
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in lines[1:])}
    query = tuple(parse_qsl(url.query, keep_blank_values=True))
    return RawRequest(
        method=method, path=url.path, query=query, form=(), headers=headers, body=body, host=host, peer="127.0.0.1"
    )


def world(live: LiveServer, members: int, ops: list[str]) -> dict[str, Any]:
    from alibabacloud_resourcemanager20200331 import models

    control = OpenRD(live.url)
    try:
        root = control.make_account(
            "profile-management", site="cn", secure_mobile_phone="86-13800000000", enterprise_name="Bench Corp"
        )
        control.tea_client(root).init_resource_directory()
        admin = control.ram_user(root.account_id, "profile-admin", ("AliyunResourceDirectoryFullAccess",))
        sdk = control.tea_client(admin)
        ids = [
            sdk.create_resource_account(
                models.CreateResourceAccountRequest(display_name=f"p-{i}")
            ).body.account.account_id
            for i in range(members)
        ]
        who = callers.make_callers(control, root.account_id, ops)
        directory = control.tea_client(root).get_resource_directory().body.resource_directory
        return {
            "ak": admin.access_key_id,
            "secret": admin.access_key_secret,
            "accounts": ids,
            "callers": who,
            "management": root.account_id,
            "directory": (directory.resource_directory_id, directory.root_folder_id),
        }
    finally:
        control.close()


def seed(live: LiveServer, w: dict[str, Any], count: int) -> None:
    """``count`` more resource accounts, each with three tags, loaded in bulk as the load benchmark seeds them
    (``OpenrdTarget.seed``, on this process's store): the tag reads at a directory's size without 100,000 calls."""
    from openrd_target import OpenrdTarget  # its tag rows need this wave's tag store: imported only when seeding

    store = live.runtime.engine.dialect.name
    target = OpenrdTarget("dispatch", store=store, workers=1, log_dir=Path(), pg_admin_url="")
    shutil.rmtree(target.data_dir, ignore_errors=True)  # the store is the live server's
    target.engine = live.runtime.engine
    target.directory_id, target.root_folder_id = w["directory"]
    target.management_id = w["management"]
    ids, _ = target.seed(count)
    w["accounts"] = w["accounts"] + ids


def call_of(op: str, account: str, number: int) -> tuple[str, dict[str, str]]:
    """The action and parameters of a directory operation (a tag read: the Terraform provider's, of one account)."""
    return {
        "GetAccount": ("GetAccount", {"AccountId": account}),
        "ListAccounts": ("ListAccounts", {"PageSize": "100"}),
        "ListAccountsWithTags": ("ListAccounts", {"PageSize": "100", "IncludeTags": "true"}),
        "ListTagResources": ("ListTagResources", {"ResourceType": "Account", "ResourceId.1": account}),
        "SendVerificationCodeForBindSecureMobilePhone": (
            "SendVerificationCodeForBindSecureMobilePhone",
            {"AccountId": account, "SecureMobilePhone": f"86-139{number:08d}"},
        ),
    }[op]


def requests_for(op: str, w: dict[str, Any], host: str, count: int, start: int) -> list[RawRequest]:
    out = []
    for i in range(count):
        account = w["accounts"][i % len(w["accounts"])]
        if op in callers.OPERATIONS:
            c = callers.call_for(op, w["callers"], account)
            out.append(parse(acs3_request(host, c.ak, c.secret, c.action, c.version, c.params, c.token), host))
            continue
        action, params = call_of(op, account, start + i)
        out.append(parse(acs3_request(host, w["ak"], w["secret"], action, VERSION, params), host))
    return out


def show_statements(live: LiveServer, call: Any) -> None:
    """Every statement one call sends to the database, in order (on PostgreSQL each is a network round trip).

    SQLite: the driver's trace callback sees all of them, prepared ones (``adapters/db/prepared.py``) and BEGIN /
    COMMIT included. PostgreSQL: psycopg's cursors and transaction calls are wrapped for the duration of the call,
    so statements run on the driver, through SQLAlchemy, and the BEGIN psycopg sends by itself are all listed.
    """
    seen: list[str] = []

    def record(statement: str) -> None:
        seen.append(" ".join(statement.split())[:160])

    engine = live.runtime.engine
    if engine.dialect.name == "sqlite":
        import sqlite3

        traced: list[sqlite3.Connection] = []

        def trace_all() -> None:
            cache = live.runtime.uow._cache  # the connections the units of work reuse
            for idle in cache._idle.values():
                for conn, _idle_since in idle:
                    driver = conn.connection.driver_connection
                    driver.set_trace_callback(record)
                    traced.append(driver)

        trace_all()
        try:
            call()
        finally:
            for driver in traced:
                driver.set_trace_callback(None)
    else:
        _trace_psycopg(record, call)
    print(f"    {len(seen)} statements")
    for statement in seen:
        print("   ", statement)


def _trace_psycopg(record: Any, call: Any) -> None:
    import psycopg
    from psycopg import pq

    cursor_execute, commit, rollback = psycopg.Cursor.execute, psycopg.Connection.commit, psycopg.Connection.rollback

    def execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        conn = self.connection
        if not conn.autocommit and conn.info.transaction_status == pq.TransactionStatus.IDLE:
            record("BEGIN")  # psycopg opens the transaction itself before this statement
        record(query if isinstance(query, str) else query.as_string(conn))
        return cursor_execute(self, query, *args, **kwargs)

    def ending(word: str, original: Any) -> Any:
        def end(self: Any) -> None:
            if self.info.transaction_status != pq.TransactionStatus.IDLE:
                record(word)
            original(self)

        return end

    psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    psycopg.Connection.commit = ending("COMMIT", commit)  # type: ignore[method-assign]
    psycopg.Connection.rollback = ending("ROLLBACK", rollback)  # type: ignore[method-assign]
    try:
        call()
    finally:
        psycopg.Cursor.execute = cursor_execute  # type: ignore[method-assign]
        psycopg.Connection.commit = commit  # type: ignore[method-assign]
        psycopg.Connection.rollback = rollback  # type: ignore[method-assign]


def timed_rounds(calls: list[RawRequest], deps: Any, rounds: int) -> tuple[list[float], list[float], int]:
    """µs per call of each round, wall and CPU (this thread's: the call runs on it; waits on PostgreSQL are not CPU),
    and how many calls did not answer 200."""
    size = max(1, len(calls) // rounds)
    per_call, cpu_per_call, bad = [], [], 0
    for start in range(0, size * rounds, size):
        chunk = calls[start : start + size]
        started, cpu_started = time.perf_counter(), time.thread_time()
        bad += sum(dispatch(raw, deps).status != 200 for raw in chunk)
        per_call.append((time.perf_counter() - started) / len(chunk) * 1e6)
        cpu_per_call.append((time.thread_time() - cpu_started) / len(chunk) * 1e6)
    return per_call, cpu_per_call, bad


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=2000)
    p.add_argument("--members", type=int, default=100, help="resource accounts created through the SDK")
    p.add_argument("--seed", type=int, default=0, help="more resource accounts (three tags each) loaded in bulk")
    p.add_argument("--ops", default="GetAccount,ListAccounts,SendVerificationCodeForBindSecureMobilePhone")
    p.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--postgres-url", default=os.environ.get("OPENRD_BENCH_POSTGRES_URL", ""))
    p.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="time the calls in this many rounds and report the fastest and the median round (shared machines drift)",
    )
    p.add_argument("--profile", action="store_true")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--statements", action="store_true", help="print the Core statements one call of each op runs")
    p.add_argument(
        "--no-dispatcher",
        action="store_true",
        help="stop the SMS dispatcher thread: time the send call alone, not the deliveries it wakes",
    )
    p.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per call under callgrind instead of timing (needs valgrind and a C compiler)",
    )
    p.add_argument("--callgrind-helper", type=Path, help=argparse.SUPPRESS)  # set by --instructions for its child
    a = p.parse_args()
    if a.instructions:
        argv = [arg for arg in sys.argv[1:] if arg != "--instructions"]
        for op, per_call in count_under_callgrind(Path(__file__), argv, a.calls).items():
            print(f"{op}: {per_call:,.0f} instructions per call ({a.calls} calls under callgrind)")
        return 0
    counter = Counter(a.callgrind_helper) if a.callgrind_helper else None

    data = tempfile.mkdtemp(prefix="openrd-profile-")
    env = {
        "OPENRD_DATA_DIR": data,
        "OPENRD_SECRET_KEY": secrets.token_urlsafe(32),
        "OPENRD_LOG_LEVEL": "WARNING",
        "OPENRD_PHONE_LIMIT_PER_MINUTE": "1000000",
        "OPENRD_PHONE_LIMIT_PER_HOUR": "1000000",
        "OPENRD_PHONE_LIMIT_PER_DAY": "1000000",
        "OPENRD_DAILY_CODE_QUOTA": "1000000",
        "HOME": data,
    }
    if a.store == "postgresql":
        if not a.postgres_url:
            p.error("--store postgresql needs --postgres-url (a database this script may fill)")
        env["OPENRD_DATABASE_URL"] = a.postgres_url
    live = start_server(env)
    try:
        ops = a.ops.split(",")
        w = world(live, a.members, ops)
        if a.seed:
            seed(live, w, a.seed)
        host = f"127.0.0.1:{live.port}"
        deps = live.runtime.deps
        if a.no_dispatcher:
            live.runtime.worker.stop()
        for n, op in enumerate(ops):
            calls = requests_for(op, w, host, a.calls, start=n * a.calls)
            for raw in requests_for(op, w, host, 50, start=10_000_000 + n * 100):  # warm caches and statements
                dispatch(raw, deps)
            if a.statements:
                probe = requests_for(op, w, host, 1, start=20_000_000 + n)[0]
                show_statements(live, lambda: dispatch(probe, deps))  # noqa: B023 - called before the loop moves on
            if counter is not None:
                counter.count(op, lambda: [dispatch(raw, deps) for raw in calls])  # noqa: B023 - called at once
                continue
            profiler = cProfile.Profile() if a.profile else None
            if profiler:
                profiler.enable()
            per_call, cpu_per_call, bad = timed_rounds(calls, deps, max(1, a.rounds))
            if profiler:
                profiler.disable()
            print(
                f"{op}: {min(per_call):,.0f} µs/call best round, {statistics.median(per_call):,.0f} median;"
                f" CPU {min(cpu_per_call):,.0f} / {statistics.median(cpu_per_call):,.0f} µs"
                f" ({len(per_call)} rounds, {len(calls)} calls, {bad} not 200)"
            )
            if profiler:
                stats = pstats.Stats(profiler)
                stats.sort_stats("cumulative").print_stats(a.top)
                stats.sort_stats("tottime").print_stats(a.top)
    finally:
        live.stop()
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
