"""Folders of the caller's directory: CreateFolder, GetFolder, ListFoldersForParent, DeleteFolder
(docs/behaviour.md#folders).

Changes need the caller's account to manage a directory; reads also serve a delegated administrator of it
(docs/delegation.md#reading-the-directory). Folders of other directories do not exist for the caller (404
EntityNotExists.Folder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from openrd import errors
from openrd.domain import directory as rules
from openrd.domain.control_policies import TargetType
from openrd.domain.directory import Folder
from openrd.domain.identity import Principal
from openrd.domain.times import epoch_ms
from openrd.services import guardrails
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork
from openrd.services.standing import folder_in, managed_directory, readable_directory

# Alibaba documents a folder quota (QuotaExceeded.Folder.Count) but not its size; ours matches the member quota.
MAX_FOLDERS = 1000


def offset(page_number: int, page_size: int) -> int:
    return (page_number - 1) * page_size


def _new_folder_id(uow: UnitOfWork, deps: Deps) -> str:
    while True:
        candidate = "fd-" + deps.rng.alnum(10)
        if uow.directory.get_folder(candidate) is None:
            return candidate


def create_folder(deps: Deps, *, principal: Principal, name: str, parent_folder_id: str | None) -> Folder:
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        # Sibling names and the folder count are checked under the directory's lock (concurrent creates).
        uow.directory.lock(f"directory:{directory.directory_id}")
        parent = folder_in(uow, directory, parent_folder_id)
        if parent.depth + 1 > rules.MAX_FOLDER_DEPTH:
            raise errors.LimitExceededFolderDepth()
        if uow.directory.folder_name_taken(parent.folder_id, name):
            raise errors.InvalidParameterFolderNameAlreadyUsed()
        if uow.directory.count_folders(directory.directory_id) - 1 >= MAX_FOLDERS:  # the root does not count
            raise errors.QuotaExceededFolderCount()
        folder_id = _new_folder_id(uow, deps)
        folder = Folder(
            folder_id=folder_id,
            directory_id=directory.directory_id,
            name=name,
            parent_id=parent.folder_id,
            depth=parent.depth + 1,
            path=f"{parent.path}/{folder_id}",
            created_ms=epoch_ms(deps.clock.now()),
        )
        uow.directory.add_folder(folder)
        guardrails.joined(uow, directory, folder_id, TargetType.FOLDER, folder.created_ms)
        return folder


def get_folder(deps: Deps, *, principal: Principal, folder_id: str) -> Folder:
    with deps.uow(write=False) as uow:
        return folder_in(uow, readable_directory(uow, principal), folder_id)


def list_folders(
    deps: Deps,
    *,
    principal: Principal,
    parent_folder_id: str | None,
    keyword: str | None,
    page_number: int,
    page_size: int,
) -> tuple[Sequence[Folder], int]:
    """Direct children of the parent (the root when none is given), oldest first, and how many there are."""
    with deps.uow(write=False) as uow:
        parent = folder_in(uow, readable_directory(uow, principal), parent_folder_id)
        return uow.directory.child_folders(
            parent.folder_id, keyword=keyword, limit=page_size, offset=offset(page_number, page_size)
        )


def delete_folder(deps: Deps, *, principal: Principal, folder_id: str) -> None:
    """Only an empty folder goes; the root is refused at the parameter stage (its ID is not an ``fd-`` ID)."""
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")  # no create or move may slip in meanwhile
        folder = folder_in(uow, directory, folder_id)
        if folder.parent_id is None:
            raise errors.InvalidParameterFolderId()
        if uow.directory.has_subfolders(folder.folder_id):
            raise errors.DeleteConflictFolderSubFolder()
        if uow.directory.folder_has_members(folder.folder_id):
            raise errors.DeleteConflictFolderAccount()
        uow.directory.delete_folder(folder.folder_id)
        guardrails.left(uow, folder.folder_id)


def update_folder(deps: Deps, *, principal: Principal, folder_id: str, name: str) -> Folder:
    """Rename a folder; the name stays unique among its siblings (its own name is no clash). The root is refused
    at the parameter stage (its ID is not an ``fd-`` ID)."""
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")  # sibling names, as create_folder checks them
        folder = folder_in(uow, directory, folder_id)
        if folder.parent_id is None:
            raise errors.InvalidParameterFolderId()
        if name != folder.name and uow.directory.folder_name_taken(folder.parent_id, name):
            raise errors.InvalidParameterFolderNameAlreadyUsed()
        uow.directory.rename_folder(folder.folder_id, name)
        return replace(folder, name=name)


def list_ancestors(deps: Deps, *, principal: Principal, child_id: str) -> list[Folder]:
    """The folders above ``child_id``, from the root down to its parent (none for the root)."""
    with deps.uow(write=False) as uow:
        folder = folder_in(uow, readable_directory(uow, principal), child_id)
        found = [uow.directory.get_folder(ancestor) for ancestor in folder.path.split("/")[1:-1]]
        return [f for f in found if f is not None]
