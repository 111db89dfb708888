"""The RAM 2015-05-01 tests' world: accounts, RAM users and roles seeded through the control API, and the official
RAM client (V3, or V1 with ``signature_algorithm='v2'``) aimed at the live server; an account's RAM client with users
made through the API, and filling an account up to a quota through the store (thousands of SDK calls would only slow
the suite)."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config

from openrd import errors
from openrd.domain.identity import RamRole, RamUser
from openrd.domain.ram import RamGroup
from support.compat import Creds, Sdk, World
from support.servers import LiveServer

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
RAM_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")  # RAM shows times to the second


def document(effect: str = "Allow", action: str = "ram:Get*", resource: str = "*") -> str:
    return json.dumps({"Version": "1", "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


def unique(prefix: str = "pol") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


class Ram:
    """Official RAM clients for principals of a ``World``."""

    def __init__(self, world: World) -> None:
        self.world = world

    def client(self, creds: Creds, **extra: Any) -> RamClient:
        config = Config(
            access_key_id=creds.access_key_id,
            access_key_secret=creds.secret,
            security_token=creds.token,
            endpoint=self.world.server.endpoint,
            protocol="http",
            **extra,
        )
        return RamClient(config)

    def root(self, **extra: Any) -> tuple[Creds, RamClient]:
        creds = self.world.root()
        return creds, self.client(creds, **extra)


def raised(call: Callable[..., Any], *args: Any, **kwargs: Any) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call(*args, **kwargs)
    return caught.value


def fails(error: type[errors.OpenRDError], call: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The call raises the documented error: code, HTTP status and the catalogue's message (a malformed document's
    message is its reason)."""
    exc = raised(call, *args, **kwargs)
    assert (exc.code, exc.status_code) == (error.code, error.status), exc.data
    if error is not errors.MalformedPolicyDocument:
        assert exc.data["Message"] == error.message, exc.data
    return dict(exc.data)


@dataclass
class RamAccount:
    """An account's root and its RAM client."""

    root: Creds
    client: RamClient

    def user(self, name: str | None = None) -> str:
        name = name or unique("u")
        self.client.create_user(ram.CreateUserRequest(user_name=name))
        return name

    def key(self, user_name: str) -> Creds:
        made = self.client.create_access_key(ram.CreateAccessKeyRequest(user_name=user_name)).body.access_key
        return Creds(made.access_key_id, made.access_key_secret, self.root.account_id, kind="user", name=user_name)


def ram_account(sdk: Sdk, root: Creds, **extra: str) -> RamAccount:
    return RamAccount(root, sdk.ram(root, **extra))


def fill(server: LiveServer, account_id: str, kind: str, count: int) -> None:
    """Store ``count`` users, groups or roles in the account directly, as if made one by one."""
    deps = server.runtime.deps
    with deps.uow() as uow:
        for i in range(count):
            tag = f"{i:05d}{secrets.token_hex(3)}"
            if kind == "user":
                uow.identity.add_user(RamUser(f"9{tag}", account_id, f"fill-{tag}"))
            elif kind == "group":
                uow.ram.add_group(RamGroup(f"g-fill{tag}", account_id, f"fill-{tag}"))
            else:
                uow.identity.add_role(RamRole(f"8{tag}", account_id, f"fill-{tag}"))
