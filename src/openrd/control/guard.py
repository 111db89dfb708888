"""Who the control API and the console answer, and what they read from a request (docs/security.md).

- The caller: with ``OPENRD_ADMIN_TOKEN`` set, ``Authorization: Bearer <token>``; without it, a loopback peer that
  no proxy relayed (uvicorn rewrites the client address only from ``X-Forwarded-For``, so a request without
  forwarding headers carries the socket's own peer).
- The names: without a token, the ``Host`` must be one of this machine's (a loopback address, ``localhost``) or
  in ``OPENRD_ALLOWED_HOSTS``, so a web page whose own name resolves here (DNS rebinding) is refused; with a token
  the service is reached under names openrd cannot know, so ``Host`` is checked only when that setting is given.
  An ``Origin`` (a browser's request) must name an allowed host or the request's own host: a page elsewhere
  cannot make the developer's browser reset the world or move the clock.
- The body: ``application/json`` only (a browser sends other types cross-origin without asking first) and at most
  ``OPENRD_MAX_BODY_BYTES``, counted as declared and as it arrives, as the OpenAPI front door does.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive

from openrd import errors
from openrd.config import Settings
from openrd.control.http import error_response, internal_error
from openrd.services import errors as service_errors
from openrd.services.context import Deps

log = logging.getLogger("openrd.control")
Handler = Callable[[Request], Awaitable[Response]]
PUBLIC_PATHS = frozenset({"/_openrd/health", "/_openrd/ready"})
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_TYPE = "application/json"


def is_loopback(host: str | None) -> bool:
    """A loopback address, or the name ``localhost`` (what an in-process client may call itself)."""
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def host_name(authority: str) -> str:
    """The name in a ``Host`` value, lower-case, without port or brackets: ``[::1]:8765`` → ``::1``."""
    value = authority.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.removesuffix(".")  # "localhost." is the same name


def origin_host(origin: str) -> str | None:
    """The host name an ``Origin`` header names; None for ``null`` (sandboxed pages, files) or a malformed one."""
    try:
        parts = urlsplit(origin.strip())
        name = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not name:
        return None
    return name.removesuffix(".")


@dataclass(frozen=True)
class RequestRules:
    admin_token: str | None
    allowed_hosts: frozenset[str]
    max_body_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> RequestRules:
        return cls(settings.admin_token, frozenset(settings.allowed_hosts), settings.max_body_bytes)

    def allowed_host(self, name: str) -> bool:
        return is_loopback(name) or name in self.allowed_hosts

    def check_names(self, headers: Mapping[str, str]) -> None:
        host = headers.get("host")
        checked = self.admin_token is None or self.allowed_hosts
        if checked and (host is None or not self.allowed_host(host_name(host))):
            raise errors.ControlForbidden(
                f"The control API answers requests addressed to this machine's names only; Host {host!r} is "
                "not one of them (add it to OPENRD_ALLOWED_HOSTS if it should be)."
            )
        origin = headers.get("origin")
        if origin is not None:
            name = origin_host(origin)
            if name is None or not (self.allowed_host(name) or (host is not None and name == host_name(host))):
                raise errors.ControlForbidden(
                    f"Cross-origin request refused: Origin {origin!r} is not an allowed host (OPENRD_ALLOWED_HOSTS)."
                )

    def check_caller(self, request: Request) -> None:
        if self.admin_token is not None:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {self.admin_token}".encode()):
                raise errors.ControlUnauthorized()
            return
        if any(name in request.headers for name in FORWARDING_HEADERS):
            raise errors.ControlForbidden(
                "A proxy relayed this request: without OPENRD_ADMIN_TOKEN the control API answers local clients only."
            )
        if not is_loopback(request.client.host if request.client else None):
            raise errors.ControlForbidden()

    def check_body(self, method: str, headers: Mapping[str, str]) -> None:
        declared = headers.get("content-length", "")
        has_body = (declared not in ("", "0")) or "transfer-encoding" in headers
        if method not in BODY_METHODS or not has_body:
            return
        media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type != JSON_TYPE:
            raise errors.ControlUnsupportedMediaType()
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise errors.ControlTooLarge(self.max_body_bytes)

    def limited(self, receive: Receive) -> Receive:
        """``receive`` that refuses a body growing past the limit, however it is sent (chunked, or mis-declared)."""
        size = 0

        async def bounded() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.max_body_bytes:
                    raise errors.ControlTooLarge(self.max_body_bytes)
            return message

        return bounded


def guarded(deps: Deps, handler: Handler) -> Handler:
    """The rules above for every path but health and ready; every control error and every service's refusal
    becomes ``{"error","message"}`` (``http.error_response``)."""
    rules = RequestRules.from_settings(deps.settings)

    async def endpoint(request: Request) -> Response:
        try:
            if request.url.path not in PUBLIC_PATHS:
                rules.check_names(request.headers)
                rules.check_caller(request)
                rules.check_body(request.method, request.headers)
                request = Request(request.scope, rules.limited(request.receive))
            if any("\x00" in value for value in request.path_params.values()):
                # Ids never hold NUL, and PostgreSQL refuses it in a query: nothing by that name exists.
                raise errors.ControlNotFound("no object has an id with a NUL character")
            return await handler(request)
        except (errors.OpenRDError, service_errors.ServiceError) as error:
            return error_response(error)
        except Exception:
            log.exception("control API internal error")
            return internal_error()

    return endpoint
