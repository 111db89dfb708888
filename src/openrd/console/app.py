"""The live console page at ``/_openrd/console``: SMS inbox, directory trees, audit log, emulator clock.

Guarded like the control API (``control.guard.guarded``): loopback only, or, with ``OPENRD_ADMIN_TOKEN`` set,
the token. A browser cannot send an ``Authorization`` header when it opens a page or an ``EventSource``, so
the page also takes the token as ``?token=``, answered with a redirect to the same URL without it and an HttpOnly,
SameSite=Strict cookie scoped to ``/_openrd/console`` (Secure when the request came over HTTPS). The cookie holds
a session value derived from the token (an HMAC), never the token itself, and neither the page nor its script
ever sees the token: the one write the page makes goes to the console's own clock route, with the cookie. The
events stream and the assets take the cookie (or the header) only, never ``?token=``. See docs/security.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from openrd import errors
from openrd.console.render import AuditFilters, ConsoleRenderer
from openrd.console.stream import StreamTiming, snapshot_events
from openrd.control.emulator import clock_handler
from openrd.control.guard import guarded
from openrd.control.http import error_response
from openrd.services import console
from openrd.services.context import Deps

PAGE = "/_openrd/console"
TOKEN_COOKIE = "openrd_console_token"  # noqa: S105 - a cookie name, not a secret
TOKEN_PARAM = "token"  # noqa: S105 - a query parameter name
SESSION_LABEL = b"openrd console session"
ASSET_TYPES = {"console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"}
# No inline script or style anywhere, so the policy can forbid both; the page talks to its own origin only.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    version: str  # content hash: the cache-busting ``?v=`` and the ETag

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def load_assets() -> dict[str, Asset]:
    static = resources.files("openrd.console") / "static"
    assets = {}
    for name, media_type in ASSET_TYPES.items():
        body = (static / name).read_bytes()
        assets[name] = Asset(body, media_type, hashlib.sha256(body).hexdigest()[:16])
    return assets


def console_session(admin_token: str) -> str:
    """The cookie's value: proves the browser was given the token once, and cannot be turned back into it."""
    return hmac.new(admin_token.encode(), SESSION_LABEL, hashlib.sha256).hexdigest()


def with_browser_token(request: Request, admin_token: str | None, *, query_token: bool) -> Request:
    """Present ``?token=`` (where ``query_token``) or a valid console cookie to ``guarded`` as the
    ``Authorization`` header it checks; an explicit header is left for ``guarded`` to judge."""
    if admin_token is None or "authorization" in request.headers:
        return request
    token = request.query_params.get(TOKEN_PARAM) if query_token else None
    if token is None:
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if not hmac.compare_digest(cookie.encode(), console_session(admin_token).encode()):
            return request
        token = admin_token
    if not (token.isascii() and token.isprintable()):
        return request
    scope = dict(request.scope)
    scope["headers"] = [*request.scope["headers"], (b"authorization", f"Bearer {token}".encode("ascii"))]
    return Request(scope, request.receive)


def page_urls(assets: dict[str, Asset]) -> dict[str, str]:
    return {
        "css": f"{PAGE}/static/console.css?v={assets['console.css'].version}",
        "js": f"{PAGE}/static/console.js?v={assets['console.js'].version}",
        "events": f"{PAGE}/events",
        "clock": f"{PAGE}/clock",
        "page": PAGE,
    }


def page_handler(deps: Deps, renderer: ConsoleRenderer, urls: dict[str, str]) -> Handler:
    # Reading and rendering both run in the thread pool: database I/O and Jinja stay off the event loop.
    def render_page(filters: AuditFilters) -> str:
        return renderer.page(console.snapshot(deps), filters=filters, urls=urls)

    async def page(request: Request) -> Response:
        if deps.settings.admin_token is not None and TOKEN_PARAM in request.query_params:
            # Authenticated by the query token: keep it in a cookie, out of the address bar and history.
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != TOKEN_PARAM]
            response = RedirectResponse(PAGE + (f"?{urlencode(rest)}" if rest else ""), status_code=303)
            response.set_cookie(
                TOKEN_COOKIE,
                console_session(deps.settings.admin_token),
                path=PAGE,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
            response.headers["Referrer-Policy"] = "no-referrer"
            return response
        html = await run_in_threadpool(render_page, AuditFilters.from_query(request.query_params))
        return HTMLResponse(html, headers=SECURITY_HEADERS)

    return page


def events_handler(deps: Deps, renderer: ConsoleRenderer) -> Handler:
    def render_payload() -> dict[str, Any]:
        return renderer.payload(console.snapshot(deps))

    async def events(request: Request) -> Response:
        async def read_marker() -> str:
            return await run_in_threadpool(console.change_marker, deps)

        async def read_payload() -> dict[str, Any]:
            return await run_in_threadpool(render_payload)

        stream: AsyncIterator[str] = snapshot_events(
            read_marker=read_marker,
            read_payload=read_payload,
            # On reconnect the browser names the last snapshot it got; the first time, the page's own.
            last_event_id=request.headers.get("last-event-id") or request.query_params.get("since") or None,
            timing=StreamTiming(),
        )
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream, media_type="text/event-stream", headers=headers)

    return events


def asset_handler(assets: dict[str, Asset]) -> Handler:
    async def asset(request: Request) -> Response:
        found = assets.get(request.path_params["name"])
        if found is None:
            return Response("not found", status_code=404, media_type="text/plain")
        headers = {"ETag": found.etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        if request.headers.get("if-none-match") == found.etag:
            return Response(status_code=304, headers=headers)
        return Response(found.body, media_type=found.media_type, headers=headers)

    return asset


def browser_guarded(deps: Deps, renderer: ConsoleRenderer, handler: Handler, *, page_route: bool = False) -> Handler:
    """``guarded`` for a browser: the token may come as the console cookie (or, on the page, ``?token=``), and
    the page answers a refusal as a page."""
    inner = guarded(deps, handler)
    token = deps.settings.admin_token

    async def endpoint(request: Request) -> Response:
        if token is not None and not page_route and TOKEN_PARAM in request.query_params:
            # A token in this URL would sit in logs and history for as long as the stream runs.
            return error_response(
                errors.ControlUnauthorized(f"Open {PAGE}?token=… once; this route takes its cookie only.")
            )
        response = await inner(with_browser_token(request, token, query_token=page_route))
        if page_route and response.status_code in (401, 403):
            # guarded answers in JSON; a person opening the page gets the same verdict as a page.
            message = json.loads(bytes(response.body)).get("message", "")
            html = renderer.denied(status=response.status_code, message=message)
            return HTMLResponse(html, status_code=response.status_code, headers=SECURITY_HEADERS)
        return response

    return endpoint


def console_routes(deps: Deps) -> list[Route]:
    renderer = ConsoleRenderer()
    assets = load_assets()
    page = page_handler(deps, renderer, page_urls(assets))
    return [
        Route(PAGE, browser_guarded(deps, renderer, page, page_route=True), methods=["GET"]),
        Route(f"{PAGE}/events", browser_guarded(deps, renderer, events_handler(deps, renderer)), methods=["GET"]),
        Route(f"{PAGE}/clock", browser_guarded(deps, renderer, clock_handler(deps)), methods=["POST"]),
        Route(f"{PAGE}/static/{{name}}", browser_guarded(deps, renderer, asset_handler(assets)), methods=["GET"]),
    ]
