"""A call that waits for SQLite's cross-process writer lock (adapters/db/writer_lock.py) does not stall the rest of
the server: while another process holds the lock and a signed write call waits for it, ``/_openrd/health``, a
control-API read and the console still answer, and the waiting call completes once the lock is let go.

The holder is a plain ``flock`` on ``<database>-writer.lock`` in a process of its own, as another ``openrd``
worker or the CLI would hold it. The assertions are about order, not speed: everything answers *before* the lock
is released, within a timeout only a stalled event loop would exceed (a waiting call gives up after 30 s).
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx

from openrd.testing.process import ServerProcess
from support.reliability import Api, SignedRequest, outcome, sign_v3, sql, store_env
from support.store import sqlite_url

MADE = "SELECT count(*) FROM accounts WHERE display_name = 'made-while-locked'"
STALL_SECONDS = 20.0  # below the 30 s a call waits for the lock before giving up, far above any answer's time

HOLD = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


@contextlib.contextmanager
def holding(lock_file: Path) -> Iterator[None]:
    """Another process holds the writer lock until the block ends (its exit gives the lock up)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.communicate("\n", timeout=30)
    assert holder.returncode == 0


def send(endpoint: str, request: SignedRequest) -> socket.socket:
    """Send a signed request and return its socket, unread: once this returns, the server has the request."""
    host, port = endpoint.split(":")
    sock = socket.create_connection((host, int(port)), timeout=60)
    head = [f"{request.method} /?{urlencode(request.query)} HTTP/1.1"]
    head += [f"{name}: {value}" for name, value in request.headers.items()]
    head += [f"content-length: {len(request.body)}", "connection: close"]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + request.body)
    return sock


def answered(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def response_of(sock: socket.socket) -> tuple[int, dict[str, object]]:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def test_health_the_control_api_and_the_console_answer_while_a_call_waits_for_the_writer_lock(
    tmp_path: Path,
) -> None:
    database_url = sqlite_url(tmp_path)
    server = ServerProcess(store_env(tmp_path, database_url), tmp_path / "server.log").start()
    try:
        api = Api(server.endpoint)
        master = api.account()
        assert outcome(lambda: api.enable_current(master)) == "ok"
        base = f"http://{server.endpoint}/_openrd"
        create = sign_v3(
            master,
            host=server.endpoint,
            action="CreateResourceAccount",
            version="2020-03-31",
            query=[("DisplayName", "made-while-locked")],
        )

        with contextlib.ExitStack() as stack:
            with holding(tmp_path / "data" / "openrd.db-writer.lock"):
                waiting = stack.enter_context(send(server.endpoint, create))
                health = httpx.get(f"{base}/health", timeout=STALL_SECONDS)
                account = httpx.get(f"{base}/accounts/{master.account_id}", timeout=STALL_SECONDS)
                console = httpx.get(f"{base}/console", timeout=STALL_SECONDS)
                assert (health.status_code, health.json()["status"]) == (200, "ok")
                assert account.status_code == 200, account.text
                assert account.json()["account_id"] == master.account_id
                assert console.status_code == 200, console.text
                assert not answered(waiting)  # the write call is still waiting for the lock
                assert sql(database_url, MADE) == [(0,)]

            status, body = response_of(waiting)
        assert status == 200, body
        assert sql(database_url, MADE) == [(1,)]
        assert "Traceback" not in server.log_text()
    finally:
        server.stop()
