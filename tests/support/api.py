"""A world of accounts and RAM users on one server, seeded through the plugin's control-API client."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx

from openrd.testing.client import OpenRD

FULL = "AliyunResourceDirectoryFullAccess"


@dataclass(frozen=True)
class Creds:
    access_key_id: str
    secret: str
    account_id: str


class ControlApi:
    """The control API of the server at ``endpoint`` (host:port), and an official Tea client factory for it."""

    account_defaults: dict[str, Any] = {}
    list_limit: int | None = None  # the page size asked of GET /sms and /audit when the test names none

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.rd = OpenRD(f"http://{endpoint}", timeout=60, keep_alive=False)

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A raw control-API call (``path`` below ``/_openrd``)."""
        return self.rd.request(method, path, **kwargs)

    def account(self, **fields: Any) -> Creds:
        made = self.rd.create_account(**(self.account_defaults | fields))
        return Creds(made["access_key_id"], made["access_key_secret"], made["account_id"])

    def ram_user(self, account_id: str, *policies: str) -> Creds:
        made = self.rd.create_ram_user(account_id, f"user-{secrets.token_hex(3)}", policies or (FULL,))
        return Creds(made["access_key_id"], made["access_key_secret"], account_id)

    def get_account(self, account_id: str) -> dict[str, Any]:
        return self.rd.account(account_id)

    def _listing(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.list_limit is not None:
            params.setdefault("limit", self.list_limit)
        return params

    def messages(self, **params: Any) -> list[dict[str, Any]]:
        return self.rd.messages(**self._listing(params))

    def latest(self, phone: str) -> dict[str, Any]:
        return self.rd.latest_message(phone)

    def audit(self, **params: Any) -> list[dict[str, Any]]:
        return self.rd.audit(**self._listing(params))

    def clock(self, **body: int) -> dict[str, Any]:
        return self.rd.move_clock(body)

    def rm(self, creds: Creds) -> Any:
        """An official Tea client for this principal (one per call: the threads of a burst share nothing)."""
        from alibabacloud_resourcemanager20200331.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        config = Config(
            access_key_id=creds.access_key_id,
            access_key_secret=creds.secret,
            endpoint=self.endpoint,
            protocol="http",
            read_timeout=120_000,
            connect_timeout=20_000,
        )
        return Client(config)
