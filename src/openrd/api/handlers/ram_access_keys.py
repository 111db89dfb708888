"""RAM 2015-05-01 AccessKeys of a user: CreateAccessKey, UpdateAccessKey, DeleteAccessKey, ListAccessKeys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api import ram_params as rp
from openrd.api.context import CallContext
from openrd.api.params import Param, choice, string
from openrd.api.registry import RAM_OWN_USER_TARGET, ram_api_action
from openrd.domain.identity import AccessKey, AccessKeyStatus
from openrd.domain.times import rfc3339_s
from openrd.services import ram_access_keys


def _key(key: AccessKey) -> dict[str, Any]:
    return {"AccessKeyId": key.access_key_id, "Status": key.status.value, "CreateDate": rfc3339_s(key.created_ms)}


@dataclass(frozen=True)
class OwnerRequest:
    user_name: str | None


def create_access_key(ctx: CallContext, req: OwnerRequest) -> dict[str, Any]:
    key = ram_access_keys.create_access_key(ctx.deps, principal=ctx.principal, user_name=req.user_name)
    return {"RequestId": ctx.request_id, "AccessKey": _key(key) | {"AccessKeySecret": key.secret}}


def list_access_keys(ctx: CallContext, req: OwnerRequest) -> dict[str, Any]:
    keys = ram_access_keys.list_access_keys(ctx.deps, principal=ctx.principal, user_name=req.user_name)
    return {"RequestId": ctx.request_id, "AccessKeys": {"AccessKey": [_key(k) for k in keys]}}


@dataclass(frozen=True)
class UpdateAccessKeyRequest:
    user_name: str | None
    access_key_id: str
    status: str


def update_access_key(ctx: CallContext, req: UpdateAccessKeyRequest) -> dict[str, Any]:
    ram_access_keys.update_access_key(
        ctx.deps,
        principal=ctx.principal,
        user_name=req.user_name,
        access_key_id=req.access_key_id,
        status=AccessKeyStatus(req.status),
    )
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class DeleteAccessKeyRequest:
    user_name: str | None
    access_key_id: str


def delete_access_key(ctx: CallContext, req: DeleteAccessKeyRequest) -> dict[str, Any]:
    ram_access_keys.delete_access_key(
        ctx.deps, principal=ctx.principal, user_name=req.user_name, access_key_id=req.access_key_id
    )
    return {"RequestId": ctx.request_id}


_KEY_ID = Param("UserAccessKeyId", "access_key_id", "string", required=True, parse=string(64), doc="the AccessKey ID")
_STATUS = Param(
    "Status", "status", "enum", required=True, parse=choice([s.value for s in AccessKeyStatus]), doc="Active | Inactive"
)
_OWNER_ERRORS = (*rp.USER_NAME_ERRORS, errors.EntityNotExistUser)

ROWS = (
    ram_api_action(
        "CreateAccessKey",
        create_access_key,
        OwnerRequest,
        target=RAM_OWN_USER_TARGET,
        params=(rp.OPTIONAL_USER_NAME,),
        errors=(*_OWNER_ERRORS, errors.LimitExceededUserAccessKey),
        summary="A new Active AccessKey for a RAM user, its secret shown this once; at most two per user.",
    ),
    ram_api_action(
        "UpdateAccessKey",
        update_access_key,
        UpdateAccessKeyRequest,
        target=RAM_OWN_USER_TARGET,
        params=(rp.OPTIONAL_USER_NAME, _KEY_ID, _STATUS),
        errors=(*_OWNER_ERRORS, errors.EntityNotExistUserAccessKey),
        summary="Make a user's AccessKey Active or Inactive; an Inactive key is refused from the next call.",
    ),
    ram_api_action(
        "DeleteAccessKey",
        delete_access_key,
        DeleteAccessKeyRequest,
        target=RAM_OWN_USER_TARGET,
        params=(rp.OPTIONAL_USER_NAME, _KEY_ID),
        errors=(*_OWNER_ERRORS, errors.EntityNotExistUserAccessKey),
        summary="Delete a user's AccessKey; it is refused from the next call.",
    ),
    ram_api_action(
        "ListAccessKeys",
        list_access_keys,
        OwnerRequest,
        target=RAM_OWN_USER_TARGET,
        params=(rp.OPTIONAL_USER_NAME,),
        errors=_OWNER_ERRORS,
        summary="A user's AccessKeys, without their secrets.",
    ),
)
