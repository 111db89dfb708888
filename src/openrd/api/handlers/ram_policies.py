"""RAM policies and their versions: CreatePolicy, GetPolicy, ListPolicies, UpdatePolicyDescription, DeletePolicy,
CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion, SetDefaultPolicyVersion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api import policy_params as p
from openrd.api import ram_tag_params as tag_params
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import marker_fields, ram_tags_field
from openrd.api.registry import RAM_POLICIES_TARGET, RAM_POLICY_TARGET, ram_api_action
from openrd.api.wire import MARKER, MAX_ITEMS
from openrd.domain.ram_policies import PolicyRecord, PolicyType, PolicyVersion, RotateStrategy
from openrd.domain.times import rfc3339_seconds as ram_time
from openrd.services import policies


def policy_summary(record: PolicyRecord) -> dict[str, Any]:
    """CreatePolicy's and UpdatePolicyDescription's ``Policy``."""
    return {
        "PolicyName": record.name,
        "PolicyType": record.policy_type.value,
        "Description": record.description,
        "DefaultVersion": record.default_version_id,
        "CreateDate": ram_time(record.created_ms),
        "UpdateDate": ram_time(record.updated_ms),
    }


def _listed(record: PolicyRecord) -> dict[str, Any]:
    return policy_summary(record) | {"AttachmentCount": record.attachment_count}


def _version(version: PolicyVersion) -> dict[str, Any]:
    return {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "PolicyDocument": version.document,
        "CreateDate": ram_time(version.created_ms),
    }


@dataclass(frozen=True)
class CreatePolicyRequest:
    name: str
    document: str
    description: str
    tags: tuple[tuple[str, str], ...]


def create_policy(ctx: CallContext, req: CreatePolicyRequest) -> dict[str, Any]:
    record = policies.create_policy(
        ctx.deps,
        principal=ctx.principal,
        name=req.name,
        description=req.description,
        document=req.document,
        tags=req.tags,
    )
    summary = policy_summary(record)
    del summary["UpdateDate"]
    return {"RequestId": ctx.request_id, "Policy": summary}


@dataclass(frozen=True)
class TypedPolicyRequest:
    name: str
    policy_type: PolicyType


def get_policy(ctx: CallContext, req: TypedPolicyRequest) -> dict[str, Any]:
    record, default = policies.get_policy(ctx.deps, principal=ctx.principal, policy_type=req.policy_type, name=req.name)
    return {
        "RequestId": ctx.request_id,
        "Policy": _listed(record) | {"PolicyDocument": default.document},
        "DefaultPolicyVersion": _version(default),
    }


@dataclass(frozen=True)
class ListPoliciesRequest:
    policy_type: PolicyType | None
    offset: int
    max_items: int
    tags: tuple[tuple[str, str], ...]


def list_policies(ctx: CallContext, req: ListPoliciesRequest) -> dict[str, Any]:
    page = policies.list_policies(
        ctx.deps,
        principal=ctx.principal,
        policy_type=req.policy_type,
        offset=req.offset,
        limit=req.max_items,
        tags=req.tags,
    )
    listed = [_listed(r) | ram_tags_field(page.tags.get(r.name, {})) for r in page.policies]
    return {"RequestId": ctx.request_id, "Policies": {"Policy": listed}} | marker_fields(page.next_offset)


@dataclass(frozen=True)
class UpdateDescriptionRequest:
    name: str
    description: str


def update_policy_description(ctx: CallContext, req: UpdateDescriptionRequest) -> dict[str, Any]:
    record = policies.update_description(ctx.deps, principal=ctx.principal, name=req.name, description=req.description)
    return {"RequestId": ctx.request_id, "Policy": policy_summary(record)}


@dataclass(frozen=True)
class DeletePolicyRequest:
    name: str
    cascading: bool


def delete_policy(ctx: CallContext, req: DeletePolicyRequest) -> dict[str, Any]:
    policies.delete_policy(ctx.deps, principal=ctx.principal, name=req.name, cascading=req.cascading)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class CreateVersionRequest:
    name: str
    document: str
    set_as_default: bool
    rotate: RotateStrategy


def create_policy_version(ctx: CallContext, req: CreateVersionRequest) -> dict[str, Any]:
    version = policies.create_version(
        ctx.deps,
        principal=ctx.principal,
        name=req.name,
        document=req.document,
        set_as_default=req.set_as_default,
        rotate=req.rotate,
    )
    return {"RequestId": ctx.request_id, "PolicyVersion": _version(version)}


@dataclass(frozen=True)
class TypedVersionRequest:
    name: str
    policy_type: PolicyType
    number: int


def get_policy_version(ctx: CallContext, req: TypedVersionRequest) -> dict[str, Any]:
    version = policies.get_version(
        ctx.deps, principal=ctx.principal, policy_type=req.policy_type, name=req.name, number=req.number
    )
    return {"RequestId": ctx.request_id, "PolicyVersion": _version(version)}


def list_policy_versions(ctx: CallContext, req: TypedPolicyRequest) -> dict[str, Any]:
    versions = policies.list_versions(ctx.deps, principal=ctx.principal, policy_type=req.policy_type, name=req.name)
    return {"RequestId": ctx.request_id, "PolicyVersions": {"PolicyVersion": [_version(v) for v in versions]}}


@dataclass(frozen=True)
class VersionRequest:
    name: str
    number: int


def delete_policy_version(ctx: CallContext, req: VersionRequest) -> dict[str, Any]:
    policies.delete_version(ctx.deps, principal=ctx.principal, name=req.name, number=req.number)
    return {"RequestId": ctx.request_id}


def set_default_policy_version(ctx: CallContext, req: VersionRequest) -> dict[str, Any]:
    policies.set_default_version(ctx.deps, principal=ctx.principal, name=req.name, number=req.number)
    return {"RequestId": ctx.request_id}


NAME_ERRORS = (errors.InvalidParameterPolicyNameLength, errors.InvalidParameterPolicyNameInvalidChars)
_DOCUMENT_ERRORS = (errors.InvalidParameterPolicyDocumentLength, errors.MalformedPolicyDocument)
_TYPE = errors.InvalidParameterPolicyType
_VERSION = errors.InvalidParameterVersionIdFormat
_NOT_FOUND = errors.EntityNotExistPolicy
_NO_VERSION = errors.EntityNotExistPolicyVersion


def _row(name: str, handler: Any, request: type, *params: Any, errors: tuple[Any, ...], summary: str) -> Any:
    """One policy's action, authorized on ``policy/<PolicyName>``; creating one is authorized on ``policy/*``."""
    target = RAM_POLICIES_TARGET if name == "CreatePolicy" else RAM_POLICY_TARGET
    return ram_api_action(name, handler, request, target=target, params=params, errors=errors, summary=summary)


