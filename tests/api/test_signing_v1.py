"""openrd.api.signing: percent-encoding, the V1 (HMAC-SHA1) signature and the constant-time comparison, against the
documented vector and aliyun-python-sdk-core's and the Tea SDK's own signing code."""

from __future__ import annotations

from typing import Any

from alibabacloud_credentials.utils.parameter_helper import compose_string_to_sign
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.composer import rpc_signature_composer
from hypothesis import given, settings
from hypothesis import strategies as st

from openrd.api.signing import percent_encode, signatures_equal, v1_signature, v1_string_to_sign
from support.signing import (
    SECRET,
    UNRESERVED,
    V1_VECTOR_PARAMS,
    V1_VECTOR_SIGNATURE,
    V1_VECTOR_STS,
    any_names,
    values,
)

# aliyun-python-sdk-core's module-level "private" helpers (no name mangling at module level).
_sdkcore_string_to_sign: Any = getattr(rpc_signature_composer, "__compose_string_to_sign")
_sdkcore_signature: Any = getattr(rpc_signature_composer, "__get_signature")


# ---------------------------------------------------------------------------------------------------- percent_encode


def test_percent_encode_rfc3986() -> None:
    assert percent_encode(UNRESERVED) == UNRESERVED
    assert percent_encode("a b*~/+&=中") == "a%20b%2A~%2F%2B%26%3D%E4%B8%AD"
    assert percent_encode("%:é") == "%25%3A%C3%A9"
    assert percent_encode("") == ""


@given(values)
def test_percent_encode_matches_tea(value: str) -> None:
    assert percent_encode(value) == TeaUtils.get_encode_param(value)


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


# ---------------------------------------------------------------------------------------------------- compare


def test_signatures_equal() -> None:
    assert signatures_equal(V1_VECTOR_SIGNATURE, "hNh9gpJldKZEdXtX60NLuzpNxSo=")
    assert not signatures_equal(V1_VECTOR_SIGNATURE, "hNh9gpJldKZEdXtX60NLuzpNxSo")
    assert not signatures_equal(V1_VECTOR_SIGNATURE, "hnh9gpJldKZEdXtX60NLuzpNxSo=")
    assert signatures_equal("", "")
    assert signatures_equal("中", "中")
    assert not signatures_equal("中", "文")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(any_names, values, min_size=1, max_size=6), st.sampled_from(["GET", "POST"]))
def test_plus_for_space_is_the_credentials_library_s_string_to_sign(params: dict[str, str], method: str) -> None:
    """alibabacloud_credentials signs its STS requests with ``quote_plus`` at both levels."""
    assert v1_string_to_sign(method, params, plus_for_space=True) == compose_string_to_sign(method, params)
    if not any(" " in k or " " in v for k, v in params.items()):
        assert v1_string_to_sign(method, params, plus_for_space=True) == v1_string_to_sign(method, params)
