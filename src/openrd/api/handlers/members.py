"""ListAccounts, ListAccountsForParent, MoveAccount, UpdateAccount, RemoveCloudAccount."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import member_base, page_fields, tag_list, time
from openrd.api.params import Param, TagListParam, boolean, choice, string
from openrd.api.registry import ACCOUNT_TARGET, PARENT_FOLDER_TARGET, directory_action
from openrd.api.wire import (
    ACCOUNT_ID_PARAM,
    FOLDER_ID,
    KEYWORD,
    PAGE_NUMBER,
    PAGE_SIZE,
    PARENT_FOLDER,
    member_display_name,
)
from openrd.domain.directory import MemberType
from openrd.services import members
from openrd.services.members import AccountUpdate, MemberPage, MemberQuery

_RD = errors.EntityNotExistsResourceDirectory


def _listed(page: MemberPage, *, include_tags: bool, with_path: bool) -> list[dict[str, Any]]:
    """The page's accounts as the wire shows them: one loop with everything it reads bound locally, as this runs
    for every row of a 100-account page (a call per row with keyword arguments shows in ListAccounts' profile)."""
    directory_id, paths, fmt = page.directory_id, page.folder_paths, time
    out: list[dict[str, Any]] = []
    for m in page.members:
        body: dict[str, Any] = {
            "AccountId": m.account_id,
            "DisplayName": m.display_name,
            "FolderId": m.folder_id,
            # StrEnum members render as their values in JSON and XML: no `.value` per row.
            "JoinMethod": m.join_method,
            "JoinTime": fmt(m.join_ms),
            "ModifyTime": fmt(m.modify_ms),
            "ResourceDirectoryId": directory_id,
            "Status": m.status,
            "Type": m.type,
        }
        if with_path:
            body["ResourceDirectoryPath"] = f"{paths[m.folder_id]}/{m.account_id}"  # rd-…/r-…/fd-…/<account id>
        if include_tags:
            # Wrapped here, a plain list in GetAccount (docs/behaviour.md#member-accounts)
            body["Tags"] = {"Tag": tag_list(m.tags)}
        out.append(body)
    return out


@dataclass(frozen=True)
class ListAccountsRequest:
    include_tags: bool
    keyword: str | None
    tags: tuple[tuple[str, str], ...]
    page_number: int
    page_size: int

    @property
    def query(self) -> MemberQuery:
        return MemberQuery(self.keyword, self.tags, self.page_number, self.page_size, self.include_tags)


@dataclass(frozen=True)
class ListAccountsForParentRequest(ListAccountsRequest):
    parent_folder_id: str | None


def _accounts_body(ctx: CallContext, req: ListAccountsRequest, page: MemberPage, *, with_path: bool) -> dict[str, Any]:
    accounts = _listed(page, include_tags=req.include_tags, with_path=with_path)
    return {"RequestId": ctx.request_id, "Accounts": {"Account": accounts}} | page_fields(
        req.page_number, req.page_size, page.total
    )


def list_accounts(ctx: CallContext, req: ListAccountsRequest) -> dict[str, Any]:
    page = members.list_accounts(ctx.deps, principal=ctx.principal, query=req.query)
    return _accounts_body(ctx, req, page, with_path=True)


def list_accounts_for_parent(ctx: CallContext, req: ListAccountsForParentRequest) -> dict[str, Any]:
    page = members.list_accounts_for_parent(
        ctx.deps, principal=ctx.principal, parent_folder_id=req.parent_folder_id, query=req.query
    )
    return _accounts_body(ctx, req, page, with_path=False)


@dataclass(frozen=True)
class MoveAccountRequest:
    account_id: str
    destination_folder_id: str


def move_account(ctx: CallContext, req: MoveAccountRequest) -> dict[str, Any]:
    members.move_account(
        ctx.deps,
        principal=ctx.principal,
        account_id=req.account_id,
        destination_folder_id=req.destination_folder_id,
    )
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class UpdateAccountRequest:
    account_id: str
    new_display_name: str | None
    new_account_type: str | None
    dry_run: bool


def update_account(ctx: CallContext, req: UpdateAccountRequest) -> dict[str, Any]:
    # Exactly one of the two; the documented code for neither or both is this 409 (docs/behaviour.md#member-accounts).
    if (req.new_display_name is None) == (req.new_account_type is None):
        raise errors.MissingDisplayNameOrAccountType()
    update = AccountUpdate(
        display_name=req.new_display_name,
        account_type=MemberType(req.new_account_type) if req.new_account_type else None,
    )
    view = members.update_account(
        ctx.deps, principal=ctx.principal, account_id=req.account_id, update=update, dry_run=req.dry_run
    )
    return {"RequestId": ctx.request_id, "Account": member_base(view)}


@dataclass(frozen=True)
class RemoveCloudAccountRequest:
    account_id: str


def remove_cloud_account(ctx: CallContext, req: RemoveCloudAccountRequest) -> dict[str, Any]:
    members.remove_cloud_account(ctx.deps, principal=ctx.principal, account_id=req.account_id)
    return {"RequestId": ctx.request_id}


INCLUDE_TAGS = Param("IncludeTags", "include_tags", "boolean", parse=boolean, default=False)
TAG_FILTER = TagListParam("Tag", "tags", aliases=("Tags",), doc="filter: members carrying every tag given")
ACCOUNT_TYPES = (MemberType.CLOUD.value, MemberType.RESOURCE.value)

ROWS = (
    directory_action(
        "ListAccounts",
        list_accounts,
        ListAccountsRequest,
        params=(INCLUDE_TAGS, KEYWORD, TAG_FILTER, PAGE_NUMBER, PAGE_SIZE),
        errors=(_RD,),
        summary="Every member account of the caller's directory, a page at a time.",
    ),
    directory_action(
        "ListAccountsForParent",
        list_accounts_for_parent,
        ListAccountsForParentRequest,
        target=PARENT_FOLDER_TARGET,
        params=(PARENT_FOLDER, INCLUDE_TAGS, KEYWORD, TAG_FILTER, PAGE_NUMBER, PAGE_SIZE),
        errors=(errors.InvalidParameterParentFolderId, _RD, errors.EntityNotExistsFolder),
        summary="The member accounts directly in one folder, a page at a time.",
    ),
    directory_action(
        "MoveAccount",
        move_account,
        MoveAccountRequest,
        target=ACCOUNT_TARGET,
        params=(
            ACCOUNT_ID_PARAM,
            Param(
                "DestinationFolderId",
                "destination_folder_id",
                "string",
                required=True,
                parse=string(16, FOLDER_ID),
                missing=errors.MissingParameterDestinationFolderId,
                invalid=errors.InvalidParameterDestinationFolderId,
                doc="r-… (root) or fd-…",
            ),
        ),
        errors=(
            errors.MissingParameterAccountId,
            errors.InvalidParameterAccountId,
            errors.MissingParameterDestinationFolderId,
            errors.InvalidParameterDestinationFolderId,
            errors.EntityNotExistsAccount,
            _RD,
            errors.EntityNotExistsFolder,
        ),
        summary="Move a member account, the management account included, to another folder.",
    ),
    directory_action(
        "UpdateAccount",
        update_account,
        UpdateAccountRequest,
        target=ACCOUNT_TARGET,
        params=(
            ACCOUNT_ID_PARAM,
            Param(
                "NewDisplayName",
                "new_display_name",
                "string",
                parse=member_display_name,
                invalid=errors.InvalidParameterAccountDisplayName,
                doc="2-50 of Chinese characters, letters, digits, _ . - and space; unique in the directory",
            ),
            Param(
                "NewAccountType",
                "new_account_type",
                "enum",
                parse=choice(ACCOUNT_TYPES),
                doc="|".join(ACCOUNT_TYPES) + "; exactly one of NewDisplayName / NewAccountType",
            ),
            Param("DryRun", "dry_run", "boolean", parse=boolean, default=False, doc="check only (2022-04-19)"),
        ),
        errors=(
            errors.MissingParameterAccountId,
            errors.InvalidParameterAccountId,
            errors.InvalidParameterAccountDisplayName,
            errors.InvalidParameterAccountDisplayNameLength,
            _RD,
            errors.EntityNotExistsAccount,
            errors.InvalidParameterAccountDisplayNameAlreadyUsed,
            errors.MissingDisplayNameOrAccountType,
            errors.AccountTypeMismatch,
            errors.LegalEntityDifferent,
            errors.MissingSecurityInfoForSwitch,
        ),
        summary="Rename a member account or switch it between CloudAccount and ResourceAccount.",
    ),
    directory_action(
        "RemoveCloudAccount",
        remove_cloud_account,
        RemoveCloudAccountRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM,),
        errors=(
            errors.MissingParameterAccountId,
            errors.InvalidParameterAccountId,
            errors.EntityNotExistsAccount,
            _RD,
            errors.AccountTypeOrStatusMismatch,
        ),
        summary="Remove a CloudAccount member; it belongs to no directory afterwards.",
    ),
)
