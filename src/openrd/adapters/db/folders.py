"""The directory's folders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from openrd.adapters.db import tables as t
from openrd.adapters.db.prepared import Prepared
from openrd.adapters.db.resource_directories import DirectoryConnection
from openrd.domain.directory import Folder
from openrd.domain.tags import FOLDER

_FOLDER = Prepared(select(t.folders).where(t.folders.c.folder_id == bindparam("id")))


def _folder(row: Any) -> Folder:
    return Folder(row.folder_id, row.directory_id, row.name, row.parent_id, row.depth, row.path, row.created_ms)


class SqlFolderRepository(DirectoryConnection):
    def add_folder(self, folder: Folder) -> None:
        self.conn.execute(insert(t.folders).values(**folder.__dict__))

    def get_folder(self, folder_id: str) -> Folder | None:
        self._known()
        if folder_id in self._folders:  # the caller's own folder, as a read's caller lookup brought it
            return self._folders[folder_id]
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

    def rename_folder(self, folder_id: str, name: str) -> None:
        self.conn.execute(update(t.folders).where(t.folders.c.folder_id == folder_id).values(name=name))

    def delete_folder(self, folder_id: str) -> None:
        self.conn.execute(delete(t.folders).where(t.folders.c.folder_id == folder_id))
        rt = t.resource_tags  # a folder's tags go with it
        self.conn.execute(delete(rt).where(rt.c.resource_type == FOLDER, rt.c.resource_id == folder_id))
