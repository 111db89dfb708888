"""TagResources, UntagResources (also spelled UnTagResources), ListTagResources, ListTagKeys, ListTagValues."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.params import Param, StringListParam, TagListParam, boolean, string
from openrd.api.registry import directory_action
from openrd.api.wire import MAX_RESULTS, encode_token, token_decoder
from openrd.domain import tags as rules
from openrd.services import tags

_RESOURCE_ID = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}"  # account ids, fd-/r-, rg-, cp- ids


def _resource_type(ctx: CallContext, raw: str | None, *, required: bool = False) -> str:
    """The version's rule for ``ResourceType`` (docs/tags.md#resource-types): still the parameter stage."""
    try:
        name = rules.resource_type(ctx.version, raw, required=required)
    except LookupError:
        raise errors.MissingParameter("ResourceType") from None
    except ValueError:
        raise errors.InvalidParameterResourceType() from None
    assert name is not None
    return name


RESOURCE_TYPE = Param(
    "ResourceType",
    "resource_type",
    "enum",
    parse=string(32),
    doc="2020-03-31: ResourceGroup (default) or Account; 2022-04-19 (required): Account, Folder or ControlPolicy",
)
RESOURCE_TYPE_REQUIRED = dataclasses.replace(
    RESOURCE_TYPE, doc="required; 2020-03-31: ResourceGroup or Account; 2022-04-19: Account, Folder, ControlPolicy"
)
RESOURCE_IDS = StringListParam(
    "ResourceId", "resource_ids", required=True, parse=string(64, _RESOURCE_ID), doc="ResourceId.N, at most 50"
)
_NEXT_TOKEN_2 = Param("NextToken", "after", "string", parse=token_decoder(2), doc="from the previous page's answer")
_NEXT_TOKEN_1 = Param("NextToken", "after", "string", parse=token_decoder(1), doc="from the previous page's answer")


@dataclass(frozen=True)
class TagResourcesRequest:
    resource_type: str | None
    resource_ids: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]


def tag_resources(ctx: CallContext, req: TagResourcesRequest) -> dict[str, Any]:
    kind = _resource_type(ctx, req.resource_type)
    tags.tag_resources(
        ctx.deps, principal=ctx.principal, resource_type=kind, resource_ids=req.resource_ids, tags=req.tags
    )
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class UntagResourcesRequest:
    resource_type: str | None
    resource_ids: tuple[str, ...]
    keys: tuple[str, ...]
    all: bool


def untag_resources(ctx: CallContext, req: UntagResourcesRequest) -> dict[str, Any]:
    kind = _resource_type(ctx, req.resource_type)
    if not req.all and not req.keys:
        raise errors.MissingParameter("TagKey.1")  # a conditional requirement: still the parameter stage
    keys = None if req.all else req.keys
    tags.untag_resources(
        ctx.deps, principal=ctx.principal, resource_type=kind, resource_ids=req.resource_ids, keys=keys
    )
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class ListTagResourcesRequest:
    resource_type: str | None
    resource_ids: tuple[str, ...]
    filters: tuple[tuple[str, str], ...]
    after: tuple[str, str] | None
    max_results: int


def _next(body: dict[str, Any], *parts: str | None) -> dict[str, Any]:
    # Absent on the last page, never "": the Terraform provider loops for as long as it finds one (docs/tags.md).
    if parts and parts[0] is not None:
        body["NextToken"] = encode_token(*[p for p in parts if p is not None])
    return body


def list_tag_resources(ctx: CallContext, req: ListTagResourcesRequest) -> dict[str, Any]:
    kind = _resource_type(ctx, req.resource_type)
    page = tags.list_tag_resources(
        ctx.deps,
        principal=ctx.principal,
        resource_type=kind,
        resource_ids=req.resource_ids,
        filters=req.filters,
        after=req.after,
        limit=req.max_results,
    )
    shown = rules.wire_type(ctx.version, kind)
    listed = [{"ResourceId": r, "ResourceType": shown, "TagKey": k, "TagValue": v} for r, k, v in page.rows]
    return _next({"RequestId": ctx.request_id, "TagResources": listed}, *(page.after or (None,)))


@dataclass(frozen=True)
class ListTagKeysRequest:
    resource_type: str | None
    key_filter: str | None
    after: tuple[str] | None
    max_results: int


def list_tag_keys(ctx: CallContext, req: ListTagKeysRequest) -> dict[str, Any]:
    kind = _resource_type(ctx, req.resource_type, required=True)
    keys, after = tags.list_tag_keys(
        ctx.deps,
        principal=ctx.principal,
        resource_type=kind,
        contains=req.key_filter,
        after=req.after[0] if req.after else None,
        limit=req.max_results,
    )
    return _next({"RequestId": ctx.request_id, "Tags": [{"Key": k} for k in keys]}, after)


