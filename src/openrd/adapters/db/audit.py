"""The audit trail repository: one row per audited call, written in the call's own transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, insert, select, update

from openrd.adapters.db import tables as t
from openrd.adapters.db.prepared import Prepared
from openrd.adapters.db.rows import record_from_row
from openrd.domain.directory import AuditEvent

_AUDIT_ADD = Prepared(
    insert(t.audit_events).values({c.name: bindparam(c.name) for c in t.audit_events.columns if c.name != "id"})
)


class SqlAuditRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, event: AuditEvent) -> None:
        _AUDIT_ADD.execute(self.conn, event.__dict__)

    def settle(self, event: AuditEvent) -> None:
        e = t.audit_events
        outcome = {
            "result": event.result,
            "error_code": event.error_code,
            "denied_policy_type": event.denied_policy_type,
            "denied_by": event.denied_by,
        }
        if not self.conn.execute(update(e).where(e.c.request_id == event.request_id).values(**outcome)).rowcount:
            self.add(event)

    def list(
        self, *, account_id: str | None, action: str | None = None, result: str | None = None, limit: int
    ) -> Sequence[AuditEvent]:
        e = t.audit_events
        query = select(e).order_by(e.c.id.desc()).limit(limit)
        if account_id is not None:
            query = query.where(e.c.account_id == account_id)
        if action is not None:
            query = query.where(e.c.action == action)
        if result is not None:
            query = query.where(e.c.result == result)
        return [record_from_row(AuditEvent, r) for r in self.conn.execute(query)]
