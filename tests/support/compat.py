"""The SDK contract tests' world: principals seeded through the plugin's control-API client, and the official
clients (Tea V3 and the old core SDK) pointed at the live server."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from typing import Any

import httpx
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcedirectorymaster20220419.client import Client as RdmClient
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from darabonba.runtime import RuntimeOptions

from support.servers import LiveServer

RM, RDM, STS = "2020-03-31", "2022-04-19", "2015-04-01"
PRODUCT = {RM: "ResourceManager", RDM: "ResourceDirectoryMaster", STS: "Sts"}
REQUEST_ID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
JSON_TYPE = "application/json;charset=utf-8"
XML_TYPE = "text/xml;charset=utf-8"
FULL = "AliyunResourceDirectoryFullAccess"


def rpc_params(action: str, version: str) -> Params:
    """The Tea SDK's generic ``call_api`` settings for an RPC action: POST, AK signing, form body, JSON answer."""
    return Params(
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
    """Seeds principals through the control API; ``http`` is the run's shared client for raw requests."""

    def __init__(self, server: LiveServer, http: httpx.Client) -> None:
        self.server = server
        self.rd = server.rd
        self.http = http

    def root(self) -> Creds:
        made = self.rd.create_account(display_name=_name("acct"))
        account_id = made["account_id"]
        return Creds(made["access_key_id"], made["access_key_secret"], account_id, principal_id=account_id)

    def ghost(self) -> Creds:
        """Credentials whose AccessKey the server has never issued."""
        return Creds("LTAI" + secrets.token_hex(10), "secret", "1" * 16)

    def user(self, *policies: Any, account: Creds | None = None, name: str | None = None) -> Creds:
        account = account or self.root()
        name = name or _name("user")
        made = self.rd.create_ram_user(account.account_id, name, policies)
        assert made["arn"] == f"acs:ram::{account.account_id}:user/{name}"
        key, secret, user_id = made["access_key_id"], made["access_key_secret"], made["user_id"]
        return Creds(key, secret, account.account_id, kind="user", name=name, principal_id=user_id)

    def role(self, *policies: Any, account: Creds | None = None, name: str | None = None) -> dict[str, Any]:
        account = account or self.root()
        name = name or _name("role")
        made = self.rd.create_ram_role(account.account_id, name, policies)
        return {"account_id": account.account_id, "name": name, **made}

    def session(self, *policies: Any, role: dict[str, Any] | None = None) -> Creds:
        """An assumed-role session (3600 s); the role (FullAccess unless policies are given) is made if not passed."""
        role = role or self.role(*(policies or (FULL,)))
        session_name = _name("sess")
        made = self.rd.assume_role(role["arn"], session_name)
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
        self.rd.disable_access_key(creds.access_key_id)

    def clock(self, **body: int) -> dict[str, Any]:
        return self.rd.move_clock(body)


class Sdk:
    """Official clients aimed at the live server."""

    def __init__(self, server: LiveServer) -> None:
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

    def ram(self, creds: Creds, **extra: Any) -> RamClient:
        return RamClient(self.config(creds, **extra))

    def call_api(self, creds: Creds, action: str, version: str, **extra: Any) -> dict[str, Any]:
        """The Tea generic ``call_api`` (what hand-written integrations and Terraform-like tools use)."""
        client = OpenApiClient(self.config(creds, **extra))
        return dict(client.call_api(rpc_params(action, version), OpenApiRequest(), RuntimeOptions()))

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
