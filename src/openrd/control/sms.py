"""The SMS inbox and dead-letter controls (docs/behaviour.md#control-api): what was sent, to whom, in which state."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openrd import errors
from openrd.control.http import call
from openrd.control.requests import LATEST_SMS_QUERY, SMS_QUERY
from openrd.control.routing import routes
from openrd.domain.sms import SmsRecord
from openrd.domain.times import rfc3339_ms
from openrd.services import delivery
from openrd.services.context import Deps


def sms_json(record: SmsRecord, *, readable: bool) -> dict[str, Any]:
    """``readable``: the inbox sender's messages show text and code; other senders' never do."""
    return {
        "id": record.message_id,
        "phone": record.phone,
        "text": record.text if readable else None,
        "code": record.code if readable else None,
        "purpose": record.purpose,
        "account_id": record.account_id,
        "status": record.status.value,
        "attempts": record.attempts,
        "last_error": record.last_error,
        "created_at": rfc3339_ms(record.created_ms),
        "sent_at": rfc3339_ms(record.sent_ms) if record.sent_ms is not None else None,
    }


def sms_routes(deps: Deps) -> list[Route]:
    async def messages(request: Request) -> Response:
        wanted = SMS_QUERY.parse(request.query_params)
        records = await call(delivery.messages, deps, phone=wanted.phone, status=wanted.status, limit=wanted.limit)
        readable = deps.sender.keeps_text
        return JSONResponse({"messages": [sms_json(r, readable=readable) for r in records]})

    async def latest(request: Request) -> Response:
        wanted = LATEST_SMS_QUERY.parse(request.query_params)
        records = await call(delivery.messages, deps, phone=wanted.phone, status=None, limit=wanted.limit)
        if not records:
            raise errors.ControlNotFound("no message for that phone" if wanted.phone else "no message yet")
        return JSONResponse(sms_json(records[0], readable=deps.sender.keeps_text))

    async def retry(request: Request) -> Response:
        await call(delivery.retry_dead, deps, message_id=request.path_params["id"])
        deps.wake_dispatcher()
        return Response(status_code=202)

    return routes(
        deps,
        [
            ("/_openrd/sms", {"GET": messages}),
            ("/_openrd/sms/latest", {"GET": latest}),
            ("/_openrd/sms/{id}/retry", {"POST": retry}),
        ],
    )
