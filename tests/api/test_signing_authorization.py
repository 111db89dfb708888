"""openrd.api.signing: parsing the V3 ``Authorization`` header, the real shapes and the malformed ones."""

from __future__ import annotations

import pytest

from openrd.api.signing import V3Authorization, parse_v3_authorization
from support.signing import AK, NO_SM3, V3_VECTOR_AUTHORIZATION, V3_VECTOR_SIGNATURE, V3_VECTOR_SIGNED


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
