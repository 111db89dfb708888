"""EnableControlPolicy, DisableControlPolicy, GetControlPolicyEnablementStatus, AttachControlPolicy,
DetachControlPolicy, ListControlPolicyAttachmentsForTarget, ListTargetAttachmentsForControlPolicy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import NoParams, page_fields, time
from openrd.api.params import Param, choice, string
from openrd.api.registry import directory_action
from openrd.api.wire import PAGE_NUMBER, PAGE_SIZE
from openrd.domain import control_policies as rules
from openrd.services import guardrails

_RD = errors.EntityNotExistsResourceDirectory


def enable_control_policy(ctx: CallContext, _req: NoParams) -> dict[str, Any]:
    status = guardrails.enable(ctx.deps, principal=ctx.principal)
    return {"RequestId": ctx.request_id, "EnablementStatus": status.value}


def disable_control_policy(ctx: CallContext, _req: NoParams) -> dict[str, Any]:
    status = guardrails.disable(ctx.deps, principal=ctx.principal)
    return {"RequestId": ctx.request_id, "EnablementStatus": status.value}


def get_control_policy_enablement_status(ctx: CallContext, _req: NoParams) -> dict[str, Any]:
    status = guardrails.enablement_status(ctx.deps, principal=ctx.principal)
    return {"RequestId": ctx.request_id, "EnablementStatus": status.value}


@dataclass(frozen=True)
class AttachmentRequest:
    policy_id: str
    target_id: str


def attach_control_policy(ctx: CallContext, req: AttachmentRequest) -> dict[str, Any]:
    guardrails.attach(ctx.deps, principal=ctx.principal, policy_id=req.policy_id, target_id=req.target_id)
    return {"RequestId": ctx.request_id}


def detach_control_policy(ctx: CallContext, req: AttachmentRequest) -> dict[str, Any]:
    guardrails.detach(ctx.deps, principal=ctx.principal, policy_id=req.policy_id, target_id=req.target_id)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class TargetRequest:
    target_id: str
    language: str | None


def list_control_policy_attachments_for_target(ctx: CallContext, req: TargetRequest) -> dict[str, Any]:
    found = guardrails.attachments_for_target(ctx.deps, principal=ctx.principal, target_id=req.target_id)
    listed = [
        {
            "AttachDate": time(attachment.attached_ms),
            "Description": rules.described(policy, req.language),
            "EffectScope": policy.effect_scope,
            "PolicyId": policy.policy_id,
            "PolicyName": policy.name,
            "PolicyType": policy.policy_type,
        }
        for attachment, policy in found
    ]
    return {"RequestId": ctx.request_id, "ControlPolicyAttachments": {"ControlPolicyAttachment": listed}}


@dataclass(frozen=True)
class PolicyTargetsRequest:
    policy_id: str
    page_number: int
    page_size: int


def list_target_attachments_for_control_policy(ctx: CallContext, req: PolicyTargetsRequest) -> dict[str, Any]:
    page = guardrails.targets_of_policy(
        ctx.deps,
        principal=ctx.principal,
        policy_id=req.policy_id,
        page_number=req.page_number,
        page_size=req.page_size,
    )
    listed = [
        {
            "AttachDate": time(attachment.attached_ms),
            "TargetId": attachment.target_id,
            "TargetName": name,
            "TargetType": attachment.target_type.value,
        }
        for attachment, name in page.targets
    ]
    return {"RequestId": ctx.request_id, "TargetAttachments": {"TargetAttachment": listed}} | page_fields(
        req.page_number, req.page_size, page.total
    )


POLICY_ID = Param("PolicyId", "policy_id", "string", required=True, parse=string(64), doc="cp-…")
TARGET_ID = Param(
    "TargetId", "target_id", "string", required=True, parse=string(64), doc="the root folder, a folder or a member"
)
_STATUS = (_RD, errors.InvalidControlPolicyEnablementStatus)
_ATTACH_ERRORS = (
    _RD,
    errors.InvalidControlPolicyEnablementStatus,
    errors.EntityNotExistsControlPolicy,
    errors.EntityNotExistsTarget,
    errors.LimitExceededControlPolicy,
)

ROWS = (
    directory_action(
        "EnableControlPolicy",
        enable_control_policy,
        NoParams,
        errors=_STATUS,
        summary="Switch control policies on: FullAliyunAccess on the root, every folder and every member.",
    ),
    directory_action(
        "DisableControlPolicy",
        disable_control_policy,
        NoParams,
        errors=_STATUS,
        summary="Switch control policies off: every attachment goes, custom policies stay.",
    ),
    directory_action(
        "GetControlPolicyEnablementStatus",
        get_control_policy_enablement_status,
        NoParams,
        errors=(_RD,),
        summary="Enabled, PendingEnable, Disabled or PendingDisable.",
    ),
    directory_action(
        "AttachControlPolicy",
        attach_control_policy,
        AttachmentRequest,
        params=(POLICY_ID, TARGET_ID),
        errors=_ATTACH_ERRORS,
        summary="Attach a policy to the root folder, a folder or a member; at most ten custom ones per target.",
    ),
    directory_action(
        "DetachControlPolicy",
        detach_control_policy,
        AttachmentRequest,
        params=(POLICY_ID, TARGET_ID),
        errors=(
            _RD,
            errors.EntityNotExistsControlPolicy,
            errors.EntityNotExistsTarget,
            errors.NotSupportDetachLastControlPolicy,
        ),
        summary="Detach a policy from a target that keeps at least one other.",
    ),
    directory_action(
        "ListControlPolicyAttachmentsForTarget",
        list_control_policy_attachments_for_target,
        TargetRequest,
        params=(
            TARGET_ID,
            Param("Language", "language", "enum", parse=choice(("zh-CN", "en", "ja")), doc="zh-CN, en or ja"),
        ),
        errors=(_RD, errors.EntityNotExistsTarget),
        summary="The policies attached to one target, oldest first.",
    ),
    directory_action(
        "ListTargetAttachmentsForControlPolicy",
        list_target_attachments_for_control_policy,
        PolicyTargetsRequest,
        params=(POLICY_ID, PAGE_NUMBER, PAGE_SIZE),
        errors=(_RD, errors.EntityNotExistsControlPolicy),
        summary="The targets one policy is attached to, a page at a time.",
    ),
)
