"""Server-side recomputation of Alibaba Cloud API request signatures (V1 RPC and V3 ACS3).

Why this module exists: the official clients sign every request and we must verify those
signatures byte for byte, so these functions mirror what the SDKs do (see
docs/behaviour.md#signatures):

* V1 (``SignatureVersion=1.0``, HMAC-SHA1) is what aliyun-python-sdk-core (``rpc_signature_composer``)
  and the Tea SDK's ``Utils.get_rpcsignature`` produce: all parameters except ``Signature``, sorted by
  name, RFC 3986 encoded, joined, encoded a second time and HMAC-SHA1'd with ``secret + "&"``.
* V3 (``ACS3-HMAC-SHA256`` / ``ACS3-HMAC-SM3``) is what the Tea SDK's ``Utils.get_authorization``
  produces: a canonical request (method, path, query, declared signed headers, payload hash) that is
  hashed and HMAC'd with the bare secret, hex encoded, and sent in the ``Authorization`` header.

Inputs are always *decoded* values (query and form bodies decoded with form semantics, ``+`` meaning
space): the SDKs sign the raw parameter values and encode them themselves, so we re-encode them here
with the same RFC 3986 rule. Everything is pure (no I/O, no clock, no logging) so it can be tested
against the SDKs' own signing code.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

__all__ = [
    "V3_ALGORITHMS",
    "V3Authorization",
    "parse_v3_authorization",
    "payload_hash",
    "percent_encode",
    "plus_encode",
    "signatures_equal",
    "sm3_available",
    "v1_signature",
    "v1_string_to_sign",
    "v3_canonical_request",
    "v3_signature",
    "v3_string_to_sign",
]

V3_ALGORITHMS: frozenset[str] = frozenset({"ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"})

_DIGESTS: dict[str, str] = {"ACS3-HMAC-SHA256": "sha256", "ACS3-HMAC-SM3": "sm3"}

_WHITESPACE_RE = re.compile(r"\s")  # sre's \s is str.isspace(); one scan in C, not a generator per character
# An HTTP header name (RFC 9110 token) restricted to lower case.
_SIGNED_HEADER_RE = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+")
# Hex-encoded 32-byte MAC (both SHA-256 and SM3 produce 32 bytes); the SDKs emit lower case.
_SIGNATURE_RE = re.compile(r"[0-9a-f]{64}")
# The "key=value" parts after the algorithm: commas, optionally followed by spaces.
_PART_SEPARATOR_RE = re.compile(r", *")


def percent_encode(value: str) -> str:
    """RFC 3986 encoding: only ``A-Z a-z 0-9 - _ . ~`` stay literal, the rest is ``%XX`` (upper-case) of UTF-8."""
    return quote(value, safe="~", encoding="utf-8", errors="strict")


# --------------------------------------------------------------------------- V1


def plus_encode(value: str) -> str:
    """:func:`percent_encode` but a space becomes ``+``: ``urllib.parse.quote_plus``, which the Python credentials
    library signs its STS requests with."""
    return quote_plus(value, safe="~", encoding="utf-8", errors="strict")


def v1_string_to_sign(method: str, params: Mapping[str, str], *, plus_for_space: bool = False) -> str:
    """``METHOD&%2F&encode(k1=v1&k2=v2...)`` over all decoded params except ``Signature``, sorted by name.

    ``plus_for_space`` encodes both levels with :func:`plus_encode` instead (docs/behaviour.md#signatures).
    """
    encode = plus_encode if plus_for_space else percent_encode
    pairs = sorted((name, value) for name, value in params.items() if name != "Signature")
    canonicalized = "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)
    return f"{method}&{encode('/')}&{encode(canonicalized)}"


def v1_signature(secret: str, string_to_sign: str) -> str:
    """Base64 of HMAC-SHA1 keyed with ``secret + "&"``."""
    mac = hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


# --------------------------------------------------------------------------- V3


@functools.cache
def sm3_available() -> bool:
    """Whether this Python's OpenSSL build provides SM3 (needed for ``ACS3-HMAC-SM3``)."""
    try:
        hmac.new(b"", b"", "sm3").digest()
    except ValueError:
        return False
    return True


def _digest_name(algorithm: str) -> str:
    digest = _DIGESTS.get(algorithm)
    if digest is None or (digest == "sm3" and not sm3_available()):
        raise ValueError(f"unsupported signature algorithm: {algorithm!r}")
    return digest


def payload_hash(algorithm: str, body: bytes) -> str:
    """Lower-case hex SHA-256 (or SM3) of the raw body, as sent in ``x-acs-content-sha256``."""
    return hashlib.new(_digest_name(algorithm), body).hexdigest()


@dataclass(frozen=True)
class V3Authorization:
    """The parsed ``Authorization`` header of a V3 request."""

    algorithm: str
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_v3_authorization(header: str) -> V3Authorization | None:
    """Parse ``<ALG> Credential=<AK>,SignedHeaders=<h1;h2>,Signature=<hex>``; ``None`` if malformed.

    Spaces after the commas are tolerated; the three parts may come in any order but each exactly once.
    An SM3 header is treated as malformed when this build has no SM3.
    """
    algorithm, sep, rest = header.partition(" ")
    if not sep or algorithm not in V3_ALGORITHMS or (algorithm == "ACS3-HMAC-SM3" and not sm3_available()):
        return None
    fields: dict[str, str] = {}
    for part in _PART_SEPARATOR_RE.split(rest):
        key, eq, value = part.partition("=")
        if not eq or key not in ("Credential", "SignedHeaders", "Signature") or key in fields:
            return None
        fields[key] = value
    if len(fields) != 3:
        return None
    access_key_id = fields["Credential"]
    if not access_key_id or _WHITESPACE_RE.search(access_key_id):
        return None
    signed_headers = tuple(fields["SignedHeaders"].split(";"))
    if len(set(signed_headers)) != len(signed_headers):
        return None
    if not all(_SIGNED_HEADER_RE.fullmatch(name) for name in signed_headers):
        return None
    signature = fields["Signature"]
    if not _SIGNATURE_RE.fullmatch(signature):
        return None
    return V3Authorization(algorithm, access_key_id, signed_headers, signature)


def v3_canonical_request(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    hashed_payload: str,
) -> str:
    """The ACS3 canonical request (docs/behaviour.md#signatures; the steps mirror the Tea SDK's signer).

    ``path`` and ``query`` are decoded; ``headers`` is keyed by lower-case name; ``signed_headers`` is the
    list declared in the Authorization header, used in that order (a missing header contributes ``name:``).
    """
    canonical_uri = "/".join(percent_encode(segment) for segment in path.split("/")) if path else "/"
    encoded_query = sorted((percent_encode(name), percent_encode(value)) for name, value in query)
    canonical_query = "&".join(f"{name}={value}" for name, value in encoded_query)
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed_headers)
    return "\n".join(
        (method, canonical_uri, canonical_query, canonical_headers, ";".join(signed_headers), hashed_payload)
    )


def v3_string_to_sign(algorithm: str, canonical_request: str) -> str:
    """``algorithm + "\\n" + hex(hash(canonical_request))``."""
    return f"{algorithm}\n{hashlib.new(_digest_name(algorithm), canonical_request.encode('utf-8')).hexdigest()}"


def v3_signature(algorithm: str, secret: str, string_to_sign: str) -> str:
    """Lower-case hex HMAC-SHA256 (or HMAC-SM3) keyed with the bare secret."""
    digest = _digest_name(algorithm)
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), digest).hexdigest()


def signatures_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two signature strings."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
