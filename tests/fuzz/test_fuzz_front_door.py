"""Hostile input at the front door: whatever arrives, the answer is a well-formed Alibaba envelope, never a 500.

Property-based (hypothesis) over the whole ASGI app in-process: query strings, headers, bodies, encodings and
sizes; plus the two signature verifiers with forged Authorization headers and parameters.
"""

from __future__ import annotations

import asyncio
import json
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openrd.bootstrap import Runtime, build_app, build_runtime
from openrd.config import load_settings

COMMON = ["Action", "Version", "Format", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion",
          "SignatureNonce", "Timestamp", "SecurityToken", "AccountId", "SecureMobilePhone", "VerificationCode",
          "EnableMode", "PageSize", "PageNumber", "Tag.1.Key", "Tag.1.Value"]  # fmt: skip
ACTIONS = ["GetAccount", "BindSecureMobilePhone", "EnableResourceDirectory", "GetCallerIdentity", "Nope", ""]
VERSIONS = ["2020-03-31", "2022-04-19", "2015-04-01", "2019-01-01", ""]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
names = st.one_of(st.sampled_from(COMMON), st.text(string.ascii_letters + "._-", min_size=1, max_size=20))
values = st.one_of(text, st.sampled_from(ACTIONS + VERSIONS + ["JSON", "XML", "yaml", "HMAC-SHA1", "1.0", "True"]))


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data = tmp_path_factory.mktemp("fuzz")
    rt = build_runtime(load_settings({"OPENRD_DATA_DIR": str(data), "OPENRD_SECRET_KEY": "k", "HOME": str(data)}))
    yield rt
    rt.close()


def call(runtime: Runtime, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=build_app(runtime), client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://openrd.test") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


def assert_envelope(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    if response.status_code == 200:
        return
    if response.headers["content-type"].startswith("text/xml"):
        root = ElementTree.fromstring(response.content)
        assert root.tag == "Error"
        fields = {child.tag: child.text for child in root}
    else:
        fields = json.loads(response.content)
    for key in ("RequestId", "HostId", "Code", "Message", "Recommend"):
        assert fields.get(key), (key, response.text)


@FUZZ
@given(params=st.lists(st.tuples(names, values), max_size=12), method=st.sampled_from(["GET", "POST"]))
def test_any_query_gets_an_envelope(runtime: Runtime, params: list[tuple[str, str]], method: str) -> None:
    assert_envelope(call(runtime, method, "/", params=params))


@FUZZ
@given(raw=st.binary(max_size=300))
def test_raw_query_bytes_get_an_envelope(runtime: Runtime, raw: bytes) -> None:
    query = raw.decode("latin-1").replace("#", "%23").replace(" ", "%20")
    assert_envelope(call(runtime, "POST", "/?" + "".join(ch if ch.isprintable() else "%00" for ch in query)))


@FUZZ
@given(
    body=st.binary(max_size=500),
    content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/json", "text/plain"]),
)
def test_any_body_gets_an_envelope(runtime: Runtime, body: bytes, content_type: str) -> None:
    assert_envelope(call(runtime, "POST", "/", content=body, headers={"content-type": content_type}))


v3_headers = st.fixed_dictionaries(
    {
        "authorization": st.one_of(
            st.just("ACS3-HMAC-SHA256 Credential=LTAIxxxx,SignedHeaders=host;x-acs-action,Signature=" + "a" * 64),
            st.builds(lambda s: "ACS3-HMAC-SHA256 " + s, text),
            st.builds(lambda s: "ACS3-" + s, text),
        ),
        "x-acs-action": st.sampled_from(ACTIONS),
        "x-acs-version": st.sampled_from(VERSIONS),
        "x-acs-date": st.one_of(st.just("2026-11-23T13:04:49Z"), text.map(lambda s: s.replace("\n", ""))),
        "x-acs-signature-nonce": st.text(string.printable.strip(), max_size=200),
        "x-acs-content-sha256": st.text("0123456789abcdef", max_size=64),
    },
    optional={"x-acs-security-token": st.text(string.printable.strip(), max_size=80)},
)


@FUZZ
@given(headers=v3_headers, body=st.binary(max_size=64))
def test_forged_v3_requests_get_an_envelope(runtime: Runtime, headers: dict[str, str], body: bytes) -> None:
    safe = {k: v.encode("ascii", "replace").decode() for k, v in headers.items()}
    assert_envelope(call(runtime, "POST", "/", headers=safe, content=body))


def test_oversized_body_is_refused_with_an_envelope(runtime: Runtime) -> None:
    response = call(runtime, "POST", "/?Format=XML", content=b"a=" + b"x" * (2 * 1024 * 1024))
    assert response.status_code == 400
    assert ElementTree.fromstring(response.content).findtext("Code") == "InvalidParameter.RequestTooLarge"


def test_sources_do_not_leak_tracebacks_for_unknown_paths(runtime: Runtime) -> None:
    response = call(runtime, "GET", "/nothing/here")
    assert response.status_code == 404
    assert "Traceback" not in response.text
    assert Path(__file__).name not in response.text
