"""The emulator itself: health, this API's OpenAPI document, the state reset and the emulator clock."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openrd import __version__
from openrd.control.guard import Handler
from openrd.control.http import call, json_body
from openrd.control.openapi import openapi_document
from openrd.control.requests import CLOCK_CHANGE
from openrd.control.routing import Table
from openrd.domain.times import rfc3339
from openrd.services import emulator
from openrd.services.context import Deps


def clock_handler(deps: Deps) -> Handler:
    """``GET``/``POST /_openrd/clock``; the console's own clock route runs the same handler."""

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            change = CLOCK_CHANGE.parse(await json_body(request))
            await call(
                emulator.set_clock,
                deps,
                advance_seconds=change.advance_seconds,
                offset_seconds=change.offset_seconds,
                now=change.now,
            )
        offset = await call(emulator.read_clock_offset, deps)
        return JSONResponse({"now": rfc3339(deps.clock.now()), "offset_seconds": offset})

    return clock


def emulator_routes(deps: Deps) -> Table:
    document = openapi_document(sites=deps.sites)

    async def openapi(_: Request) -> Response:
        return JSONResponse(document)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, "store": deps.store.kind})

    async def reset(_: Request) -> Response:
        await call(emulator.reset, deps)
        return Response(status_code=204)

    clock = clock_handler(deps)
    return [
        ("/_openrd/health", {"GET": health}),
        ("/_openrd/openapi.json", {"GET": openapi}),
        ("/_openrd/reset", {"POST": reset}),
        ("/_openrd/clock", {"GET": clock, "POST": clock}),
    ]
