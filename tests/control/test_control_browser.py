"""Browser attacks on the control API of a real ``openrd serve`` process: raw requests as a hostile page makes them.

Token-less, the control API checked only the peer address, and the peer of a request from the developer's own
browser is loopback: a page elsewhere could reset the world, move the clock or mint accounts with "simple"
``text/plain`` POSTs (CSRF), and, through DNS rebinding (its own name resolving to 127.0.0.1), read the SMS inbox
and its codes. It also read bodies of any size, and believed forwarding headers. Now the Host must be one of this
machine's names (or OPENRD_ALLOWED_HOSTS), an Origin must name an allowed host, bodies are JSON within
OPENRD_MAX_BODY_BYTES, and forwarding headers count only from OPENRD_FORWARDED_ALLOW_IPS (docs/security.md).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openrd.testing.process import ServerProcess
from support.control import JSON, assert_error

TOKEN = "browser-attack-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EVIL = "http://attacker.example"
PHONE = "86-13900007777"


def _serve(tmp: Path, **extra: str) -> ServerProcess:
    env = {"OPENRD_DATA_DIR": str(tmp / "data"), "OPENRD_SECRET_KEY": "browser-key", "HOME": str(tmp), **extra}
    return ServerProcess(env, tmp / "server.log").start()


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The emulator as a developer runs it: no token, loopback only."""
    server = _serve(tmp_path_factory.mktemp("local"), OPENRD_MAX_BODY_BYTES="65536")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The service behind a TLS-terminating proxy on this host: a token, the proxy trusted."""
    server = _serve(
        tmp_path_factory.mktemp("deployed"), OPENRD_ADMIN_TOKEN=TOKEN, OPENRD_FORWARDED_ALLOW_IPS="127.0.0.1"
    )
    yield server
    server.stop()


def call(server: ServerProcess, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"http://{server.endpoint}/_openrd{path}", timeout=30, **kwargs)


@pytest.fixture
def world(local: ServerProcess) -> str:
    assert call(local, "POST", "/reset").status_code == 204
    created = call(
        local, "POST", "/accounts", json={"display_name": "keep", "site": "cn", "secure_mobile_phone": PHONE}
    )
    assert created.status_code == 201, created.text
    return str(created.json()["account_id"])


def accounts(server: ServerProcess) -> list[str]:
    return [a["display_name"] for a in call(server, "GET", "/accounts").json()["accounts"]]


# ------------------------------------------------------------------------------------------------ CSRF
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/reset", b""),
        ("/clock", b'{"advance_seconds": 86400}'),
        ("/accounts", b'{"display_name": "minted"}'),
    ],
)
def test_a_cross_site_simple_post_changes_nothing(local: ServerProcess, world: str, path: str, body: bytes) -> None:
    """What a form or ``fetch(..., {mode: "no-cors"})`` on another site sends: text/plain, with its Origin."""
    headers = {"Content-Type": "text/plain;charset=UTF-8", "Origin": EVIL}
    assert_error(call(local, "POST", path, content=body, headers=headers), 403, "forbidden")
    # Without the Origin (an old browser, a redirect) the body still is not JSON.
    if body:
        assert_error(
            call(local, "POST", path, content=body, headers={"Content-Type": "text/plain"}),
            415,
            "unsupported_media_type",
        )
    assert accounts(local) == ["keep"]
    assert call(local, "GET", "/clock").json()["offset_seconds"] == 0


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_must_be_sent_as_json(local: ServerProcess, world: str, content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = call(local, "POST", "/accounts", content=b'{"display_name": "minted"}', headers=headers)
    assert_error(response, 415, "unsupported_media_type")
    response = call(local, "PATCH", f"/accounts/{world}", content=b'{"display_name": "renamed"}', headers=headers)
    assert_error(response, 415, "unsupported_media_type")
    assert accounts(local) == ["keep"]
    sent = call(
        local,
        "POST",
        "/accounts",
        content=b'{"display_name": "ok"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert sent.status_code == 201, sent.text


@pytest.mark.parametrize("origin", [EVIL, "null", "http://127.0.0.1.attacker.example", "file://", "not a url"])
def test_a_foreign_origin_is_refused_even_for_reads(local: ServerProcess, world: str, origin: str) -> None:
    assert_error(call(local, "GET", "/sms", headers={"Origin": origin}), 403, "forbidden")
    assert_error(call(local, "POST", "/reset", headers={"Origin": origin}), 403, "forbidden")
    assert accounts(local) == ["keep"]


@pytest.mark.parametrize("origin", ["http://127.0.0.1:3000", "http://localhost:8765", "https://[::1]"])
def test_a_page_of_this_machine_may_call(local: ServerProcess, world: str, origin: str) -> None:
    response = call(local, "POST", "/clock", json={"advance_seconds": 5}, headers={"Origin": origin})
    assert response.status_code == 200, response.text
    assert call(local, "POST", "/clock", json={"offset_seconds": 0}).status_code == 200


# ------------------------------------------------------------------------------------------------ DNS rebinding
@pytest.mark.parametrize(
    "host", ["attacker.example", "attacker.example:8765", "127.0.0.1.nip.io", "", "localhost.attacker.example"]
)
def test_a_rebound_name_cannot_read_the_inbox(local: ServerProcess, world: str, host: str) -> None:
    """After rebinding, the hostile page's requests reach 127.0.0.1 with the page's own name in Host."""
    assert_error(call(local, "GET", "/sms/latest", params={"phone": PHONE}, headers={"Host": host}), 403, "forbidden")
    assert_error(call(local, "GET", "/accounts", headers={"Host": host}), 403, "forbidden")
    assert_error(call(local, "POST", "/reset", headers={"Host": host}), 403, "forbidden")
    assert accounts(local) == ["keep"]
    # Health and readiness answer any Host: probes address the server by whatever name they know it.
    assert call(local, "GET", "/health", headers={"Host": host}).status_code == 200


def test_a_request_line_without_host_is_refused(local: ServerProcess, world: str) -> None:
    with socket.create_connection(("127.0.0.1", local.port), timeout=30) as sock:
        sock.sendall(b"GET /_openrd/accounts HTTP/1.0\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 403")


@pytest.mark.parametrize("host", ["127.0.0.1", "LOCALHOST:1234", "localhost.", "[::1]:8765", "127.0.0.2"])
def test_loopback_names_are_served(local: ServerProcess, world: str, host: str) -> None:
    assert call(local, "GET", "/accounts", headers={"Host": host}).status_code == 200


def test_the_front_door_still_ignores_the_host(local: ServerProcess) -> None:
    """SDK clients reach the emulator through hosts-file entries for *.aliyuncs.com."""
    response = httpx.get(
        f"http://{local.endpoint}/",
        params={"Action": "GetResourceDirectory", "Format": "JSON"},
        headers={"Host": "resourcemanager.aliyuncs.com", "Origin": EVIL},
        timeout=30,
    )
    body = response.json()  # the Alibaba envelope (an unsigned call), not the control API's refusal
    assert body["RequestId"]
    assert body["Code"] != "forbidden"
    assert "error" not in body


# ------------------------------------------------------------------------------------------------ body size
def read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """One whole response: its head, then as many body bytes as it declares (they may arrive in later packets)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def test_a_body_declared_too_large_is_refused_before_it_is_read(local: ServerProcess, world: str) -> None:
    """50 MB bodies were read whole. The server answers after the head, without waiting for the body."""
    with socket.create_connection(("127.0.0.1", local.port), timeout=30) as sock:
        sock.sendall(
            b"POST /_openrd/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 50000000\r\n\r\n{"display_name": "'
        )
        head, body = read_response(sock)
    assert head.startswith(b"HTTP/1.1 413")
    assert b'"error":"too_large"' in body
    assert accounts(local) == ["keep"]


