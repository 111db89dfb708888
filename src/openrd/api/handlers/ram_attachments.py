"""Policies attached to RAM users and roles: AttachPolicyTo*, DetachPolicyFrom*, ListPoliciesFor*,
ListEntitiesForPolicy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api import policy_params as p
from openrd.api import ram_params
from openrd.api.context import CallContext
from openrd.api.registry import (
    RAM_GROUP_TARGET,
    RAM_POLICY_TARGET,
    RAM_ROLE_TARGET,
    RAM_USER_TARGET,
    Action,
    TargetParam,
    ram_api_action,
)
from openrd.domain.identity import role_arn
from openrd.domain.ram_policies import PolicyType
from openrd.domain.times import rfc3339_seconds as ram_time
from openrd.services import attachments


@dataclass(frozen=True)
class AttachmentRequest:
    entity: str
    name: str
    policy_type: PolicyType


@dataclass(frozen=True)
class EntityRequest:
    entity: str


@dataclass(frozen=True)
class PolicyRequest:
    name: str
    policy_type: PolicyType


def _attach(kind: str) -> Any:
    def handler(ctx: CallContext, req: AttachmentRequest) -> dict[str, Any]:
        attachments.attach(
            ctx.deps, principal=ctx.principal, kind=kind, name=req.entity, policy_type=req.policy_type,
            policy_name=req.name,
        )  # fmt: skip
        return {"RequestId": ctx.request_id}

    return handler


def _detach(kind: str) -> Any:
    def handler(ctx: CallContext, req: AttachmentRequest) -> dict[str, Any]:
        attachments.detach(
            ctx.deps, principal=ctx.principal, kind=kind, name=req.entity, policy_type=req.policy_type,
            policy_name=req.name,
        )  # fmt: skip
        return {"RequestId": ctx.request_id}

    return handler


def _list_for(kind: str) -> Any:
    def handler(ctx: CallContext, req: EntityRequest) -> dict[str, Any]:
        attached = attachments.policies_of(ctx.deps, principal=ctx.principal, kind=kind, name=req.entity)
        listed = [
            {
                "PolicyName": a.policy.name,
                "PolicyType": a.policy.policy_type.value,
                "Description": a.policy.description,
                "DefaultVersion": a.policy.default_version_id,
                "AttachDate": ram_time(a.attached_ms),
            }
            for a in attached
        ]
        return {"RequestId": ctx.request_id, "Policies": {"Policy": listed}}

    return handler


def list_entities_for_policy(ctx: CallContext, req: PolicyRequest) -> dict[str, Any]:
    found = attachments.entities_for(ctx.deps, principal=ctx.principal, policy_type=req.policy_type, name=req.name)
    users = [
        {"UserId": u.user_id, "UserName": u.name, "DisplayName": u.display_name, "AttachDate": ram_time(at)}
        for u, at in found.users
    ]
    roles = [
        {
            "RoleId": r.role_id,
            "RoleName": r.name,
            "Arn": role_arn(r.account_id, r.name),
            "Description": r.description,
            "AttachDate": ram_time(at),
        }
        for r, at in found.roles
    ]
    groups = [{"GroupName": g.name, "Comments": g.comments, "AttachDate": ram_time(at)} for g, at in found.groups]
    return {
        "RequestId": ctx.request_id,
        "Users": {"User": users},
        "Groups": {"Group": groups},
        "Roles": {"Role": roles},
    }


_POLICY_ERRORS = (errors.InvalidParameterPolicyNameLength, errors.InvalidParameterPolicyNameInvalidChars,
                  errors.InvalidParameterPolicyType)  # fmt: skip
_GROUP_NAME_ERRORS = (errors.InvalidParameterGroupNameLength, errors.InvalidParameterGroupNameInvalidChars)
_ENTITY: dict[str, tuple[Any, TargetParam, tuple[type[errors.OpenRDError], ...], str]] = {
    "User": (ram_params.user_name(field="entity"), RAM_USER_TARGET, ram_params.USER_NAME_ERRORS, "user"),
    "Group": (p.GROUP_NAME, RAM_GROUP_TARGET, _GROUP_NAME_ERRORS, "group"),
    "Role": (p.ROLE_NAME, RAM_ROLE_TARGET,
             (errors.InvalidParameterRoleNameLength, errors.InvalidParameterRoleNameInvalidChars), "role"),
}  # fmt: skip


def _rows(noun: str) -> tuple[Action, ...]:
    param, target, name_errors, kind = _ENTITY[noun]
    of = attachments.KINDS[kind]
    lower = noun.lower()
    return (
        ram_api_action(
            f"AttachPolicyTo{noun}", _attach(kind), AttachmentRequest, target=target,
            params=(param, p.POLICY_NAME, p.POLICY_TYPE),
            errors=(*name_errors, *_POLICY_ERRORS, of.not_found, errors.EntityNotExistPolicy, of.already, of.limit),
            summary=f"Attach a system or custom policy to a {lower} (at most 20 system and 10 custom ones).",
        ),
        ram_api_action(
            f"DetachPolicyFrom{noun}", _detach(kind), AttachmentRequest, target=target,
            params=(param, p.POLICY_NAME, p.POLICY_TYPE),
            errors=(*name_errors, *_POLICY_ERRORS, of.not_found, errors.EntityNotExistPolicy, of.not_attached),
            summary=f"Detach a policy from a {lower}.",
        ),
        ram_api_action(
            f"ListPoliciesFor{noun}", _list_for(kind), EntityRequest, target=target, params=(param,),
            errors=(*name_errors, of.not_found),
            summary=f"The policies attached to a {lower}, in the order they were attached.",
        ),
    )  # fmt: skip


ROWS = (
    *_rows("User"),
    *_rows("Group"),
    *_rows("Role"),
    ram_api_action(
        "ListEntitiesForPolicy",
        list_entities_for_policy,
        PolicyRequest,
        target=RAM_POLICY_TARGET,
        params=(p.POLICY_NAME, p.POLICY_TYPE),
        errors=(*_POLICY_ERRORS, errors.EntityNotExistPolicy),
        summary="The users, groups and roles a policy is attached to.",
    ),
)
