"""The audit trail: every authenticated call that changes the directory, and every failed call, with who made
it (the RAM identity, so the operator is recorded), its RequestId, result and error code."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from openrd.domain.directory import AuditEvent
from openrd.domain.identity import Principal
from openrd.services.context import Deps
from openrd.services.identity import epoch_ms

log = logging.getLogger("openrd.audit")


def record(deps: Deps, *, request_id: str, action: str, principal: Principal, error_code: str | None) -> None:
    """Written in its own transaction after the call's, so a failed call is recorded although it rolled back."""
    try:
        event = AuditEvent(
            time_ms=epoch_ms(deps.clock.now()),
            request_id=request_id,
            action=action,
            principal_arn=principal.arn,
            account_id=principal.account_id,
            result="failure" if error_code else "success",
            error_code=error_code,
        )
        with deps.uow() as uow:
            uow.audit.add(event)
    except Exception:  # the call's outcome stands; a lost audit row is logged loudly
        log.exception("could not record the audit event", extra={"request_id": request_id, "action": action})


def events(
    deps: Deps, *, account_id: str | None, action: str | None, result: str | None, limit: int
) -> Sequence[AuditEvent]:
    with deps.uow(write=False) as uow:
        return uow.audit.list(account_id=account_id, action=action, result=result, limit=limit)
