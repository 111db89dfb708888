"""What the signing tests share: the documented V1 and V3 vectors, the Hypothesis strategies, and the Tea SDK's
signer as the oracle a signature is checked against (the server's own check, with openrd's helpers)."""

from __future__ import annotations

import string

import pytest
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from darabonba.request import DaraRequest
from hypothesis import strategies as st

from openrd.api.signing import (
    parse_v3_authorization,
    payload_hash,
    signatures_equal,
    sm3_available,
    v3_canonical_request,
    v3_signature,
    v3_string_to_sign,
)

SECRET = "testSecret"
AK = "testAKID"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
NO_SM3 = pytest.mark.skipif(not sm3_available(), reason="hashlib/OpenSSL of this Python has no SM3; SM3 is optional")

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


def tea_authorization(
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


def verify(
    algorithm: str,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes,
    secret: str,
    authorization: str,
) -> bool:
    """What the server does with the helpers to check a V3 signature."""
    auth = parse_v3_authorization(authorization)
    assert auth is not None
    assert auth.algorithm == algorithm
    assert auth.access_key_id == AK
    canonical = v3_canonical_request(method, path, query, headers, auth.signed_headers, payload_hash(algorithm, body))
    expected = v3_signature(algorithm, secret, v3_string_to_sign(algorithm, canonical))
    return signatures_equal(expected, auth.signature)
