"""CreateControlPolicy, GetControlPolicy, UpdateControlPolicy, DeleteControlPolicy, ListControlPolicies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import page_fields, time
from openrd.api.params import Param, TagListParam, choice, string
from openrd.api.registry import RDM, directory_action
from openrd.api.wire import PAGE_NUMBER, PAGE_SIZE
from openrd.domain import control_policies as rules
from openrd.domain.policy import PolicyDocumentError
from openrd.services import control_policies
from openrd.services.control_policies import Counted, NewPolicy, PolicyUpdate

LANGUAGES = ("zh-CN", "en", "ja")
_RD = errors.EntityNotExistsResourceDirectory


def _name(raw: str) -> str:
    if not rules.valid_name(raw):
        raise ValueError(raw)
    return raw


def _document(too_long: type[errors.OpenRDError]) -> Callable[[str], str]:
    """A document within the length limit (its own documented error) that the RAM grammar accepts."""

    def parse(raw: str) -> str:
        if len(raw) > rules.MAX_DOCUMENT_LENGTH:
            raise too_long()
        try:
            rules.parse_document(raw)
        except PolicyDocumentError as exc:
            raise ValueError(raw) from exc
        return raw

    return parse


def policy_body(counted: Counted, language: str | None = None, *, document: bool = False) -> dict[str, Any]:
    """The ``ControlPolicy`` object; ``PolicyDocument`` only where the SDK model has it (GetControlPolicy)."""
    p = counted.policy
    body: dict[str, Any] = {
        "AttachmentCount": str(counted.attachments),
        "CreateDate": time(p.created_ms),
        "Description": rules.described(p, language),
        "EffectScope": p.effect_scope,
        "PolicyId": p.policy_id,
        "PolicyName": p.name,
        "PolicyType": p.policy_type,
        "UpdateDate": time(p.updated_ms),
    }
    if document:
        body["PolicyDocument"] = p.document
    return body


@dataclass(frozen=True)
class CreateRequest:
    name: str
    description: str | None
    effect_scope: str
    document: str
    tags: tuple[tuple[str, str], ...]


def create_control_policy(ctx: CallContext, req: CreateRequest) -> dict[str, Any]:
    new = NewPolicy(req.name, req.description or "", req.document, req.tags)
    created = control_policies.create(ctx.deps, principal=ctx.principal, new=new)
    return {"RequestId": ctx.request_id, "ControlPolicy": policy_body(created)}


@dataclass(frozen=True)
class GetRequest:
    policy_id: str
    language: str | None


def get_control_policy(ctx: CallContext, req: GetRequest) -> dict[str, Any]:
    found = control_policies.get(ctx.deps, principal=ctx.principal, policy_id=req.policy_id)
    return {"RequestId": ctx.request_id, "ControlPolicy": policy_body(found, req.language, document=True)}


@dataclass(frozen=True)
class UpdateRequest:
    policy_id: str
    name: str | None
    description: str | None
    document: str | None


def update_control_policy(ctx: CallContext, req: UpdateRequest) -> dict[str, Any]:
    change = PolicyUpdate(req.name, req.description, req.document)
    updated = control_policies.update(ctx.deps, principal=ctx.principal, policy_id=req.policy_id, change=change)
    return {"RequestId": ctx.request_id, "ControlPolicy": policy_body(updated)}


@dataclass(frozen=True)
class PolicyIdRequest:
    policy_id: str


def delete_control_policy(ctx: CallContext, req: PolicyIdRequest) -> dict[str, Any]:
    control_policies.delete(ctx.deps, principal=ctx.principal, policy_id=req.policy_id)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class ListRequest:
    language: str | None
    policy_type: str | None
    page_number: int
    page_size: int
    tags: tuple[tuple[str, str], ...]


def list_control_policies(ctx: CallContext, req: ListRequest) -> dict[str, Any]:
    page = control_policies.list_policies(
        ctx.deps,
        principal=ctx.principal,
        policy_type=req.policy_type,
        page_number=req.page_number,
        page_size=req.page_size,
        with_tags=ctx.version == RDM,
        tagged=req.tags if ctx.version == RDM else (),
    )
    listed = [policy_body(counted, req.language) for counted in page.policies]
    if ctx.version == RDM:  # only the 2022-04-19 model has the policies' tags
        for body, counted in zip(listed, page.policies, strict=True):
            body["Tags"] = {"Tag": [{"Key": key, "Value": value} for key, value in counted.tags]}
    return {"RequestId": ctx.request_id, "ControlPolicies": {"ControlPolicy": listed}} | page_fields(
        req.page_number, req.page_size, page.total
    )


POLICY_ID = Param("PolicyId", "policy_id", "string", required=True, parse=string(64), doc="cp-…")
LANGUAGE = Param("Language", "language", "enum", parse=choice(LANGUAGES), doc="zh-CN (default), en or ja")
_DESCRIPTION = f"at most {rules.MAX_DESCRIPTION_LENGTH} characters"
_NAME_DOC = "1-128: a letter, then letters, digits and -"
_DOCUMENT_DOC = f"the RAM policy grammar without Principal, at most {rules.MAX_DOCUMENT_LENGTH} characters"

ROWS = (
    directory_action(
        "CreateControlPolicy",
        create_control_policy,
        CreateRequest,
        params=(
            Param("PolicyName", "name", "string", required=True, parse=_name, doc=_NAME_DOC),
            Param("Description", "description", "string", parse=string(rules.MAX_DESCRIPTION_LENGTH), doc=_DESCRIPTION),
            Param("EffectScope", "effect_scope", "enum", required=True, parse=choice(("RAM",)), doc="RAM"),
            Param(
                "PolicyDocument",
                "document",
                "string",
                required=True,
                parse=_document(errors.InvalidParameterPolicyDocumentLength),
                doc=_DOCUMENT_DOC,
            ),
            TagListParam("Tag", "tags", doc="2022-04-19: tags the policy is created with"),
        ),
        errors=(
            errors.InvalidParameterPolicyDocumentLength,
            _RD,
            errors.LimitExceededControlPolicy,
            errors.InvalidParameterTag,
        ),
        summary="Create a custom control policy (EffectScope RAM); at most 1,500 per directory.",
    ),
    directory_action(
        "GetControlPolicy",
        get_control_policy,
        GetRequest,
        params=(POLICY_ID, LANGUAGE),
        errors=(_RD, errors.EntityNotExistsControlPolicy),
        summary="One control policy, with its document and how many targets it is attached to.",
    ),
    directory_action(
        "UpdateControlPolicy",
        update_control_policy,
        UpdateRequest,
        params=(
            POLICY_ID,
            Param("NewPolicyName", "name", "string", parse=_name, doc=_NAME_DOC),
            Param(
                "NewDescription", "description", "string", parse=string(rules.MAX_DESCRIPTION_LENGTH), doc=_DESCRIPTION
            ),
            Param(
                "NewPolicyDocument",
                "document",
                "string",
                parse=_document(errors.InvalidParameterNewPolicyDocumentLength),
                doc=_DOCUMENT_DOC,
            ),
        ),
        errors=(
            errors.InvalidParameterNewPolicyDocumentLength,
            _RD,
            errors.EntityNotExistsControlPolicy,
            errors.NotSupportSystemPolicy,
        ),
        summary="Rename a custom policy, or replace its description or document.",
    ),
    directory_action(
        "DeleteControlPolicy",
        delete_control_policy,
        PolicyIdRequest,
        params=(POLICY_ID,),
        errors=(
            _RD,
            errors.EntityNotExistsControlPolicy,
            errors.NotSupportSystemPolicy,
            errors.DeleteConflictControlPolicyAttachment,
        ),
        summary="Delete a custom policy that is attached nowhere.",
    ),
    directory_action(
        "ListControlPolicies",
        list_control_policies,
        ListRequest,
        params=(
            LANGUAGE,
            Param("PolicyType", "policy_type", "enum", parse=choice(("System", "Custom")), doc="System or Custom"),
            PAGE_NUMBER,
            PAGE_SIZE,
            TagListParam("Tag", "tags", doc="2022-04-19: only the custom policies that carry every one of these tags"),
        ),
        errors=(_RD,),
        summary="The system policy and the directory's custom policies, a page at a time.",
    ),
)
