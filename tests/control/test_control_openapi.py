"""The control API's OpenAPI document (``GET /_openrd/openapi.json``): valid, complete, and true to the server.

The document is checked against the routes the app registers; then schemathesis fuzzes every operation on a server
of this module's own (the fuzz wipes the world and moves the clock), once operation by operation (examples, the
coverage phase and random positive and negative data) and once statefully, following the document's links
(account → RAM user / role → STS → AccessKeys) so that ids exist. Every response must be documented: no 5xx, and
status code, content type and body as described. Then one regression test per bug the fuzzing found, on SQLite
and PostgreSQL.

``OPENRD_FUZZ_EXAMPLES`` raises the number of examples per operation (and stateful scenarios) for a deeper run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis.generation.case import Case
from starlette.routing import Route

from openrd.bootstrap import build_app, build_runtime
from openrd.config import load_settings
from openrd.control.openapi import openapi_document
from openrd.domain.sites import BUILTIN_SITES
from support.control import JSON, assert_error, parse_rfc3339_z

TOKEN = "openapi-fuzz-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = int(os.environ.get("OPENRD_FUZZ_EXAMPLES", "40"))
METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
# Bodies that can match the document and still be refused with 400, for rules a schema cannot state: a phone
# number no numbering plan knows or the site does not take, a policy document inside a JSON string, a clock
# offset beyond 100 years. For these the fuzz does not demand that schema-valid data be accepted; every other
# check still applies.
SEMANTIC_400 = ["createAccount", "patchAccount", "createRamUser", "createRamRole", "setClock", "assumeRole"]


def _documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item if method in METHODS}


def _registered(routes: list[Any]) -> set[tuple[str, str]]:
    """The control routes of the app: everything but the Alibaba front door and the console page."""
    found: set[tuple[str, str]] = set()
    for route in routes:
        assert isinstance(route, Route)
        if route.path == "/" or route.path.startswith("/_openrd/console"):
            continue
        found |= {(method, route.path) for method in route.methods or () if method != "HEAD"}
    return found


# ------------------------------------------------------------------------------------------------ the document
def test_document_is_valid_openapi() -> None:
    document = openapi_document(sites=BUILTIN_SITES)
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_document_covers_exactly_the_registered_control_routes(tmp_path: Path) -> None:
    env = {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "openapi-test-key", "HOME": str(tmp_path)}
    runtime = build_runtime(load_settings(env))
    try:
        registered = _registered(list(build_app(runtime).routes))
    finally:
        runtime.close()
    assert ("GET", "/_openrd/openapi.json") in registered
    assert ("GET", "/metrics") in registered
    assert _documented(openapi_document(sites=BUILTIN_SITES)) == registered


def test_document_names_the_configured_sites() -> None:
    document = openapi_document(sites=["jp", "cn"])
    assert document["components"]["schemas"]["AccountPatch"]["properties"]["site"] == {"enum": ["cn", "jp"]}


# ------------------------------------------------------------------------------------------------ the live server
@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory, start_server: Any) -> Iterator[Any]:
    """A server for this module alone, with an admin token: the fuzz wipes its world and moves its clock."""
    tmp = tmp_path_factory.mktemp("openapi")
    env = {
        "OPENRD_DATA_DIR": str(tmp / "data"),
        "OPENRD_SECRET_KEY": "openapi-fuzz-key",
        "HOME": str(tmp),
        "OPENRD_ADMIN_TOKEN": TOKEN,
        # With allowed hosts configured the Host is checked in token mode too: the fuzz runs with every rule on.
        "OPENRD_ALLOWED_HOSTS": "openrd.test",
    }
    live, _, _ = start_server(env)
    yield live
    live.live.stop()


def test_the_server_serves_the_document(fuzz_server: Any) -> None:
    response = fuzz_server.control("GET", "/openapi.json", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == openapi_document(sites=BUILTIN_SITES)
    assert_error(fuzz_server.control("GET", "/openapi.json"), 401, "unauthorized")


# The schema is built in-process, so the fuzz is parametrized at collection time (one test per operation); the
# test above proves the server serves this very document. schemathesis.pytest.from_fixture, the loader that would
# fetch it from the live server, does not run under pytest 9.2 (it writes Node._nodeid).
schema = schemathesis.openapi.from_dict(
    openapi_document(sites=BUILTIN_SITES),
    config=schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"adminToken": {"bearer": TOKEN}}},
            # The token is the configured one, not fuzzed: negative data goes to parameters and bodies.
            # (The `ignored_auth` check still proves a call without it is refused.)
            "generation": {"max-examples": EXAMPLES, "database": "none", "with-security-parameters": False},
            "operations": [
                {"include-operation-id": SEMANTIC_400, "checks": {"positive_data_acceptance": {"enabled": False}}}
            ],
        }
    ),
)


def _reached_the_handler(case: Case[Any], response: Any) -> None:
    """The Host, Origin and body rules must not stop the fuzz short of the handlers: schemathesis addresses
    127.0.0.1 and sends JSON, so a 403 would be the rules misfiring and a 415 may only answer a non-JSON body."""
    assert response.status_code != 403, response.text
    if response.status_code == 415:
        sent = response.request.headers.get("Content-Type") or ""  # negative cases override the case's media type
        assert sent.split(";")[0].strip().lower() != "application/json", f"a JSON body was refused: {response.text}"


@schema.parametrize()
def test_fuzz_the_control_api(case: Case[Any], fuzz_server: Any) -> None:
    _reached_the_handler(case, case.call_and_validate(base_url=fuzz_server.url))


def test_fuzz_the_control_api_statefully(fuzz_server: Any) -> None:
    """Follow the document's links, so calls reach existing accounts, roles and AccessKeys and succeed."""
    url = fuzz_server.url

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            fuzz_server.control("POST", "/reset", headers=AUTH)  # every scenario starts from the same world

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"base_url": url}

        def after_call(self, response: Any, case: Case[Any]) -> None:
            _reached_the_handler(case, response)

    Machine.run(
        settings=hypothesis.settings(
            max_examples=EXAMPLES,
            stateful_step_count=10,
            phases=[hypothesis.Phase.generate],  # the server's state cannot be replayed: no shrinking
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


# ------------------------------------------------------------------------------------------------ regressions
# What the fuzzing (or reading the handlers for the document) found; each was a 500, a 405 without the path's
# methods, or input accepted against the documented format. Both stores: some only failed on PostgreSQL.
def test_405_names_every_method_of_the_path(fuzz_server: Any) -> None:
    """Two methods on one path were two routes, and a 405's Allow header named only the first one's."""
    for path, methods in [("/accounts", {"GET", "POST"}), ("/accounts/1234567890123456", {"GET", "PATCH"})]:
        response = fuzz_server.control("DELETE", path, headers=AUTH)
        assert_error(response, 405, "method_not_allowed")
        assert {m.strip() for m in response.headers["allow"].split(",")} == {*methods, "HEAD"}
    assert fuzz_server.control("HEAD", "/accounts", headers=AUTH).status_code == 200


@pytest.mark.parametrize("path", ["/_openrd/no-such-thing", "/_openrd/accounts/1/nothing", "/favicon.ico", "/a/b"])
def test_paths_nothing_answers_get_the_control_apis_json_error(fuzz_server: Any, path: str) -> None:
    """Starlette's own 404 was plain text ("Not Found"): a client of the control API parses JSON."""
    response = httpx.get(fuzz_server.url + path, headers=AUTH, timeout=30)
    assert_error(response, 404, "not_found")
    assert "/_openrd/openapi.json" in response.json()["message"]


@pytest.mark.parametrize("path", ["/sms", "/audit"])
@pytest.mark.parametrize("limit", ["²", "١", "9" * 5000, "+5", " 5", "0", "1001", ""])
def test_limit_takes_ascii_digits_only(live: Any, path: str, limit: str) -> None:
    """``int()`` choked on "²" and on 5,000 digits (500) and took other scripts' digits (U+0661 was 1)."""
    assert_error(live.control("GET", path, params={"limit": limit}), 400, "invalid")


@pytest.mark.parametrize(("path", "limit"), [("/sms", "1000"), ("/audit", "0007")])
def test_limit_still_takes_whole_numbers(live: Any, path: str, limit: str) -> None:
    assert live.control("GET", path, params={"limit": limit}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b'{"display_name": "\\ud800"}',
        b'{"display_name": "Acme", "enterprise_name": "x\\udfffy"}',
        b'{"display_name": "Acme", "\\ud83d": 1}',
    ],
)
def test_lone_surrogates_in_the_body_are_refused(live: Any, body: bytes) -> None:
    """A JSON escape such as \\ud800 is no character: storing or echoing it failed with a 500."""
    assert_error(live.control("POST", "/accounts", content=body, headers=JSON), 400, "invalid")
    assert live.control("GET", "/accounts").json() == {"accounts": []}


def test_a_paired_surrogate_escape_is_one_character(live: Any) -> None:
    response = live.control(
        "POST", "/accounts", content=b'{"display_name": "\\ud83d\\ude00", "name": "smile"}', headers=JSON
    )
    assert response.status_code == 201, response.text
    account = live.control("GET", f"/accounts/{response.json()['account_id']}").json()
    assert account["display_name"] == "\U0001f600"


def test_a_body_nested_too_deeply_is_refused(live: Any) -> None:
    """The JSON parser's RecursionError was a 500."""
    assert_error(
        live.control("POST", "/accounts", content=b"[" * 100_000 + b"]" * 100_000, headers=JSON), 400, "invalid"
    )
    body = b'{"display_name": "Acme", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert_error(live.control("POST", "/accounts", content=body, headers=JSON), 400, "invalid")


@pytest.mark.parametrize("kind", ["ram-users", "ram-roles"])
def test_a_policy_document_string_nested_too_deeply_is_refused(live: Any, kind: str) -> None:
    """A policy document given as a JSON string was parsed by the service, whose RecursionError was a 500."""
    account = live.make_account()["account_id"]
    document = '{"Version": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = live.control("POST", f"/accounts/{account}/{kind}", json={"name": "deep", "policies": [document]})
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_json_number_constants_are_refused(live: Any, constant: bytes) -> None:
    body = b'{"advance_seconds": ' + constant + b"}"
    assert_error(live.control("POST", "/clock", content=body, headers=JSON), 400, "invalid")


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/accounts/%00", "GET"),
        ("/accounts/%00", "PATCH"),
        ("/accounts/12345678%0090123456/ram-users", "POST"),
        ("/accounts/%00/ram-roles", "POST"),
        ("/accounts/%00/access-keys", "POST"),
        ("/access-keys/LTAI%00/disable", "POST"),
        ("/sms/%00/retry", "POST"),
    ],
)
def test_an_id_with_nul_names_nothing(live: Any, path: str, method: str) -> None:
    """PostgreSQL refuses NUL in a query parameter: looking such an id up was a 500 there."""
    assert_error(live.control(method, path, json={"name": "x"}), 404, "not_found")


