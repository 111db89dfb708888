"""The SMS inbox and dead-letter controls (docs/behaviour.md#sms-inbox): what was sent, to whom, in which state."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openrd import errors
from openrd.control.app import query_limit
from openrd.control.guard import guarded
from openrd.domain.phone import parse_phone_syntax
from openrd.domain.sms import SmsRecord, SmsStatus
from openrd.domain.times import rfc3339_ms
from openrd.services import delivery
from openrd.services.context import Deps


def sms_json(record: SmsRecord, *, readable: bool) -> dict[str, Any]:
    """``readable``: the inbox sender's messages show text and code; other senders' never do
    (docs/behaviour.md#sms-inbox)."""
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


def _phone_filter(request: Request) -> str | None:
    phone = request.query_params.get("phone") or None
    if phone is not None and parse_phone_syntax(phone) is None:
        raise errors.ControlInvalid("phone must look like 86-13900001234")
    return phone


def _status(request: Request) -> str | None:
    raw = request.query_params.get("status") or None
    if raw is not None and raw not in {s.value for s in SmsStatus}:
        raise errors.ControlInvalid("status must be pending, failed, sent or dead")
    return raw


def list_messages(deps: Deps, *, phone: str | None, status: str | None, limit: int) -> list[SmsRecord]:
    with deps.uow(write=False) as uow:
        return list(uow.outbox.list(phone=phone, status=status, limit=limit))


def sms_routes(deps: Deps) -> list[Route]:
    async def messages(request: Request) -> Response:
        phone, status, limit = _phone_filter(request), _status(request), query_limit(request, default=50)
        records = await run_in_threadpool(list_messages, deps, phone=phone, status=status, limit=limit)
        readable = deps.sender.keeps_text
        return JSONResponse({"messages": [sms_json(r, readable=readable) for r in records]})

    async def latest(request: Request) -> Response:
        phone = _phone_filter(request)
        records = await run_in_threadpool(list_messages, deps, phone=phone, status=None, limit=1)
        if not records:
            raise errors.ControlNotFound("no message for that phone" if phone else "no message yet")
        return JSONResponse(sms_json(records[0], readable=deps.sender.keeps_text))

    async def retry(request: Request) -> Response:
        await run_in_threadpool(delivery.retry_dead, uow=deps.uow(), message_id=request.path_params["id"])
        deps.wake_dispatcher()
        return Response(status_code=202)

    return [
        Route("/_openrd/sms", guarded(deps, messages), methods=["GET"]),
        Route("/_openrd/sms/latest", guarded(deps, latest), methods=["GET"]),
        Route("/_openrd/sms/{id}/retry", guarded(deps, retry), methods=["POST"]),
    ]
