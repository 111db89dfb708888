"""The helper your tests get from the ``openrd_server`` fixture: seed a world, read codes, move the clock."""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Credentials:
    account_id: str
    access_key_id: str
    access_key_secret: str
    arn: str = ""


class ControlApiError(AssertionError):
    """The control API refused a seeding call; the message carries its answer."""


def __getattr__(name: str) -> Any:
    # The old name read like openrd.errors.OpenRDError, the OpenAPI's error envelope, which this is not.
    if name == "OpenRDError":
        warnings.warn(
            "openrd.testing.client.OpenRDError is deprecated; use openrd.testing.ControlApiError",
            DeprecationWarning,
            stacklevel=2,
        )
        return ControlApiError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class OpenRD:
    """A thin client of the control API (``/_openrd``) of a running server."""

    def __init__(self, url: str, *, admin_token: str | None = None) -> None:
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        self._http = httpx.Client(base_url=self.url + "/_openrd", headers=headers, timeout=30)

    @property
    def endpoint(self) -> str:
        """host:port, for the SDKs' ``endpoint`` setting."""
        return self.url.split("://", 1)[1]

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, *, expect: int, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        if response.status_code != expect:
            raise ControlApiError(f"{method} /_openrd{path} → {response.status_code}: {response.text}")
        return response.json() if response.content else None

    # -- seeding
    def make_account(
        self,
        display_name: str | None = None,
        *,
        site: str = "intl",
        secure_mobile_phone: str | None = None,
        enterprise_name: str | None = "Example Corp",
        enterprise_verified: bool = True,
        name: str | None = None,
    ) -> Credentials:
        body = {
            "display_name": display_name or f"account-{secrets.token_hex(3)}",
            "site": site,
            "secure_mobile_phone": secure_mobile_phone,
            "enterprise_name": enterprise_name,
            "enterprise_verified": enterprise_verified,
            "name": name,
        }
        data = self._call("POST", "/accounts", expect=201, json={k: v for k, v in body.items() if v is not None})
        return Credentials(data["account_id"], data["access_key_id"], data["access_key_secret"])

    def ram_user(
        self,
        account_id: str,
        name: str = "rd-admin",
        policies: tuple[Any, ...] = ("AliyunResourceDirectoryFullAccess",),
    ) -> Credentials:
        data = self._call(
            "POST", f"/accounts/{account_id}/ram-users", expect=201, json={"name": name, "policies": list(policies)}
        )
        return Credentials(account_id, data["access_key_id"], data["access_key_secret"], data["arn"])

    def account(self, account_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/accounts/{account_id}", expect=200))

    def patch_account(self, account_id: str, **changes: Any) -> dict[str, Any]:
        return dict(self._call("PATCH", f"/accounts/{account_id}", expect=200, json=changes))

    # -- what happened
    def messages(self, phone: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit} | ({"phone": phone} if phone else {})
        return list(self._call("GET", "/sms", expect=200, params=params)["messages"])

    def latest_code(self, phone: str) -> str:
        """The code of the newest SMS sent to ``phone`` (inbox sender)."""
        message = self._call("GET", "/sms/latest", expect=200, params={"phone": phone})
        if not message.get("code"):
            raise ControlApiError(
                f"the newest message to {phone} carries no readable code (is OPENRD_SMS_SENDER=inbox?)"
            )
        return str(message["code"])

    def audit(self, account_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit} | ({"account_id": account_id} if account_id else {})
        return list(self._call("GET", "/audit", expect=200, params=params)["events"])

    # -- time and state
    def advance(self, seconds: int) -> dict[str, Any]:
        return dict(self._call("POST", "/clock", expect=200, json={"advance_seconds": int(seconds)}))

    def set_clock_offset(self, seconds: int) -> dict[str, Any]:
        return dict(self._call("POST", "/clock", expect=200, json={"offset_seconds": int(seconds)}))

    def reset(self) -> None:
        self._call("POST", "/reset", expect=204)

    # -- SDK clients
    def tea_client(self, credentials: Credentials, *, product: str = "resourcemanager", **config: Any) -> Any:
        """An official Tea SDK client pointed at this server (``pip install alibabacloud-resourcemanager20200331``).

        ``product="resourcedirectorymaster"`` gives the 2022-04-19 client; extra keyword arguments go to ``Config``
        (e.g. ``signature_algorithm="v2"`` for V1 signatures, ``security_token=...`` for STS).
        """
        from alibabacloud_tea_openapi.utils_models import Config

        if product == "resourcedirectorymaster":
            from alibabacloud_resourcedirectorymaster20220419.client import Client
        else:
            from alibabacloud_resourcemanager20200331.client import Client
        return Client(
            Config(
                access_key_id=credentials.access_key_id,
                access_key_secret=credentials.access_key_secret,
                endpoint=self.endpoint,
                protocol="http",
                **config,
            )
        )
