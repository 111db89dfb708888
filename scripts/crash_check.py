#!/usr/bin/env python3
"""Crash safety check for openrd (issue 6, item 2): kill the server with SIGKILL under load, restart it on the same
store, and check what is stored against what the clients saw.

    python scripts/crash_check.py --cycles 20 --store sqlite
    python scripts/crash_check.py --cycles 20 --store postgresql [--postgres-admin-url postgresql://...]

A few client threads run a mixed load through the official Tea SDK (alibabacloud-resourcemanager20200331, no SDK
retries, so one call is one request):

* sends — SendVerificationCodeForEnableRD from a few "quota" accounts to fresh phones (and now and then again to a
  phone just used, which the per-phone throttle refuses) until their small daily quota refuses them;
* bind flows — SendVerificationCodeForBindSecureMobilePhone to a fresh phone for a resource account, the code read
  from the inbox, sometimes a wrong code first, then BindSecureMobilePhone (sometimes twice at once, same code);
* enable flows — SendVerificationCodeForEnableRD for a fresh account, sometimes a wrong code first, then
  EnableResourceDirectory with a new management account (sometimes twice at once, same code).

Meanwhile the server (``openrd serve``, one worker) is killed with SIGKILL at random moments and restarted on the
same store, ``--cycles`` times. Every call ends ``ok`` (HTTP 200), ``error`` (an Alibaba error envelope: the server
decided and answered) or ``unknown`` (no answer: the kill took it; it may or may not have committed). At the end the
server is killed and restarted once more, the outbox gets a short while to drain, and the store is read with plain
SQL (and the inbox through ``GET /_openrd/sms``). The invariants:

1. every call that returned 200 is persisted: its SMS, send record and code; the bound phone on its account; the
   enabled directory with its new management account and the caller as a member;
2. nothing that returned an error left a write: no send record, code or SMS for a refused send, no phone for a
   failed bind, no directory, account or membership for a failed enable; an ``unknown`` call left all of its
   writes or none (one transaction);
3. no code accepted twice: at most one successful bind per account and one enable per caller, as the clients saw
   it, as the consumed codes show it and as the audit log shows it;
4. quota counts equal successful sends: per quota account, ok ≤ code_sends rows ≤ ok + unknown, and never more
   than the daily quota;
5. every outbox message ends ``sent`` or ``dead`` — none pending, none lost (one SMS per send record);
6. no call answered 500 and the server logged no error;
7. every kept count equals what it counts: each directory's and folder's ``member_count`` (kept by triggers) its
   members, and each day's quota count (``code_quota.sent``) that account's send records of the day.

It prints a summary and exits 1 on any violation (2 if the run itself could not be set up). ``--json PATH`` also
writes the summary as JSON. The seed (``--seed``) fixes the load's choices and the kill times; the interleaving with
the server is still up to the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

SECRET_KEY = "crash-check-master-key"  # noqa: S105 - a throwaway store's key
FULL_ACCESS = "AliyunResourceDirectoryFullAccess"
MA_SUFFIX = "@rdadmin.aliyunid.com"
ENABLE_PURPOSE = "EnableRD"  # verification_codes.purpose / sms_outbox.purpose values
BIND_PURPOSE = "BindSecureMobilePhone"
OK, ERROR, UNKNOWN = "ok", "error", "unknown"


# ------------------------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``openrd serve`` with one worker (the process that listens is the one that is killed), on a fixed port."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OPENRD_")} | env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> None:
        script = Path(sys.executable).with_name("openrd")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "openrd.cli"]
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} ---\n".encode())
            log.flush()
            self.process = subprocess.Popen(  # noqa: S603 - our own CLI
                [*command, "serve", "--port", str(self.port)], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"openrd serve exited with {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://{self.endpoint}/_openrd/health", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"openrd serve did not answer within {timeout} s; see {self.log_path}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions die with the process."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None


# --------------------------------------------------------------------------------------------- stores


@dataclass
class Store:
    kind: str
    url: str
    cleanup: Callable[[], None] = lambda: None

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        """Plain SQL, no parameters (the checks read whole tables and filter in Python)."""
        if self.kind == "sqlite":
            import sqlite3

            with contextlib.closing(sqlite3.connect(self.url[len("sqlite:///") :], timeout=30)) as conn:
                return list(conn.execute(query).fetchall())
        import psycopg

        with psycopg.connect(self.url) as conn:
            return list(conn.execute(query).fetchall())  # type: ignore[arg-type]


def make_store(kind: str, workdir: Path, admin_url: str, keep: bool) -> Store:
    if kind == "sqlite":
        return Store("sqlite", f"sqlite:///{workdir / 'data' / 'openrd.db'}")
    import psycopg

    name = f"openrd_crash_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]

    def drop() -> None:
        if keep:
            return
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]

    return Store("postgresql", f"{admin_url.rsplit('/', 1)[0]}/{name}", drop)


# ---------------------------------------------------------------------------------------- client side


@dataclass(frozen=True)
class Creds:
    access_key_id: str
    secret: str
    account_id: str


@dataclass
class Call:
    """One SDK call as the client saw it."""

    op: str  # send_enable | send_bind | bind | enable
    caller: str  # the calling account
    target: str  # the account the code / bind / directory is for
    phone: str
    result: str  # ok | error | unknown
    detail: str = ""  # the error code, or the exception, or the directory id of a successful enable
    generation: int = 0  # which server start the call began under
    name: str = ""  # enable: the new management account's name


class Gate:
    """Open while the server answers; calls wait at it while the killer restarts the server."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self.generation = 0

    def open(self) -> None:
        self.generation += 1
        self._open.set()

    def close(self) -> None:
        self._open.clear()

    def wait(self) -> int:
        self._open.wait()
        return self.generation


