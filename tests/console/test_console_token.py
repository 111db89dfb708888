"""Who may open the console: loopback without a token; with OPENRD_ADMIN_TOKEN, the token as a header, a
``?token=`` (moved into a console-scoped cookie) or that cookie; the control API itself takes only the header."""

from __future__ import annotations

import asyncio

import httpx
from console_helpers import ADMIN_TOKEN, EVENTS, PAGE, Page, next_snapshot, sse_events
from starlette.requests import Request

from openrd.bootstrap import build_app
from openrd.console.app import TOKEN_COOKIE, with_browser_token
from openrd.testing.server import LiveServer

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_without_the_token_the_page_explains_how_to_open_it(token_server: LiveServer) -> None:
    response = httpx.get(token_server.url + PAGE, timeout=10)
    assert response.status_code == 401
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "?token=" in response.text
    assert ADMIN_TOKEN not in response.text
    for path in (EVENTS, f"{PAGE}/static/console.js"):
        refused = httpx.get(token_server.url + path, timeout=10)
        assert refused.status_code == 401
        assert refused.json()["error"] == "unauthorized"


def test_a_wrong_token_is_refused_however_it_comes(token_server: LiveServer) -> None:
    url = token_server.url + PAGE
    assert httpx.get(url, params={"token": "nope"}, timeout=10).status_code == 401
    assert httpx.get(url, cookies={TOKEN_COOKIE: "nope"}, timeout=10).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer nope"}, timeout=10).status_code == 401


def test_the_header_opens_the_page_and_hands_the_token_to_its_script(token_server: LiveServer) -> None:
    response = httpx.get(token_server.url + PAGE, headers=BEARER, timeout=10)
    assert response.status_code == 200
    (meta,) = Page(response.text).find("meta", name="openrd-admin-token")
    assert meta.attrs["content"] == ADMIN_TOKEN


def test_a_query_token_becomes_a_cookie_and_leaves_the_address(token_server: LiveServer) -> None:
    with httpx.Client(base_url=token_server.url, timeout=10) as browser:
        response = browser.get(PAGE, params={"token": ADMIN_TOKEN, "result": "failure"})
        assert response.status_code == 303
        assert response.headers["location"] == f"{PAGE}?result=failure"
        cookie = response.headers["set-cookie"].lower()
        assert f"{TOKEN_COOKIE}={ADMIN_TOKEN}".lower() in cookie
        for attribute in ("httponly", "samesite=strict", f"path={PAGE}"):
            assert attribute in cookie
        assert response.headers["referrer-policy"] == "no-referrer"

        page = browser.get(response.headers["location"])  # the client sends the cookie back
        assert page.status_code == 200
        assert Page(page.text).find("option", value="failure")[0].attrs.get("selected") is not None
        assert browser.get(f"{PAGE}/static/console.css").status_code == 200
        with browser.stream("GET", EVENTS) as stream:
            assert stream.status_code == 200
            assert next_snapshot(sse_events(stream)).json()["offset_seconds"] == 0

        # The cookie is the console's: the control API still wants the header (A9).
        assert browser.get("/_openrd/sms").status_code == 401
        assert browser.get("/_openrd/sms", params={"token": ADMIN_TOKEN}).status_code == 401
        assert browser.get("/_openrd/sms", headers=BEARER).status_code == 200


def test_the_events_stream_takes_the_query_token_too(token_server: LiveServer) -> None:
    with httpx.stream("GET", token_server.url + EVENTS, params={"token": ADMIN_TOKEN}, timeout=10) as stream:
        assert stream.status_code == 200


def test_without_a_configured_token_only_loopback_clients_get_in(console_server: LiveServer) -> None:
    assert httpx.get(console_server.url + PAGE, params={"token": "anything"}, timeout=10).status_code == 200

    async def from_elsewhere() -> httpx.Response:
        transport = httpx.ASGITransport(app=build_app(console_server.runtime), client=("192.0.2.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://openrd.example") as client:
            return await client.get(PAGE)

    response = asyncio.run(from_elsewhere())
    assert response.status_code == 403
    assert "OPENRD_ADMIN_TOKEN" in response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def _request(query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None) -> Request:
    return Request({"type": "http", "method": "GET", "path": PAGE, "query_string": query, "headers": headers or []})


def test_the_browser_token_is_presented_as_the_bearer_header() -> None:
    assert with_browser_token(_request(b"token=abc")).headers["authorization"] == "Bearer abc"
    cookie = [(b"cookie", f"{TOKEN_COOKIE}=xyz".encode())]
    assert with_browser_token(_request(headers=cookie)).headers["authorization"] == "Bearer xyz"
    # An explicit header wins; a token that cannot be a header value is not smuggled into one.
    explicit = [(b"authorization", b"Bearer mine")]
    assert with_browser_token(_request(b"token=abc", explicit)).headers["authorization"] == "Bearer mine"
    assert "authorization" not in with_browser_token(_request(b"token=a%0D%0Ab")).headers
    assert "authorization" not in with_browser_token(_request(b"token=%E2%82%AC")).headers
