"""GetPayerForAccount, UpdatePayerForAccount, SetMemberDeletionPermission, SetMemberDisplayNameSyncStatus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.params import Param, choice, string
from openrd.api.registry import ACCOUNT_TARGET, RDM, directory_action
from openrd.api.wire import ACCOUNT_ID, ACCOUNT_ID_PARAM
from openrd.services import settings

STATUSES = ("Enabled", "Disabled")
_RD = errors.EntityNotExistsResourceDirectory


@dataclass(frozen=True)
class AccountRequest:
    account_id: str


def get_payer_for_account(ctx: CallContext, req: AccountRequest) -> dict[str, Any]:
    payer_id, payer_name = settings.get_payer(ctx.deps, principal=ctx.principal, account_id=req.account_id)
    return {"RequestId": ctx.request_id, "PayerAccountId": payer_id, "PayerAccountName": payer_name}


@dataclass(frozen=True)
class UpdatePayerRequest:
    account_id: str
    payer_id: str


def update_payer_for_account(ctx: CallContext, req: UpdatePayerRequest) -> dict[str, Any]:
    settings.update_payer(ctx.deps, principal=ctx.principal, account_id=req.account_id, payer_id=req.payer_id)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class StatusRequest:
    status: str


def set_member_deletion_permission(ctx: CallContext, req: StatusRequest) -> dict[str, Any]:
    directory = settings.set_member_deletion(ctx.deps, principal=ctx.principal, status=req.status)
    return {
        "RequestId": ctx.request_id,
        "ManagementAccountId": directory.master_account_id,
        "MemberDeletionStatus": directory.member_deletion_status,
        "ResourceDirectoryId": directory.directory_id,
    }


def set_member_display_name_sync_status(ctx: CallContext, req: StatusRequest) -> dict[str, Any]:
    directory = settings.set_display_name_sync(ctx.deps, principal=ctx.principal, status=req.status)
    return {
        "RequestId": ctx.request_id,
        "MemberAccountDisplayNameSyncStatus": directory.member_display_name_sync_status,
    }


STATUS = Param(
    "Status",
    "status",
    "enum",
    required=True,
    parse=choice(STATUSES),
    invalid=errors.InvalidParameterStatus,
    doc="|".join(STATUSES),
)
_SETTING_ERRORS = (errors.InvalidParameterStatus, errors.MemberAccountAccessDenied, _RD)

ROWS = (
    directory_action(
        "GetPayerForAccount",
        get_payer_for_account,
        AccountRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM,),
        errors=(errors.MissingParameterAccountId, errors.InvalidParameterAccountId, _RD, errors.EntityNotExistsAccount),
        summary="Which account pays for a member; empty when it pays for itself.",
    ),
    directory_action(
        "UpdatePayerForAccount",
        update_payer_for_account,
        UpdatePayerRequest,
        versions=frozenset({RDM}),
        target=ACCOUNT_TARGET,
        params=(
            ACCOUNT_ID_PARAM,
            Param(
                "PayerAccountId",
                "payer_id",
                "string",
                required=True,
                parse=string(16, ACCOUNT_ID),
                doc="a member of the same directory with the same enterprise name",
            ),
        ),
        errors=(
            errors.MissingParameterAccountId,
            errors.InvalidParameterAccountId,
            _RD,
            errors.EntityNotExistsAccount,
            errors.AccountTypeMismatch,
            errors.NotSupportPayerAccountInAnotherResourceDirectory,
            errors.InconsistentEnterpriseNameError,
        ),
        summary="Have another member of the directory pay for a resource account.",
    ),
    directory_action(
        "SetMemberDeletionPermission",
        set_member_deletion_permission,
        StatusRequest,
        params=(STATUS,),
        errors=_SETTING_ERRORS,
        summary="Allow or forbid deleting resource accounts of the directory.",
    ),
    directory_action(
        "SetMemberDisplayNameSyncStatus",
        set_member_display_name_sync_status,
        StatusRequest,
        versions=frozenset({RDM}),
        params=(STATUS,),
        errors=_SETTING_ERRORS,
        summary="Whether display names the management account sets reach the members' own account information.",
    ),
)