def test_a_chunked_body_growing_too_large_is_refused(local: ServerProcess, world: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"display_name": "'
        for _ in range(100):  # 100 KiB against a 64 KiB limit
            yield b"x" * 1024
        yield b'"}'

    response = call(local, "POST", "/accounts", content=chunks(), headers=JSON)
    assert_error(response, 413, "too_large")
    assert "65536" in response.json()["message"]
    assert accounts(local) == ["keep"]


def test_a_body_within_the_limit_is_served(local: ServerProcess, world: str) -> None:
    response = call(local, "POST", "/accounts", json={"display_name": "fits", "padding": "p" * 60000})
    assert response.status_code == 201, response.text
    assert accounts(local) == ["keep", "fits"]


# ------------------------------------------------------------------------------------------------ forwarding headers
@pytest.mark.parametrize(
    "header",
    [
        ("X-Forwarded-For", "127.0.0.1"),
        ("X-Forwarded-For", "203.0.113.9"),
        ("Forwarded", "for=127.0.0.1"),
        ("X-Real-IP", "127.0.0.1"),
    ],
)
def test_without_a_token_a_relayed_request_is_refused(
    local: ServerProcess, world: str, header: tuple[str, str]
) -> None:
    """A proxy on this machine makes every client's peer loopback; what a client claims in a header counts for
    nothing, and without a token a relayed request is not taken for a local one."""
    assert_error(call(local, "POST", "/reset", headers=dict([header])), 403, "forbidden")
    assert accounts(local) == ["keep"]


def test_the_session_cookie_is_secure_behind_a_trusted_tls_proxy(deployed: ServerProcess) -> None:
    page = f"http://{deployed.endpoint}/_openrd/console"
    behind_tls = httpx.get(page, params={"token": TOKEN}, headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert behind_tls.status_code == 303
    cookie = behind_tls.headers["set-cookie"]
    assert "secure" in cookie.lower()
    assert TOKEN not in cookie
    plain = httpx.get(page, params={"token": TOKEN}, timeout=30)
    assert "secure" not in plain.headers["set-cookie"].lower()


def test_forwarding_headers_are_ignored_unless_the_proxy_is_configured(tmp_path: Path) -> None:
    """uvicorn's default believed X-Forwarded-Proto from 127.0.0.1; openrd serve believes nobody unless told."""
    server = _serve(tmp_path, OPENRD_ADMIN_TOKEN=TOKEN)
    try:
        page = f"http://{server.endpoint}/_openrd/console"
        response = httpx.get(page, params={"token": TOKEN}, headers={"X-Forwarded-Proto": "https"}, timeout=30)
        assert response.status_code == 303
        assert "secure" not in response.headers["set-cookie"].lower()
    finally:
        server.stop()


# ------------------------------------------------------------------------------------------------ with a token
def test_with_a_token_any_host_is_served_but_a_foreign_origin_is_not(deployed: ServerProcess) -> None:
    """The service is reached under names openrd cannot know; the token is not something a page can send."""
    assert call(deployed, "GET", "/clock", headers={**AUTH, "Host": "rd.example.com"}).status_code == 200
    same_site = {**AUTH, "Host": "rd.example.com", "Origin": "https://rd.example.com"}
    assert call(deployed, "POST", "/clock", json={"advance_seconds": 1}, headers=same_site).status_code == 200
    foreign = {**AUTH, "Host": "rd.example.com", "Origin": EVIL}
    assert_error(call(deployed, "POST", "/clock", json={"advance_seconds": 1}, headers=foreign), 403, "forbidden")
    assert_error(call(deployed, "POST", "/reset", headers={"Host": "rd.example.com"}), 401, "unauthorized")
    assert call(deployed, "POST", "/clock", json={"offset_seconds": 0}, headers=AUTH).status_code == 200


def test_configured_hosts_are_served_and_checked_with_a_token_too(tmp_path: Path) -> None:
    server = _serve(tmp_path, OPENRD_ADMIN_TOKEN=TOKEN, OPENRD_ALLOWED_HOSTS="rd.example.com,openrd.test")
    try:
        for host in ("rd.example.com:443", "openrd.test", "127.0.0.1"):
            assert call(server, "GET", "/clock", headers={**AUTH, "Host": host}).status_code == 200
        assert_error(call(server, "GET", "/clock", headers={**AUTH, "Host": "attacker.example"}), 403, "forbidden")
        origin = {**AUTH, "Origin": "https://openrd.test"}
        assert call(server, "POST", "/clock", json={"advance_seconds": 0}, headers=origin).status_code == 200
    finally:
        server.stop()
