"""HTTP helpers of the control API: JSON bodies in, JSON answers out, and the one place errors become answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openrd import errors
from openrd.services import errors as service_errors

R = TypeVar("R")
# Each kind of service refusal and the control API error it is answered with.
# The first kind that matches wins: the specific ones come first.
SERVICE_ERRORS: tuple[tuple[type[service_errors.ServiceError], type[errors.ControlError]], ...] = (
    (service_errors.InvalidTransition, errors.ControlInvalidTransition),
    (service_errors.InvalidInput, errors.ControlInvalid),
    (service_errors.NotFound, errors.ControlNotFound),
    (service_errors.Conflict, errors.ControlConflict),
)


def error_response(error: errors.OpenRDError | service_errors.ServiceError) -> JSONResponse:
    """``{"error", "message"}`` with the error's status; a service's refusal as the control error of its kind."""
    if isinstance(error, service_errors.ServiceError):
        kind = next((control for service, control in SERVICE_ERRORS if isinstance(error, service)), None)
        if kind is None:
            return internal_error()
        error = kind(error.text)
    return JSONResponse({"error": error.code, "message": error.text}, status_code=error.status)


def internal_error() -> JSONResponse:
    return JSONResponse({"error": "internal", "message": "Internal error; see the server log."}, 500)


async def call(fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
    """Services are synchronous (database I/O); run them off the event loop."""
    return await run_in_threadpool(fn, *args, **kwargs)


def created(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=201)


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
    """The body as a JSON object (an empty body is ``{}``)."""
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
