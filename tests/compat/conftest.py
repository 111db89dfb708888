"""SDK compatibility helpers: principals seeded through the control API, official clients pointed at the live server,
and a hand-signing wire client (built on ``openrd.api.signing``) for requests the SDKs cannot be made to send.

Everything is exposed through fixtures (``world``, ``sdk``, ``wire``, ``envelope``) so the modules here need no
imports from this file; each test creates its own accounts on the module's shared ``server``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from alibabacloud_resourcedirectorymaster20220419.client import Client as RdmClient
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from darabonba.runtime import RuntimeOptions

from openrd.api import signing

RM, RDM, STS = "2020-03-31", "2022-04-19", "2015-04-01"
PRODUCT = {RM: "ResourceManager", RDM: "ResourceDirectoryMaster", STS: "Sts"}
REQUEST_ID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
JSON_TYPE = "application/json;charset=utf-8"
XML_TYPE = "text/xml;charset=utf-8"
FULL = "AliyunResourceDirectoryFullAccess"


@dataclass(frozen=True)
class Creds:
    """One principal's credentials and what GetCallerIdentity should say about it."""

    access_key_id: str
    secret: str
    account_id: str
    token: str | None = None
    kind: str = "root"  # root | user | session
    name: str = ""  # RAM user or role name
    principal_id: str = ""  # account, user or role ID
    session_name: str = ""

    def with_secret(self, secret: str) -> Creds:
        return replace(self, secret=secret)

    def with_token(self, token: str | None) -> Creds:
        return replace(self, token=token)


def _name(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


class World:
    """Seeds principals through the control API (docs/behaviour.md#seeding-identities)."""

    def __init__(self, server: Any, http: httpx.Client) -> None:
        self.server = server
        self.http = http

    def _post(self, path: str, body: Mapping[str, Any], status: int = 201) -> dict[str, Any]:
        response = self.http.post(f"{self.server.url}/_openrd{path}", json=dict(body))
        assert response.status_code == status, response.text
        return dict(response.json()) if response.content else {}

    def root(self) -> Creds:
        made = self._post("/accounts", {"display_name": _name("acct")})
        account_id = made["account_id"]
        return Creds(made["access_key_id"], made["access_key_secret"], account_id, principal_id=account_id)

    def ghost(self) -> Creds:
        """Credentials whose AccessKey the server has never issued."""
        return Creds("LTAI" + secrets.token_hex(10), "secret", "1" * 16)

    def user(self, *policies: Any, account: Creds | None = None, name: str | None = None) -> Creds:
        account = account or self.root()
        name = name or _name("user")
        made = self._post(f"/accounts/{account.account_id}/ram-users", {"name": name, "policies": list(policies)})
        assert made["arn"] == f"acs:ram::{account.account_id}:user/{name}"
        key, secret, user_id = made["access_key_id"], made["access_key_secret"], made["user_id"]
        return Creds(key, secret, account.account_id, kind="user", name=name, principal_id=user_id)

    def role(self, *policies: Any, account: Creds | None = None, name: str | None = None) -> dict[str, Any]:
        account = account or self.root()
        name = name or _name("role")
        made = self._post(f"/accounts/{account.account_id}/ram-roles", {"name": name, "policies": list(policies)})
        return {"account_id": account.account_id, "name": name, **made}

    def session(self, *policies: Any, role: dict[str, Any] | None = None) -> Creds:
        """An assumed-role session (3600 s); the role (FullAccess unless policies are given) is made if not passed."""
        role = role or self.role(*(policies or (FULL,)))
        session_name = _name("sess")
        made = self._post("/sts/assume-role", {"role_arn": role["arn"], "session_name": session_name})
        return Creds(
            made["access_key_id"],
            made["access_key_secret"],
            role["account_id"],
            token=made["security_token"],
            kind="session",
            name=role["name"],
            principal_id=role["role_id"],
            session_name=session_name,
        )

    def disable(self, creds: Creds) -> None:
        self._post(f"/access-keys/{creds.access_key_id}/disable", {}, status=204)

    def clock(self, **body: int) -> dict[str, Any]:
        return self._post("/clock", body, status=200)


class Sdk:
    """Official clients aimed at the live server."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def config(self, creds: Creds, **extra: Any) -> Config:
        return Config(
            access_key_id=creds.access_key_id,
            access_key_secret=creds.secret,
            security_token=creds.token,
            endpoint=self.server.endpoint,
            protocol="http",
            **extra,
        )

    def rm(self, creds: Creds, **extra: Any) -> RmClient:
        return RmClient(self.config(creds, **extra))

    def rdm(self, creds: Creds, **extra: Any) -> RdmClient:
        return RdmClient(self.config(creds, **extra))

    def sts(self, creds: Creds, **extra: Any) -> StsClient:
        return StsClient(self.config(creds, **extra))

    def call_api(self, creds: Creds, action: str, version: str, **extra: Any) -> dict[str, Any]:
        """The Tea generic ``call_api`` (what hand-written integrations and Terraform-like tools use)."""
        params = Params(
            action=action,
            version=version,
            protocol="HTTP",
            method="POST",
            auth_type="AK",
            style="RPC",
            pathname="/",
            req_body_type="formData",
            body_type="json",
        )
        client = OpenApiClient(self.config(creds, **extra))
        return dict(client.call_api(params, OpenApiRequest(), RuntimeOptions()))

    def core(self, creds: Creds) -> AcsClient:
        if creds.token:
            credential = StsTokenCredential(creds.access_key_id, creds.secret, creds.token)
            return AcsClient(region_id="cn-hangzhou", credential=credential)
        return AcsClient(creds.access_key_id, creds.secret, "cn-hangzhou")

    def aim(self, request: Any) -> Any:
        """Point an old-SDK request at the server."""
        request.set_endpoint(self.server.endpoint)
        request.set_protocol_type("http")
        return request


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

    def __init__(self, server: Any, http: httpx.Client) -> None:
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
    """Assertions on the Alibaba error envelope (docs/behaviour.md#errors)."""

    def __init__(self, server: Any) -> None:
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


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One client for the whole run: a fresh httpx client per request costs ~0.1 s (it builds an SSL context)."""
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def world(server: Any, http: httpx.Client) -> World:
    return World(server, http)


@pytest.fixture
def sdk(server: Any) -> Sdk:
    return Sdk(server)


@pytest.fixture
def wire(server: Any, http: httpx.Client) -> Wire:
    return Wire(server, http)


@pytest.fixture
def envelope(server: Any) -> Envelope:
    return Envelope(server)


@pytest.fixture
def advanced_clock(world: World) -> Iterator[Any]:
    """Lets a test move the emulator clock; always puts it back (the module's server is shared)."""
    try:
        yield world.clock
    finally:
        world.clock(offset_seconds=0)


@pytest.fixture
def stamps() -> Any:
    """Timestamps relative to the real wall clock (the signature window uses it, docs/behaviour.md#the-two-clocks)."""

    def at(delta_seconds: int) -> str:
        return utc_stamp(datetime.now(UTC) + timedelta(seconds=delta_seconds))

    return at
