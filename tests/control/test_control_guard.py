"""Control API access rules (docs/behaviour.md#control-api-access): the admin token when configured, loopback-only
otherwise; health needs neither."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from openrd.bootstrap import build_app, build_runtime
from openrd.config import load_settings
from support.control import assert_error

TOKEN = "s3cret-admin-token"
GUARDED = [
    ("GET", "/accounts", None),
    ("POST", "/accounts", {"display_name": "x"}),
    ("GET", "/accounts/1234567890123456", None),
    ("PATCH", "/accounts/1234567890123456", {"site": "cn"}),
    ("POST", "/accounts/1234567890123456/ram-users", {"name": "u"}),
    ("POST", "/accounts/1234567890123456/ram-roles", {"name": "r"}),
    ("POST", "/sts/assume-role", {"role_arn": "acs:ram::1234567890123456:role/r", "session_name": "s1"}),
    ("POST", "/access-keys/LTAIx/disable", None),
    ("GET", "/clock", None),
    ("POST", "/clock", {"advance_seconds": 1}),
    ("POST", "/reset", None),
]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "OPENRD_DATA_DIR": str(tmp_path / "data"),
        "OPENRD_SECRET_KEY": "guard-test-key",
        "HOME": str(tmp_path),
        **extra,
    }


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory, start_server: Any) -> Iterator[Any]:
    live, uv, thread = start_server(_env(tmp_path_factory.mktemp("guard"), OPENRD_ADMIN_TOKEN=TOKEN))
    yield live
    uv.should_exit = True
    thread.join(timeout=10)
    live.runtime.close()


# ------------------------------------------------------------------------------------------------ admin token
@pytest.mark.parametrize(("method", "path", "body"), GUARDED)
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"bearer {TOKEN}",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer",
        "Bearer  " + TOKEN,
    ],
)
def test_missing_or_wrong_token_is_unauthorized(
    token_server: Any, method: str, path: str, body: Any, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = token_server.control(method, path, json=body, headers=headers)
    assert_error(response, 401, "unauthorized")


def test_unauthorized_calls_change_nothing(token_server: Any) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    created = token_server.control("POST", "/accounts", json={"display_name": "Keep"}, headers=auth)
    assert created.status_code == 201
    assert token_server.control("POST", "/reset").status_code == 401
    assert token_server.control("POST", "/accounts", json={"display_name": "Intruder"}).status_code == 401
    listed = token_server.control("GET", "/accounts", headers=auth).json()["accounts"]
    assert [a["display_name"] for a in listed] == ["Keep"]
    assert token_server.control("POST", "/reset", headers=auth).status_code == 204


def test_right_token_works(token_server: Any) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert token_server.control("POST", "/reset", headers=auth).status_code == 204
    created = token_server.control("POST", "/accounts", json={"display_name": "Acme"}, headers=auth)
    assert created.status_code == 201, created.text
    account_id = created.json()["account_id"]
    assert token_server.control("GET", f"/accounts/{account_id}", headers=auth).status_code == 200
    assert (
        token_server.control("POST", "/clock", json={"advance_seconds": 5}, headers=auth).json()["offset_seconds"] == 5
    )
    assert token_server.control("POST", "/reset", headers=auth).status_code == 204


def test_health_needs_no_token(token_server: Any) -> None:
    response = token_server.control("GET", "/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_ready_needs_no_token_and_reports_ready(token_server: Any) -> None:
    """``GET /_openrd/ready`` → 200 when the database is reachable and migrated; no token
    (docs/behaviour.md#control-api-access)."""
    assert token_server.control("GET", "/ready").status_code == 200


# ------------------------------------------------------------------------------------------------ loopback rule
@pytest.fixture
def app_factory(tmp_path: Path) -> Iterator[Any]:
    runtimes: list[Any] = []

    def make(**extra: str) -> Starlette:
        runtime = build_runtime(load_settings(_env(tmp_path, **extra)))
        runtimes.append(runtime)
        return build_app(runtime)

    yield make
    for runtime in runtimes:
        runtime.close()


def _call(app: Starlette, host: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    # The Host is a loopback one: these tests are about the client's address (test_control_browser.py: the Host).
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(host, 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as client:
            return await client.request(method, f"/_openrd{path}", **kwargs)

    return asyncio.run(go())


@pytest.mark.parametrize(("method", "path", "body"), GUARDED)
@pytest.mark.parametrize("host", ["203.0.113.9", "10.0.0.5", "2001:db8::1", "example.com", "testclient"])
def test_remote_clients_are_forbidden_without_a_token(
    app_factory: Any, method: str, path: str, body: Any, host: str
) -> None:
    app = app_factory()
    assert_error(_call(app, host, method, path, json=body), 403, "forbidden")


def test_forbidden_calls_change_nothing(app_factory: Any) -> None:
    app = app_factory()
    created = _call(app, "127.0.0.1", "POST", "/accounts", json={"display_name": "Keep"})
    assert created.status_code == 201
    assert _call(app, "203.0.113.9", "POST", "/reset").status_code == 403
    listed = _call(app, "127.0.0.1", "GET", "/accounts").json()["accounts"]
    assert [a["display_name"] for a in listed] == ["Keep"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost"])
def test_loopback_clients_need_no_token(app_factory: Any, host: str) -> None:
    app = app_factory()
    response = _call(app, host, "POST", "/accounts", json={"display_name": "Acme"})
    assert response.status_code == 201, response.text


def test_remote_client_may_read_health(app_factory: Any) -> None:
    response = _call(app_factory(), "203.0.113.9", "GET", "/health")
    assert response.status_code == 200
    assert response.json()["store"] == "sqlite"


def test_remote_client_with_the_token_is_allowed(app_factory: Any) -> None:
    app = app_factory(OPENRD_ADMIN_TOKEN=TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert _call(app, "203.0.113.9", "POST", "/accounts", json={"display_name": "A"}, headers=auth).status_code == 201
    # with a token configured, a wrong or missing one is 401 for everybody, loopback included
    assert_error(_call(app, "203.0.113.9", "GET", "/accounts"), 401, "unauthorized")
    assert_error(_call(app, "127.0.0.1", "GET", "/accounts"), 401, "unauthorized")
