"""CheckAccountDelete, GetAccountDeletionCheckResult, DeleteAccount, GetAccountDeletionStatus."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import time
from openrd.api.params import Param
from openrd.api.registry import ACCOUNT_TARGET, directory_action
from openrd.api.wire import ACCOUNT_ID_PARAM
from openrd.domain import account_deletion as rules
from openrd.services import account_deletion

_RD = errors.EntityNotExistsResourceDirectory
_NUMBERED = re.compile(r"AbandonableCheckId\.([0-9]{1,3})", re.ASCII)


@dataclass(frozen=True)
class CheckIdsParam(Param):
    """``AbandonableCheckId``: one JSON array (``["RAM_USERS"]``, as the SDKs send it) or ``AbandonableCheckId.N``."""

    def read(self, params: Any) -> Any:
        if params.get(self.wire, "") != "":
            return super().read(params)
        numbered = [value for name, value in params.items() if _NUMBERED.fullmatch(name) and value != ""]
        if len(numbered) > rules.MAX_CHECK_IDS or not all(rules.valid_check_id(value) for value in numbered):
            raise errors.InvalidParameter(self.wire)
        return frozenset(numbered)


@dataclass(frozen=True)
class AccountRequest:
    account_id: str


@dataclass(frozen=True)
class DeleteAccountRequest:
    account_id: str
    waived: frozenset[str]


def _items(check_ids: tuple[str, ...]) -> list[dict[str, str]]:
    return [
        {"CheckId": item.check_id, "CheckName": item.name, "Description": item.description}
        for item in (rules.ITEMS[check_id] for check_id in check_ids)
    ]


def check_account_delete(ctx: CallContext, req: AccountRequest) -> dict[str, Any]:
    account_deletion.check_account_delete(ctx.deps, principal=ctx.principal, account_id=req.account_id)
    return {"RequestId": ctx.request_id}


def get_account_deletion_check_result(ctx: CallContext, req: AccountRequest) -> dict[str, Any]:
    report = account_deletion.get_check_result(ctx.deps, principal=ctx.principal, account_id=req.account_id)
    info: dict[str, Any] = {"Status": report.status, "NotAllowReason": [], "AbandonableChecks": []}
    if report.result is not None:
        info |= {
            "AllowDelete": "true" if report.result.allow_delete else "false",  # a string in the SDKs' models
            "NotAllowReason": _items(report.result.not_allowed),
            "AbandonableChecks": _items(report.result.abandonable),
        }
    return {"RequestId": ctx.request_id, "AccountDeletionCheckResultInfo": info}


def delete_account(ctx: CallContext, req: DeleteAccountRequest) -> dict[str, Any]:
    deletion_type = account_deletion.delete_account(
        ctx.deps, principal=ctx.principal, account_id=req.account_id, waived=req.waived
    )
    return {"RequestId": ctx.request_id, "DeletionType": deletion_type}


def get_account_deletion_status(ctx: CallContext, req: AccountRequest) -> dict[str, Any]:
    report = account_deletion.get_deletion_status(ctx.deps, principal=ctx.principal, account_id=req.account_id)
    status = {
        "AccountId": report.account_id,
        "CreateTime": time(report.started_ms),
        "DeletionTime": time(report.finished_ms) if report.finished_ms is not None else "",
        "DeletionType": rules.DIRECT_DELETION,
        "FailReasonList": [],
        "Status": report.status,
    }
    return {"RequestId": ctx.request_id, "RdAccountDeletionStatus": status}


ABANDONABLE_CHECK_ID = CheckIdsParam(
    "AbandonableCheckId",
    "waived",
    "list",
    parse=rules.parse_check_ids,
    default=frozenset(),
    doc='the pre-check items to waive: a JSON array (["RAM_USERS"]) or AbandonableCheckId.N',
)
_TARGET = (errors.MissingParameterAccountId, errors.InvalidParameterAccountId, errors.EntityNotExistsAccount, _RD)
_DELETABLE = (
    errors.InvalidControlPolicyEnablementStatus,
    errors.NoLicenseResourceDirectory,
    errors.CallerIdentityErrorDeleteAccount,
    errors.RemoveConfilctAccountAsDelegatedAdministator,
    errors.LegalEntityDifferent,
    errors.MemberTypeErrorDeleteAccount,
)

ROWS = (
    directory_action(
        "CheckAccountDelete",
        check_account_delete,
        AccountRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM,),
        errors=(*_TARGET, errors.AccountTypeOrStatusMismatch, *_DELETABLE),
        summary="Start the deletion pre-check of a resource account.",
    ),
    directory_action(
        "GetAccountDeletionCheckResult",
        get_account_deletion_check_result,
        AccountRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM,),
        errors=(*_TARGET, errors.AccountTypeOrStatusMismatch, errors.EntityNotExistsCheckAccount),
        summary="The deletion pre-check's state and verdict: what forbids the deletion, what may be waived.",
    ),
    directory_action(
        "DeleteAccount",
        delete_account,
        DeleteAccountRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM, ABANDONABLE_CHECK_ID),
        errors=(
            *_TARGET,
            errors.NotSupportedOperationDeletingAccount,
            errors.AccountNotExistDeleteAccount,
            *_DELETABLE,
            errors.NotSupportHasPayerAccount,
            errors.NotSupportedOperationCheckingAccount,
            errors.SpBlockDeleteAccount,
        ),
        summary="Delete a resource account with its RAM identities, AccessKeys and sessions.",
    ),
    directory_action(
        "GetAccountDeletionStatus",
        get_account_deletion_status,
        AccountRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM,),
        errors=(
            errors.MissingParameterAccountId,
            errors.InvalidParameterAccountId,
            errors.EntityNotExistsAccount,
            errors.EntityNotExistsCheckAccount,
        ),
        summary="The state of a resource account's deletion: Deleting, then Success for good.",
    ),
)
