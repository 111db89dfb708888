"""Which signature scheme a request uses is read from its ``Authorization`` header: ACS3 is V3, no header is V1,
and any other scheme is refused in JSON, naming the scheme, before any V1 parameter is looked at."""

from __future__ import annotations

import pytest

from openrd import errors
from openrd.api.protocol import Format
from openrd.api.request import RawRequest, parse_envelope, response_format

V1_QUERY = (("Action", "GetResourceDirectory"), ("Version", "2020-03-31"), ("Format", "XML"))


def raw(authorization: str | None) -> RawRequest:
    headers = {"authorization": authorization} if authorization is not None else {}
    return RawRequest("POST", "/", V1_QUERY, (), headers, b"", "127.0.0.1:8766")


@pytest.mark.parametrize(
    ("authorization", "named"),
    [
        ("ACS4-HMAC-SHA256 Credential=k,SignedHeaders=host,Signature=00", "ACS4-HMAC-SHA256"),
        ("Bearer abc.def", "Bearer"),
        ("acs3-hmac-sha256 Credential=k", "acs3-hmac-sha256"),  # the scheme is case-sensitive
        ("  HMAC-SHA1", "HMAC-SHA1"),
        ("X" * 200, "X" * 64),  # echoed, so cut short
        ("Odd\x7fname rest", "Oddname"),  # only printable ASCII is echoed
    ],
)
def test_an_unknown_scheme_is_an_incomplete_signature_naming_it(authorization: str, named: str) -> None:
    request = raw(authorization)
    assert response_format(request.params(), request.headers) is Format.JSON
    with pytest.raises(errors.IncompleteSignature) as raised:
        parse_envelope(request)
    assert raised.value.status == 400
    assert f"'{named}'" in raised.value.text
    assert raised.value.text.startswith(errors.IncompleteSignature.message)


@pytest.mark.parametrize("authorization", [None, "", "   "])
def test_no_authorization_is_the_v1_path(authorization: str | None) -> None:
    request = raw(authorization)
    assert response_format(request.params(), request.headers) is Format.XML
    with pytest.raises(errors.OpenRDError) as raised:
        parse_envelope(request)
    assert raised.value.code == "MissingParameter"  # V1: AccessKeyId is missing


def test_a_malformed_acs3_header_is_still_incomplete() -> None:
    with pytest.raises(errors.IncompleteSignature):
        parse_envelope(raw("ACS3-HMAC-SHA256 nonsense"))
