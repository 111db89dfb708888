"""Helpers for the directory tests: accounts seeded over the control API, official Tea clients aimed at the
live ``server``, directories enabled through the SDK, and error assertions."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419.client import Client as RdmClient
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest
from darabonba.runtime import RuntimeOptions

from openrd import errors
from support.compat import rpc_params
from support.servers import LiveServer

RM, RDM = "2020-03-31", "2022-04-19"
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z")


def unique(prefix: str = "n") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


@dataclass
class Account:
    """An account seeded over the control API, with a root AccessKey."""

    server: LiveServer
    account_id: str
    access_key_id: str
    secret: str
    display_name: str

    def config(self, **extra: Any) -> Config:
        return Config(
            access_key_id=self.access_key_id,
            access_key_secret=self.secret,
            endpoint=self.server.endpoint,
            protocol="http",
            **extra,
        )

    def rm(self, **extra: Any) -> RmClient:
        return RmClient(self.config(**extra))

    def rdm(self, **extra: Any) -> RdmClient:
        return RdmClient(self.config(**extra))

    @property
    def client(self) -> RmClient:
        return self.rm()

    def call(self, action: str, version: str = RM, **query: str) -> dict[str, Any]:
        """Any action through the Tea SDK's generic ``call_api`` (RPC, query parameters): the raw JSON body, so a
        test sees which keys an answer has, not what a model makes of them."""
        request = OpenApiRequest(query=query)
        answer = OpenApiClient(self.config()).call_api(rpc_params(action, version), request, RuntimeOptions())
        return dict(answer["body"])


@dataclass
class Org(Account):
    """An account that manages a directory (EnableMode CurrentAccount)."""

    directory_id: str = ""
    root_id: str = ""
    folders: list[str] = field(default_factory=list)

    def folder(self, name: str | None = None, parent: str | None = None) -> str:
        request = rm.CreateFolderRequest(folder_name=name or unique("f"), parent_folder_id=parent)
        return str(self.client.create_folder(request).body.folder.folder_id)

    def resource_account(self, display_name: str | None = None, **kw: Any) -> str:
        request = rm.CreateResourceAccountRequest(display_name=display_name or unique("ra"), **kw)
        return str(self.client.create_resource_account(request).body.account.account_id)

    def invite(self, target: Account, **kw: Any) -> Any:
        request = rm.InviteAccountToResourceDirectoryRequest(
            target_entity=target.account_id, target_type="Account", **kw
        )
        return self.client.invite_account_to_resource_directory(request).body.handshake

    def adopt(self, target: Account) -> None:
        """Invite ``target`` and have it accept: a CloudAccount member in the root folder."""
        handshake = self.invite(target)
        target.client.accept_handshake(rm.AcceptHandshakeRequest(handshake_id=handshake.handshake_id))


class World:
    """Accounts and directories on the module's shared server; every test makes its own."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server

    def account(self, **fields: Any) -> Account:
        fields.setdefault("display_name", unique("acct"))
        fields.setdefault("enterprise_name", "ACME")
        made = self.server.rd.create_account(**fields)
        return Account(
            self.server, made["account_id"], made["access_key_id"], made["access_key_secret"], fields["display_name"]
        )

    def org(self, **fields: Any) -> Org:
        base = self.account(**fields)
        org = Org(base.server, base.account_id, base.access_key_id, base.secret, base.display_name)
        request = rm.EnableResourceDirectoryRequest(enable_mode="CurrentAccount")
        created = org.client.enable_resource_directory(request).body.resource_directory
        org.directory_id, org.root_id = created.resource_directory_id, created.root_folder_id
        return org

    def patch(self, account_id: str, **fields: Any) -> None:
        self.server.rd.patch_account(account_id, **fields)

    def clock(self, **body: int) -> None:
        self.server.rd.move_clock(body)


def _raises(call: Callable[..., Any], *args: Any, **kwargs: Any) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call(*args, **kwargs)
    return caught.value


def fails(error: type[errors.OpenRDError], call: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The call raises the documented error: code, HTTP status and the exact catalogue message."""
    exc = _raises(call, *args, **kwargs)
    assert (exc.code, exc.status_code) == (error.code, error.status), exc.data
    assert exc.data["Message"] == error.message, exc.data
    return dict(exc.data)


def fails_param(name: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """The generic 400 InvalidParameter naming the parameter."""
    exc = _raises(call, *args, **kwargs)
    assert (exc.code, exc.status_code) == ("InvalidParameter", 400), exc.data
    assert exc.data["Message"] == f'The specified parameter "{name}" is not valid.', exc.data


def fails_missing(name: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """The generic 400 MissingParameter naming the parameter."""
    exc = _raises(call, *args, **kwargs)
    assert (exc.code, exc.status_code) == ("MissingParameter", 400), exc.data
    message = f'The input parameter "{name}" that is mandatory for processing this request is not supplied.'
    assert exc.data["Message"] == message, exc.data


class Checks:
    """The assertion helpers, also handed to tests as the ``check`` fixture."""

    fails = staticmethod(fails)
    fails_param = staticmethod(fails_param)
    fails_missing = staticmethod(fails_missing)
    unique = staticmethod(unique)
    time = TIME
