"""The emulator's own JSON API under ``/_openrd`` (docs/behaviour.md#control-api): seeding, clock, reset, health."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openrd import __version__, errors
from openrd.control.guard import Handler, guarded
from openrd.control.openapi import openapi_document
from openrd.control.openapi_schemas import ENTERPRISE_NAME_MAX, LIST_LIMIT, RFC3339
from openrd.domain.times import rfc3339
from openrd.services import emulator, identity
from openrd.services.context import Deps
from openrd.services.identity import AccountView

log = logging.getLogger("openrd.control")
LIMIT = re.compile(r"[0-9]{1,4}", re.ASCII)
ENTERPRISE_NAME_REFUSED = re.compile(r"[\x00-\x1f\x7f]")


def account_json(view: AccountView) -> dict[str, Any]:
    account = view.account
    body: dict[str, Any] = {
        "account_id": account.account_id,
        "name": account.name,
        "display_name": account.display_name,
        "site": account.site,
        "secure_mobile_phone": account.secure_mobile_phone,
        "enterprise_name": account.enterprise_name,
        "enterprise_verified": account.enterprise_verified,
    }
    if view.member is not None:  # only an account in a directory has a member type
        body["type"] = view.member.type.value
        body["directory_id"] = view.member.directory_id
    return body


async def not_routed(request: Request, exc: Exception) -> Response:
    """Starlette's 404 and 405 (no route for the path, or not for its method), in the control API's JSON shape
    rather than as plain text; a 405 keeps its ``Allow`` header."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error = "method_not_allowed"
        message = f"{request.method} is not allowed on {request.url.path}; see the Allow header."
    else:
        error = "not_found"
        message = (
            f"Nothing answers at {request.url.path}: Alibaba Cloud OpenAPI calls go to /, the emulator's API is "
            "under /_openrd (GET /_openrd/openapi.json describes it)."
        )
    return JSONResponse({"error": error, "message": message}, status_code=exc.status_code, headers=exc.headers)


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError):
        raise errors.ControlInvalid("the body must be a JSON object") from None
    except RecursionError:
        raise errors.ControlInvalid("the body nests too deeply") from None
    if not isinstance(data, dict):
        raise errors.ControlInvalid("the body must be a JSON object")
    if not _all_scalar_values(data):
        raise errors.ControlInvalid("the body's strings must not contain lone surrogates (\\ud800-\\udfff)")
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _all_scalar_values(data: Any) -> bool:
    """Whether every string (keys too) is valid Unicode: a lone surrogate such as "\\ud800" cannot be stored."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode()
                except UnicodeEncodeError:
                    return False
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def field(data: dict[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = False) -> Any:
    if name not in data or data[name] is None:
        if required:
            raise errors.ControlInvalid(f"{name} is required")
        return None
    value = data[name]
    if kind is int and isinstance(value, float) and value.is_integer():
        # JSON has one number type, and JSON Schema (the OpenAPI 3.1 document) counts 3600.0 as an integer:
        # what Python's timedelta.total_seconds() gives a client.
        return int(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise errors.ControlInvalid(f"{name} has the wrong type")
    return value


def by_method(handlers: dict[str, Handler]) -> Handler:
    """One route per path, so a 405 names every method the path has in its ``Allow`` header (HEAD runs GET's)."""
    if len(set(handlers.values())) == 1:
        return next(iter(handlers.values()))

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return endpoint


def query_limit(request: Request, *, default: int, maximum: int = LIST_LIMIT) -> int:
    """``?limit=``: ASCII digits only (``int`` takes other scripts' digits and chokes on "²" or 5,000 digits)."""
    raw = request.query_params.get("limit", str(default))
    if not LIMIT.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise errors.ControlInvalid(f"limit must be a whole number from 1 to {maximum}")
    return int(raw)


def enterprise_name(value: Any) -> Any:
    """Free text stored as given, so refused here what no store may take: PostgreSQL refuses NUL and more than its
    column holds; control characters (as display_name) would reach the OpenAPI's XML answers and the console."""
    if isinstance(value, str) and (ENTERPRISE_NAME_REFUSED.search(value) or len(value) > ENTERPRISE_NAME_MAX):
        raise errors.ControlInvalid(
            f"enterprise_name must be at most {ENTERPRISE_NAME_MAX} characters, without control characters"
        )
    return value


def policies(data: dict[str, Any]) -> list[Any]:
    """The ``policies`` field: names or documents; the service names what is wrong with a document."""
    given: list[Any] = field(data, "policies", list) or []
    return given


def clock_target(value: str) -> str:
    """``now`` must be RFC 3339 (``datetime.fromisoformat`` alone also takes "2026-01-01 00:00" or "20260101")."""
    if not RFC3339.fullmatch(value):
        raise errors.ControlInvalid("now must be an RFC 3339 time such as 2026-01-01T00:00:00Z")
    return value[:10] + "T" + value[11:].upper()


def clock_handler(deps: Deps) -> Handler:
    """``GET``/``POST /_openrd/clock``; the console's own clock route runs the same handler."""

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            data = await json_body(request)
            offset_seconds = field(data, "offset_seconds", int)
            at = field(data, "now", str)
            if at is not None:
                if offset_seconds is not None:
                    raise errors.ControlInvalid("give exactly one of advance_seconds, offset_seconds or now")
                offset_seconds = emulator.offset_for(clock_target(at), real_now=deps.wall_clock.now())
            await run_in_threadpool(
                emulator.set_clock,
                uow=deps.uow(),
                advance_seconds=field(data, "advance_seconds", int),
                offset_seconds=offset_seconds,
            )
        offset = await run_in_threadpool(emulator.read_clock_offset, uow_factory=deps.uow)
        return JSONResponse({"now": rfc3339(deps.clock.now()), "offset_seconds": offset})

    return clock


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
            enterprise_name=enterprise_name(field(data, "enterprise_name", str)),
            enterprise_verified=True if verified is None else verified,
        )
        body = {
            "account_id": account.account_id,
            "access_key_id": creds.access_key_id,
            "access_key_secret": creds.access_key_secret,
        }
        return JSONResponse(body, status_code=201)

    async def get_account(request: Request) -> Response:
        view = await call(identity.view_account, uow=deps.uow(write=False), account_id=request.path_params["id"])
        return JSONResponse(account_json(view))

    async def list_accounts(request: Request) -> Response:
        views = await call(identity.view_accounts, uow=deps.uow(write=False), limit=LIST_LIMIT)
        return JSONResponse({"accounts": [account_json(v) for v in views]})

    async def patch_account(request: Request) -> Response:
        changes = await json_body(request)
        enterprise_name(changes.get("enterprise_name"))
        account_id = request.path_params["id"]
        await call(identity.patch_account, uow=deps.uow(), sites=deps.sites, account_id=account_id, changes=changes)
        view = await call(identity.view_account, uow=deps.uow(write=False), account_id=account_id)
        return JSONResponse(account_json(view))

    async def create_ram_user(request: Request) -> Response:
        data = await json_body(request)
        user, creds = await call(
            identity.create_ram_user,
            uow=deps.uow(),
            rng=deps.rng,
            account_id=request.path_params["id"],
            name=field(data, "name", str, required=True),
            policies=policies(data),
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
            policies=policies(data),
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

    clock = clock_handler(deps)

    table: list[tuple[str, dict[str, Handler]]] = [
        ("/_openrd/health", {"GET": health}),
        ("/_openrd/openapi.json", {"GET": openapi}),
        ("/_openrd/reset", {"POST": reset}),
        ("/_openrd/accounts", {"GET": list_accounts, "POST": create_account}),
        ("/_openrd/accounts/{id}", {"GET": get_account, "PATCH": patch_account}),
        ("/_openrd/accounts/{id}/ram-users", {"POST": create_ram_user}),
        ("/_openrd/accounts/{id}/ram-roles", {"POST": create_ram_role}),
        ("/_openrd/sts/assume-role", {"POST": assume_role}),
        ("/_openrd/access-keys/{id}/disable", {"POST": disable_access_key}),
        ("/_openrd/clock", {"GET": clock, "POST": clock}),
    ]
    return [Route(path, guarded(deps, by_method(handlers)), methods=list(handlers)) for path, handlers in table]