class Client:
    def __init__(self, endpoint: str, gate: Gate) -> None:
        self.endpoint = endpoint
        self.gate = gate
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._phones = 0
        self.last_phones: list[tuple[str, str]] = []  # (quota account, phone) of recent sends, for repeats

    # -- control API (seeding and reading codes; retried across restarts)
    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for _ in range(200):
            self.gate.wait()
            try:
                return httpx.request(method, f"http://{self.endpoint}/_openrd{path}", timeout=30, **kwargs)
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"the control API did not answer {method} {path}")

    def account(self, **fields: Any) -> Creds:
        body = {"display_name": f"acct-{secrets.token_hex(3)}", "site": "cn", "enterprise_name": "Acme Co., Ltd."}
        response = self.control("POST", "/accounts", json=body | fields)
        response.raise_for_status()
        made = response.json()
        return Creds(made["access_key_id"], made["access_key_secret"], made["account_id"])

    def ram_user(self, account_id: str) -> Creds:
        body = {"name": f"rd-admin-{secrets.token_hex(2)}", "policies": [FULL_ACCESS]}
        response = self.control("POST", f"/accounts/{account_id}/ram-users", json=body)
        response.raise_for_status()
        made = response.json()
        return Creds(made["access_key_id"], made["access_key_secret"], account_id)

    def latest_code(self, phone: str) -> str | None:
        response = self.control("GET", "/sms/latest", params={"phone": phone})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return str(response.json()["code"])

    # -- the SDK
    def rm(self, creds: Creds) -> Any:
        from alibabacloud_resourcemanager20200331.client import Client as RmClient
        from alibabacloud_tea_openapi.utils_models import Config

        return RmClient(
            Config(
                access_key_id=creds.access_key_id,
                access_key_secret=creds.secret,
                endpoint=self.endpoint,
                protocol="http",
                read_timeout=60_000,
                connect_timeout=10_000,
            )
        )

    def call(self, op: str, caller: str, target: str, phone: str, run: Callable[[], Any], name: str = "") -> Call:
        """Run one SDK call and record what the client saw."""
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

        generation = self.gate.wait()
        try:
            response = run()
        except AlibabaCloudException as exc:
            if exc.code:
                record = Call(op, caller, target, phone, ERROR, f"{exc.status_code} {exc.code}", generation, name)
            else:  # no Alibaba envelope: not an answer from openrd's API
                record = Call(op, caller, target, phone, UNKNOWN, f"{type(exc).__name__}: {exc}"[:200], generation)
        except Exception as exc:  # connection refused / reset / closed by the kill
            record = Call(op, caller, target, phone, UNKNOWN, f"{type(exc).__name__}"[:200], generation, name)
        else:
            detail = ""
            if op == "enable":
                detail = str(response.body.resource_directory.resource_directory_id)
            record = Call(op, caller, target, phone, OK, detail, generation, name)
        with self._lock:
            self.calls.append(record)
        return record

    def new_phone(self) -> str:
        with self._lock:
            self._phones += 1
            return f"86-139{self._phones:08d}"

    @staticmethod
    def once() -> Any:
        from darabonba.runtime import RuntimeOptions

        return RuntimeOptions(autoretry=False)

    def send_enable(self, creds: Creds, phone: str) -> Call:
        from alibabacloud_resourcemanager20200331 import models

        request = models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone=phone)
        return self.call(
            "send_enable",
            creds.account_id,
            creds.account_id,
            phone,
            lambda: self.rm(creds).send_verification_code_for_enable_rdwith_options(request, self.once()),
        )

    def send_bind(self, user: Creds, member: str, phone: str) -> Call:
        from alibabacloud_resourcemanager20200331 import models

        request = models.SendVerificationCodeForBindSecureMobilePhoneRequest(
            account_id=member, secure_mobile_phone=phone
        )
        return self.call(
            "send_bind",
            user.account_id,
            member,
            phone,
            lambda: self.rm(user).send_verification_code_for_bind_secure_mobile_phone_with_options(
                request, self.once()
            ),
        )

    def bind(self, user: Creds, member: str, phone: str, code: str) -> Call:
        from alibabacloud_resourcemanager20200331 import models

        request = models.BindSecureMobilePhoneRequest(
            account_id=member, secure_mobile_phone=phone, verification_code=code
        )
        return self.call(
            "bind",
            user.account_id,
            member,
            phone,
            lambda: self.rm(user).bind_secure_mobile_phone_with_options(request, self.once()),
        )

    def enable(self, creds: Creds, name: str, phone: str, code: str) -> Call:
        from alibabacloud_resourcemanager20200331 import models

        request = models.EnableResourceDirectoryRequest(
            enable_mode="NewManagementAccount", maname=name, masecure_mobile_phone=phone, verification_code=code
        )
        return self.call(
            "enable",
            creds.account_id,
            creds.account_id,
            phone,
            lambda: self.rm(creds).enable_resource_directory_with_options(request, self.once()),
            name=name,
        )


