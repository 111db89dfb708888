"""The audit trail, ``GET /_openrd/audit``: who called what, with which result."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openrd.control.http import call
from openrd.control.requests import AUDIT_QUERY
from openrd.control.routing import routes
from openrd.domain.directory import AuditEvent
from openrd.domain.times import rfc3339_ms
from openrd.services import audit
from openrd.services.context import Deps


def event_json(event: AuditEvent) -> dict[str, Any]:
    body: dict[str, Any] = {
        "time": rfc3339_ms(event.time_ms),
        "request_id": event.request_id,
        "action": event.action,
        "principal_arn": event.principal_arn,
        "account_id": event.account_id,
        "result": event.result,
    }
    if event.error_code:
        body["error_code"] = event.error_code
    if event.denied_policy_type:
        body["denied_policy_type"] = event.denied_policy_type
    if event.denied_by:
        body["denied_by"] = event.denied_by
    return body


def audit_routes(deps: Deps) -> list[Route]:
    async def events(request: Request) -> Response:
        wanted = AUDIT_QUERY.parse(request.query_params)
        found = await call(
            audit.events,
            deps,
            account_id=wanted.account_id,
            action=wanted.action,
            result=wanted.result,
            limit=wanted.limit,
        )
        return JSONResponse({"events": [event_json(e) for e in found]})

    return routes(deps, [("/_openrd/audit", {"GET": events})])
