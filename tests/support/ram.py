"""The RAM 2015-05-01 tests' world: accounts, RAM users and roles seeded through the control API, and the official
RAM client (V3, or V1 with ``signature_algorithm='v2'``) aimed at the live server."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config

from openrd import errors
from support.compat import Creds, World

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


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
