"""Tests for openrd.api.signing: contract vectors (§1.6/§1.7) plus the official SDKs' own signing code as oracle."""

from __future__ import annotations

import hashlib
import string
from typing import Any

import pytest
from alibabacloud_tea_openapi.sm3 import hash_sm3
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.composer import rpc_signature_composer
from darabonba.request import DaraRequest
from hypothesis import given, settings
from hypothesis import strategies as st

from openrd.api import signing
from openrd.api.signing import (
    V3_ALGORITHMS,
    V3Authorization,
    parse_v3_authorization,
    payload_hash,
    percent_encode,
    signatures_equal,
    sm3_available,
    v1_signature,
    v1_string_to_sign,
    v3_canonical_request,
    v3_signature,
    v3_string_to_sign,
)

SECRET = "testSecret"
AK = "testAKID"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
NO_SM3 = pytest.mark.skipif(not sm3_available(), reason="hashlib/OpenSSL of this Python has no SM3; SM3 is optional")

# aliyun-python-sdk-core's module-level "private" helpers (no name mangling at module level).
_sdkcore_string_to_sign: Any = getattr(rpc_signature_composer, "__compose_string_to_sign")
_sdkcore_signature: Any = getattr(rpc_signature_composer, "__get_signature")

# ---------------------------------------------------------------------------------------------------- strategies

UNRESERVED = string.ascii_letters + string.digits + "-_.~"
TRICKY = " +*~/&=%:?#中é😀"
values = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(TRICKY)), max_size=20)
any_names = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(TRICKY)), min_size=1, max_size=12)
# The Tea SDK does not encode query *names* in the V3 canonical query (only values), so for the V3 oracle the names are
# restricted to what real APIs use (unreserved characters, e.g. "Tag.1.Key"), where encoding is the identity.
v3_names = st.text(alphabet=UNRESERVED, min_size=1, max_size=12)
header_values = st.text(alphabet=string.printable.replace("\r", "").replace("\n", ""), max_size=30)
path_segments = st.lists(
    st.text(
        alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(TRICKY)).filter(lambda c: c != "/"), max_size=8
    ),
    min_size=1,
    max_size=4,
)


# ---------------------------------------------------------------------------------------------------- percent_encode


def test_percent_encode_rfc3986() -> None:
    assert percent_encode(UNRESERVED) == UNRESERVED
    assert percent_encode("a b*~/+&=中") == "a%20b%2A~%2F%2B%26%3D%E4%B8%AD"
    assert percent_encode("%:é") == "%25%3A%C3%A9"
    assert percent_encode("") == ""


@given(values)
def test_percent_encode_matches_tea(value: str) -> None:
    assert percent_encode(value) == TeaUtils.get_encode_param(value)


# ---------------------------------------------------------------------------------------------------- V1

V1_VECTOR_PARAMS = {
    "Action": "BindSecureMobilePhone",
    "Version": "2020-03-31",
    "Format": "JSON",
    "AccessKeyId": AK,
    "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0",
    "SignatureType": "",
    "SignatureNonce": "0123456789abcdef0123456789abcdef",
    "Timestamp": "2024-01-01T00:00:00Z",
    "AccountId": "1234567890123456",
    "SecureMobilePhone": "86-13900001234",
    "VerificationCode": "123456",
    "Tag.1.Value": "a b*~/+&=中",
}
V1_VECTOR_STS = (
    "POST&%2F&AccessKeyId%3DtestAKID%26AccountId%3D1234567890123456%26Action%3DBindSecureMobilePhone%26Format%3DJSON"
    "%26SecureMobilePhone%3D86-13900001234%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D0123456789abcdef0123456789"
    "abcdef%26SignatureType%3D%26SignatureVersion%3D1.0%26Tag.1.Value%3Da%2520b%252A~%252F%252B%2526%253D%25E4%25B8"
    "%25AD%26Timestamp%3D2024-01-01T00%253A00%253A00Z%26VerificationCode%3D123456%26Version%3D2020-03-31"
)
V1_VECTOR_SIGNATURE = "hNh9gpJldKZEdXtX60NLuzpNxSo="


