"""Request bytes: V3 (ACS3-HMAC-SHA256) as the Tea SDK signs them, SigV4 as botocore does."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# What alibabacloud-tea-openapi 0.4.x sends (captured from the SDK); it is one of the signed headers.
TEA_USER_AGENT = "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2"
ACS3 = "ACS3-HMAC-SHA256"


# --------------------------------------------------------------------------- request building


def acs3_request(
    host: str,
    access_key_id: str,
    secret: str,
    action: str,
    version: str,
    params: dict[str, str],
    security_token: str | None = None,
) -> bytes:
    """One RPC-style V3 request exactly as the Tea SDK (alibabacloud-tea-openapi) builds and signs it.

    Parameters go in the query string, the body is empty, and every header but ``Accept-Encoding``,
    ``Authorization`` and ``Content-Length`` is signed (sorted lower-case names), with a fresh timestamp and a
    random 32-hex-digit nonce. The signature comes from openrd's own :mod:`openrd.api.signing`, the code the
    server verifies with (its test suite checks it against the SDK's signer).
    """
    from openrd.api import signing

    headers = {
        "host": host,
        "x-acs-version": version,
        "x-acs-action": action,
        "user-agent": TEA_USER_AGENT,
        "x-acs-date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "x-acs-signature-nonce": secrets.token_hex(16),
        "accept": "application/json",
        "x-acs-content-sha256": EMPTY_SHA256,
        "x-acs-credentials-provider": "static_ak",
    }
    if security_token is not None:  # a role session's call: the token is a signed header, as the SDK sends it
        headers["x-acs-security-token"] = security_token
    signed = sorted(headers)
    pairs = tuple(params.items())
    canonical = signing.v3_canonical_request("POST", "/", pairs, headers, signed, EMPTY_SHA256)
    signature = signing.v3_signature(ACS3, secret, signing.v3_string_to_sign(ACS3, canonical))
    query = "&".join(f"{signing.percent_encode(k)}={signing.percent_encode(v)}" for k, v in pairs)
    lines = [f"POST /?{query} HTTP/1.1" if query else "POST / HTTP/1.1", "Accept-Encoding: identity"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(
        f"Authorization: {ACS3} Credential={access_key_id},SignedHeaders={';'.join(signed)},Signature={signature}"
    )
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def sigv4_request(host: str, target: str, body: dict[str, Any], *, service: str, region: str) -> bytes:
    """An AWS JSON-1.1 call signed with botocore's own SigV4 signer (what boto3 sends, minus its user agent)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    data = json.dumps(body).encode()
    request = AWSRequest(
        method="POST",
        url=f"http://{host}/",
        data=data,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target},
    )
    SigV4Auth(Credentials("testing", "testing"), service, region).add_auth(request)
    lines = ["POST / HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data
