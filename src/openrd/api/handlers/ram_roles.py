"""RAM 2015-05-01 roles: CreateRole, GetRole, UpdateRole, DeleteRole, ListRoles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api import ram_params as rp
from openrd.api import ram_tag_params as tag_params
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import marker_fields, ram_tags_field
from openrd.api.params import Param, integer
from openrd.api.registry import RAM_ROLE_TARGET, RAM_ROLES, ram_api_action
from openrd.api.wire import MARKER, MAX_ITEMS
from openrd.domain import ram
from openrd.domain.identity import RamRole
from openrd.domain.times import rfc3339_s
from openrd.domain.trust import MAX_TRUST_POLICY_LENGTH, TrustPolicyError, parse_trust_policy
from openrd.services import ram_roles
from openrd.services.ram_roles import RoleChanges


def role_shape(role: RamRole, *, document: bool = True) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "RoleId": role.role_id,
        "RoleName": role.name,
        "Arn": role.arn,
        "Description": role.description,
        "MaxSessionDuration": role.max_session_duration,
        "CreateDate": rfc3339_s(role.created_ms),
        "UpdateDate": rfc3339_s(role.updated_ms or role.created_ms),
    }
    if document:
        shape["AssumeRolePolicyDocument"] = role.trust_document
    return shape


def _trust_policy(length: type[errors.OpenRDError]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > MAX_TRUST_POLICY_LENGTH:
            raise length()
        try:
            parse_trust_policy(raw)
        except TrustPolicyError as exc:
            raise errors.MalformedPolicyDocument(str(exc)) from None
        return raw

    return parse


@dataclass(frozen=True)
class CreateRoleRequest:
    role_name: str
    assume_role_policy_document: str
    description: str | None
    max_session_duration: int | None
    tags: tuple[tuple[str, str], ...]


def create_role(ctx: CallContext, req: CreateRoleRequest) -> dict[str, Any]:
    role = ram_roles.create_role(
        ctx.deps,
        principal=ctx.principal,
        name=req.role_name,
        trust_policy=req.assume_role_policy_document,
        description=req.description,
        max_session_duration=req.max_session_duration,
        tags=req.tags,
    )
    shape = role_shape(role)
    del shape["UpdateDate"]  # CreateRole's answer has none
    return {"RequestId": ctx.request_id, "Role": shape}


@dataclass(frozen=True)
class RoleNameRequest:
    role_name: str


def get_role(ctx: CallContext, req: RoleNameRequest) -> dict[str, Any]:
    role = ram_roles.get_role(ctx.deps, principal=ctx.principal, name=req.role_name)
    extra = {"IsServiceLinkedRole": False, "RolePrincipalName": ram.role_principal_name(role.account_id, role.name)}
    return {"RequestId": ctx.request_id, "Role": role_shape(role) | extra}


@dataclass(frozen=True)
class UpdateRoleRequest:
    role_name: str
    new_assume_role_policy_document: str | None
    new_description: str | None
    new_max_session_duration: int | None


def update_role(ctx: CallContext, req: UpdateRoleRequest) -> dict[str, Any]:
    changes = RoleChanges(req.new_assume_role_policy_document, req.new_description, req.new_max_session_duration)
    role = ram_roles.update_role(ctx.deps, principal=ctx.principal, name=req.role_name, changes=changes)
    return {"RequestId": ctx.request_id, "Role": role_shape(role)}


def delete_role(ctx: CallContext, req: RoleNameRequest) -> dict[str, Any]:
    ram_roles.delete_role(ctx.deps, principal=ctx.principal, name=req.role_name)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class ListRequest:
    offset: int
    max_items: int
    tags: tuple[tuple[str, str], ...]


def list_roles(ctx: CallContext, req: ListRequest) -> dict[str, Any]:
    found = ram_roles.list_roles(
        ctx.deps, principal=ctx.principal, offset=req.offset, limit=req.max_items, tags=req.tags
    )
    listed = [
        role_shape(role, document=False) | ram_tags_field(found.tags.get(role.role_id, {})) for role in found.page.items
    ]
    return {"RequestId": ctx.request_id, "Roles": {"Role": listed}} | marker_fields(found.page.next_offset)


ROLE_NAME = Param(
    "RoleName",
    "role_name",
    "string",
    required=True,
    parse=rp.name_parser(
        ram.ROLE_NAME, errors.InvalidParameterRoleNameLength, errors.InvalidParameterRoleNameInvalidChars
    ),
    invalid=errors.InvalidParameterRoleNameInvalidChars,
    doc="1-64 of letters, digits, '.', '-'; compared case-insensitively",
)
_DURATION = integer(ram.MIN_MAX_SESSION_DURATION, ram.MAX_MAX_SESSION_DURATION)
_DURATION_DOC = "seconds, 3600-43200"
_NAME = (errors.InvalidParameterRoleNameLength, errors.InvalidParameterRoleNameInvalidChars)

ROWS = (
    ram_api_action(
        "CreateRole",
        create_role,
        CreateRoleRequest,
        target=RAM_ROLES,
        params=(
            ROLE_NAME,
            Param(
                "AssumeRolePolicyDocument",
                "assume_role_policy_document",
                "string",
                required=True,
                parse=_trust_policy(errors.InvalidParameterAssumeRolePolicyDocumentLength),
                invalid=errors.MalformedPolicyDocument,
                document=True,
                doc="the trust policy: who may assume the role (at most 6,144 characters)",
            ),
            Param(
                "Description",
                "description",
                "string",
                parse=rp.text_parser(ram.MAX_DESCRIPTION, errors.InvalidParameterDescriptionLength),
                doc="1-1024 characters",
            ),
            Param("MaxSessionDuration", "max_session_duration", "integer", parse=_DURATION, doc=_DURATION_DOC),
            tag_params.tags(required=False, doc='a JSON array of at most 20 tags: [{"Key":"k","Value":"v"}]'),
        ),
        errors=(
            *_NAME,
            errors.InvalidParameterAssumeRolePolicyDocumentLength,
            errors.MalformedPolicyDocument,
            errors.InvalidParameterDescriptionLength,
            errors.InvalidParameterRamTag,
            errors.EntityAlreadyExistsRole,
            errors.LimitExceededRole,
        ),
        summary="Create a RAM role with its trust policy; sessions last at most MaxSessionDuration (default 3600 s).",
    ),
    ram_api_action(
        "GetRole",
        get_role,
        RoleNameRequest,
        target=RAM_ROLE_TARGET,
        params=(ROLE_NAME,),
        errors=(*_NAME, errors.EntityNotExistRole),
        summary="One RAM role of the caller's account, with its trust policy.",
    ),
    ram_api_action(
        "UpdateRole",
        update_role,
        UpdateRoleRequest,
        target=RAM_ROLE_TARGET,
        params=(
            ROLE_NAME,
            Param(
                "NewAssumeRolePolicyDocument",
                "new_assume_role_policy_document",
                "string",
                parse=_trust_policy(errors.InvalidParameterNewAssumeRolePolicyDocumentLength),
                invalid=errors.MalformedPolicyDocument,
                document=True,
                doc="a new trust policy",
            ),
            Param(
                "NewDescription",
                "new_description",
                "string",
                parse=rp.text_parser(ram.MAX_DESCRIPTION, errors.InvalidParameterDescriptionLength),
                empty="",
                doc="1-1024 characters; empty clears it",
            ),
            Param("NewMaxSessionDuration", "new_max_session_duration", "integer", parse=_DURATION, doc=_DURATION_DOC),
        ),
        errors=(
            *_NAME,
            errors.InvalidParameterNewAssumeRolePolicyDocumentLength,
            errors.MalformedPolicyDocument,
            errors.InvalidParameterDescriptionLength,
            errors.EntityNotExistRole,
        ),
        summary="Change a role's trust policy, description or session limit; fields not given stay as they are.",
    ),
    ram_api_action(
        "DeleteRole",
        delete_role,
        RoleNameRequest,
        target=RAM_ROLE_TARGET,
        params=(ROLE_NAME,),
        errors=(*_NAME, errors.EntityNotExistRole, errors.DeleteConflictRolePolicy),
        summary="Delete a role that has no attached policies; its STS sessions stop working.",
    ),
    ram_api_action(
        "ListRoles",
        list_roles,
        ListRequest,
        target=RAM_ROLES,
        params=(
            MARKER,
            MAX_ITEMS,
            tag_params.tags(required=False, doc="a JSON array of tags every listed role carries"),
        ),
        errors=(errors.InvalidParameterRamTag,),
        summary="The account's RAM roles by name, a Marker page at a time (without trust policies).",
    ),
)