@dataclass(frozen=True)
class ListTagValuesRequest:
    resource_type: str | None
    key: str
    value_filter: str | None
    after: tuple[str] | None
    max_results: int


def list_tag_values(ctx: CallContext, req: ListTagValuesRequest) -> dict[str, Any]:
    kind = _resource_type(ctx, req.resource_type, required=True)
    values, after = tags.list_tag_values(
        ctx.deps,
        principal=ctx.principal,
        resource_type=kind,
        key=req.key,
        contains=req.value_filter,
        after=req.after[0] if req.after else None,
        limit=req.max_results,
    )
    return _next({"RequestId": ctx.request_id, "Tags": [{"Value": v} for v in values]}, after)


TAGS_TO_ADD = TagListParam(
    "Tag",
    "tags",
    required=True,
    max_items=rules.MAX_TAGS_PER_RESOURCE,
    invalid=errors.InvalidParameterTag,
    rule=rules.valid_tag,
    doc="Tag.N.Key (1-128, not acs: or aliyun…, no http(s)://), Tag.N.Value (0-128, not acs:…); at most 20",
)
_RD = errors.EntityNotExistsResourceDirectory
# A resource outside the caller's scope, by type (each type's Taggable says which; services/tags.py).
_NOT_FOUND = (
    errors.EntityNotExistsAccount,
    errors.EntityNotExistsFolder,
    errors.EntityNotExistsResourceGroup,
    errors.EntityNotExistsControlPolicy,
)
_TYPE_ERRORS = (errors.InvalidParameterResourceType,)
_UNTAG = directory_action(
    "UntagResources",
    untag_resources,
    UntagResourcesRequest,
    params=(
        RESOURCE_TYPE,
        RESOURCE_IDS,
        StringListParam("TagKey", "keys", max_items=rules.MAX_TAGS_PER_RESOURCE, parse=string(128), doc="TagKey.N"),
        Param("All", "all", "boolean", parse=boolean, default=False, doc="true: remove every tag"),
    ),
    errors=(*_TYPE_ERRORS, _RD, *_NOT_FOUND),
    summary="Remove tags (or, with All=true, every tag) from resources.",
)

ROWS = (
    directory_action(
        "TagResources",
        tag_resources,
        TagResourcesRequest,
        params=(RESOURCE_TYPE, RESOURCE_IDS, TAGS_TO_ADD),
        errors=(
            errors.InvalidParameterTag,
            *_TYPE_ERRORS,
            _RD,
            *_NOT_FOUND,
            errors.LimitExceededTag,
        ),
        summary="Add tags to resources; at most 20 per resource.",
    ),
    _UNTAG,
    dataclasses.replace(_UNTAG, name="UnTagResources", summary="UntagResources under its other spelling."),
    directory_action(
        "ListTagResources",
        list_tag_resources,
        ListTagResourcesRequest,
        params=(
            RESOURCE_TYPE,
            dataclasses.replace(RESOURCE_IDS, required=False, doc="filter: ResourceId.N, at most 50"),
            TagListParam("Tag", "filters", doc="filter: Tag.N.Key, optional Tag.N.Value"),
            _NEXT_TOKEN_2,
            MAX_RESULTS,
        ),
        errors=(*_TYPE_ERRORS, _RD),
        summary="The tags of the caller's resources, a row per resource and tag, a page at a time.",
    ),
    directory_action(
        "ListTagKeys",
        list_tag_keys,
        ListTagKeysRequest,
        params=(
            RESOURCE_TYPE_REQUIRED,
            Param("KeyFilter", "key_filter", "string", parse=string(128), doc="part of a key"),
            _NEXT_TOKEN_1,
            MAX_RESULTS,
        ),
        errors=(*_TYPE_ERRORS, _RD),
        summary="The tag keys of the caller's resources of a type, a page at a time.",
    ),
    directory_action(
        "ListTagValues",
        list_tag_values,
        ListTagValuesRequest,
        params=(
            RESOURCE_TYPE_REQUIRED,
            Param("TagKey", "key", "string", required=True, parse=string(128)),
            Param("ValueFilter", "value_filter", "string", parse=string(128), doc="part of a value"),
            _NEXT_TOKEN_1,
            MAX_RESULTS,
        ),
        errors=(*_TYPE_ERRORS, _RD),
        summary="The values of one tag key on the caller's resources of a type, a page at a time.",
    ),
)