def test_v1_contract_vector() -> None:
    sts = v1_string_to_sign("POST", V1_VECTOR_PARAMS)
    assert sts == V1_VECTOR_STS
    assert ":" not in sts
    assert v1_signature(SECRET, sts) == V1_VECTOR_SIGNATURE


def test_v1_excludes_signature_param() -> None:
    params = {**V1_VECTOR_PARAMS, "Signature": V1_VECTOR_SIGNATURE}
    assert v1_string_to_sign("POST", params) == V1_VECTOR_STS
    assert "Signature" in params  # input not mutated


def test_v1_vector_matches_sdks() -> None:
    assert _sdkcore_string_to_sign("POST", dict(V1_VECTOR_PARAMS)) == V1_VECTOR_STS
    assert _sdkcore_signature(V1_VECTOR_STS, SECRET) == V1_VECTOR_SIGNATURE
    assert TeaUtils.get_rpcsignature(dict(V1_VECTOR_PARAMS), "POST", SECRET) == V1_VECTOR_SIGNATURE


@settings(max_examples=200)
@given(
    method=st.sampled_from(["GET", "POST"]),
    params=st.dictionaries(any_names.filter(lambda n: n != "Signature"), values, max_size=12),
    secret=st.text(min_size=1, max_size=30, alphabet=st.characters(codec="utf-8")),
)
def test_v1_matches_sdk_oracles(method: str, params: dict[str, str], secret: str) -> None:
    sts = v1_string_to_sign(method, params)
    assert sts == _sdkcore_string_to_sign(method, dict(params))
    sig = v1_signature(secret, sts)
    assert sig == _sdkcore_signature(sts, secret)
    assert sig == TeaUtils.get_rpcsignature(dict(params), method, secret)


# ---------------------------------------------------------------------------------------------------- V3

V3_VECTOR_QUERY = [
    ("AccountId", "1234567890123456"),
    ("SecureMobilePhone", "86-13900001234"),
    ("VerificationCode", "123456"),
]
V3_VECTOR_HEADERS = {
    "host": "resourcemanager.aliyuncs.com",
    "x-acs-version": "2020-03-31",
    "x-acs-action": "BindSecureMobilePhone",
    "x-acs-date": "2024-01-01T00:00:00Z",
    "x-acs-signature-nonce": "0123456789abcdef0123456789abcdef",
    "accept": "application/json",
    "x-acs-content-sha256": EMPTY_SHA256,
}
V3_VECTOR_SIGNED = (
    "accept",
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
)
V3_VECTOR_CANONICAL = (
    "POST\n"
    "/\n"
    "AccountId=1234567890123456&SecureMobilePhone=86-13900001234&VerificationCode=123456\n"
    "accept:application/json\n"
    "host:resourcemanager.aliyuncs.com\n"
    "x-acs-action:BindSecureMobilePhone\n"
    f"x-acs-content-sha256:{EMPTY_SHA256}\n"
    "x-acs-date:2024-01-01T00:00:00Z\n"
    "x-acs-signature-nonce:0123456789abcdef0123456789abcdef\n"
    "x-acs-version:2020-03-31\n"
    "\n"
    "accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
    f"{EMPTY_SHA256}"
)
V3_VECTOR_STS = "ACS3-HMAC-SHA256\n71fe339fa11901908e414c0b0624065b4f44c7682ccd7567a3dfc16da49a28bf"
V3_VECTOR_SIGNATURE = "329053efe14b64287ff9f152ca7546cc81c049d520a9ef50f14c50a720de1541"
V3_VECTOR_AUTHORIZATION = (
    "ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;"
    f"x-acs-signature-nonce;x-acs-version,Signature={V3_VECTOR_SIGNATURE}"
)


def _tea_authorization(
    algorithm: str, method: str, pathname: str, query: dict[str, str], headers: dict[str, str], body: bytes, secret: str
) -> tuple[str, str]:
    """Sign like the Tea client (client.py → Utils.get_authorization); returns (payload hash, Authorization)."""
    request = DaraRequest()
    request.method = method
    request.pathname = pathname
    request.query = dict(query)
    request.headers = dict(headers)
    hashed = TeaUtils.hash(body, algorithm).hex()
    request.headers["x-acs-content-sha256"] = hashed
    return hashed, TeaUtils.get_authorization(request, algorithm, hashed, AK, secret)


