"""CreateFolder, GetFolder, ListFoldersForParent, DeleteFolder, UpdateFolder, ListAncestors."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import page_fields, time
from openrd.api.params import Param, string
from openrd.api.registry import FOLDER_TARGET, PARENT_FOLDER_TARGET, TargetParam, directory_action
from openrd.api.wire import FOLDER_ID, KEYWORD, PAGE_NUMBER, PAGE_SIZE, PARENT_FOLDER
from openrd.domain import names
from openrd.domain.directory import Folder
from openrd.domain.resources import ResourceKind
from openrd.services import folders

SUB_FOLDER_ID = r"fd-[A-Za-z0-9]{10}"  # DeleteFolder: the root folder cannot be named
_RD = errors.EntityNotExistsResourceDirectory


def _folder_name(raw: str) -> str:
    if len(raw) > names.MAX_FOLDER_NAME:
        raise errors.InvalidParameterFolderNameLength()
    if not names.valid_folder_name(raw):
        raise ValueError(raw)
    return raw


def _folder(folder: Folder) -> dict[str, Any]:
    return {
        "FolderId": folder.folder_id,
        "FolderName": folder.name,
        "ParentFolderId": folder.parent_id or "",  # the root has no parent
        "CreateTime": time(folder.created_ms),
    }


@dataclass(frozen=True)
class CreateFolderRequest:
    name: str
    parent_folder_id: str | None


def create_folder(ctx: CallContext, req: CreateFolderRequest) -> dict[str, Any]:
    folder = folders.create_folder(
        ctx.deps, principal=ctx.principal, name=req.name, parent_folder_id=req.parent_folder_id
    )
    return {"RequestId": ctx.request_id, "Folder": _folder(folder)}


@dataclass(frozen=True)
class FolderIdRequest:
    folder_id: str


def get_folder(ctx: CallContext, req: FolderIdRequest) -> dict[str, Any]:
    folder = folders.get_folder(ctx.deps, principal=ctx.principal, folder_id=req.folder_id)
    return {"RequestId": ctx.request_id, "Folder": _folder(folder) | {"ResourceDirectoryPath": folder.path}}


@dataclass(frozen=True)
class ListFoldersRequest:
    parent_folder_id: str | None
    keyword: str | None
    page_number: int
    page_size: int


def list_folders_for_parent(ctx: CallContext, req: ListFoldersRequest) -> dict[str, Any]:
    items, total = folders.list_folders(
        ctx.deps,
        principal=ctx.principal,
        parent_folder_id=req.parent_folder_id,
        keyword=req.keyword,
        page_number=req.page_number,
        page_size=req.page_size,
    )
    listed = [{"FolderId": f.folder_id, "FolderName": f.name, "CreateTime": time(f.created_ms)} for f in items]
    return {"RequestId": ctx.request_id, "Folders": {"Folder": listed}} | page_fields(
        req.page_number, req.page_size, total
    )


def delete_folder(ctx: CallContext, req: FolderIdRequest) -> dict[str, Any]:
    folders.delete_folder(ctx.deps, principal=ctx.principal, folder_id=req.folder_id)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class UpdateFolderRequest:
    folder_id: str
    name: str


def update_folder(ctx: CallContext, req: UpdateFolderRequest) -> dict[str, Any]:
    folder = folders.update_folder(ctx.deps, principal=ctx.principal, folder_id=req.folder_id, name=req.name)
    return {"RequestId": ctx.request_id, "Folder": _folder(folder)}


@dataclass(frozen=True)
class ListAncestorsRequest:
    child_id: str


def list_ancestors(ctx: CallContext, req: ListAncestorsRequest) -> dict[str, Any]:
    found = folders.list_ancestors(ctx.deps, principal=ctx.principal, child_id=req.child_id)
    listed = [{"FolderId": f.folder_id, "FolderName": f.name, "CreateTime": time(f.created_ms)} for f in found]
    return {"RequestId": ctx.request_id, "Folders": {"Folder": listed}}


def _folder_id_param(pattern: str, doc: str) -> Param:
    return Param(
        "FolderId",
        "folder_id",
        "string",
        required=True,
        parse=string(16, pattern),
        missing=errors.MissingParameterFolderId,
        invalid=errors.InvalidParameterFolderId,
        doc=doc,
    )


_FOLDER_ID_ERRORS = (errors.MissingParameterFolderId, errors.InvalidParameterFolderId)
FOLDER_NAME = Param(
    "FolderName",
    "name",
    "string",
    required=True,
    parse=_folder_name,
    missing=errors.MissingParameterFolderName,
    invalid=errors.InvalidParameterFolderName,
    doc="1-24 of Chinese characters, letters, digits, _ . -; unique among its siblings",
)
_NAME_ERRORS = (
    errors.MissingParameterFolderName,
    errors.InvalidParameterFolderName,
    errors.InvalidParameterFolderNameLength,
    errors.InvalidParameterFolderNameAlreadyUsed,
)

ROWS = (
    directory_action(
        "CreateFolder",
        create_folder,
        CreateFolderRequest,
        params=(FOLDER_NAME, PARENT_FOLDER),
        errors=(
            errors.InvalidParameterParentFolderId,
            errors.MissingParameterFolderName,
            errors.InvalidParameterFolderName,
            errors.InvalidParameterFolderNameLength,
            errors.InvalidParameterFolderNameAlreadyUsed,
            _RD,
            errors.EntityNotExistsFolder,
            errors.LimitExceededFolderDepth,
            errors.QuotaExceededFolderCount,
        ),
        summary="Create a folder, at most five levels below the root.",
    ),
    directory_action(
        "GetFolder",
        get_folder,
        FolderIdRequest,
        target=FOLDER_TARGET,
        params=(_folder_id_param(FOLDER_ID, "r-… (root) or fd-…"),),
        errors=(*_FOLDER_ID_ERRORS, _RD, errors.EntityNotExistsFolder),
        summary="One folder of the caller's directory, with its path.",
    ),
    directory_action(
        "ListFoldersForParent",
        list_folders_for_parent,
        ListFoldersRequest,
        target=PARENT_FOLDER_TARGET,
        params=(PARENT_FOLDER, KEYWORD, PAGE_NUMBER, PAGE_SIZE),
        errors=(errors.InvalidParameterParentFolderId, _RD, errors.EntityNotExistsFolder),
        summary="The direct sub-folders of a folder, a page at a time.",
    ),
    directory_action(
        "DeleteFolder",
        delete_folder,
        FolderIdRequest,
        target=FOLDER_TARGET,
        params=(_folder_id_param(SUB_FOLDER_ID, "fd-…; the folder must be empty"),),
        errors=(
            *_FOLDER_ID_ERRORS,
            _RD,
            errors.EntityNotExistsFolder,
            errors.DeleteConflictFolderSubFolder,
            errors.DeleteConflictFolderAccount,
        ),
        summary="Delete a folder that has no sub-folders and no accounts.",
    ),
    directory_action(
        "UpdateFolder",
        update_folder,
        UpdateFolderRequest,
        target=FOLDER_TARGET,
        params=(
            _folder_id_param(SUB_FOLDER_ID, "fd-…"),
            dataclasses.replace(FOLDER_NAME, wire="NewFolderName"),
        ),
        errors=(*_FOLDER_ID_ERRORS, *_NAME_ERRORS, _RD, errors.EntityNotExistsFolder),
        summary="Rename a folder.",
    ),
    directory_action(
        "ListAncestors",
        list_ancestors,
        ListAncestorsRequest,
        target=TargetParam(ResourceKind.FOLDER, "ChildId"),
        params=(
            Param(
                "ChildId",
                "child_id",
                "string",
                required=True,
                parse=string(16, FOLDER_ID),
                missing=errors.MissingParameterChildId,
                invalid=errors.InvalidParameterChildId,
                doc="r-… (root) or fd-…",
            ),
        ),
        errors=(errors.MissingParameterChildId, errors.InvalidParameterChildId, _RD, errors.EntityNotExistsFolder),
        summary="The folders above a folder, from the root down to its parent.",
    ),
)
