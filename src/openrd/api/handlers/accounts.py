"""CreateResourceAccount and GetAccount."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import member_base, tag_list
from openrd.api.params import Param, TagListParam, boolean, choice, string
from openrd.api.registry import ACCOUNT_TARGET, directory_action
from openrd.api.wire import ACCOUNT_ID, ACCOUNT_ID_PARAM, PARENT_FOLDER, member_display_name
from openrd.domain import directory as rules
from openrd.services import accounts


def _name_prefix(raw: str) -> str:
    if len(raw) > 50:
        raise errors.InvalidParameterAccountNamePrefixLength()
    if not rules.valid_name_prefix(raw):
        raise ValueError(raw)
    return raw


@dataclass(frozen=True)
class CreateResourceAccountRequest:
    display_name: str
    name_prefix: str | None
    parent_folder_id: str | None
    payer_account_id: str | None
    resell_account_type: str | None
    tags: tuple[tuple[str, str], ...]


def create_resource_account(ctx: CallContext, req: CreateResourceAccountRequest) -> dict[str, Any]:
    view = accounts.create_resource_account(
        ctx.deps,
        principal=ctx.principal,
        display_name=req.display_name,
        name_prefix=req.name_prefix,
        parent_folder_id=req.parent_folder_id,
        tags=req.tags,
        payer_account_id=req.payer_account_id,
    )
    return {"RequestId": ctx.request_id, "Account": member_base(view)}


@dataclass(frozen=True)
class GetAccountRequest:
    account_id: str
    include_tags: bool


def get_account(ctx: CallContext, req: GetAccountRequest) -> dict[str, Any]:
    detail = accounts.get_account(ctx.deps, principal=ctx.principal, account_id=req.account_id)
    body = member_base(detail.view) | {
        "EmailStatus": "",
        "IdentityInformation": detail.view.enterprise_name or "",
        "Location": detail.location,
        "ResourceDirectoryPath": f"{detail.folder.path}/{req.account_id}",
    }
    if req.include_tags:
        # A plain list here, unlike ListAccounts (docs/behaviour.md#member-accounts)
        body["Tags"] = tag_list(detail.view.tags)
    return {"RequestId": ctx.request_id, "Account": body}


ROWS = (
    directory_action(
        "CreateResourceAccount",
        create_resource_account,
        CreateResourceAccountRequest,
        params=(
            Param(
                "DisplayName",
                "display_name",
                "string",
                required=True,
                parse=member_display_name,
                missing=errors.MissingParameterAccountDisplayName,
                invalid=errors.InvalidParameterAccountDisplayName,
                doc="2-50 of Chinese characters, letters, digits, _ . - and space; unique in the directory",
            ),
            Param(
                "AccountNamePrefix",
                "name_prefix",
                "string",
                parse=_name_prefix,
                invalid=errors.InvalidParameterAccountNamePrefix,
                doc="2-50 (International 2-37)",
            ),
            PARENT_FOLDER,
            Param(
                "PayerAccountId",
                "payer_account_id",
                "string",
                parse=string(16, ACCOUNT_ID),
                doc="a member of the same directory with the same enterprise name; default: it pays for itself",
            ),
            Param("ResellAccountType", "resell_account_type", "enum", parse=choice(("resell", "non_resell"))),
            TagListParam("Tag", "tags", aliases=("Tags",)),
        ),
        errors=(
            errors.NotSupportSiteAction,
            errors.EntityNotExistsResourceDirectory,
            errors.EntityNotExistsFolder,
            errors.LimitExceededAccount,
            errors.InvalidParameterAccountDisplayNameAlreadyUsed,
            errors.EntityAlreadyExistsResourceDirectoryAccount,
            errors.MissingParameterAccountDisplayName,
            errors.InvalidParameterAccountDisplayName,
            errors.InvalidParameterAccountDisplayNameLength,
            errors.InvalidParameterParentFolderId,
            errors.InvalidParameterAccountNamePrefix,
            errors.InvalidParameterAccountNamePrefixLength,
            errors.InvalidParameterTag,
            errors.NotSupportPayerAccountInAnotherResourceDirectory,
            errors.InconsistentEnterpriseNameError,
        ),
        summary="Create a resource account in the caller's directory.",
    ),
    directory_action(
        "GetAccount",
        get_account,
        GetAccountRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM, Param("IncludeTags", "include_tags", "boolean", parse=boolean, default=False)),
        errors=(
            errors.MissingParameterAccountId,
            errors.InvalidParameterAccountId,
            errors.EntityNotExistsAccount,
            errors.EntityNotExistsResourceDirectory,
        ),
        summary="One member account of the caller's directory.",
    ),
)
