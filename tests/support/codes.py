"""Helpers for the verification-code and SMS tests: store settings, a recording HTTP receiver, API worlds,
server processes, and the functions the multiprocessing tests run in their child processes (so they must be
importable by name)."""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from support.api import FULL, ControlApi, Creds
from support.servers import LiveServer, start_server
from support.store import Store

SECRET_KEY = "codes-test-master-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def store_env(root: Path, **extra: str) -> dict[str, str]:
    return Store("sqlite").env(root, secret_key=SECRET_KEY, **extra)


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def phone_for(index: int, block: int = 0) -> str:
    """Distinct valid CN mobiles: 86-139000{index:05d} in block 0, 86-138000{index:05d} in block 1, ..."""
    return f"86-1{39 - block}000{index:05d}"


# ------------------------------------------------------------------------------------------- HTTP receiver


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int  # what the receiver answered


Responder = Callable[[int], tuple[int, bytes]]  # request number (0-based) -> (status, body)


class Receiver:
    """A real HTTP server in a thread that records every request and answers what ``respond`` says."""

    def __init__(
        self, respond: Responder | None = None, port: int | None = None, headers: dict[str, str] | None = None
    ) -> None:
        self.respond: Responder = respond or (lambda _n: (200, b'{"ok":true}'))
        self.headers = dict(headers or {})  # sent with every answer (a redirect's Location)
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                with receiver._lock:
                    number = len(receiver.requests)
                    status, answer = receiver.respond(number)
                    receiver.requests.append(
                        Recorded(
                            method=self.command,
                            path=split.path,
                            query=parse_qsl(split.query, keep_blank_values=True),
                            headers={k.lower(): v for k, v in self.headers.items()},
                            body=body,
                            status=status,
                        )
                    )
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", port or 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def snapshot(self) -> list[Recorded]:
        with self._lock:
            return list(self.requests)


def fail_first(n: int, status: int = 503) -> Responder:
    return lambda number: (status, b'{"error":"busy"}') if number < n else (200, b'{"ok":true}')


# ---------------------------------------------------------------------------------------- the API world


class Servers:
    """Starts in-process servers (any OPENRD_* settings) and stops them all at the end of the test."""

    def __init__(self, root: Path, store: Store | None = None) -> None:
        self.root = root
        self.store = store or Store("sqlite")
        self._running: list[LiveServer] = []

    def env(self, **extra: str) -> dict[str, str]:
        return self.store.env(self.root, secret_key=SECRET_KEY, **extra)

    def start(self, env: dict[str, str]) -> tuple[LiveServer, Api]:
        live = start_server(env)
        self._running.append(live)
        return live, Api(live.endpoint)

    def stop(self, live: LiveServer) -> None:
        if live in self._running:
            self._running.remove(live)
            live.stop()

    def stop_all(self) -> None:
        while self._running:
            self._running.pop().stop()


class Api(ControlApi):
    """The control API and official SDK calls (with the SDK's own retries) against one server."""

    def send_enable(self, creds: Creds, phone: str) -> Any:
        from alibabacloud_resourcemanager20200331 import models

        request = models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone=phone)
        return self.rm(creds).send_verification_code_for_enable_rd(request)

    def send_bind(self, creds: Creds, account_id: str, phone: str) -> Any:
        from alibabacloud_resourcemanager20200331 import models
        from darabonba.runtime import RuntimeOptions

        request = models.SendVerificationCodeForBindSecureMobilePhoneRequest(
            account_id=account_id, secure_mobile_phone=phone
        )
        # No SDK retries: a retried send would be a second send.
        return self.rm(creds).send_verification_code_for_bind_secure_mobile_phone_with_options(
            request, RuntimeOptions(autoretry=False)
        )

    def bind(self, creds: Creds, account_id: str, phone: str, code: str) -> Any:
        from alibabacloud_resourcemanager20200331 import models
        from darabonba.runtime import RuntimeOptions

        request = models.BindSecureMobilePhoneRequest(
            account_id=account_id, secure_mobile_phone=phone, verification_code=code
        )
        return self.rm(creds).bind_secure_mobile_phone_with_options(request, RuntimeOptions(autoretry=False))


@dataclass(frozen=True)
class DirectoryWorld:
    master: Creds  # the cn management account's root AccessKey
    user: Creds  # its RAM user with AliyunResourceDirectoryFullAccess
    members: list[str]  # resource account IDs


