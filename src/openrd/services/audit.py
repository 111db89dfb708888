"""The audit trail: every authenticated call that changes the directory, and every failed call, with who made
it (the RAM identity, so the operator is recorded), its RequestId, result and error code."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from types import TracebackType

from openrd import errors
from openrd.domain.directory import AuditEvent
from openrd.domain.identity import Principal
from openrd.domain.times import epoch_ms
from openrd.services.context import Deps
from openrd.services.ports import RepositoryAccess, UnitOfWork

log = logging.getLogger("openrd.audit")


def event_for(
    deps: Deps,
    *,
    request_id: str,
    action: str,
    principal: Principal,
    error_code: str | None,
    denial: tuple[str, str] | None = None,
) -> AuditEvent:
    """``denial``: for an authorization refusal, the kind of policy that refused and what decided it."""
    return AuditEvent(
        time_ms=epoch_ms(deps.clock.now()),
        request_id=request_id,
        action=action,
        principal_arn=principal.arn,
        account_id=principal.account_id,
        result="failure" if error_code else "success",
        error_code=error_code,
        denied_policy_type=denial[0] if denial else None,
        denied_by=(denial[1] or None) if denial else None,
    )


class _AuditedUnitOfWork(RepositoryAccess):
    """A write unit of work that adds the call's event just before it commits: the change and its audit row
    land together or not at all, so a crash between two commits cannot lose the record. The event is the
    success, or the failure of an error raised ``keeping_changes`` (a wrong code counted as an attempt)."""

    def __init__(self, inner: UnitOfWork, event: AuditEvent, written: list[bool]) -> None:
        self._inner, self._event, self._written = inner, event, written
        self._entered: UnitOfWork | None = None
        self.repositories = inner

    def __enter__(self) -> UnitOfWork:
        self._entered = self._inner.__enter__()
        return self._entered

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        outcome: AuditEvent | None = self._event
        if isinstance(exc, errors.OpenRDError) and exc.keeps_changes:  # a failure that commits: say so with it
            outcome = replace(self._event, result="failure", error_code=exc.code)
        elif exc_type is not None:
            outcome = None
        if outcome is not None and not self._written and self._entered is not None:
            try:
                self._entered.audit.add(outcome)  # the call's first write: no row of its RequestId yet
            except BaseException as error:
                self._inner.__exit__(type(error), error, error.__traceback__)
                raise
            self._written.append(True)
        self._inner.__exit__(exc_type, exc, tb)

    def nested(self) -> UnitOfWork:
        return self._inner.nested()


def auditing_deps(deps: Deps, event: AuditEvent) -> tuple[Deps, list[bool]]:
    """``deps`` whose first committed write transaction carries ``event``; the list fills when it did."""
    written: list[bool] = []

    def uow(*, write: bool = True) -> UnitOfWork:
        inner = deps.uow(write=write)
        return _AuditedUnitOfWork(inner, event, written) if write else inner

    return deps.evolve(uow=uow), written


def record(deps: Deps, event: AuditEvent) -> None:
    """In a transaction of its own after the call's: a failed call is recorded although it rolled back, and a
    call that failed after committing (a wrong code counted as an attempt) turns its success row into this."""
    try:
        with deps.uow() as uow:
            uow.audit.settle(event)
    except Exception:  # the call's outcome stands; a lost audit row is logged loudly
        log.exception(
            "could not record the audit event", extra={"request_id": event.request_id, "action": event.action}
        )


def events(
    deps: Deps, *, account_id: str | None, action: str | None, result: str | None, limit: int
) -> Sequence[AuditEvent]:
    with deps.uow(write=False) as uow:
        return uow.audit.list(account_id=account_id, action=action, result=result, limit=limit)