def _verify(
    algorithm: str,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes,
    secret: str,
    authorization: str,
) -> bool:
    """What the server does with the helpers (contract §1.8 step 7)."""
    auth = parse_v3_authorization(authorization)
    assert auth is not None
    assert auth.algorithm == algorithm
    assert auth.access_key_id == AK
    canonical = v3_canonical_request(method, path, query, headers, auth.signed_headers, payload_hash(algorithm, body))
    expected = v3_signature(algorithm, secret, v3_string_to_sign(algorithm, canonical))
    return signatures_equal(expected, auth.signature)


def test_v3_contract_vector() -> None:
    assert payload_hash("ACS3-HMAC-SHA256", b"") == EMPTY_SHA256
    canonical = v3_canonical_request("POST", "/", V3_VECTOR_QUERY, V3_VECTOR_HEADERS, V3_VECTOR_SIGNED, EMPTY_SHA256)
    assert canonical == V3_VECTOR_CANONICAL
    sts = v3_string_to_sign("ACS3-HMAC-SHA256", canonical)
    assert sts == V3_VECTOR_STS
    assert v3_signature("ACS3-HMAC-SHA256", SECRET, sts) == V3_VECTOR_SIGNATURE
    assert _verify(
        "ACS3-HMAC-SHA256", "POST", "/", V3_VECTOR_QUERY, V3_VECTOR_HEADERS, b"", SECRET, V3_VECTOR_AUTHORIZATION
    )


