"""curl-like bad requests: whatever arrives, the answer is an Alibaba error envelope in JSON or XML — never a 500,
never a traceback (docs/behaviour.md#errors)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest

from support.compat import World
from support.servers import LiveServer
from support.wire import Envelope, Wire

JSON_TYPE = "application/json;charset=utf-8"
XML_TYPE = "text/xml;charset=utf-8"


def parse_error(response: Any) -> dict[str, Any]:
    """Any 4xx envelope, in whichever format the server chose; the envelope itself is checked by the caller."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    content_type = response.headers["content-type"]
    if content_type == XML_TYPE:
        root = ET.fromstring(response.content)
        assert root.tag == "Error"
        return {child.tag: child.text or "" for child in root}
    assert content_type == JSON_TYPE, content_type
    return dict(json.loads(response.content))


def test_no_signature_at_all(wire: Wire, envelope: Envelope) -> None:
    """``curl http://host/``: V1 with nothing in it; no Format means XML (docs/behaviour.md#json-and-xml)."""
    body = envelope.error(wire.raw("GET"), 400, "MissingParameter", xml=True)
    assert '"AccessKeyId"' in body["Message"]
    body = envelope.error(wire.raw("POST", "Format=JSON"), 400, "MissingParameter")
    assert '"AccessKeyId"' in body["Message"]


@pytest.mark.parametrize(
    "query",
    [
        "%%%&&==&a=b=c&Format=JSON",
        "Format=JSON&=&==&&&;;",
        "Format=JSON&Action",
        "Format=JSON&%zz=%zz",
        "Format=JSON&Action=%FF%FE&Version=%C3%28&AccessKeyId=%80%80",
        "Format=%FF%FE",
        "Format=JSON&Action=GetResourceDirectory&Version=2020-03-31&AccessKeyId=%ED%A0%80&Signature=x"
        "&Timestamp=2024-01-01T00:00:00Z&SignatureNonce=%C0%AF",
        "Format=JSON&AccessKeyId=a%00b&Signature=x&Timestamp=x&SignatureNonce=x&Action=GetResourceDirectory"
        "&Version=2020-03-31",
        "Format=JSON&AccessKeyId=" + "K" * 5000 + "&Signature=x&Timestamp=x&SignatureNonce=x"
        "&Action=GetResourceDirectory&Version=2020-03-31",
        "Format=JSON&" + "&".join(f"p{i}=v" for i in range(2001)),
        "Format=JSON&Action=" + "A" * 20000,
    ],
    ids=[
        "garbage",
        "empty-names",
        "no-value",
        "bad-escapes",
        "invalid-utf8",
        "invalid-utf8-format",
        "surrogates",
        "nul",
        "long-access-key",
        "too-many-fields",
        "long-value",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_garbage_query(wire: Wire, envelope: Envelope, query: str, method: str) -> None:
    body = parse_error(wire.raw(method, query))
    envelope.check(body, body["Code"], version=None)


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00garbage", b"Format=JSON&Action=%FF", b"=&&==%", b"Format=JSON&" + b"a=b&" * 3000],
    ids=["binary", "invalid-utf8", "garbage", "too-many-fields"],
)
def test_garbage_form_body(wire: Wire, envelope: Envelope, content: bytes) -> None:
    response = wire.raw(
        "POST", "Format=JSON", content=content, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    body = parse_error(response)
    envelope.check(body, body["Code"], version=None)


def test_json_body_is_not_read_as_parameters(world: World, wire: Wire, envelope: Envelope) -> None:
    params, _ = wire.v1_params(world.root())
    response = wire.raw("POST", "Format=JSON", json=params)
    envelope.error(response, 400, "MissingParameter")


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("authorization", "ACS3-HMAC-SHA256 " + "A" * 8000, "IncompleteSignature"),
        ("authorization", "ACS3-HMAC-SHA256 Credential=" + "k" * 8000 + ",SignedHeaders=host,Signature=x", None),
        ("user-agent", "curl/8 " + "x" * 8000, "MissingParameter"),
        ("x-acs-security-token", "t" * 8000, "MissingParameter"),
        ("cookie", "c=" + "y" * 8000, "MissingParameter"),
    ],
    ids=["authorization", "credential", "user-agent", "token", "cookie"],
)
def test_huge_header_values(wire: Wire, envelope: Envelope, name: str, value: str, code: str | None) -> None:
    body = parse_error(wire.raw("POST", "Format=JSON", headers={name: value}))
    envelope.check(body, code or body["Code"], version=None)


