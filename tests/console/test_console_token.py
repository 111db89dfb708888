"""Who may open the console: loopback without a token; with OPENRD_ADMIN_TOKEN, the token as a header, a
``?token=`` on the page (answered with a console-scoped cookie holding a value derived from the token) or that
cookie; the control API itself takes only the header. The token itself is never in the page or the cookie."""

from __future__ import annotations

import asyncio

import httpx
from starlette.requests import Request

from openrd.bootstrap import build_app
from openrd.console.app import TOKEN_COOKIE, console_session, with_browser_token
from openrd.testing.server import LiveServer
from support.console import ADMIN_TOKEN, EVENTS, PAGE, Page, next_snapshot, sse_events

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


def test_the_header_opens_the_page_and_the_token_is_nowhere_in_it(token_server: LiveServer) -> None:
    """The page once carried the token in a <meta> for its script: any script on the page could read it."""
    response = httpx.get(token_server.url + PAGE, headers=BEARER, timeout=10)
    assert response.status_code == 200
    assert ADMIN_TOKEN not in response.text
    assert Page(response.text).find("meta", name="openrd-admin-token") == []
    (body,) = Page(response.text).find("body")
    assert body.attrs["data-clock-url"] == f"{PAGE}/clock"  # the console's own route, authorized by the cookie


def test_a_query_token_becomes_a_session_cookie_and_leaves_the_address(token_server: LiveServer) -> None:
    with httpx.Client(base_url=token_server.url, timeout=10) as browser:
        response = browser.get(PAGE, params={"token": ADMIN_TOKEN, "result": "failure"})
        assert response.status_code == 303
        assert response.headers["location"] == f"{PAGE}?result=failure"
        cookie = response.headers["set-cookie"]
        assert ADMIN_TOKEN not in cookie  # the cookie's value once was the token itself
        assert f"{TOKEN_COOKIE}={console_session(ADMIN_TOKEN)}" in cookie
        for attribute in ("httponly", "samesite=strict", f"path={PAGE}"):
            assert attribute in cookie.lower()
        assert "secure" not in cookie.lower()  # plain HTTP, no proxy configured
        assert response.headers["referrer-policy"] == "no-referrer"

        page = browser.get(response.headers["location"])  # the client sends the cookie back
        assert page.status_code == 200
        assert ADMIN_TOKEN not in page.text
        assert Page(page.text).find("option", value="failure")[0].attrs.get("selected") is not None
        assert browser.get(f"{PAGE}/static/console.css").status_code == 200
        with browser.stream("GET", EVENTS) as stream:
            assert stream.status_code == 200
            assert next_snapshot(sse_events(stream)).json()["offset_seconds"] == 0
        moved = browser.post(f"{PAGE}/clock", json={"advance_seconds": 60})
        assert moved.status_code == 200, moved.text
        assert moved.json()["offset_seconds"] == 60
        assert browser.post(f"{PAGE}/clock", json={"offset_seconds": 0}).status_code == 200

        # The cookie is the console's: the control API still wants the header.
        assert browser.get("/_openrd/sms").status_code == 401
        assert browser.get("/_openrd/sms", params={"token": ADMIN_TOKEN}).status_code == 401
        assert browser.post("/_openrd/clock", json={"advance_seconds": 1}).status_code == 401
        assert browser.get("/_openrd/sms", headers=BEARER).status_code == 200


def test_a_cookie_holding_the_token_itself_is_refused(token_server: LiveServer) -> None:
    """Only the derived session value opens the console; the raw token in the cookie (the old format) does not."""
    for cookie in (ADMIN_TOKEN, console_session(ADMIN_TOKEN)[:-1], console_session("other-token")):
        refused = httpx.get(token_server.url + PAGE, cookies={TOKEN_COOKIE: cookie}, timeout=10)
        assert refused.status_code == 401
        moved = httpx.post(
            token_server.url + f"{PAGE}/clock", json={"advance_seconds": 5}, cookies={TOKEN_COOKIE: cookie}, timeout=10
        )
        assert moved.status_code == 401
    assert httpx.get(token_server.url + "/_openrd/clock", headers=BEARER, timeout=10).json()["offset_seconds"] == 0


def test_the_events_stream_and_assets_refuse_a_query_token(token_server: LiveServer) -> None:
    """The stream accepted ``?token=`` and left it in the URL (logs, history) for as long as it ran."""
    session = {TOKEN_COOKIE: console_session(ADMIN_TOKEN)}
    for path in (EVENTS, f"{PAGE}/static/console.js"):
        for cookies in ({}, session):
            refused = httpx.get(token_server.url + path, params={"token": ADMIN_TOKEN}, cookies=cookies, timeout=10)
            assert refused.status_code == 401
            assert refused.json()["error"] == "unauthorized"
            assert f"{PAGE}?token=" in refused.json()["message"]
    with httpx.stream("GET", token_server.url + EVENTS, cookies=session, timeout=10) as stream:
        assert stream.status_code == 200


def test_without_a_configured_token_only_loopback_clients_get_in(console_server: LiveServer) -> None:
    assert httpx.get(console_server.url + PAGE, params={"token": "anything"}, timeout=10).status_code == 200

    async def from_elsewhere() -> httpx.Response:
        transport = httpx.ASGITransport(app=build_app(console_server.runtime), client=("192.0.2.7", 40000))
        # A loopback Host, so that the peer's address is what is refused (test_control_browser.py: the Host).
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as client:
            return await client.get(PAGE)

    response = asyncio.run(from_elsewhere())
    assert response.status_code == 403
    assert "OPENRD_ADMIN_TOKEN" in response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def _request(query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None) -> Request:
    return Request({"type": "http", "method": "GET", "path": PAGE, "query_string": query, "headers": headers or []})


def test_the_browser_token_is_presented_as_the_bearer_header() -> None:
    session = f"{TOKEN_COOKIE}={console_session('abc')}".encode()
    assert with_browser_token(_request(b"token=abc"), "abc", query_token=True).headers["authorization"] == "Bearer abc"
    from_cookie = with_browser_token(_request(headers=[(b"cookie", session)]), "abc", query_token=False)
    assert from_cookie.headers["authorization"] == "Bearer abc"
    # Where the route takes no query token, only the cookie counts; without a configured token, nothing does.
    assert "authorization" not in with_browser_token(_request(b"token=abc"), "abc", query_token=False).headers
    assert "authorization" not in with_browser_token(_request(b"token=abc"), None, query_token=True).headers
    raw = [(b"cookie", f"{TOKEN_COOKIE}=abc".encode())]
    assert "authorization" not in with_browser_token(_request(headers=raw), "abc", query_token=False).headers
    # An explicit header wins; a token that cannot be a header value is not smuggled into one.
    explicit = [(b"authorization", b"Bearer mine")]
    assert with_browser_token(_request(b"token=abc", explicit), "abc", query_token=True).headers["authorization"] == (
        "Bearer mine"
    )
    assert "authorization" not in with_browser_token(_request(b"token=a%0D%0Ab"), "abc", query_token=True).headers
    assert "authorization" not in with_browser_token(_request(b"token=%E2%82%AC"), "abc", query_token=True).headers
