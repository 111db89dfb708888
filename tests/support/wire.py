"""Hand-signed V1/V3 requests over httpx (built on ``openrd.api.signing``) for requests the SDKs cannot be made to
send, and assertions on the Alibaba error envelope."""

from __future__ import annotations

import hashlib
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from openrd.api import signing
from support.compat import JSON_TYPE, PRODUCT, REQUEST_ID, RM, XML_TYPE, Creds
from support.servers import LiveServer


def utc_stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Prepared:
    """A fully signed request, sendable any number of times (replays send the same bytes)."""

    method: str
    query: str
    headers: dict[str, str]
    body: bytes = b""
    string_to_sign: str = ""


class Wire:
    """Hand-signed V1/V3 requests over httpx, so every field can be tampered with."""

    def __init__(self, server: LiveServer, http: httpx.Client) -> None:
        self.server = server
        self.http = http

    @staticmethod
    def encode(params: Mapping[str, str]) -> str:
        enc = signing.percent_encode
        return "&".join(f"{enc(k)}={enc(v)}" for k, v in params.items())

    def v1_params(
        self,
        creds: Creds,
        action: str = "GetResourceDirectory",
        version: str = RM,
        *,
        method: str = "POST",
        secret: str | None = None,
        **overrides: str | None,
    ) -> tuple[dict[str, str], str]:
        """Signed V1 parameters and the string-to-sign. An override of ``None`` removes that parameter."""
        params: dict[str, str] = {
            "Action": action,
            "Version": version,
            "Format": "JSON",
            "AccessKeyId": creds.access_key_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "SignatureNonce": uuid.uuid4().hex,
            "Timestamp": utc_stamp(),
        }
        if creds.token:
            params["SecurityToken"] = creds.token
        params.update({k: v for k, v in overrides.items() if v is not None})
        for k in [k for k, v in overrides.items() if v is None]:
            params.pop(k, None)
        string_to_sign = signing.v1_string_to_sign(method, params)
        params["Signature"] = signing.v1_signature(creds.secret if secret is None else secret, string_to_sign)
        return params, string_to_sign

    def v1(
        self,
        creds: Creds,
        action: str = "GetResourceDirectory",
        version: str = RM,
        *,
        host: str | None = None,
        **kw: Any,
    ) -> Prepared:
        method = kw.get("method", "POST")
        params, string_to_sign = self.v1_params(creds, action, version, **kw)
        headers = {"host": host} if host else {}
        return Prepared(method, self.encode(params), headers, string_to_sign=string_to_sign)

    def v3(
        self,
        creds: Creds,
        action: str = "GetResourceDirectory",
        version: str = RM,
        *,
        method: str = "POST",
        query: Mapping[str, str] | None = None,
        body: bytes = b"",
        host: str | None = None,
        secret: str | None = None,
        content_sha256: str | None = None,
        **header_overrides: str | None,
    ) -> Prepared:
        """A V3 (ACS3-HMAC-SHA256) request; ``x_acs_date="..."`` style keywords override or (``None``) drop headers."""
        headers: dict[str, str] = {
            "host": host or self.server.endpoint,
            "accept": "application/json",
            "x-acs-action": action,
            "x-acs-version": version,
            "x-acs-date": utc_stamp(),
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        }
        if creds.token:
            headers["x-acs-security-token"] = creds.token
            headers["x-acs-accesskey-id"] = creds.access_key_id
        for key, value in header_overrides.items():
            name = key.replace("_", "-")
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = value
        signed = sorted(headers)
        pairs = list((query or {}).items())
        canonical = signing.v3_canonical_request(method, "/", pairs, headers, signed, hashlib.sha256(body).hexdigest())
        string_to_sign = signing.v3_string_to_sign("ACS3-HMAC-SHA256", canonical)
        signature = signing.v3_signature("ACS3-HMAC-SHA256", creds.secret if secret is None else secret, string_to_sign)
        if content_sha256 is not None:  # tamper after signing, so only the body-hash check can catch it
            headers["x-acs-content-sha256"] = content_sha256
        headers["authorization"] = (
            f"ACS3-HMAC-SHA256 Credential={creds.access_key_id},SignedHeaders={';'.join(signed)},Signature={signature}"
        )
        return Prepared(method, self.encode(dict(pairs)), headers, body, string_to_sign)

    def send(self, prepared: Prepared) -> httpx.Response:
        return self.raw(prepared.method, prepared.query, headers=prepared.headers, content=prepared.body)

    def raw(self, method: str, query: str = "", **kwargs: Any) -> httpx.Response:
        url = f"{self.server.url}/" + (f"?{query}" if query else "")
        return self.http.request(method, url, **kwargs)


def xml_to_dict(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    return {child.tag: xml_to_dict(child) for child in children}


class Envelope:
    """Assertions on the Alibaba error envelope (see docs/behaviour.md)."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server

    def check(self, body: Mapping[str, Any], code: str, *, host: str | None = None, version: str | None = RM) -> None:
        request_id = body["RequestId"]
        assert REQUEST_ID.fullmatch(request_id), request_id
        assert body["Code"] == code, body
        assert body["HostId"] == (host or self.server.endpoint)
        assert isinstance(body["Message"], str)
        assert body["Message"]
        product = PRODUCT.get(version or "", "ResourceManager")
        assert body["Recommend"] == (
            f"https://api.aliyun.com/troubleshoot?q={code}&product={product}&requestId={request_id}"
        )

    def error(
        self,
        response: httpx.Response,
        status: int,
        code: str,
        *,
        host: str | None = None,
        version: str | None = RM,
        xml: bool = False,
    ) -> dict[str, Any]:
        """Status, exact content type, envelope; returns the body (XML flattened into a dict)."""
        assert response.status_code == status, response.text
        assert "Traceback" not in response.text
        if xml:
            assert response.headers["content-type"] == XML_TYPE
            root = ET.fromstring(response.content)
            assert root.tag == "Error"
            body = xml_to_dict(root)
        else:
            assert response.headers["content-type"] == JSON_TYPE
            body = response.json()
        self.check(body, code, host=host, version=version)
        return dict(body)

    def tea(self, exc: Any, status: int, code: str, *, version: str | None = RM) -> dict[str, Any]:
        """A Tea ``ClientException``: code, status, request id and the envelope in ``.data``."""
        assert exc.code == code, exc.data
        assert exc.status_code == status
        assert exc.request_id == exc.data["RequestId"]
        assert exc.message == f"code: {status}, {exc.data['Message']} request id: {exc.request_id}"
        self.check(exc.data, code, version=version)
        return dict(exc.data)