@pytest.mark.parametrize("value", ["ACME\x00Ltd", "A" * 257, "ACME\x01Ltd", "ACME\nLtd", "ACME\x7f"])
def test_enterprise_name_fits_every_store(live: Any, value: str) -> None:
    """PostgreSQL refuses NUL in text and more than the column's 256 characters: both were 500s there. Other control
    characters are refused as in display_name: they would reach the OpenAPI's XML answers."""
    created = live.control("POST", "/accounts", json={"display_name": "Acme", "enterprise_name": value})
    assert_error(created, 400, "invalid")
    account = live.make_account()["account_id"]
    assert_error(live.control("PATCH", f"/accounts/{account}", json={"enterprise_name": value}), 400, "invalid")
    response = live.control("PATCH", f"/accounts/{account}", json={"enterprise_name": "A" * 256})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "now",
    [
        "2030-01-01 00:00:00+00:00",  # no T
        "20300101T000000Z",  # basic format
        "2030-W01-1T00:00:00Z",  # ISO week date
        "2030-01-01T00:00:00+00:00:30",  # seconds in the offset
        "2030-01-01T00:00Z",  # no seconds
        "２０３０-01-01T00:00:00Z",  # full-width digits
    ],
)
def test_clock_now_must_be_rfc3339(live: Any, now: str) -> None:
    """``datetime.fromisoformat`` took all of these; the message and docs/behaviour.md#control-api-errors say
    RFC 3339."""
    assert_error(live.control("POST", "/clock", json={"now": now}), 400, "invalid")
    assert live.control("GET", "/clock").json()["offset_seconds"] == 0


@pytest.mark.parametrize("now", ["2030-01-01T00:00:00Z", "2030-01-01t00:00:00.5z", "2030-01-01T08:00:00+08:00"])
def test_clock_now_takes_rfc3339(live: Any, now: str) -> None:
    response = live.control("POST", "/clock", json={"now": now})
    assert response.status_code == 200, response.text
    target = datetime(2030, 1, 1, tzinfo=UTC)
    assert abs(parse_rfc3339_z(response.json()["now"]) - target) < timedelta(seconds=5)
