"""The audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from openrd.domain.directory import AuditEvent


class AuditRepository(Protocol):
    def add(self, event: AuditEvent) -> None: ...

    def settle(self, event: AuditEvent) -> None:
        """Record ``event``'s outcome on the row of its RequestId, adding the row when the call wrote none."""

    def list(
        self, *, account_id: str | None, action: str | None = None, result: str | None = None, limit: int
    ) -> Sequence[AuditEvent]: ...
