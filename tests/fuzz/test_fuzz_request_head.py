"""The request head cap (OPENRD_MAX_HEADER_BYTES) on a real socket: an oversized request line or header block
gets the Alibaba envelope (InvalidParameter.RequestTooLarge, 400) and a closed connection, whether the head
arrives in one piece or dribbles in; a head under the cap, a large body, and kept-alive connections pass."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from openrd.testing.server import LiveServer, start_server

LIMIT = 8192


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root: Path = tmp_path_factory.mktemp("head")
    server = start_server(
        {
            "OPENRD_DATA_DIR": str(root / "data"),
            "OPENRD_SECRET_KEY": "k",
            "HOME": str(root),
            "OPENRD_MAX_HEADER_BYTES": str(LIMIT),
        }
    )
    yield server
    server.stop()


def read_all(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def split(answer: bytes) -> tuple[int, dict[str, str], dict[str, str]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def assert_refused(answer: bytes) -> None:
    status, headers, body = split(answer)
    assert status == 400
    assert headers["connection"] == "close"
    assert headers["content-type"].startswith("application/json")
    assert body["Code"] == "InvalidParameter.RequestTooLarge"
    assert str(LIMIT) in body["Message"]
    assert body["RequestId"]


def request(path: str, *headers: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\n".encode() + "".join(h + "\r\n" for h in headers).encode() + b"\r\n"


def test_one_oversized_header_in_one_piece(live: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", live.port)) as sock:
        sock.sendall(request("/?Action=GetAccount", "X-Big: " + "a" * (LIMIT + 1)))
        assert_refused(read_all(sock))


def test_many_headers_that_together_pass_the_cap(live: LiveServer) -> None:
    headers = [f"X-H{i}: {'b' * 100}" for i in range(LIMIT // 100)]
    with socket.create_connection(("127.0.0.1", live.port)) as sock:
        sock.sendall(request("/?Action=GetAccount", *headers))
        assert_refused(read_all(sock))


def test_an_oversized_query_string(live: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", live.port)) as sock:
        sock.sendall(request("/?Action=GetAccount&Pad=" + "c" * LIMIT))
        assert_refused(read_all(sock))


def test_a_head_that_dribbles_in_is_refused_before_it_ends(live: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", live.port)) as sock:
        start = b"GET /?Action=GetAccount HTTP/1.1\r\nHost: x\r\nX-Slow: "
        sock.sendall(start)
        sent = len(start)
        while sent <= LIMIT:  # never finishes the head: the cap alone ends it
            sock.sendall(b"d" * 1024)
            sent += 1024
            time.sleep(0.01)
        assert_refused(read_all(sock))


def test_a_head_under_the_cap_reaches_the_front_door(live: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", live.port)) as sock:
        sock.sendall(request("/?Action=GetAccount&Version=2020-03-31&Format=JSON", "X-Pad: " + "e" * (LIMIT - 500)))
        status, _, body = split(read_all_or_first(sock))
    assert status == 400
    assert body["Code"] == "MissingParameter"  # the front door answered: the request was not cut off


def read_all_or_first(sock: socket.socket) -> bytes:
    """A kept-alive answer: read up to the end of the body the content-length announces."""
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(v for k, v in (h.split(b": ", 1) for h in head.split(b"\r\n")[1:]) if k.lower() == b"content-length")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def test_kept_alive_heads_are_counted_one_request_at_a_time(live: LiveServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
    try:
        for _ in range(4):  # together four times the cap; each alone under it
            connection.request(
                "GET", "/?Action=GetAccount&Version=2020-03-31&Format=JSON", headers={"X-Pad": "f" * (LIMIT // 2)}
            )
            answer = connection.getresponse()
            body = json.loads(answer.read())
            assert answer.status == 400
            assert body["Code"] == "MissingParameter"
    finally:
        connection.close()


def test_a_large_body_is_not_mistaken_for_a_large_head(live: LiveServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
    try:
        form = "Action=GetAccount&Version=2020-03-31&Format=JSON&Pad=" + "g" * (20 * LIMIT)
        connection.request("POST", "/", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        body = json.loads(answer.read())
    finally:
        connection.close()
    assert answer.status == 400
    assert body["Code"] == "MissingParameter"
