"""The emulator's own JSON API under ``/_openrd`` (A9): seeding, clock, reset, health."""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openrd import __version__, errors
from openrd.control.openapi import openapi_document
from openrd.domain.accounts import Account
from openrd.services import emulator, identity
from openrd.services.context import Deps

log = logging.getLogger("openrd.control")
Handler = Callable[[Request], Awaitable[Response]]
PUBLIC_PATHS = frozenset({"/_openrd/health", "/_openrd/ready"})


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def account_json(account: Account) -> dict[str, Any]:
    return {
        "account_id": account.account_id,
        "name": account.name,
        "display_name": account.display_name,
        "site": account.site,
        "secure_mobile_phone": account.secure_mobile_phone,
        "enterprise_name": account.enterprise_name,
        "enterprise_verified": account.enterprise_verified,
    }


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def guarded(deps: Deps, handler: Handler) -> Handler:
    """Token when one is configured, else loopback only; every ControlError becomes ``{"error","message"}``."""

    async def endpoint(request: Request) -> Response:
        try:
            if request.url.path not in PUBLIC_PATHS:
                token = deps.settings.admin_token
                if token is not None:
                    given = request.headers.get("authorization", "")
                    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                        raise errors.ControlUnauthorized()
                elif not _is_loopback(request.client.host if request.client else None):
                    raise errors.ControlForbidden()
            return await handler(request)
        except errors.OpenRDError as error:
            return JSONResponse({"error": error.code, "message": error.text}, status_code=error.status)
        except Exception:
            log.exception("control API internal error")
            return JSONResponse({"error": "internal", "message": "Internal error; see the server log."}, 500)

    return endpoint


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise errors.ControlInvalid("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise errors.ControlInvalid("the body must be a JSON object")
    return data


def field(data: dict[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = False) -> Any:
    if name not in data or data[name] is None:
        if required:
            raise errors.ControlInvalid(f"{name} is required")
        return None
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise errors.ControlInvalid(f"{name} has the wrong type")
    return value


def identity_routes(deps: Deps) -> list[Route]:
    def call(fn: Callable[..., Any], /, **kwargs: Any) -> Awaitable[Any]:
        """Services are synchronous (database I/O); run them off the event loop."""
        return run_in_threadpool(fn, **kwargs)

    document = openapi_document(sites=deps.sites)

    async def openapi(_: Request) -> Response:
        return JSONResponse(document)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, "store": deps.store.kind})

    async def reset(_: Request) -> Response:
        await call(emulator.reset, store=deps.store)
        return Response(status_code=204)

    async def create_account(request: Request) -> Response:
        data = await json_body(request)
        verified = field(data, "enterprise_verified", bool)
        account, creds = await call(
            identity.create_account,
            uow=deps.uow(),
            rng=deps.rng,
            sites=deps.sites,
            now=deps.clock.now(),
            display_name=field(data, "display_name", str, required=True),
            name=field(data, "name", str),
            site=field(data, "site", str) or "intl",
            secure_mobile_phone=field(data, "secure_mobile_phone", str),
            enterprise_name=field(data, "enterprise_name", str),
            enterprise_verified=True if verified is None else verified,
        )
        body = {
            "account_id": account.account_id,
            "access_key_id": creds.access_key_id,
            "access_key_secret": creds.access_key_secret,
        }
        return JSONResponse(body, status_code=201)

    async def get_account(request: Request) -> Response:
        account = await call(identity.get_account, uow=deps.uow(write=False), account_id=request.path_params["id"])
        return JSONResponse(account_json(account))

    async def list_accounts(request: Request) -> Response:
        accounts = await call(identity.list_accounts, uow=deps.uow(write=False), limit=1000)
        return JSONResponse({"accounts": [account_json(a) for a in accounts]})

    async def patch_account(request: Request) -> Response:
        changes = await json_body(request)
        account = await call(
            identity.patch_account,
            uow=deps.uow(),
            sites=deps.sites,
            account_id=request.path_params["id"],
            changes=changes,
        )
        return JSONResponse(account_json(account))

    async def create_ram_user(request: Request) -> Response:
        data = await json_body(request)
        user, creds = await call(
            identity.create_ram_user,
            uow=deps.uow(),
            rng=deps.rng,
            account_id=request.path_params["id"],
            name=field(data, "name", str, required=True),
            policies=field(data, "policies", list) or [],
        )
        body = {
            "user_id": user.user_id,
            "arn": f"acs:ram::{user.account_id}:user/{user.name}",
            "access_key_id": creds.access_key_id,
            "access_key_secret": creds.access_key_secret,
        }
        return JSONResponse(body, status_code=201)

    async def create_ram_role(request: Request) -> Response:
        data = await json_body(request)
        role = await call(
            identity.create_ram_role,
            uow=deps.uow(),
            rng=deps.rng,
            account_id=request.path_params["id"],
            name=field(data, "name", str, required=True),
            policies=field(data, "policies", list) or [],
        )
        return JSONResponse({"role_id": role.role_id, "arn": f"acs:ram::{role.account_id}:role/{role.name}"}, 201)

    async def assume_role(request: Request) -> Response:
        data = await json_body(request)
        duration = field(data, "duration_seconds", int)
        creds = await call(
            identity.assume_role,
            uow=deps.uow(),
            rng=deps.rng,
            box=deps.box,
            now=deps.clock.now(),
            role_arn=field(data, "role_arn", str, required=True),
            session_name=field(data, "session_name", str, required=True),
            duration_seconds=3600 if duration is None else duration,
        )
        body = {
            "access_key_id": creds.access_key_id,
            "access_key_secret": creds.access_key_secret,
            "security_token": creds.security_token,
            "expiration": rfc3339(creds.expiration),
        }
        return JSONResponse(body, status_code=201)

    async def disable_access_key(request: Request) -> Response:
        await call(identity.disable_access_key, uow=deps.uow(), access_key_id=request.path_params["id"])
        return Response(status_code=204)

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            data = await json_body(request)
            offset_seconds = field(data, "offset_seconds", int)
            at = field(data, "now", str)
            if at is not None:
                if offset_seconds is not None:
                    raise errors.ControlInvalid("give exactly one of advance_seconds, offset_seconds or now")
                offset_seconds = emulator.offset_for(at, real_now=deps.wall_clock.now())
            await call(
                emulator.set_clock,
                uow=deps.uow(),
                advance_seconds=field(data, "advance_seconds", int),
                offset_seconds=offset_seconds,
            )
        offset = await call(emulator.read_clock_offset, uow_factory=deps.uow)
        return JSONResponse({"now": rfc3339(deps.clock.now()), "offset_seconds": offset})

    table: list[tuple[str, Handler, list[str]]] = [
        ("/_openrd/health", health, ["GET"]),
        ("/_openrd/openapi.json", openapi, ["GET"]),
        ("/_openrd/reset", reset, ["POST"]),
        ("/_openrd/accounts", create_account, ["POST"]),
        ("/_openrd/accounts", list_accounts, ["GET"]),
        ("/_openrd/accounts/{id}", get_account, ["GET"]),
        ("/_openrd/accounts/{id}", patch_account, ["PATCH"]),
        ("/_openrd/accounts/{id}/ram-users", create_ram_user, ["POST"]),
        ("/_openrd/accounts/{id}/ram-roles", create_ram_role, ["POST"]),
        ("/_openrd/sts/assume-role", assume_role, ["POST"]),
        ("/_openrd/access-keys/{id}/disable", disable_access_key, ["POST"]),
        ("/_openrd/clock", clock, ["GET", "POST"]),
    ]
    return [Route(path, guarded(deps, handler), methods=methods) for path, handler, methods in table]
