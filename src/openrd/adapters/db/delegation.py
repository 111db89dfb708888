"""Delegated administrators of trusted services, as part of the directory repository."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select

from openrd.adapters.db import tables as t
from openrd.adapters.db.resource_directories import DirectoryConnection
from openrd.adapters.db.rows import record_from_row
from openrd.domain.delegation import DelegatedAdministrator, DelegatedAdministratorView

_D = t.delegated_administrators


def _administrator(row: Any) -> DelegatedAdministrator:
    return record_from_row(DelegatedAdministrator, row)


class SqlDelegationRepository(DirectoryConnection):
    def add_delegated_administrator(self, administrator: DelegatedAdministrator) -> None:
        self.conn.execute(insert(_D).values(**administrator.__dict__))

    def remove_delegated_administrator(self, account_id: str, service_principal: str) -> bool:
        where = (_D.c.account_id == account_id, _D.c.service_principal == service_principal)
        return bool(self.conn.execute(delete(_D).where(*where)).rowcount)

    def delegations_of(self, account_id: str) -> Sequence[DelegatedAdministrator]:
        query = select(_D).where(_D.c.account_id == account_id).order_by(_D.c.registered_ms, _D.c.service_principal)
        return [_administrator(row) for row in self.conn.execute(query)]

    def count_delegated_administrators(self, directory_id: str, service_principal: str) -> int:
        where = (_D.c.directory_id == directory_id, _D.c.service_principal == service_principal)
        return int(self.conn.execute(select(func.count()).select_from(_D).where(*where)).scalar_one())

    def delegated_administrator_page(
        self, directory_id: str, *, service_principal: str | None, limit: int, offset: int
    ) -> tuple[Sequence[DelegatedAdministratorView], int]:
        where = [_D.c.directory_id == directory_id]
        if service_principal is not None:
            where.append(_D.c.service_principal == service_principal)
        total = self.conn.execute(select(func.count()).select_from(_D).where(*where)).scalar_one()
        query = (
            select(_D, t.accounts.c.display_name, t.members.c.join_method)
            .join(t.members, t.members.c.account_id == _D.c.account_id)
            .join(t.accounts, t.accounts.c.account_id == _D.c.account_id)
            .where(*where)
            .order_by(_D.c.registered_ms, _D.c.account_id, _D.c.service_principal)
            .limit(limit)
            .offset(offset)
        )
        views = [
            DelegatedAdministratorView(_administrator(row), row.display_name, row.join_method)
            for row in self.conn.execute(query)
        ]
        return views, int(total)

    def enabled_services(
        self, directory_id: str, *, account_id: str | None, limit: int, offset: int
    ) -> tuple[Sequence[tuple[str, int]], int]:
        where = [_D.c.directory_id == directory_id]
        if account_id is not None:
            where.append(_D.c.account_id == account_id)
        grouped = (
            select(_D.c.service_principal, func.min(_D.c.registered_ms).label("enabled_ms"))
            .where(*where)
            .group_by(_D.c.service_principal)
        )
        total = self.conn.execute(select(func.count()).select_from(grouped.subquery())).scalar_one()
        rows = self.conn.execute(grouped.order_by(_D.c.service_principal).limit(limit).offset(offset))
        return [(row.service_principal, int(row.enabled_ms)) for row in rows], int(total)