def test_v3_vector_matches_tea() -> None:
    headers = {k: v for k, v in V3_VECTOR_HEADERS.items() if k != "x-acs-content-sha256"}
    hashed, authorization = _tea_authorization(
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
    hashed, authorization = _tea_authorization(
        algorithm, method, TeaUtils.get_encode_path(path), query, headers, body, secret
    )
    assert payload_hash(algorithm, body) == hashed
    headers["x-acs-content-sha256"] = hashed
    auth = parse_v3_authorization(authorization)
    assert auth is not None
    assert list(auth.signed_headers) == sorted(headers)
    assert _verify(algorithm, method, path, list(query.items()), headers, body, secret, authorization)
    # and a tampered value must not verify
    tampered = [*query.items(), ("Extra", "1")]
    assert not _verify(algorithm, method, path, tampered, headers, body, secret, authorization)


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


# Computed with the Tea SDK's own pure-Python SM3 (alibabacloud_tea_openapi.sm3) on the §1.7 vector inputs.
V3_SM3_EMPTY = "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


@NO_SM3
def test_sm3_vector() -> None:
    assert hashlib.new("sm3", b"abc").hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert payload_hash("ACS3-HMAC-SM3", b"") == V3_SM3_EMPTY == hash_sm3(b"").hex()
    headers = {k: v for k, v in V3_VECTOR_HEADERS.items() if k != "x-acs-content-sha256"}
    hashed, authorization = _tea_authorization(
        "ACS3-HMAC-SM3", "POST", "/", dict(V3_VECTOR_QUERY), headers, b"", SECRET
    )
    assert hashed == V3_SM3_EMPTY
    assert authorization.startswith("ACS3-HMAC-SM3 Credential=testAKID,SignedHeaders=")
    headers["x-acs-content-sha256"] = hashed
    canonical = v3_canonical_request("POST", "/", V3_VECTOR_QUERY, headers, V3_VECTOR_SIGNED, hashed)
    assert canonical == V3_VECTOR_CANONICAL.replace(EMPTY_SHA256, V3_SM3_EMPTY)
    signature = v3_signature("ACS3-HMAC-SM3", SECRET, v3_string_to_sign("ACS3-HMAC-SM3", canonical))
    assert authorization.endswith(f",Signature={signature}")
    assert _verify("ACS3-HMAC-SM3", "POST", "/", V3_VECTOR_QUERY, headers, b"", SECRET, authorization)


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


# ---------------------------------------------------------------------------------------------------- Authorization


def test_parse_real_header() -> None:
    assert parse_v3_authorization(V3_VECTOR_AUTHORIZATION) == V3Authorization(
        "ACS3-HMAC-SHA256", AK, V3_VECTOR_SIGNED, V3_VECTOR_SIGNATURE
    )
    spaced = V3_VECTOR_AUTHORIZATION.replace(",", ", ")
    assert parse_v3_authorization(spaced) == parse_v3_authorization(V3_VECTOR_AUTHORIZATION)
    sts = f"ACS3-HMAC-SHA256 Credential=STS.NV1x-y_z,SignedHeaders=host;x-acs-security-token,Signature={'a' * 64}"
    parsed = parse_v3_authorization(sts)
    assert parsed is not None
    assert parsed.access_key_id == "STS.NV1x-y_z"
    assert parsed.signed_headers == ("host", "x-acs-security-token")
    reordered = f"ACS3-HMAC-SHA256 Signature={'a' * 64},Credential=k,SignedHeaders=host"
    assert parse_v3_authorization(reordered) == V3Authorization("ACS3-HMAC-SHA256", "k", ("host",), "a" * 64)


@NO_SM3
def test_parse_sm3_header() -> None:
    parsed = parse_v3_authorization(V3_VECTOR_AUTHORIZATION.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"))
    assert parsed is not None
    assert parsed.algorithm == "ACS3-HMAC-SM3"


SIG = "0" * 64
MALFORMED = [
    "",
    "ACS3-HMAC-SHA256",
    "ACS3-HMAC-SHA256 ",
    f"ACS3-HMAC-SHA1 Credential=ak,SignedHeaders=host,Signature={SIG}",
    f"ACS3-RSA-SHA256 Credential=ak,SignedHeaders=host,Signature={SIG}",
    f"acs3-hmac-sha256 Credential=ak,SignedHeaders=host,Signature={SIG}",
    f" ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature={SIG}",
    f"ACS3-HMAC-SHA256  Credential=ak,SignedHeaders=host,Signature={SIG}",
    f"ACS3-HMAC-SHA256\tCredential=ak,SignedHeaders=host,Signature={SIG}",
    f"ACS3-HMAC-SHA256 SignedHeaders=host,Signature={SIG}",
    "ACS3-HMAC-SHA256 Credential=ak,Signature=" + SIG,
    "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host",
    f"ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=a k,SignedHeaders=host,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=a\u3000k,SignedHeaders=host,Signature={SIG}",  # Unicode whitespace too
    f"ACS3-HMAC-SHA256 Credential=ak\x1f,SignedHeaders=host,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=,Signature={SIG}",
    "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;;x-acs-date,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=Host;x-acs-date,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;X-Acs-Date,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;host,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host; x-acs-date,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,Credential=ak,SignedHeaders=host,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature={SIG},Foo=bar",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature={SIG},",
    f"ACS3-HMAC-SHA256 Credential=ak;SignedHeaders=host;Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak ,SignedHeaders=host,Signature={SIG}",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature={SIG} ",
    f"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature {SIG}",
    f"ACS3-HMAC-SHA256 credential=ak,SignedHeaders=host,Signature={SIG}",
    "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=" + "g" * 64,
    "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=" + "A" * 64,
    "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=" + "0" * 63,
    "Bearer abc",
    f"HMAC-SHA1 Credential=ak,SignedHeaders=host,Signature={SIG}",
]


@pytest.mark.parametrize("header", MALFORMED)
def test_parse_rejects_malformed(header: str) -> None:
    assert parse_v3_authorization(header) is None


# ---------------------------------------------------------------------------------------------------- compare


def test_signatures_equal() -> None:
    assert signatures_equal(V1_VECTOR_SIGNATURE, "hNh9gpJldKZEdXtX60NLuzpNxSo=")
    assert not signatures_equal(V1_VECTOR_SIGNATURE, "hNh9gpJldKZEdXtX60NLuzpNxSo")
    assert not signatures_equal(V1_VECTOR_SIGNATURE, "hnh9gpJldKZEdXtX60NLuzpNxSo=")
    assert signatures_equal("", "")
    assert signatures_equal("中", "中")
    assert not signatures_equal("中", "文")
