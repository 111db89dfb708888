"""The directory's handshakes (invitations), and the account an invitation by login name names."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, insert, select, update

from openrd.adapters.db import tables as t
from openrd.adapters.db.resource_directories import DirectoryConnection
from openrd.adapters.db.rows import record_from_row
from openrd.domain.directory import Handshake, HandshakeStatus


def _handshake(row: Any) -> Handshake:
    return record_from_row(
        Handshake,
        row,
        status=HandshakeStatus(row.status),
        tags=tuple((str(k), str(v)) for k, v in json.loads(row.tags or "[]")),
    )


class SqlHandshakeRepository(DirectoryConnection):
    def add_handshake(self, handshake: Handshake) -> None:
        values = handshake.__dict__ | {"tags": json.dumps([list(tag) for tag in handshake.tags])}
        self.conn.execute(insert(t.handshakes).values(**values))

    def get_handshake(self, handshake_id: str) -> Handshake | None:
        row = self.conn.execute(select(t.handshakes).where(t.handshakes.c.handshake_id == handshake_id)).first()
        return _handshake(row) if row else None

    def set_handshake_status(self, handshake_id: str, status: HandshakeStatus, *, now_ms: int) -> None:
        h = t.handshakes
        self.conn.execute(
            update(h).where(h.c.handshake_id == handshake_id).values(status=status.value, modify_ms=now_ms)
        )

    def handshakes(
        self, *, directory_id: str | None = None, invited_account_id: str | None = None, limit: int, offset: int
    ) -> tuple[Sequence[Handshake], int]:
        h = t.handshakes
        where = []
        if directory_id is not None:
            where.append(h.c.directory_id == directory_id)
        if invited_account_id is not None:
            where.append(h.c.invited_account_id == invited_account_id)
        total = self.conn.execute(select(func.count()).select_from(h).where(*where)).scalar_one()
        query = select(h).where(*where).order_by(h.c.created_ms.desc(), h.c.handshake_id).limit(limit).offset(offset)
        return [_handshake(r) for r in self.conn.execute(query)], int(total)

    def pending_handshake(self, directory_id: str, invited_account_id: str, *, now_ms: int) -> Handshake | None:
        h = t.handshakes
        query = select(h).where(
            and_(
                h.c.directory_id == directory_id,
                h.c.invited_account_id == invited_account_id,
                h.c.status == HandshakeStatus.PENDING.value,
                h.c.expire_ms > now_ms,
            )
        )
        row = self.conn.execute(query).first()
        return _handshake(row) if row else None

    def account_id_by_login(self, name: str) -> str | None:
        """The account an invitation by e-mail names: login names compare case-insensitively, oldest first."""
        a = t.accounts
        query = (
            select(a.c.account_id)
            .where(func.lower(a.c.name) == name.lower())
            .order_by(a.c.created_ms, a.c.account_id)
            .limit(1)
        )
        row = self.conn.execute(query).first()
        return str(row.account_id) if row else None
