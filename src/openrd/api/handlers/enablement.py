"""SendVerificationCodeForEnableRD, EnableResourceDirectory, InitResourceDirectory, DestroyResourceDirectory,
GetResourceDirectory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import NoParams, directory_summary, time
from openrd.api.params import Param, choice, string
from openrd.api.registry import RDM, directory_action
from openrd.api.wire import CODE, PHONE
from openrd.domain.directory import valid_management_account_name
from openrd.services import enablement

ENABLE_MODES = ("CurrentAccount", "NewManagementAccount")


def _ma_name(raw: str) -> str:
    if not valid_management_account_name(raw):
        raise ValueError(raw)
    return raw


@dataclass(frozen=True)
class SendCodeForEnableRequest:
    phone: str | None


def send_code_for_enable(ctx: CallContext, req: SendCodeForEnableRequest) -> dict[str, Any]:
    enablement.send_code_for_enable(ctx.deps, principal=ctx.principal, phone=req.phone)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class EnableRequest:
    mode: str
    ma_name: str | None
    ma_phone: str | None
    code: str | None


def enable(ctx: CallContext, req: EnableRequest) -> dict[str, Any]:
    new_ma = None
    if req.mode == "NewManagementAccount":
        # Conditional requirements are still the parameter stage (docs/behaviour.md#parameters).
        if req.ma_name is None:
            raise errors.MissingParameter("MAName")
        if req.code is None:
            raise errors.MissingParameter("VerificationCode")
        new_ma = enablement.NewManagementAccount(req.ma_name, req.ma_phone, req.code)
    created = enablement.enable(ctx.deps, principal=ctx.principal, new_ma=new_ma)
    return {"RequestId": ctx.request_id, "ResourceDirectory": directory_summary(created)}


def init(ctx: CallContext, _req: NoParams) -> dict[str, Any]:
    created = enablement.init(ctx.deps, principal=ctx.principal)
    return {"RequestId": ctx.request_id, "ResourceDirectory": directory_summary(created)}


def destroy(ctx: CallContext, _req: NoParams) -> dict[str, Any]:
    enablement.destroy(ctx.deps, principal=ctx.principal)
    return {"RequestId": ctx.request_id}


def get_resource_directory(ctx: CallContext, _req: NoParams) -> dict[str, Any]:
    view = enablement.get_resource_directory(ctx.deps, principal=ctx.principal)
    d = view.directory
    body = {
        "ResourceDirectoryId": d.directory_id,
        "MasterAccountId": d.master_account_id,
        "MasterAccountName": d.master_account_name,
        "RootFolderId": d.root_folder_id,
        "CreateTime": time(d.created_ms),
        "ControlPolicyStatus": d.control_policy_status,
        "MemberDeletionStatus": d.member_deletion_status,
        "IdentityInformation": view.identity_information,
    }
    if ctx.version == RDM:  # only the 2022-04-19 model has the field (the 2020-03-31 one lacks it)
        body["MemberAccountDisplayNameSyncStatus"] = d.member_display_name_sync_status
    return {"RequestId": ctx.request_id, "ResourceDirectory": body}


_IN_ANOTHER = errors.NotSupportAccountInAnotherResourceDirectory
_ALREADY = errors.EntityAlreadyExistsResourceDirectory

ROWS = (
    directory_action(
        "SendVerificationCodeForEnableRD",
        send_code_for_enable,
        SendCodeForEnableRequest,
        params=(Param("SecureMobilePhone", "phone", "string", parse=string(32, PHONE), doc="<cc>-<number>"),),
        errors=(
            _ALREADY,
            _IN_ANOTHER,
            errors.MissingSecureMobilePhone,
            errors.InvalidParameterMobileCountryCode,
            errors.ThrottlingUser,
            errors.SendValidateCodeExceedsLimitForAccount,
        ),
        summary="Text a code to the phone of the new management account.",
    ),
    directory_action(
        "EnableResourceDirectory",
        enable,
        EnableRequest,
        params=(
            Param("EnableMode", "mode", "enum", required=True, parse=choice(ENABLE_MODES), doc="|".join(ENABLE_MODES)),
            Param(
                "MAName",
                "ma_name",
                "string",
                parse=_ma_name,
                invalid=errors.InvalidParameterManagementAccountName,
                doc="<prefix>@rdadmin.aliyunid.com",
            ),
            Param(
                "MASecureMobilePhone",
                "ma_phone",
                "string",
                parse=string(32, PHONE),
                invalid=errors.InvalidParameterManagementAccountSecurityInfo,
                doc="<cc>-<number>",
            ),
            Param("VerificationCode", "code", "string", parse=CODE),
        ),
        errors=(
            _ALREADY,
            _IN_ANOTHER,
            errors.InvalidEnterpriseName,
            errors.EnterpriseRealNameVerificationError,
            errors.InvalidParameterManagementAccountName,
            errors.InvalidParameterManagementAccountNameAlreadyUsed,
            errors.InvalidParameterManagementAccountSecurityInfo,
            errors.InvalidParameterMobileCountryCode,
            errors.MissingSecureMobilePhone,
            errors.InvalidVerificationCode,
        ),
        summary="Enable a directory with the current or a new management account.",
    ),
    directory_action(
        "InitResourceDirectory",
        init,
        NoParams,
        errors=(
            _ALREADY,
            _IN_ANOTHER,
            errors.NotSupportAccountSite,
            errors.InvalidEnterpriseName,
            errors.EnterpriseRealNameVerificationError,
        ),
        summary="Legacy enable (China site): the caller becomes the management account.",
    ),
    directory_action(
        "DestroyResourceDirectory",
        destroy,
        NoParams,
        errors=(errors.EntityNotExistsResourceDirectory, errors.DeleteConflictResourceDirectoryAccount),
        summary="Delete a directory that has no members but its management account.",
    ),
    directory_action(
        "GetResourceDirectory",
        get_resource_directory,
        NoParams,
        errors=(errors.ResourceDirectoryNotInUse,),
        summary="The directory the caller's account manages or belongs to.",
    ),
)
