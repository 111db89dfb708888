"""RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator, ListDelegatedAdministrators,
ListDelegatedServicesForAccount, ListTrustedServiceStatus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import page_fields, time
from openrd.api.params import Param, integer, string
from openrd.api.registry import ACCOUNT_TARGET, directory_action
from openrd.api.wire import ACCOUNT_ID, ACCOUNT_ID_PARAM, PAGE_NUMBER, PAGE_SIZE, decode_marker, encode_marker
from openrd.services import delegation

_RD = errors.EntityNotExistsResourceDirectory
_SERVICE_PRINCIPAL = string(128)
SERVICE_PRINCIPAL = Param(
    "ServicePrincipal",
    "service_principal",
    "string",
    required=True,
    parse=_SERVICE_PRINCIPAL,
    doc="a trusted service's identifier, e.g. cloudfw.aliyuncs.com",
)


@dataclass(frozen=True)
class DelegationRequest:
    account_id: str
    service_principal: str


def register_delegated_administrator(ctx: CallContext, req: DelegationRequest) -> dict[str, Any]:
    delegation.register(
        ctx.deps, principal=ctx.principal, account_id=req.account_id, service_principal=req.service_principal
    )
    return {"RequestId": ctx.request_id}


def deregister_delegated_administrator(ctx: CallContext, req: DelegationRequest) -> dict[str, Any]:
    delegation.deregister(
        ctx.deps, principal=ctx.principal, account_id=req.account_id, service_principal=req.service_principal
    )
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class ListAdministratorsRequest:
    service_principal: str | None
    page_number: int
    page_size: int


def list_delegated_administrators(ctx: CallContext, req: ListAdministratorsRequest) -> dict[str, Any]:
    views, total = delegation.list_administrators(
        ctx.deps,
        principal=ctx.principal,
        service_principal=req.service_principal,
        page_number=req.page_number,
        page_size=req.page_size,
    )
    listed = [
        {
            "AccountId": view.administrator.account_id,
            "DelegationEnabledTime": str(view.administrator.registered_ms),  # epoch milliseconds, as a string
            "DisplayName": view.display_name,
            "JoinMethod": view.join_method,
            "ServicePrincipal": view.administrator.service_principal,
        }
        for view in views
    ]
    return {"RequestId": ctx.request_id, "Accounts": {"Account": listed}} | page_fields(
        req.page_number, req.page_size, total
    )


@dataclass(frozen=True)
class ListServicesRequest:
    account_id: str
    offset: int
    max_results: int


def list_delegated_services_for_account(ctx: CallContext, req: ListServicesRequest) -> dict[str, Any]:
    """One page of a short list: a member administers a handful of services at most. ``NextToken`` only while
    another page follows (clients loop until it is absent)."""
    found = delegation.list_services_for_account(ctx.deps, principal=ctx.principal, account_id=req.account_id)
    page = found[req.offset : req.offset + req.max_results]
    listed = [
        {
            "DelegationEnabledTime": str(d.registered_ms),
            "ServicePrincipal": d.service_principal,
            "Status": "ENABLED",
        }
        for d in page
    ]
    body: dict[str, Any] = {
        "RequestId": ctx.request_id,
        "DelegatedServices": {"DelegatedService": listed},
        "MaxResults": req.max_results,
    }
    if req.offset + req.max_results < len(found):
        body["NextToken"] = encode_marker(req.offset + req.max_results)
    return body


@dataclass(frozen=True)
class TrustedServiceStatusRequest:
    admin_account_id: str | None
    page_number: int
    page_size: int


def list_trusted_service_status(ctx: CallContext, req: TrustedServiceStatusRequest) -> dict[str, Any]:
    services, total = delegation.list_enabled_services(
        ctx.deps,
        principal=ctx.principal,
        admin_account_id=req.admin_account_id,
        page_number=req.page_number,
        page_size=req.page_size,
    )
    listed = [{"EnableTime": time(enabled_ms), "ServicePrincipal": principal} for principal, enabled_ms in services]
    return {
        "RequestId": ctx.request_id,
        "EnabledServicePrincipals": {"EnabledServicePrincipal": listed},
    } | page_fields(req.page_number, req.page_size, total)


_CHANGE_ERRORS = (errors.MissingParameterAccountId, errors.InvalidParameterAccountId, _RD)

ROWS = (
    directory_action(
        "RegisterDelegatedAdministrator",
        register_delegated_administrator,
        DelegationRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM, SERVICE_PRINCIPAL),
        errors=(
            *_CHANGE_ERRORS,
            errors.InvalidParameterServicePrincipal,
            errors.CannotRegisterMasterAsDelegatedAdministrator,
            errors.EntityNotExistsAccount,
            errors.AccountAlreadyRegistered,
            errors.DelegatedAccountNumberExceeded,
        ),
        summary="Make a member the delegated administrator of a trusted service.",
    ),
    directory_action(
        "DeregisterDelegatedAdministrator",
        deregister_delegated_administrator,
        DelegationRequest,
        target=ACCOUNT_TARGET,
        params=(ACCOUNT_ID_PARAM, SERVICE_PRINCIPAL),
        errors=(
            *_CHANGE_ERRORS,
            errors.InvalidParameterServicePrincipal,
            errors.EntityNotExistsAccount,
            errors.AccountNotRegistered,
        ),
        summary="Stop a member administering a trusted service.",
    ),
    directory_action(
        "ListDelegatedAdministrators",
        list_delegated_administrators,
        ListAdministratorsRequest,
        params=(
            Param(
                "ServicePrincipal",
                "service_principal",
                "string",
                parse=_SERVICE_PRINCIPAL,
                doc="only this trusted service's",
            ),
            PAGE_NUMBER,
            PAGE_SIZE,
        ),
        errors=(_RD,),
        summary="The directory's delegated administrators, oldest first, a page at a time.",
    ),
    directory_action(
        "ListDelegatedServicesForAccount",
        list_delegated_services_for_account,
        ListServicesRequest,
        target=ACCOUNT_TARGET,
        params=(
            ACCOUNT_ID_PARAM,
            Param("NextToken", "offset", "string", parse=decode_marker, default=0, doc="from the previous page"),
            Param("MaxResults", "max_results", "integer", parse=integer(1, 100), default=10, doc="1-100, default 10"),
        ),
        errors=(*_CHANGE_ERRORS, errors.EntityNotExistsAccount),
        summary="The trusted services a member administers.",
    ),
    directory_action(
        "ListTrustedServiceStatus",
        list_trusted_service_status,
        TrustedServiceStatusRequest,
        params=(
            Param(
                "AdminAccountId",
                "admin_account_id",
                "string",
                parse=string(16, ACCOUNT_ID),
                doc="only the services this delegated administrator administers",
            ),
            PAGE_NUMBER,
            PAGE_SIZE,
        ),
        errors=(_RD,),
        summary="The trusted services enabled for the directory: those with a delegated administrator.",
    ),
)
