"""The directory repository: directories, folders, members, tags, handshakes (members are read in
member_reads.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, update

from openrd.adapters.db import member_reads
from openrd.adapters.db import tables as t
from openrd.adapters.db.codes import lock_key
from openrd.adapters.db.member_reads import member_from_row
from openrd.adapters.db.page_cache import MemberPageCache
from openrd.adapters.db.prepared import Prepared
from openrd.domain.directory import (
    Directory,
    Folder,
    Handshake,
    HandshakeStatus,
    Member,
    MemberRow,
    MemberView,
    Standing,
)

# Hot-path statements are built once and run through the driver (prepared.py).
_MANAGED_BY = Prepared(
    select(t.resource_directories).where(t.resource_directories.c.master_account_id == bindparam("id"))
)
_FOLDER = Prepared(select(t.folders).where(t.folders.c.folder_id == bindparam("id")))
_MEMBER = Prepared(select(t.members).where(t.members.c.account_id == bindparam("id")))


def _directory(row: Any) -> Directory:
    return Directory(
        directory_id=row.directory_id,
        master_account_id=row.master_account_id,
        master_account_name=row.master_account_name,
        root_folder_id=row.root_folder_id,
        created_ms=row.created_ms,
        control_policy_status=row.control_policy_status,
        member_deletion_status=row.member_deletion_status,
    )


def _folder(row: Any) -> Folder:
    return Folder(row.folder_id, row.directory_id, row.name, row.parent_id, row.depth, row.path, row.created_ms)


def _handshake(row: Any) -> Handshake:
    return Handshake(
        handshake_id=row.handshake_id,
        directory_id=row.directory_id,
        master_account_id=row.master_account_id,
        master_account_name=row.master_account_name,
        target_type=row.target_type,
        target_entity=row.target_entity,
        invited_account_id=row.invited_account_id,
        note=row.note,
        status=HandshakeStatus(row.status),
        created_ms=row.created_ms,
        modify_ms=row.modify_ms,
        expire_ms=row.expire_ms,
        parent_folder_id=row.parent_folder_id,
        tags=tuple((str(k), str(v)) for k, v in json.loads(row.tags or "[]")),
    )


class SqlDirectoryRepository:
    def __init__(self, conn: Connection, *, pages: MemberPageCache | None = None) -> None:
        self.conn = conn
        self._pages = pages  # a read's on SQLite (uow.py): what it lists may come from the kept pages
        # Directories by managing account, as a read's caller lookup brought them (know_managed): ListAccounts and
        # the other management reads then ask no second time (on PostgreSQL a round trip).
        self._managed: dict[str, Directory | None] = {}

    def lock(self, key: str) -> None:
        lock_key(self.conn, key)

    # -- directories
    def add_directory(self, directory: Directory) -> None:
        self._managed.clear()
        self.conn.execute(insert(t.resource_directories).values(**directory.__dict__))

    def get_directory(self, directory_id: str) -> Directory | None:
        d = t.resource_directories
        row = self.conn.execute(select(d).where(d.c.directory_id == directory_id)).first()
        return _directory(row) if row else None

    def directory_managed_by(self, account_id: str) -> Directory | None:
        if account_id in self._managed:
            return self._managed[account_id]
        row = _MANAGED_BY.first(self.conn, {"id": account_id})
        return _directory(row) if row else None

    def know_managed(self, account_id: str, row: Any) -> None:
        """What ``directory_managed_by(account_id)`` answers in this unit of work: a row with the directory's
        columns prefixed ``d_`` (all None: it manages none). Only a read's unit of work is told (uow.py): a change
        reads the directory itself, after the locks it takes, not as its first lookup saw it."""
        self._managed[account_id] = member_reads.prefixed_directory(row)

    def all_directories(self) -> Sequence[Directory]:
        d = t.resource_directories
        return [_directory(r) for r in self.conn.execute(select(d).order_by(d.c.created_ms, d.c.directory_id))]

    def delete_directory(self, directory_id: str) -> None:
        self._managed.clear()
        for table in (t.handshakes, t.members, t.folders, t.resource_directories):
            self.conn.execute(delete(table).where(table.c.directory_id == directory_id))

    # -- folders
    def add_folder(self, folder: Folder) -> None:
        self.conn.execute(insert(t.folders).values(**folder.__dict__))

    def get_folder(self, folder_id: str) -> Folder | None:
        row = _FOLDER.first(self.conn, {"id": folder_id})
        return _folder(row) if row else None

    def child_folders(
        self, parent_id: str, *, keyword: str | None, limit: int, offset: int
    ) -> tuple[Sequence[Folder], int]:
        f = t.folders
        where = [f.c.parent_id == parent_id]
        if keyword:
            where.append(f.c.name.contains(keyword, autoescape=True))
        total = self.conn.execute(select(func.count()).select_from(f).where(*where)).scalar_one()
        query = select(f).where(*where).order_by(f.c.created_ms, f.c.folder_id).limit(limit).offset(offset)
        return [_folder(r) for r in self.conn.execute(query)], int(total)

    def folder_name_taken(self, parent_id: str, name: str) -> bool:
        f = t.folders
        query = select(f.c.folder_id).where(and_(f.c.parent_id == parent_id, f.c.name == name))
        return self.conn.execute(query).first() is not None

    def has_subfolders(self, folder_id: str) -> bool:
        return (
            self.conn.execute(select(t.folders.c.folder_id).where(t.folders.c.parent_id == folder_id)).first()
            is not None
        )

    def count_folders(self, directory_id: str) -> int:
        f = t.folders
        return int(self.conn.execute(select(func.count()).where(f.c.directory_id == directory_id)).scalar_one())

    def delete_folder(self, folder_id: str) -> None:
        self.conn.execute(delete(t.folders).where(t.folders.c.folder_id == folder_id))

    def rename_folder(self, folder_id: str, name: str) -> None:
        self.conn.execute(update(t.folders).where(t.folders.c.folder_id == folder_id).values(name=name))

    # -- members
    def add_member(self, member: Member) -> None:
        self.conn.execute(insert(t.members).values(**member.__dict__))

    def get_member(self, account_id: str) -> Member | None:
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
        self.conn.execute(delete(t.member_tags).where(t.member_tags.c.account_id == account_id))

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

    # -- member reads (member_reads.py)
    def member_page(self, directory_id: str, **page: Any) -> tuple[Sequence[MemberRow], int]:
        return member_reads.member_page(self.conn, directory_id, pages=self._pages, **page)  # see there

    def member_view(self, account_id: str) -> MemberView | None:
        return member_reads.member_view(self.conn, account_id)

    def managed_member(self, manager_id: str, account_id: str) -> tuple[Directory, MemberView, Folder] | None:
        return member_reads.managed_member(self.conn, manager_id, account_id)

    def standings(self, first: str, second: str) -> dict[str, Standing]:
        return member_reads.standings(self.conn, first, second)

    def tags_of(self, account_ids: Iterable[str]) -> dict[str, tuple[tuple[str, str], ...]]:
        return member_reads.tags_of(self.conn, account_ids)

    # -- tags
    def set_tags(self, account_id: str, tags: Iterable[tuple[str, str]]) -> None:
        mt = t.member_tags
        for key, value in tags:
            self.conn.execute(delete(mt).where(and_(mt.c.account_id == account_id, mt.c.key == key)))
            self.conn.execute(insert(mt).values(account_id=account_id, key=key, value=value))

    # -- handshakes
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
