"""The helper your tests get from the ``openrd_server`` fixture: seed a world, read codes, move the clock."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx


@dataclass(frozen=True)
class Credentials:
    account_id: str
    access_key_id: str
    access_key_secret: str
    arn: str = ""
    principal_id: str = ""  # a RAM user's ID (empty for an account's root AccessKey)


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
    """A thin client of the control API (``/_openrd``) of a running server.

    Every typed method expects the documented success status and raises :class:`ControlApiError` otherwise;
    :meth:`request` is the raw call, for tests of the control API's own answers.
    """

    def __init__(
        self,
        url: str,
        *,
        admin_token: str | None = None,
        timeout: float = 30,
        keep_alive: bool = True,
        tls_endpoint: str | None = None,
        ca_file: str | Path | None = None,
    ) -> None:
        """``keep_alive=False`` opens one connection per call, so a client nobody closes leaves no socket behind.

        ``tls_endpoint`` (host:port) and ``ca_file`` describe the server's TLS listener, when it has one: what the
        credential libraries, which speak HTTPS only, are pointed at (``SSL_CERT_FILE=<ca_file>``).
        """
        self.url = url.rstrip("/")
        self.tls_endpoint = tls_endpoint
        self.ca_file = Path(ca_file) if ca_file is not None else None
        headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        limits = httpx.Limits() if keep_alive else httpx.Limits(max_keepalive_connections=0)
        self._http = httpx.Client(base_url=self.url + "/_openrd", headers=headers, timeout=timeout, limits=limits)

    @property
    def endpoint(self) -> str:
        """host:port, for the SDKs' ``endpoint`` setting."""
        return self.url.split("://", 1)[1]

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One control-API call (``path`` below ``/_openrd``), whatever it answers."""
        return self._http.request(method, path, **kwargs)

    def _call(self, method: str, path: str, *, expect: int, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code != expect:
            raise ControlApiError(f"{method} /_openrd{path} → {response.status_code}: {response.text}")
        return response.json() if response.content else None

    # -- accounts
    def create_account(self, **fields: Any) -> dict[str, Any]:
        """``POST /accounts`` with exactly ``fields`` (a display name is made up if missing); the whole answer."""
        fields.setdefault("display_name", f"account-{secrets.token_hex(3)}")
        return dict(self._call("POST", "/accounts", expect=201, json=fields))

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
            "display_name": display_name,
            "site": site,
            "secure_mobile_phone": secure_mobile_phone,
            "enterprise_name": enterprise_name,
            "enterprise_verified": enterprise_verified,
            "name": name,
        }
        data = self.create_account(**{k: v for k, v in body.items() if v is not None})
        return Credentials(data["account_id"], data["access_key_id"], data["access_key_secret"])

    def account(self, account_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/accounts/{account_id}", expect=200))

    def accounts(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/accounts", expect=200)["accounts"])

    def patch_account(self, account_id: str, **changes: Any) -> dict[str, Any]:
        return dict(self._call("PATCH", f"/accounts/{account_id}", expect=200, json=changes))

    # -- RAM and STS
    def ram_user(
        self,
        account_id: str,
        name: str = "rd-admin",
        policies: Iterable[Any] = ("AliyunResourceDirectoryFullAccess",),
    ) -> Credentials:
        data = self.create_ram_user(account_id, name, policies)
        return Credentials(
            account_id, data["access_key_id"], data["access_key_secret"], data["arn"], principal_id=data["user_id"]
        )

    def create_ram_user(self, account_id: str, name: str, policies: Iterable[Any]) -> dict[str, Any]:
        """``POST /accounts/{id}/ram-users``; the whole answer (user_id, arn, the AccessKey)."""
        body = {"name": name, "policies": list(policies)}
        return dict(self._call("POST", f"/accounts/{account_id}/ram-users", expect=201, json=body))

    def create_ram_role(self, account_id: str, name: str, policies: Iterable[Any], **extra: Any) -> dict[str, Any]:
        """``POST /accounts/{id}/ram-roles``; the whole answer (role_id, arn)."""
        body = {"name": name, "policies": list(policies), **extra}
        return dict(self._call("POST", f"/accounts/{account_id}/ram-roles", expect=201, json=body))

    def assume_role(self, role_arn: str, session_name: str, duration_seconds: int | None = None) -> dict[str, Any]:
        """``POST /sts/assume-role``; the session's AccessKey, security token and expiration."""
        body: dict[str, Any] = {"role_arn": role_arn, "session_name": session_name}
        if duration_seconds is not None:
            body["duration_seconds"] = duration_seconds
        return dict(self._call("POST", "/sts/assume-role", expect=201, json=body))

    def create_access_key(self, account_id: str) -> dict[str, Any]:
        """A further root AccessKey of the account."""
        return dict(self._call("POST", f"/accounts/{account_id}/access-keys", expect=201))

    def disable_access_key(self, access_key_id: str) -> None:
        self._call("POST", f"/access-keys/{access_key_id}/disable", expect=204)

    # -- what happened
    def messages(self, phone: str | None = None, limit: int = 50, **filters: Any) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit, **filters} | ({"phone": phone} if phone else {})
        return list(self._call("GET", "/sms", expect=200, params=params)["messages"])

    def latest_message(self, phone: str | None = None) -> dict[str, Any]:
        params = {"phone": phone} if phone else {}
        return dict(self._call("GET", "/sms/latest", expect=200, params=params))

    def latest_code(self, phone: str) -> str:
        """The code of the newest SMS sent to ``phone`` (inbox sender)."""
        message = self.latest_message(phone)
        if not message.get("code"):
            raise ControlApiError(
                f"the newest message to {phone} carries no readable code (is OPENRD_SMS_SENDER=inbox?)"
            )
        return str(message["code"])

    def retry_message(self, message_id: str) -> None:
        self._call("POST", f"/sms/{message_id}/retry", expect=202)

    def audit(self, account_id: str | None = None, limit: int = 100, **filters: Any) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit, **filters} | ({"account_id": account_id} if account_id else {})
        return list(self._call("GET", "/audit", expect=200, params=params)["events"])

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/health", expect=200))

    # -- time and state
    def clock(self) -> dict[str, Any]:
        return dict(self._call("GET", "/clock", expect=200))

    def move_clock(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /clock`` with one of ``advance_seconds``, ``offset_seconds`` or ``now``."""
        return dict(self._call("POST", "/clock", expect=200, json=dict(body)))

    def advance(self, seconds: int) -> dict[str, Any]:
        return self.move_clock({"advance_seconds": int(seconds)})

    def set_clock_offset(self, seconds: int) -> dict[str, Any]:
        return self.move_clock({"offset_seconds": int(seconds)})

    def reset(self) -> None:
        self._call("POST", "/reset", expect=204)

    # -- transitions (states the real cloud moves in the background)
    def transitions(self) -> dict[str, int]:
        """``GET /transitions``: the delay, in seconds, of every kind of transition."""
        return dict(self._call("GET", "/transitions", expect=200))

    def set_transitions(self, delays: Mapping[str, int] | None = None, /, **more: int) -> dict[str, int]:
        """``POST /transitions``: set some kinds' delays (``set_transitions(control_policy=30)``); every kind's
        delay after it. Transitions already pending keep the delay they started with."""
        body = {**(delays or {}), **more}
        return dict(self._call("POST", "/transitions", expect=200, json=body))

    def complete_transitions(self, kind: str | None = None) -> int:
        """``POST /transitions/complete``: finish the pending transitions (of ``kind``, or every kind) now, without
        moving the clock; how many were pending."""
        body = {"kind": kind} if kind else {}
        return int(self._call("POST", "/transitions/complete", expect=200, json=body)["completed"])

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
