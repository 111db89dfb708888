"""The audit trail (``GET /_openrd/audit``, docs/behaviour.md#audit-trail) and root AccessKeys for accounts openrd
created itself."""

from __future__ import annotations

import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openrd import errors
from openrd.control.app import query_limit
from openrd.control.guard import guarded
from openrd.domain.directory import AuditEvent
from openrd.domain.times import rfc3339_ms
from openrd.services import audit, identity
from openrd.services.context import Deps

_ACTION = re.compile(r"^[A-Za-z]{1,64}$")


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
    return body


def audit_routes(deps: Deps) -> list[Route]:
    async def events(request: Request) -> Response:
        query = request.query_params
        account_id = query.get("account_id") or None
        action = query.get("action") or None
        result = query.get("result") or None
        if account_id is not None and not re.fullmatch(r"[0-9]{16}", account_id):
            raise errors.ControlInvalid("account_id must be 16 digits")
        if action is not None and not _ACTION.fullmatch(action):
            raise errors.ControlInvalid("action must be an action name")
        if result not in (None, "success", "failure"):
            raise errors.ControlInvalid("result must be success or failure")
        limit = query_limit(request, default=100)
        found = await run_in_threadpool(
            audit.events, deps, account_id=account_id, action=action, result=result, limit=limit
        )
        return JSONResponse({"events": [event_json(e) for e in found]})

    async def create_access_key(request: Request) -> Response:
        creds = await run_in_threadpool(
            identity.create_root_access_key, uow=deps.uow(), rng=deps.rng, account_id=request.path_params["id"]
        )
        return JSONResponse(
            {"access_key_id": creds.access_key_id, "access_key_secret": creds.access_key_secret}, status_code=201
        )

    return [
        Route("/_openrd/audit", guarded(deps, events), methods=["GET"]),
        Route("/_openrd/accounts/{id}/access-keys", guarded(deps, create_access_key), methods=["POST"]),
    ]