ODD_SIGNED_VALUES = {
    # Signed correctly, so they get past the signature to the store: column limits and PostgreSQL's refusal of NUL
    # must turn into gateway errors, not a 500.
    "long-nonce": ({"SignatureNonce": "n" * 5000}, 400, "InvalidParameter"),
    "nul-nonce": ({"SignatureNonce": "a\x00b"}, 400, "InvalidParameter"),
    "long-token": ({"SecurityToken": "t" * 5000}, 400, "InvalidSecurityToken.Malformed"),
    "nul-token": ({"SecurityToken": "a\x00b"}, 400, "InvalidSecurityToken.Malformed"),
    "long-extra": ({"Extra": "e" * 20000}, 404, "ResourceDirectoryNotInUse"),
    "nul-extra": ({"Extra": "\x00"}, 404, "ResourceDirectoryNotInUse"),
}


@pytest.mark.parametrize(("overrides", "status", "code"), ODD_SIGNED_VALUES.values(), ids=ODD_SIGNED_VALUES.keys())
def test_odd_signed_values(
    world: World, wire: Wire, envelope: Envelope, overrides: dict[str, str], status: int, code: str
) -> None:
    body = envelope.error(wire.send(wire.v1(world.root(), **overrides)), status, code)
    if "SignatureNonce" in overrides:
        assert '"SignatureNonce"' in body["Message"]


def test_long_v3_nonce(world: World, wire: Wire, envelope: Envelope) -> None:
    # (HTTP itself forbids NUL in a header value, so only the length can be odd here.)
    response = wire.send(wire.v3(world.root(), x_acs_signature_nonce="n" * 5000))
    body = envelope.error(response, 400, "InvalidParameter")
    assert '"x-acs-signature-nonce"' in body["Message"]


@pytest.mark.parametrize("key", ["a\x00b", "K" * 5000])
def test_odd_access_key_ids(world: World, wire: Wire, envelope: Envelope, key: str) -> None:
    params, _ = wire.v1_params(replace(world.ghost(), access_key_id=key))
    envelope.error(wire.raw("POST", wire.encode(params)), 404, "InvalidAccessKeyId.NotFound")


def test_unsigned_invalid_utf8_escape(world: World, wire: Wire, envelope: Envelope) -> None:
    params, _ = wire.v1_params(world.root())
    response = wire.raw("POST", wire.encode(params) + "&Extra=%ED%A0%80%FF")
    envelope.error(response, 400, "SignatureDoesNotMatch")


def test_header_block_beyond_the_server_limit_is_not_a_500(wire: Wire) -> None:
    response = wire.raw("POST", "Format=JSON", headers={"x-big": "z" * 200_000})
    assert response.status_code < 500 or response.status_code == 431
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", ["/foo", "/?", "//", "/_openrd", "/%FF"])
def test_other_paths_are_not_a_500(server: LiveServer, http: Any, path: str) -> None:
    response = http.post(f"{server.url}{path}")
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "authorization",
    ["ACS4-HMAC-SHA256 Credential=k,SignedHeaders=host,Signature=00", "Bearer token", "Basic dXNlcjpwYXNz"],
)
def test_an_unknown_authorization_scheme_never_reaches_v1(
    world: World, wire: Wire, envelope: Envelope, authorization: str
) -> None:
    """Even beside a correct V1 signature (XML asked for), the header's scheme is refused in JSON, by name."""
    prepared = wire.v1(world.root())
    query = prepared.query.replace("Format=JSON", "Format=XML")
    response = wire.raw("POST", query, headers={"authorization": authorization})
    body = envelope.error(response, 400, "IncompleteSignature")
    scheme = authorization.split()[0]
    assert f"'{scheme}'" in body["Message"]
