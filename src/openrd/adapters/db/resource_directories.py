"""The directories themselves (resource_directories rows), and what every repository of the directory shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select

from openrd.adapters.db import member_reads
from openrd.adapters.db import tables as t
from openrd.adapters.db.codes import lock_key
from openrd.adapters.db.page_cache import MemberPageCache
from openrd.adapters.db.prepared import Prepared
from openrd.adapters.db.rows import record_from_row
from openrd.domain.directory import Directory, Folder, Member

# Hot-path statements are built once and run through the driver (prepared.py).
_MANAGED_BY = Prepared(
    select(t.resource_directories).where(t.resource_directories.c.master_account_id == bindparam("id"))
)


def directory_from_row(row: Any) -> Directory:
    return record_from_row(Directory, row)


class DirectoryConnection:
    """What the directory's repositories share: the unit of work's connection, and on a read the member pages it
    may list from and the directories its caller lookup brought along."""

    def __init__(self, conn: Connection, *, pages: MemberPageCache | None = None) -> None:
        self.conn = conn
        self._pages = pages  # a read's on SQLite (uow.py): what it lists may come from the kept pages
        # Directories by managing account, as a read's caller lookup brought them (know_managed): ListAccounts and
        # the other management reads then ask no second time (on PostgreSQL a round trip).
        self._managed: dict[str, Directory | None] = {}
        # The caller account's membership and its folder, as the same lookup brought them (know_managed).
        self._members: dict[str, Member | None] = {}
        self._folders: dict[str, Folder] = {}
        # That lookup's row, until a read asks for one of the three: most calls never do, so building them on
        # every signed read was wasted work.
        self._caller_row: tuple[str, Any] | None = None

    def _known(self) -> None:
        """Fill the three maps from the caller lookup's row, if one came and is not read yet."""
        if self._caller_row is None:
            return
        (account_id, row), self._caller_row = self._caller_row, None
        self._managed[account_id] = member_reads.prefixed_directory(row)
        if hasattr(row, "m_account_id"):
            self._members[account_id] = member_reads.prefixed_member(row)
            folder = member_reads.prefixed_folder(row)
            if folder is not None:
                self._folders[folder.folder_id] = folder

    def _forget_managed(self) -> None:
        """A change to directories: what the lookup brought of them no longer answers (membership stays)."""
        self._known()
        self._managed.clear()

    def lock(self, key: str) -> None:
        lock_key(self.conn, key)


class SqlResourceDirectoryRepository(DirectoryConnection):
    def add_directory(self, directory: Directory) -> None:
        self._forget_managed()
        self.conn.execute(insert(t.resource_directories).values(**directory.__dict__))

    def get_directory(self, directory_id: str) -> Directory | None:
        d = t.resource_directories
        row = self.conn.execute(select(d).where(d.c.directory_id == directory_id)).first()
        return directory_from_row(row) if row else None

    def directory_managed_by(self, account_id: str) -> Directory | None:
        self._known()
        if account_id in self._managed:
            return self._managed[account_id]
        row = _MANAGED_BY.first(self.conn, {"id": account_id})
        return directory_from_row(row) if row else None

    def know_managed(self, account_id: str, row: Any) -> None:
        """What ``directory_managed_by(account_id)`` answers in this unit of work: a row with the directory's
        columns prefixed ``d_`` (all None: it manages none). Only a read's unit of work is told (uow.py): a change
        reads the directory itself, after the locks it takes, not as its first lookup saw it."""
        self._caller_row = (account_id, row)

    def all_directories(self) -> Sequence[Directory]:
        d = t.resource_directories
        return [directory_from_row(r) for r in self.conn.execute(select(d).order_by(d.c.created_ms, d.c.directory_id))]

    def delete_directory(self, directory_id: str) -> None:
        self._forget_managed()
        # The directory's folders and control policies carry tags; they go with their resources.
        tagged = t.resource_tags
        for owner, id_column in (
            (t.folders, t.folders.c.folder_id),
            (t.control_policies, t.control_policies.c.policy_id),
        ):
            ids = select(id_column).where(owner.c.directory_id == directory_id)
            self.conn.execute(delete(tagged).where(tagged.c.resource_id.in_(ids)))
        for table in (
            t.control_policy_attachments, t.control_policies, t.handshakes, t.members, t.folders,
            t.resource_directories,
        ):  # fmt: skip
            self.conn.execute(delete(table).where(table.c.directory_id == directory_id))
