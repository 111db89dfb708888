"""SendVerificationCodeForBindSecureMobilePhone and BindSecureMobilePhone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import time
from openrd.api.params import Param, string
from openrd.api.registry import ACCOUNT_TARGET, directory_action
from openrd.api.wire import ACCOUNT_ID, CODE, PHONE
from openrd.services import secure_phone


@dataclass(frozen=True)
class SendCodeForBindRequest:
    account_id: str
    phone: str


@dataclass(frozen=True)
class BindRequest:
    account_id: str
    phone: str
    code: str


def send_code_for_bind(ctx: CallContext, req: SendCodeForBindRequest) -> dict[str, Any]:
    expires_ms = secure_phone.send_code_for_bind(
        ctx.deps, principal=ctx.principal, account_id=req.account_id, phone=req.phone
    )
    return {"RequestId": ctx.request_id, "ExpirationDate": time(expires_ms)}


def bind(ctx: CallContext, req: BindRequest) -> dict[str, Any]:
    secure_phone.bind(ctx.deps, principal=ctx.principal, account_id=req.account_id, phone=req.phone, code=req.code)
    return {"RequestId": ctx.request_id}


_TARGET_PARAMS = (
    Param("AccountId", "account_id", "string", required=True, parse=string(16, ACCOUNT_ID), doc="16 digits"),
    Param("SecureMobilePhone", "phone", "string", required=True, parse=string(32, PHONE), doc="<cc>-<number>"),
)
_TARGET_ERRORS = (
    errors.NotSupportSiteAction,
    errors.EntityNotExistsResourceDirectory,
    errors.CallerIdentityError,
    errors.InvalidEnterpriseName,
    errors.EnterpriseRealNameVerificationError,
    errors.EntityNotExistsAccount,
    errors.NotSupportAccountInAnotherResourceDirectory,
    errors.EntityAlreadyExistsResourceDirectory,
    errors.AccountTypeMismatch,
    errors.AccountSecureMobileAlreadyExists,
    errors.InvalidParameterMobileCountryCode,
)

ROWS = (
    directory_action(
        "SendVerificationCodeForBindSecureMobilePhone",
        send_code_for_bind,
        SendCodeForBindRequest,
        params=_TARGET_PARAMS,
        errors=(*_TARGET_ERRORS, errors.ThrottlingUser, errors.SendValidateCodeExceedsLimitForAccount),
        summary="Text a code to the phone a resource account will bind.",
    ),
    directory_action(
        "BindSecureMobilePhone",
        bind,
        BindRequest,
        target=ACCOUNT_TARGET,
        params=(*_TARGET_PARAMS, Param("VerificationCode", "code", "string", required=True, parse=CODE)),
        errors=(*_TARGET_ERRORS, errors.InvalidVerificationCode),
        summary="Bind the phone, once, to a resource account.",
    ),
)
