"""The directory's members: their rows and how they are shown (member_reads.py holds those statements)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from openrd.adapters.db import member_reads
from openrd.adapters.db import tables as t
from openrd.adapters.db.member_reads import member_from_row
from openrd.adapters.db.prepared import Prepared
from openrd.adapters.db.resource_directories import DirectoryConnection
from openrd.domain.directory import Directory, Folder, Member, MemberRow, MemberView, Standing
from openrd.domain.tags import ACCOUNT

_MEMBER = Prepared(select(t.members).where(t.members.c.account_id == bindparam("id")))


class SqlMemberRepository(DirectoryConnection):
    def add_member(self, member: Member) -> None:
        self.conn.execute(insert(t.members).values(**member.__dict__))

    def get_member(self, account_id: str) -> Member | None:
        self._known()
        if account_id in self._members:  # a read's caller lookup brought it (know_managed)
            return self._members[account_id]
        row = _MEMBER.first(self.conn, {"id": account_id})
        return member_from_row(row) if row else None

    def members_of(self, account_ids: Sequence[str]) -> dict[str, Member]:
        found: dict[str, Member] = {}
        ids = list(dict.fromkeys(account_ids))
        for start in range(0, len(ids), 500):  # bounded IN lists: SQLite caps bound parameters
            rows = self.conn.execute(select(t.members).where(t.members.c.account_id.in_(ids[start : start + 500])))
            found.update((row.account_id, member_from_row(row)) for row in rows)
        return found

    def update_member(self, member: Member) -> None:
        values = {k: v for k, v in member.__dict__.items() if k != "account_id"}
        self.conn.execute(update(t.members).where(t.members.c.account_id == member.account_id).values(**values))

    def remove_member(self, account_id: str) -> None:
        self.conn.execute(delete(t.members).where(t.members.c.account_id == account_id))
        rt = t.resource_tags
        self.conn.execute(delete(rt).where(and_(rt.c.resource_type == ACCOUNT, rt.c.resource_id == account_id)))
        self.conn.execute(delete(t.member_payers).where(t.member_payers.c.account_id == account_id))

    def count_members(self, directory_id: str, *, excluding: str | None = None) -> int:
        m = t.members
        where = [m.c.directory_id == directory_id]
        if excluding is not None:
            where.append(m.c.account_id != excluding)
        return int(self.conn.execute(select(func.count()).where(*where)).scalar_one())

    def folder_has_members(self, folder_id: str) -> bool:
        return (
            self.conn.execute(select(t.members.c.account_id).where(t.members.c.folder_id == folder_id)).first()
            is not None
        )

    def display_name_taken(self, directory_id: str, display_name: str, *, excluding: str | None = None) -> bool:
        m, a = t.members, t.accounts
        query = (
            select(m.c.account_id)
            .join(a, a.c.account_id == m.c.account_id)
            .where(and_(m.c.directory_id == directory_id, a.c.display_name == display_name))
        )
        if excluding is not None:
            query = query.where(m.c.account_id != excluding)
        return self.conn.execute(query.limit(1)).first() is not None


class SqlMemberViewRepository(DirectoryConnection):
    def member_page(self, directory_id: str, **page: Any) -> tuple[Sequence[MemberRow], int]:
        return member_reads.member_page(self.conn, directory_id, pages=self._pages, **page)  # see there

    def member_view(self, account_id: str) -> MemberView | None:
        return member_reads.member_view(self.conn, account_id)

    def managed_member(self, manager_id: str, account_id: str) -> tuple[Directory, MemberView, Folder] | None:
        return member_reads.managed_member(self.conn, manager_id, account_id)

    def standings(self, first: str, second: str) -> dict[str, Standing]:
        return member_reads.standings(self.conn, first, second)
