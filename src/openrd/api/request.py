"""The raw request as the wire layer sees it, and the common parameters of both signature schemes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from openrd import errors
from openrd.api import signing
from openrd.api.protocol import Format

# Seconds may carry a fraction: JavaScript's toISOString() sends milliseconds, other runtimes up to nanoseconds.
TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z$", re.ASCII)
MAX_ECHOED_SCHEME = 64
V1_REQUIRED = ("AccessKeyId", "Signature", "Timestamp", "SignatureNonce", "Action", "Version")
V3_REQUIRED_SIGNED = (
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
)


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]  # decoded with form rules (`+` is a space)
    form: tuple[tuple[str, str], ...]  # form-urlencoded body parameters, decoded
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    host: str
    peer: str | None = None  # the client's address on the socket
    secure: bool = False  # arrived over TLS

    def params(self) -> dict[str, str]:
        """Query and form parameters; within each the first occurrence of a name wins, and a form parameter overrides
        a query parameter of the same name — every SDK signs ``merge(query, body)`` (e.g. the core SDK's CommonRequest
        puts ``RegionId`` in the query while the caller may add its own to the body)."""
        merged: dict[str, str] = {}
        for source in (self.query, self.form):
            first: dict[str, str] = {}
            for name, value in source:
                first.setdefault(name, value)
            merged.update(first)
        return merged


@dataclass(frozen=True)
class Envelope:
    """What either scheme says about the call before any lookup: enough to render errors and authenticate."""

    scheme: str  # "V1" | "V3"
    format: Format
    action: str
    version: str
    access_key_id: str
    timestamp: str
    nonce: str
    security_token: str | None
    params: dict[str, str]
    v3: signing.V3Authorization | None = None


def response_format(params: Mapping[str, str], headers: Mapping[str, str]) -> Format:
    if headers.get("authorization", "").strip():
        return Format.JSON  # a header-signed request (V3, or a scheme refused below) reads JSON
    raw = params.get("Format", "")
    if raw == "":
        return Format.XML  # the documented RPC default
    try:
        return Format(raw.upper())
    except ValueError:
        raise errors.InvalidParameterFormat() from None


def parse_envelope(raw: RawRequest) -> Envelope:
    params = raw.params()
    fmt = response_format(params, raw.headers)
    authorization = raw.headers.get("authorization", "")
    if authorization.startswith("ACS3-"):
        return _v3_envelope(raw, params, authorization)
    if authorization.strip():
        raise errors.IncompleteSignature(unsupported_scheme_message(authorization))
    for name in V1_REQUIRED:
        if not params.get(name):
            raise errors.MissingParameter(name)
    if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1":
        raise errors.InvalidSignatureMethod()
    if params.get("SignatureVersion", "1.0") != "1.0":
        raise errors.InvalidParameter("SignatureVersion")
    return Envelope(
        scheme="V1",
        format=fmt,
        action=params["Action"],
        version=params["Version"],
        access_key_id=params["AccessKeyId"],
        timestamp=params["Timestamp"],
        nonce=params["SignatureNonce"],
        security_token=params.get("SecurityToken") or None,
        params=params,
    )


def _v3_envelope(raw: RawRequest, params: dict[str, str], authorization: str) -> Envelope:
    auth = signing.parse_v3_authorization(authorization)
    if auth is None:
        raise errors.IncompleteSignature()
    headers = raw.headers
    for header, name in (
        ("x-acs-action", "x-acs-action"),
        ("x-acs-version", "x-acs-version"),
        ("x-acs-date", "x-acs-date"),
        ("x-acs-signature-nonce", "x-acs-signature-nonce"),
        ("x-acs-content-sha256", "x-acs-content-sha256"),
    ):
        if not headers.get(header):
            raise errors.MissingParameter(name)
    signed = set(auth.signed_headers)
    must_sign = set(V3_REQUIRED_SIGNED)
    must_sign.update(h for h in ("content-type", "x-acs-security-token") if h in headers)
    if not must_sign <= signed:
        raise errors.IncompleteSignature()
    return Envelope(
        scheme="V3",
        format=Format.JSON,
        action=headers["x-acs-action"],
        version=headers["x-acs-version"],
        access_key_id=auth.access_key_id,
        timestamp=headers["x-acs-date"],
        nonce=headers["x-acs-signature-nonce"],
        security_token=headers.get("x-acs-security-token") or None,
        params=params,
        v3=auth,
    )


def unsupported_scheme_message(authorization: str) -> str:
    """Names the scheme the caller used (its first word, printable ASCII only and cut short: it is echoed)."""
    word = authorization.strip().split(None, 1)[0]
    scheme = "".join(c for c in word if " " < c <= "~")[:MAX_ECHOED_SCHEME]
    return (
        f"{errors.IncompleteSignature.message} The Authorization scheme {scheme!r} is not supported; "
        "sign with ACS3-HMAC-SHA256 or the Signature parameter."
    )


def parse_timestamp(value: str) -> datetime:
    """``YYYY-MM-DDThh:mm:ss[.fraction]Z`` (UTC); a fraction is kept to the microsecond. The fields sit at fixed
    places once the pattern matched: reading them by position is far cheaper than
    ``strptime`` (docs/architecture.md#smaller-fast-paths)."""
    if not TIMESTAMP.fullmatch(value):
        raise errors.InvalidTimeStampFormat()
    fraction = value[20:-1]  # "" without a fraction
    try:
        return datetime(
            int(value[0:4]), int(value[5:7]), int(value[8:10]),
            int(value[11:13]), int(value[14:16]), int(value[17:19]),
            int(fraction[:6].ljust(6, "0")) if fraction else 0, tzinfo=UTC,
        )  # fmt: skip
    except ValueError:  # February 30th, hour 24, second 60 …
        raise errors.InvalidTimeStampFormat() from None