def make_directory(api: Api, members: int, *, workers: int = 8) -> DirectoryWorld:
    from concurrent.futures import ThreadPoolExecutor

    from alibabacloud_resourcemanager20200331 import models

    master = api.account(site="cn", enterprise_name="Acme Technology Co., Ltd.")
    api.rm(master).enable_resource_directory(models.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    user = api.ram_user(master.account_id, FULL)
    tag = secrets.token_hex(2)

    def create(i: int) -> str:
        request = models.CreateResourceAccountRequest(display_name=f"member-{tag}-{i}")
        return str(api.rm(master).create_resource_account(request).body.account.account_id)

    with ThreadPoolExecutor(workers) as pool:
        ids = list(pool.map(create, range(members)))
    return DirectoryWorld(master, user, ids)


# ----------------------------------------------------------------------------------- server processes


# ------------------------------------------------------------------ engine bursts (run in child processes)


def issue_enable_code(deps: Any, *, account: str, phone: str, now: datetime) -> Any:
    """One SendVerificationCodeForEnableRD code through the engine, in its own unit of work (the cn site)."""
    from openrd.domain.sites import BUILTIN_SITES
    from openrd.domain.verification import Purpose
    from openrd.services import verification

    with deps.uow() as uow:
        return verification.issue_code(
            uow,
            policy=deps.code_policy,
            rng=deps.rng,
            box=deps.box,
            now=now,
            purpose=Purpose.ENABLE_RD,
            account_id=account,
            quota_account_id=account,
            quota_site=BUILTIN_SITES["cn"],
            phone=phone,
            language="zh",
        )


def run_job(deps: Any, job: dict[str, Any], start: Any = None) -> Counter[str]:
    """Run ``job`` on ``deps`` with one thread per item; the threads start together (after ``start``, if given).

    ``job``: {"kind": "send", "sends": [[quota account, phone], ...], "now": iso} or
    {"kind": "check", "account": id, "phone": p, "code": c, "threads": n, "now": iso}.
    """
    from openrd import errors
    from openrd.domain.verification import Purpose
    from openrd.services import verification

    now = datetime.fromisoformat(job["now"])
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def send(item: list[str]) -> str:
        account, phone = item
        try:
            issue_enable_code(deps, account=account, phone=phone, now=now)
            return "issued"
        except errors.SendValidateCodeExceedsLimitForAccount:
            return "quota"
        except errors.ThrottlingUser:
            return "throttled"

    def check(_: object) -> str:
        with deps.uow() as uow:
            accepted = verification.check_code(
                uow,
                policy=deps.code_policy,
                box=deps.box,
                now=now,
                purpose=Purpose.ENABLE_RD,
                account_id=job["account"],
                phone=job["phone"],
                code=job["code"],
            )
        return "accepted" if accepted else "rejected"

    items = job["sends"] if job["kind"] == "send" else list(range(job["threads"]))
    run = send if job["kind"] == "send" else check
    gate = threading.Barrier(len(items))

    def worker(item: Any) -> None:
        gate.wait()
        try:
            outcome = run(item)
        except Exception as exc:  # counted, so the parent sees it
            outcome = f"error:{type(exc).__name__}:{exc}"
        with lock:
            outcomes[outcome] += 1

    if start is not None:
        start.wait(120)
    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return outcomes


def engine_burst(env: dict[str, str], job: dict[str, Any]) -> Counter[str]:
    """Build a runtime from ``env`` (an already migrated store) and run one job in this process."""
    from openrd.bootstrap import build_runtime
    from openrd.config import load_settings

    runtime = build_runtime(load_settings(env), upgrade=False)
    try:
        return run_job(runtime.deps, job)
    finally:
        runtime.close()


def job_loop(env: dict[str, str], jobs: Any, start: Any, results: Any) -> None:
    """A child process: its own runtime and engine; runs each job from ``jobs`` (None ends) after ``start``."""
    from openrd.bootstrap import build_runtime
    from openrd.config import load_settings

    runtime = build_runtime(load_settings(env), upgrade=False)
    try:
        while (job := jobs.get()) is not None:
            results.put(json.dumps(run_job(runtime.deps, job, start)))
    finally:
        runtime.close()
