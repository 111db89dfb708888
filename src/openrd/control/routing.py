"""Route tables of the control API: one route per path, every handler guarded (guard.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from openrd.control.guard import Handler, guarded
from openrd.services.context import Deps

Table = list[tuple[str, dict[str, Handler]]]  # path → method → handler


def by_method(handlers: dict[str, Handler]) -> Handler:
    """One route per path, so a 405 names every method the path has in its ``Allow`` header (HEAD runs GET's)."""
    if len(set(handlers.values())) == 1:
        return next(iter(handlers.values()))

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return endpoint


def routes(deps: Deps, table: Table) -> list[Route]:
    return [Route(path, guarded(deps, by_method(handlers)), methods=list(handlers)) for path, handlers in table]
