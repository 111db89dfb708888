"""The directory's settings (member deletion, display-name sync) and who pays for each member."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from openrd.adapters.db import tables as t
from openrd.adapters.db.resource_directories import DirectoryConnection

_p = t.member_payers


class SqlSettingsRepository(DirectoryConnection):
    def set_directory_settings(self, directory_id: str, **settings: Any) -> None:
        self._forget_managed()  # what this unit of work read of the directory is stale now
        d = t.resource_directories
        self.conn.execute(update(d).where(d.c.directory_id == directory_id).values(**settings))

    def payer_of(self, account_id: str) -> str | None:
        row = self.conn.execute(select(_p.c.payer_account_id).where(_p.c.account_id == account_id)).first()
        return str(row[0]) if row else None

    def set_payer(self, account_id: str, payer_account_id: str) -> None:
        self.conn.execute(delete(_p).where(_p.c.account_id == account_id))
        self.conn.execute(insert(_p).values(account_id=account_id, payer_account_id=payer_account_id))

    def members_paid_by(self, payer_account_id: str) -> list[str]:
        query = select(_p.c.account_id).where(_p.c.payer_account_id == payer_account_id).order_by(_p.c.account_id)
        return [str(account_id) for (account_id,) in self.conn.execute(query)]
