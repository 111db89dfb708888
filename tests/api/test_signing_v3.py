"""openrd.api.signing: the V3 canonical request, string to sign and signature (ACS3-HMAC-SHA256 and -SM3),
against the documented vector and the Tea SDK's own signer."""

from __future__ import annotations

import hashlib
import string

import pytest
from alibabacloud_tea_openapi.sm3 import hash_sm3
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from hypothesis import given, settings
from hypothesis import strategies as st

from openrd.api import signing
from openrd.api.signing import (
    V3_ALGORITHMS,
    parse_v3_authorization,
    payload_hash,
    v3_canonical_request,
    v3_signature,
    v3_string_to_sign,
)
from support.signing import (
    EMPTY_SHA256,
    NO_SM3,
    SECRET,
    V3_VECTOR_AUTHORIZATION,
    V3_VECTOR_CANONICAL,
    V3_VECTOR_HEADERS,
    V3_VECTOR_QUERY,
    V3_VECTOR_SIGNATURE,
    V3_VECTOR_SIGNED,
    V3_VECTOR_STS,
    header_values,
    path_segments,
    tea_authorization,
    v3_names,
    values,
    verify,
)


def test_v3_contract_vector() -> None:
    assert payload_hash("ACS3-HMAC-SHA256", b"") == EMPTY_SHA256
    canonical = v3_canonical_request("POST", "/", V3_VECTOR_QUERY, V3_VECTOR_HEADERS, V3_VECTOR_SIGNED, EMPTY_SHA256)
    assert canonical == V3_VECTOR_CANONICAL
    sts = v3_string_to_sign("ACS3-HMAC-SHA256", canonical)
    assert sts == V3_VECTOR_STS
    assert v3_signature("ACS3-HMAC-SHA256", SECRET, sts) == V3_VECTOR_SIGNATURE
    assert verify(
        "ACS3-HMAC-SHA256", "POST", "/", V3_VECTOR_QUERY, V3_VECTOR_HEADERS, b"", SECRET, V3_VECTOR_AUTHORIZATION
    )


def test_v3_vector_matches_tea() -> None:
    headers = {k: v for k, v in V3_VECTOR_HEADERS.items() if k != "x-acs-content-sha256"}
    hashed, authorization = tea_authorization(
        "ACS3-HMAC-SHA256", "POST", "/", dict(V3_VECTOR_QUERY), headers, b"", SECRET
    )
    assert hashed == EMPTY_SHA256
    assert authorization == V3_VECTOR_AUTHORIZATION


def test_v3_query_sorted_encoded_and_repeated() -> None:
    query = [("b", "2"), ("a", "x y"), ("b", "1"), ("a", ""), ("Z", "+*~/")]
    canonical = v3_canonical_request("GET", "/", query, {}, ["host"], EMPTY_SHA256)
    assert canonical.split("\n")[2] == "Z=%2B%2A~%2F&a=&a=x%20y&b=1&b=2"
    assert canonical.split("\n")[3] == "host:"  # signed but absent header
    assert v3_canonical_request("GET", "", [], {}, [], "h") == "GET\n/\n\n\n\nh"


def test_v3_canonical_uri_and_header_trimming() -> None:
    canonical = v3_canonical_request("PUT", "/a b/c+d/中/~x", [], {"host": "  h:8080 \t"}, ["host"], "p")
    assert canonical.split("\n")[:4] == ["PUT", "/a%20b/c%2Bd/%E4%B8%AD/~x", "", "host:h:8080"]


def _random_headers(extra: dict[str, str], action: str) -> dict[str, str]:
    headers = {
        "host": "127.0.0.1:8443",
        "x-acs-version": "2020-03-31",
        "x-acs-action": action,
        "user-agent": "AlibabaCloud (Linux) Python/3.11 Core/0.4.6 TeaDSL/2",
        "x-acs-date": "2024-01-01T00:00:00Z",
        "x-acs-signature-nonce": "n0nce",
        "accept": "application/json",
    }
    headers.update({f"x-acs-extra-{k.lower()}": v for k, v in extra.items()})
    return headers


