"""Slow and idle clients against a real ``openrd serve`` process, on raw sockets (127.0.0.1 only).

Half-sent requests, a head or a body that trickles in a byte at a time and silent connections were held open for
ever; under a low open-file limit 300 of them left a health check unanswered. Now a request must arrive within
OPENRD_REQUEST_READ_TIMEOUT_SECONDS, an idle kept-alive connection closes after OPENRD_KEEP_ALIVE_TIMEOUT_SECONDS,
and OPENRD_MAX_CONNECTIONS (lowered to fit the open-file limit) caps connections: one more evicts the longest
idle, or is answered 503 when every connection is busy. Every wait below is a bounded deadline, not a speed goal.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openrd.testing.process import ServerProcess

DEADLINE = 30.0  # seconds any single wait below may take before the test gives up
HALF_A_HEAD = b"GET /_openrd/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"  # the blank line that ends it never comes


def _env(root: Path, **extra: str) -> dict[str, str]:
    return {
        "OPENRD_DATA_DIR": str(root / "data"),
        "OPENRD_SECRET_KEY": "slow-clients-key",
        "HOME": str(root),
        "OPENRD_LOG_LEVEL": "WARNING",
        **extra,
    }


@contextlib.contextmanager
def served(root: Path, *, open_files: int | None = None, **extra: str) -> Iterator[ServerProcess]:
    server = ServerProcess(_env(root, **extra), root / "server.log", open_files=open_files).start()
    try:
        yield server
    finally:
        server.stop()


def half_sent(
    server: ServerProcess, data: bytes = b"GET /_openrd/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE)
    if data:
        sock.sendall(data)
    return sock


def closed_by_server(sock: socket.socket, wait: float = DEADLINE) -> bool:
    """Whether the server closes ``sock`` within ``wait`` seconds (anything it sends first is read and dropped)."""
    end = time.monotonic() + wait
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    while True:
        if poller.poll(max(0, int((end - time.monotonic()) * 1000))):
            try:
                if sock.recv(65536) == b"":
                    return True
            except ConnectionResetError:
                return True
        elif time.monotonic() >= end:
            return False


def health(server: ServerProcess) -> httpx.Response:
    return httpx.get(f"http://{server.endpoint}/_openrd/health", timeout=DEADLINE)


def test_half_sent_requests_are_closed_and_health_answers_meanwhile(tmp_path: Path) -> None:
    with served(tmp_path, OPENRD_REQUEST_READ_TIMEOUT_SECONDS="2") as server:
        slow = [half_sent(server) for _ in range(100)]
        try:
            for _ in range(5):  # many slow connections are open: the server still answers
                assert health(server).status_code == 200
            assert all(closed_by_server(sock) for sock in slow)
        finally:
            for sock in slow:
                sock.close()
        assert health(server).status_code == 200


@pytest.mark.parametrize(
    ("opening", "drip"),
    [
        (b"", b""),  # connected, never sends a byte
        (b"GET /_openrd/health?", b"a"),  # the request line, a byte at a time
        (HALF_A_HEAD, b"X"),  # a header that never ends
        (
            b"POST /_openrd/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n{",
            b" ",  # the head, then a body a byte at a time
        ),
    ],
)
def test_a_client_that_trickles_bytes_is_closed(tmp_path: Path, opening: bytes, drip: bytes) -> None:
    """A byte now and then kept a connection alive for ever: the timeout counts from the request's start."""
    with served(tmp_path, OPENRD_REQUEST_READ_TIMEOUT_SECONDS="1") as server:
        sock = half_sent(server, opening)
        try:
            for _ in range(300):  # ~60 s of trickling at most
                if closed_by_server(sock, wait=0.2):
                    break
                if drip:
                    with contextlib.suppress(OSError):
                        sock.send(drip)
            else:
                pytest.fail("the server kept a trickling client's connection open")
        finally:
            sock.close()
        assert json.loads(health(server).content)["status"] == "ok"
        assert httpx.get(f"http://{server.endpoint}/_openrd/clock", timeout=DEADLINE).json()["offset_seconds"] == 0


def test_an_idle_kept_alive_connection_is_closed(tmp_path: Path) -> None:
    with served(tmp_path, OPENRD_KEEP_ALIVE_TIMEOUT_SECONDS="1") as server:
        sock = half_sent(server, b"GET /_openrd/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            sock.settimeout(DEADLINE)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            assert closed_by_server(sock)
        finally:
            sock.close()


def test_under_a_low_open_file_limit_health_answers_past_300_slow_connections(tmp_path: Path) -> None:
    """With 256 descriptors the server stopped accepting: the health check went unanswered. The connection cap
    now stays below the limit, and a new connection evicts the slow client that has waited longest."""
    with served(tmp_path, open_files=256, OPENRD_REQUEST_READ_TIMEOUT_SECONDS="120") as server:
        slow: list[socket.socket] = []
        try:
            for _ in range(300):
                slow.append(half_sent(server))
            for _ in range(5):
                assert health(server).status_code == 200
            # The cap closed slow clients (those that waited longest) long before their read timeout.
            assert closed_by_server(slow[0])
            assert not closed_by_server(slow[-1], wait=0)
        finally:
            for sock in slow:
                sock.close()
        assert "Too many open files" not in server.log_text()


def test_when_every_connection_is_busy_one_more_is_told_to_retry(tmp_path: Path) -> None:
    """Eight console streams (requests in progress) fill OPENRD_MAX_CONNECTIONS=8: the ninth gets a 503."""
    with served(tmp_path, OPENRD_MAX_CONNECTIONS="8") as server, contextlib.ExitStack() as streams:
        for _ in range(8):
            stream = streams.enter_context(
                httpx.stream("GET", f"http://{server.endpoint}/_openrd/console/events", timeout=DEADLINE)
            )
            assert stream.status_code == 200
        refused = health(server)
        assert refused.status_code == 503
        assert refused.json()["Code"] == "ServiceUnavailable"
        assert refused.headers["retry-after"] == "1"