def wrong(code: str) -> str:
    return str((int(code) + 1) % 10 ** len(code)).zfill(len(code))


def twice(first: Callable[[], Call], second: Callable[[], Call]) -> None:
    """Two calls released together (the same code presented twice at once)."""
    gate = threading.Barrier(2)

    def run(call: Callable[[], Call]) -> None:
        gate.wait(30)
        call()

    threads = [threading.Thread(target=run, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@dataclass
class World:
    master: Creds
    user: Creds
    members: queue.Queue[str]
    candidates: queue.Queue[Creds]
    quota_accounts: list[Creds]
    member_ids: list[str]
    candidate_ids: list[str]


def load_worker(client: Client, world: World, rng: random.Random, stop: threading.Event) -> None:
    while not stop.is_set():
        roll = rng.random()
        if roll < 0.45:
            do_send(client, world, rng)
        elif roll < 0.75:
            try:
                member = world.members.get_nowait()
            except queue.Empty:
                do_send(client, world, rng)
                continue
            bind_flow(client, world, member, rng)
        else:
            try:
                candidate = world.candidates.get_nowait()
            except queue.Empty:
                do_send(client, world, rng)
                continue
            enable_flow(client, candidate, rng)


def do_send(client: Client, world: World, rng: random.Random) -> None:
    creds = rng.choice(world.quota_accounts)
    phone = client.new_phone()
    recent = [phone_ for account, phone_ in client.last_phones[-8:] if account == creds.account_id]
    if recent and rng.random() < 0.15:
        phone = rng.choice(recent)  # again to a phone just used: the per-phone throttle's turn
    client.send_enable(creds, phone)
    client.last_phones.append((creds.account_id, phone))


def bind_flow(client: Client, world: World, member: str, rng: random.Random) -> None:
    phone = client.new_phone()
    sent = client.send_bind(world.user, member, phone)
    if sent.result == ERROR:
        return
    code = client.latest_code(phone)  # an unknown send may have committed; a successful one must have
    if code is None:
        return
    if rng.random() < 0.3:
        client.bind(world.user, member, phone, wrong(code))
    if rng.random() < 0.3:
        twice(
            lambda: client.bind(world.user, member, phone, code),
            lambda: client.bind(world.user, member, phone, code),
        )
    else:
        client.bind(world.user, member, phone, code)


def enable_flow(client: Client, candidate: Creds, rng: random.Random) -> None:
    phone = client.new_phone()
    sent = client.send_enable(candidate, phone)
    if sent.result == ERROR:
        return
    code = client.latest_code(phone)
    if code is None:
        return
    name = f"ma{candidate.account_id}{MA_SUFFIX}"
    if rng.random() < 0.3:
        client.enable(candidate, name, phone, wrong(code))
    if rng.random() < 0.3:
        twice(lambda: client.enable(candidate, name, phone, code), lambda: client.enable(candidate, name, phone, code))
    else:
        client.enable(candidate, name, phone, code)


def build_world(client: Client, members: int, candidates: int, quota_accounts: int) -> World:
    from concurrent.futures import ThreadPoolExecutor

    from alibabacloud_resourcemanager20200331 import models

    master = client.account(display_name="crash-master")
    client.rm(master).enable_resource_directory(models.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    user = client.ram_user(master.account_id)

    def create(i: int) -> str:
        request = models.CreateResourceAccountRequest(display_name=f"member-{i}")
        return str(client.rm(master).create_resource_account(request).body.account.account_id)

    with ThreadPoolExecutor(4) as pool:
        member_ids = list(pool.map(create, range(members)))
        candidate_list = list(pool.map(lambda i: client.account(display_name=f"cand-{i}"), range(candidates)))
        quota_list = list(pool.map(lambda i: client.account(display_name=f"quota-{i}"), range(quota_accounts)))
    member_queue: queue.Queue[str] = queue.Queue()
    for member in member_ids:
        member_queue.put(member)
    candidate_queue: queue.Queue[Creds] = queue.Queue()
    for candidate in candidate_list:
        candidate_queue.put(candidate)
    return World(
        master, user, member_queue, candidate_queue, quota_list, member_ids, [c.account_id for c in candidate_list]
    )


# ----------------------------------------------------------------------------------------------- checks


@dataclass
class Report:
    store: str
    cycles: int
    seed: int
    seconds: float = 0.0
    calls: dict[str, dict[str, int]] = field(default_factory=dict)
    kills: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.violations.append(message)


def bounded(report: Report, what: str, stored: int, ok: int, unknown: int) -> None:
    if not ok <= stored <= ok + unknown:
        report.fail(f"{what}: {stored} stored, but clients saw {ok} succeed and {unknown} unanswered")


KEPT_COUNTS = (
    "WITH kept_counts AS ("
    " SELECT 'directory' AS kind, d.directory_id AS id, d.member_count AS kept,"
    " (SELECT count(*) FROM members m WHERE m.directory_id = d.directory_id) AS counted FROM resource_directories d"
    " UNION ALL"
    " SELECT 'folder', f.folder_id, f.member_count,"
    " (SELECT count(*) FROM members m WHERE m.folder_id = f.folder_id) FROM folders f"
    " UNION ALL"
    " SELECT 'quota', q.quota_account_id || '/' || q.quota_day, q.sent,"
    " (SELECT count(*) FROM code_sends s WHERE s.quota_account_id = q.quota_account_id"
    " AND s.quota_day = q.quota_day) FROM code_quota q"
    " UNION ALL"  # sends no kept count counted
    " SELECT 'quota', s.quota_account_id || '/' || s.quota_day, 0, count(*) FROM code_sends s"
    " WHERE NOT EXISTS (SELECT 1 FROM code_quota q WHERE q.quota_account_id = s.quota_account_id"
    " AND q.quota_day = s.quota_day) GROUP BY s.quota_account_id, s.quota_day"
    ") SELECT kind, id, kept, counted FROM kept_counts"
)


def check(report: Report, store: Store, client: Client, world: World, quota: int) -> None:
    """Codes are only an upper bound: openrd purges used, voided and expired codes at every start (and every
    minute), so a consumed code may be gone; where one is left it must belong to the effect it paid for."""
    calls = client.calls
    codes = store.rows("SELECT purpose, account_id, phone, status FROM verification_codes")
    sends = store.rows("SELECT quota_account_id, quota_day, phone FROM code_sends")
    outbox = store.rows("SELECT message_id, purpose, account_id, phone, status FROM sms_outbox")
    accounts = {r[0]: r for r in store.rows("SELECT account_id, name, secure_mobile_phone FROM accounts")}
    directories = store.rows("SELECT directory_id, master_account_id, master_account_name FROM resource_directories")
    membership = dict(store.rows("SELECT account_id, directory_id FROM members"))
    audit = store.rows("SELECT action, account_id, result FROM audit_events")

    # 7. the kept counts: members (triggers) and the daily quota (code_quota)
    for kind, key, kept, counted in store.rows(KEPT_COUNTS):
        if kept != counted:
            counts = "send records" if kind == "quota" else "members"
            report.fail(f"kept count of {kind} {key}: {kept} kept, {counted} {counts}")

    # 6. no 500s
    for call in calls:
        if call.result == ERROR and call.detail.startswith("5"):
            report.fail(f"{call.op} {call.phone}: the server answered {call.detail}")

    # 1, 2, 4: sends — per phone, what the clients saw bounds what is stored
    send_calls = [c for c in calls if c.op in ("send_enable", "send_bind")]
    by_phone: dict[str, list[Call]] = defaultdict(list)
    for c in send_calls:
        by_phone[c.phone].append(c)
    sends_by_phone = Counter(r[2] for r in sends)
    outbox_by_phone: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in outbox:
        outbox_by_phone[r[3]].append(r)
    codes_by_phone = Counter(r[2] for r in codes)
    for phone in set(sends_by_phone) | set(outbox_by_phone) | set(codes_by_phone):
        if phone not in by_phone:
            report.fail(f"{phone}: stored sends/codes/SMS for a phone no client sent to")
    for phone, seen in by_phone.items():
        ok = sum(c.result == OK for c in seen)
        unknown = sum(c.result == UNKNOWN for c in seen)
        bounded(report, f"send records for {phone}", sends_by_phone[phone], ok, unknown)
        bounded(report, f"SMS for {phone}", len(outbox_by_phone[phone]), ok, unknown)
        if codes_by_phone[phone] > ok + unknown:
            report.fail(f"codes for {phone}: {codes_by_phone[phone]} stored, only {ok + unknown} sends could issue")
        if len(outbox_by_phone[phone]) != sends_by_phone[phone]:
            report.fail(f"{phone}: {sends_by_phone[phone]} send records but {len(outbox_by_phone[phone])} SMS")
        expected = {(ENABLE_PURPOSE if c.op == "send_enable" else BIND_PURPOSE, c.target) for c in seen}
        for row in outbox_by_phone[phone]:
            if (row[1], row[2]) not in expected:
                report.fail(f"SMS {row[0]} to {phone} is for {row[1]}/{row[2]}, no client asked for that")

    # 4: quota per account
    quota_accounts = {c.account_id for c in world.quota_accounts} | set(world.candidate_ids) | {world.master.account_id}
    per_account = Counter(r[0] for r in sends)
    per_day = Counter((r[0], r[1]) for r in sends)
    quota_figures = {}
    for account in sorted(quota_accounts):
        mine = [c for c in send_calls if (c.caller if c.op == "send_enable" else world.master.account_id) == account]
        ok = sum(c.result == OK for c in mine)
        unknown = sum(c.result == UNKNOWN for c in mine)
        bounded(report, f"quota count of {account}", per_account[account], ok, unknown)
        if account in {c.account_id for c in world.quota_accounts} or account == world.master.account_id:
            quota_figures[account] = {"ok": ok, "unknown": unknown, "stored": per_account[account]}
    for (account, day), count in per_day.items():
        if count > quota:
            report.fail(f"{account} sent {count} codes on {day}, over the daily quota of {quota}")
    refused_quota = sum(c.detail.endswith("SendValidateCodeExceedsLimitForAccount") for c in send_calls)
    refused_throttle = sum(c.detail.endswith("Throttling.User") for c in send_calls)

    # 1 (SMS readable through the control API): every successful send's message is in GET /_openrd/sms
    ok_phones = {c.phone for c in send_calls if c.result == OK}
    if len(outbox) <= 1000:
        listed = {m["phone"] for m in client.control("GET", "/sms", params={"limit": 1000}).json()["messages"]}
        missing = ok_phones - listed
    else:
        missing = {p for p in ok_phones if not client.control("GET", "/sms", params={"phone": p}).json()["messages"]}
    for phone in sorted(missing):
        report.fail(f"{phone}: the send succeeded but GET /_openrd/sms has no message for it")

    # 1, 2, 3: binds
    bind_calls = [c for c in calls if c.op == "bind"]
    used_bind: dict[str, list[str]] = defaultdict(list)  # member -> phones of its consumed bind codes
    for r in codes:
        if r[0] == BIND_PURPOSE and r[3] == "used":
            used_bind[r[1]].append(r[2])
    bound = 0
    for member in world.member_ids:
        mine = [c for c in bind_calls if c.target == member]
        ok = [c for c in mine if c.result == OK]
        maybe = {c.phone for c in mine if c.result == UNKNOWN}
        phone = accounts[member][2]
        bound += phone is not None
        if len(ok) > 1:
            report.fail(f"member {member}: {len(ok)} binds succeeded (a code accepted twice?)")
        if ok and phone != ok[0].phone:
            report.fail(f"member {member}: the bind to {ok[0].phone} succeeded but the account has {phone}")
        if not ok and phone is not None and phone not in maybe:
            report.fail(f"member {member}: bound to {phone}, but no bind to it succeeded or went unanswered")
        if len(used_bind[member]) > 1:
            report.fail(f"member {member}: {len(used_bind[member])} bind codes consumed")
        if any(used != phone for used in used_bind[member]):
            report.fail(f"member {member}: phone {phone} but consumed codes for {used_bind[member]} (not atomic)")
    audit_binds = sum(1 for a in audit if a == ("BindSecureMobilePhone", world.master.account_id, "success"))
    ok_binds = sum(c.result == OK for c in bind_calls)
    if audit_binds != bound or ok_binds > bound:  # a bind and its audit row commit together
        report.fail(f"audit: {audit_binds} successful binds, clients saw {ok_binds}, {bound} members are bound")

    # 1, 2, 3: enables
    enable_calls = [c for c in calls if c.op == "enable"]
    used_enable = Counter(r[1] for r in codes if r[0] == ENABLE_PURPOSE and r[3] == "used")
    by_name = {r[2]: r for r in directories}
    names = {r[1]: r for r in accounts.values()}
    enabled = 0
    for candidate in world.candidate_ids:
        mine = [c for c in enable_calls if c.target == candidate]
        ok = [c for c in mine if c.result == OK]
        unknown = [c for c in mine if c.result == UNKNOWN]
        name = f"ma{candidate}{MA_SUFFIX}"
        directory = by_name.get(name)
        master = names.get(name)
        joined = membership.get(candidate)
        parts = (directory is not None, master is not None, joined is not None)
        enabled += all(parts)
        if len(ok) > 1:
            report.fail(f"candidate {candidate}: {len(ok)} enables succeeded (a code accepted twice?)")
        if any(parts) and not all(parts):
            report.fail(f"candidate {candidate}: a partial enable (directory, account, membership) = {parts}")
        if ok and not all(parts):
            report.fail(f"candidate {candidate}: EnableResourceDirectory returned 200 but is not persisted {parts}")
        if ok and directory is not None and directory[0] != ok[0].detail:
            report.fail(f"candidate {candidate}: the client got {ok[0].detail}, the store has {directory[0]}")
        if directory is not None and (joined != directory[0] or master is None or directory[1] != master[0]):
            report.fail(f"candidate {candidate}: directory {directory} does not hang together")
        if master is not None and ok and master[2] != ok[0].phone:
            report.fail(f"candidate {candidate}: the new management account has phone {master[2]}")
        if not ok and not unknown and any(parts):
            report.fail(f"candidate {candidate}: every enable failed, but {parts} were written")
        if used_enable[candidate] > 1:
            report.fail(f"candidate {candidate}: {used_enable[candidate]} enable codes consumed")
        if used_enable[candidate] and not all(parts):
            report.fail(f"candidate {candidate}: enabled={all(parts)} but {used_enable[candidate]} consumed codes")
        audited = sum(1 for a in audit if a == ("EnableResourceDirectory", candidate, "success"))
        if audited != all(parts):
            report.fail(f"candidate {candidate}: {audited} successful enables in the audit log")

    # 5: the outbox drained
    statuses = Counter(r[4] for r in outbox)
    for row in outbox:
        if row[4] not in ("sent", "dead"):
            report.fail(f"SMS {row[0]} to {row[3]} is still {row[4]}")

    report.figures = {
        "sends": {
            "ok": sum(c.result == OK for c in send_calls),
            "refused_quota": refused_quota,
            "refused_throttle": refused_throttle,
            "unknown": sum(c.result == UNKNOWN for c in send_calls),
            "send_records": len(sends),
        },
        "quota": quota_figures,
        "binds": {
            "ok": ok_binds,
            "members_bound": bound,
            "members": len(world.member_ids),
            "audited": audit_binds,
        },
        "enables": {
            "ok": sum(c.result == OK for c in enable_calls),
            "directories": enabled,
            "candidates": len(world.candidate_ids),
            "audited": sum(1 for a in audit if a[0] == "EnableResourceDirectory" and a[2] == "success"),
        },
        "outbox": dict(statuses),
    }


def check_logs(report: Report, log_path: Path) -> None:
    for line in log_path.read_text(errors="replace").splitlines():
        if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line or line.startswith("Traceback"):
            report.fail(f"server log: {line[:300]}")


def drain_outbox(store: Store, wait_seconds: float) -> dict[str, Any]:
    """Wait for pending/failed messages to be delivered. A message a killed process had leased (claimed, not yet
    marked sent) waits out its lease first — 60 s of wall clock in openrd — so the wait stretches to cover it."""
    started = time.monotonic()
    deadline = started + wait_seconds
    stranded: set[str] = set()
    while True:
        left = store.rows("SELECT message_id, lease_until_ms FROM sms_outbox WHERE status IN ('pending', 'failed')")
        if not left:
            break
        now_ms = time.time() * 1000
        leased = [(r[0], r[1]) for r in left if r[1] is not None and r[1] > now_ms]
        stranded.update(message_id for message_id, _ in leased)
        if leased:
            lease_left = max(until for _, until in leased) / 1000 - time.time()
            deadline = max(deadline, time.monotonic() + lease_left + 5)
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return {"seconds": round(time.monotonic() - started, 1), "waited_out_a_lease": len(stranded)}


# ------------------------------------------------------------------------------------------------- run


def summarize(report: Report, client: Client) -> None:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for call in client.calls:
        table[call.op][call.result] += 1
    report.calls = {op: dict(counts) for op, counts in sorted(table.items())}


def print_report(report: Report) -> None:
    print(f"crash_check: store={report.store} cycles={report.cycles} seed={report.seed} ({report.seconds:.1f} s)")
    print(f"  SIGKILLs: {report.kills} (+1 before the final check)")
    print("  phases       " + "  ".join(f"{k} {v:.1f} s" for k, v in report.phases.items()))
    for op, counts in report.calls.items():
        print(f"  {op:12} " + "  ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for name, figures in report.figures.items():
        print(f"  {name:12} {json.dumps(figures, sort_keys=True)}")
    if report.violations:
        print(f"  VIOLATIONS ({len(report.violations)}):")
        for violation in report.violations[:100]:
            print(f"    - {violation}")
    else:
        print("  all invariants hold")


def run(args: argparse.Namespace) -> Report:
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    rng = random.Random(seed)  # noqa: S311 - load choices and kill times, not secrets
    report = Report(args.store, args.cycles, seed)
    workdir = Path(tempfile.mkdtemp(prefix="openrd-crash-", dir=args.workdir))
    started = time.monotonic()
    store = make_store(args.store, workdir, args.postgres_admin_url, args.keep)
    members = args.members or 8 + 6 * args.cycles
    candidates = args.candidates or 5 + 4 * args.cycles
    quota = max(20, members + 5)  # the master's bind codes fit; the quota accounts may run out
    env = {
        "OPENRD_DATABASE_URL": store.url,
        "OPENRD_DATA_DIR": str(workdir / "data"),
        "OPENRD_SECRET_KEY": SECRET_KEY,
        "OPENRD_LOG_LEVEL": "WARNING",
        "OPENRD_DAILY_CODE_QUOTA": str(quota),
        "OPENRD_CODE_TTL_SECONDS": "600",  # codes outlive the restarts of a flow
        "HOME": str(workdir),
    }
    server = Server(env, workdir / "server.log")
    gate = Gate()
    client = Client(server.endpoint, gate)
    mark = time.monotonic()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        report.phases[name] = report.phases.get(name, 0.0) + now - mark
        mark = now

    try:
        server.start()
        gate.open()
        phase("start")
        world = build_world(client, members, candidates, quota_accounts=3)
        phase("seed")
        stop = threading.Event()
        rngs = [random.Random(rng.random()) for _ in range(args.threads)]  # noqa: S311 - not secrets
        threads = [
            threading.Thread(target=load_worker, args=(client, world, thread_rng, stop), daemon=True)
            for thread_rng in rngs
        ]
        for thread in threads:
            thread.start()
        for _cycle in range(args.cycles):
            time.sleep(rng.uniform(args.min_uptime, args.max_uptime))
            phase("load")
            server.kill()  # the gate stays open: calls racing the kill find the server gone (unknown)
            report.kills += 1
            gate.close()
            time.sleep(rng.uniform(0, 0.2))
            server.start()
            gate.open()
            phase("restart")
        time.sleep(rng.uniform(args.min_uptime, args.max_uptime))
        # A short run on a slow machine may not have finished a flow of each kind yet: let the load go on (without
        # kills) until each kind has succeeded once, so the checks below are never about nothing.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not {"send_enable", "bind", "enable"} <= {
            c.op for c in list(client.calls) if c.result == OK
        }:
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(120)
        phase("load")
        # The final restart: whatever was in flight when the last process died must be resumed by the next.
        server.kill()
        gate.close()
        server.start()
        gate.open()
        phase("restart")
        drained = drain_outbox(store, args.final_wait)
        phase("drain")
        summarize(report, client)
        check(report, store, client, world, quota)
        report.figures["drain"] = drained
        server.stop()
        check_logs(report, server.log_path)
        phase("check")
    finally:
        server.stop()
        store.cleanup()
        report.seconds = time.monotonic() - started
        if args.keep:
            print(f"  kept: {workdir} ({store.url})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--cycles", type=int, default=10, help="SIGKILL/restart cycles under load (default 10)")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--threads", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--seed", type=int, help="seed of the load's choices and the kill times")
    parser.add_argument("--min-uptime", type=float, default=0.5, help="seconds before a kill, at least (0.5)")
    parser.add_argument("--max-uptime", type=float, default=2.0, help="seconds before a kill, at most (2.0)")
    parser.add_argument("--members", type=int, help="resource accounts to bind (default 8 + 6 × cycles)")
    parser.add_argument("--candidates", type=int, help="accounts to enable (default 5 + 4 × cycles)")
    parser.add_argument("--final-wait", type=float, default=10.0, help="seconds for the outbox to drain (10)")
    parser.add_argument(
        "--postgres-admin-url",
        default=os.environ.get("OPENRD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="where a fresh database is created (and dropped) for --store postgresql",
    )
    parser.add_argument("--workdir", help="parent of the run's temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the data directory, log and database")
    parser.add_argument("--json", dest="json_path", help="also write the summary as JSON here")
    args = parser.parse_args(argv)

    def terminated(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")  # unwinds through run(): the server stops, the database drops

    signal.signal(signal.SIGTERM, terminated)
    try:
        report = run(args)
    except KeyboardInterrupt:
        print("crash_check: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"crash_check: the run could not complete: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print_report(report)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(asdict(report), indent=2, sort_keys=True))
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