def _v3_oracle_check(
    algorithm: str,
    method: str,
    segments: list[str],
    query: dict[str, str],
    extra: dict[str, str],
    body: bytes,
    secret: str,
) -> None:
    path = "/" + "/".join(segments) if segments != [""] else "/"
    headers = _random_headers(extra, "BindSecureMobilePhone")
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    # Tea builds pathname already encoded (ROA) and keeps raw query values; the server sees the decoded path.
    hashed, authorization = tea_authorization(
        algorithm, method, TeaUtils.get_encode_path(path), query, headers, body, secret
    )
    assert payload_hash(algorithm, body) == hashed
    headers["x-acs-content-sha256"] = hashed
    auth = parse_v3_authorization(authorization)
    assert auth is not None
    assert list(auth.signed_headers) == sorted(headers)
    assert verify(algorithm, method, path, list(query.items()), headers, body, secret, authorization)
    # and a tampered value must not verify
    tampered = [*query.items(), ("Extra", "1")]
    assert not verify(algorithm, method, path, tampered, headers, body, secret, authorization)


@settings(max_examples=150, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    segments=path_segments,
    query=st.dictionaries(v3_names, values, max_size=10),
    extra=st.dictionaries(st.text(alphabet=string.ascii_letters, min_size=1, max_size=6), header_values, max_size=3),
    body=st.binary(max_size=64),
    secret=st.text(min_size=1, max_size=30, alphabet=st.characters(codec="utf-8")),
)
def test_v3_sha256_matches_tea(
    method: str, segments: list[str], query: dict[str, str], extra: dict[str, str], body: bytes, secret: str
) -> None:
    _v3_oracle_check("ACS3-HMAC-SHA256", method, segments, query, extra, body, secret)


# Computed with the Tea SDK's own pure-Python SM3 (alibabacloud_tea_openapi.sm3) on the V3 vector's inputs.
V3_SM3_EMPTY = "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


@NO_SM3
def test_sm3_vector() -> None:
    assert hashlib.new("sm3", b"abc").hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert payload_hash("ACS3-HMAC-SM3", b"") == V3_SM3_EMPTY == hash_sm3(b"").hex()
    headers = {k: v for k, v in V3_VECTOR_HEADERS.items() if k != "x-acs-content-sha256"}
    hashed, authorization = tea_authorization("ACS3-HMAC-SM3", "POST", "/", dict(V3_VECTOR_QUERY), headers, b"", SECRET)
    assert hashed == V3_SM3_EMPTY
    assert authorization.startswith("ACS3-HMAC-SM3 Credential=testAKID,SignedHeaders=")
    headers["x-acs-content-sha256"] = hashed
    canonical = v3_canonical_request("POST", "/", V3_VECTOR_QUERY, headers, V3_VECTOR_SIGNED, hashed)
    assert canonical == V3_VECTOR_CANONICAL.replace(EMPTY_SHA256, V3_SM3_EMPTY)
    signature = v3_signature("ACS3-HMAC-SM3", SECRET, v3_string_to_sign("ACS3-HMAC-SM3", canonical))
    assert authorization.endswith(f",Signature={signature}")
    assert verify("ACS3-HMAC-SM3", "POST", "/", V3_VECTOR_QUERY, headers, b"", SECRET, authorization)


@NO_SM3
@settings(max_examples=15, deadline=None)
@given(
    segments=path_segments,
    query=st.dictionaries(v3_names, values, max_size=5),
    body=st.binary(max_size=32),
    secret=st.text(min_size=1, max_size=20, alphabet=st.characters(codec="utf-8")),
)
def test_v3_sm3_matches_tea(segments: list[str], query: dict[str, str], body: bytes, secret: str) -> None:
    _v3_oracle_check("ACS3-HMAC-SM3", "POST", segments, query, {}, body, secret)


def test_unknown_algorithm_rejected() -> None:
    assert frozenset({"ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"}) == V3_ALGORITHMS
    with pytest.raises(ValueError, match="unsupported signature algorithm"):
        payload_hash("ACS3-RSA-SHA256", b"")
    with pytest.raises(ValueError, match="unsupported signature algorithm"):
        v3_string_to_sign("HMAC-SHA1", "x")
    with pytest.raises(ValueError, match="unsupported signature algorithm"):
        v3_signature("sha256", "k", "x")


def test_sm3_unavailable_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signing, "sm3_available", lambda: False)
    header = V3_VECTOR_AUTHORIZATION.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3")
    assert parse_v3_authorization(header) is None
    with pytest.raises(ValueError, match="unsupported"):
        payload_hash("ACS3-HMAC-SM3", b"")
    assert parse_v3_authorization(V3_VECTOR_AUTHORIZATION) is not None