ROWS = (
    _row(
        "CreatePolicy",
        create_policy,
        CreatePolicyRequest,
        p.POLICY_NAME,
        p.POLICY_DOCUMENT,
        p.DESCRIPTION,
        tag_params.tags(required=False, doc='a JSON array of at most 20 tags: [{"Key":"k","Value":"v"}]'),
        errors=(
            *NAME_ERRORS,
            errors.InvalidParameterDescriptionLength,
            *_DOCUMENT_ERRORS,
            errors.InvalidParameterRamTag,
            errors.EntityAlreadyExistsPolicy,
            errors.LimitExceededPolicy,
        ),
        summary="Create a custom policy; its document becomes version v1, the default.",
    ),
    _row(
        "GetPolicy",
        get_policy,
        TypedPolicyRequest,
        p.POLICY_NAME,
        p.POLICY_TYPE,
        errors=(*NAME_ERRORS, _TYPE, _NOT_FOUND),
        summary="A system or custom policy with its default version's document.",
    ),
    ram_api_action(
        "ListPolicies",
        list_policies,
        ListPoliciesRequest,
        target=RAM_POLICIES_TARGET,
        params=(
            p.POLICY_TYPE_FILTER,
            MARKER,
            MAX_ITEMS,
            tag_params.tags(required=False, doc="a JSON array of tags every listed custom policy carries"),
        ),
        errors=(_TYPE, errors.InvalidParameterRamTag),
        summary="The system policies, then the account's custom ones, in name order, a page at a time.",
    ),
    _row(
        "UpdatePolicyDescription",
        update_policy_description,
        UpdateDescriptionRequest,
        p.POLICY_NAME,
        p.NEW_DESCRIPTION,
        errors=(*NAME_ERRORS, errors.InvalidParameterDescriptionLength, _NOT_FOUND),
        summary="Change a custom policy's description.",
    ),
    _row(
        "DeletePolicy",
        delete_policy,
        DeletePolicyRequest,
        p.POLICY_NAME,
        p.CASCADING_DELETE,
        errors=(
            *NAME_ERRORS,
            _NOT_FOUND,
            errors.DeleteConflictPolicyUser,
            errors.DeleteConflictPolicyGroup,
            errors.DeleteConflictPolicyRole,
            errors.DeleteConflictPolicyVersion,
        ),
        summary="Delete a custom policy that is attached nowhere (with CascadingDelete, its other versions too).",
    ),
    _row(
        "CreatePolicyVersion",
        create_policy_version,
        CreateVersionRequest,
        p.POLICY_NAME,
        p.POLICY_DOCUMENT,
        p.SET_AS_DEFAULT,
        p.ROTATE_STRATEGY,
        errors=(*NAME_ERRORS, *_DOCUMENT_ERRORS, _NOT_FOUND, errors.LimitExceededPolicyVersion),
        summary="Add a version to a custom policy (at most five; RotateStrategy may drop the oldest).",
    ),
    _row(
        "GetPolicyVersion",
        get_policy_version,
        TypedVersionRequest,
        p.POLICY_NAME,
        p.POLICY_TYPE,
        p.VERSION_ID,
        errors=(*NAME_ERRORS, _TYPE, _VERSION, _NOT_FOUND, _NO_VERSION),
        summary="One version of a system or custom policy.",
    ),
    _row(
        "ListPolicyVersions",
        list_policy_versions,
        TypedPolicyRequest,
        p.POLICY_NAME,
        p.POLICY_TYPE,
        errors=(*NAME_ERRORS, _TYPE, _NOT_FOUND),
        summary="Every version of a system or custom policy, oldest first.",
    ),
    _row(
        "DeletePolicyVersion",
        delete_policy_version,
        VersionRequest,
        p.POLICY_NAME,
        p.VERSION_ID,
        errors=(*NAME_ERRORS, _VERSION, _NOT_FOUND, _NO_VERSION, errors.DeleteConflictPolicyVersionDefault),
        summary="Delete a version that is not the default.",
    ),
    _row(
        "SetDefaultPolicyVersion",
        set_default_policy_version,
        VersionRequest,
        p.POLICY_NAME,
        p.VERSION_ID,
        errors=(*NAME_ERRORS, _VERSION, _NOT_FOUND, _NO_VERSION),
        summary="Make a version the policy's default, the one its attachments grant.",
    ),
)
