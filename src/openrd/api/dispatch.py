"""parse → verify → caller → authorize → params → handler → render. Every outcome is an Alibaba envelope."""

from __future__ import annotations

import logging
import time
from typing import Any

from openrd import errors
from openrd.api import actions
from openrd.api.auth import authenticated_call
from openrd.api.context import CallContext
from openrd.api.protocol import Format, WireResponse, product_for, render_error, render_success
from openrd.api.registry import Action
from openrd.api.request import RawRequest, parse_envelope, response_format
from openrd.domain.identity import Principal
from openrd.services import audit, metrics
from openrd.services.authentication import RequestFacts
from openrd.services.context import Deps

log = logging.getLogger("openrd.api")
ALLOWED_METHODS = frozenset({"GET", "POST"})


def dispatch(raw: RawRequest, deps: Deps) -> WireResponse:
    started = time.perf_counter()
    request_id = deps.rng.request_id()
    fmt, version, action_name = Format.JSON, None, None
    action: Action | None = None
    principal: Principal | None = None
    error: errors.OpenRDError | None = None
    audited_in_call: list[bool] = []
    try:
        params = raw.params()
        # Version first, then Format: every later error (even a bad Format) names the product called
        # (docs/behaviour.md#errors), and is rendered in the format the caller asked for
        # (docs/behaviour.md#json-and-xml).
        version, action_name = params.get("Version") or raw.headers.get("x-acs-version"), params.get("Action")
        fmt = response_format(params, raw.headers)
        if raw.method not in ALLOWED_METHODS:
            raise errors.UnsupportedHTTPMethod()
        envelope = parse_envelope(raw)
        version, action_name = envelope.version, envelope.action
        action = chosen = actions.lookup(envelope.version, envelope.action)
        parsed: list[Any] = []
        with authenticated_call(
            raw,
            envelope,
            deps,
            action.ram_action,
            read_only=action.read_only,
            target=action.target_of(envelope.params),
            before_authorize=(lambda: parsed.append(chosen.parse(envelope.params))) if action.params_first else None,
        ) as (
            principal,
            call_deps,
        ):
            request = parsed[0] if parsed else action.parse(envelope.params)
            if action.audited and not action.read_only:
                success = audit.event_for(
                    call_deps, request_id=request_id, action=action.name, principal=principal, error_code=None
                )  # call_deps: the call's clock, so the audit row's time is the call's instant
                call_deps, audited_in_call = audit.auditing_deps(call_deps, success)
            facts = RequestFacts(source_ip=raw.peer, secure_transport=raw.secure)
            context = CallContext(principal, request_id, action.name, envelope.version, call_deps, facts)
            body = action.handler(context, request)
        log.info("call", extra={"request_id": request_id, **_call_fields(raw, version, action.name), "status": 200})
        return render_success(action.name, body, fmt)
    except errors.OpenRDError as exc:
        error = exc
        log.info(
            "call failed",
            extra={
                "request_id": request_id,
                **_call_fields(raw, version, action_name),
                "status": exc.status,
                "code": exc.code,
            },
        )
        return render_error(exc, request_id=request_id, host=raw.host, product=product_for(version), fmt=fmt)
    except Exception:
        # The unit of work already rolled back; the client gets the envelope, the log gets the traceback.
        error = errors.InternalError()
        log.exception("internal error", extra={"request_id": request_id, "action": action_name})
        return render_error(error, request_id=request_id, host=raw.host, product=product_for(version), fmt=fmt)
    finally:
        metrics.observe_call(
            action.name if action else None, error.code if error else "OK", time.perf_counter() - started
        )
        # Every change and every failure is audited; successful reads are not (they change nothing). A change
        # is recorded in its own transaction (above); what is left is a failure, or a write call that wrote nothing.
        unrecorded = error is not None or (not audited_in_call and action is not None and not action.read_only)
        denial = None
        if isinstance(error, errors.NoPermission):  # refused at authorization: who, and which policy refused
            denial = error.denial
            if principal is None and isinstance(error.principal, Principal):
                principal = error.principal
        if principal is not None and action is not None and action.audited and unrecorded:
            code = error.code if error else None
            event = audit.event_for(
                deps, request_id=request_id, action=action.name, principal=principal, error_code=code, denial=denial
            )
            audit.record(deps, event)


def _call_fields(raw: RawRequest, version: str | None, action: str | None) -> dict[str, str | None]:
    """What a call line says about the call: which client (its User-Agent) called which action of which version."""
    return {"action": action, "version": version, "user_agent": raw.headers.get("user-agent")}
