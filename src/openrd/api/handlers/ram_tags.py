"""RAM's TagResources, UntagResources and ListTagResources (2015-05-01): tags of roles and policies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api import ram_tag_params as p
from openrd.api.context import CallContext
from openrd.api.registry import ram_api_action
from openrd.services import ram_tags


@dataclass(frozen=True)
class TagRequest:
    resource_type: str
    names: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]


def tag_resources(ctx: CallContext, req: TagRequest) -> dict[str, Any]:
    ram_tags.tag_resources(
        ctx.deps, principal=ctx.principal, resource_type=req.resource_type, names=req.names, tags=req.tags
    )
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class UntagRequest:
    resource_type: str
    names: tuple[str, ...]
    keys: tuple[str, ...]
    all: bool


def untag_resources(ctx: CallContext, req: UntagRequest) -> dict[str, Any]:
    if not req.all and not req.keys:
        raise errors.MissingParameter("TagKeys")
    ram_tags.untag_resources(
        ctx.deps,
        principal=ctx.principal,
        resource_type=req.resource_type,
        names=req.names,
        keys=None if req.all else req.keys,
    )
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class ListRequest:
    resource_type: str
    names: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    after: tuple[str, str] | None
    page_size: int


def list_tag_resources(ctx: CallContext, req: ListRequest) -> dict[str, Any]:
    page = ram_tags.list_tag_resources(
        ctx.deps,
        principal=ctx.principal,
        resource_type=req.resource_type,
        names=req.names,
        filters=req.tags,
        after=req.after,
        limit=req.page_size,
    )
    listed = [
        {"ResourceName": name, "ResourceType": req.resource_type, "TagKey": key, "TagValue": value}
        for name, key, value in page.rows
    ]
    body: dict[str, Any] = {"RequestId": ctx.request_id, "TagResources": listed}
    if page.after is not None:
        body["NextToken"] = p.encode_token(page.after)
    return body


_NOT_FOUND = (errors.EntityNotExistRole, errors.EntityNotExistPolicy)

ROWS = (
    ram_api_action(
        "TagResources",
        tag_resources,
        TagRequest,
        params=(p.RESOURCE_TYPE, p.resource_names(required=True), p.tags(required=True)),
        errors=(
            errors.InvalidParameterResourceType,
            errors.InvalidParameterRamTag,
            *_NOT_FOUND,
            errors.LimitExceededTag,
        ),
        summary="Tag RAM roles or policies by name (at most 20 tags on one resource).",
    ),
    ram_api_action(
        "UntagResources",
        untag_resources,
        UntagRequest,
        params=(p.RESOURCE_TYPE, p.resource_names(required=True), p.TAG_KEYS, p.ALL),
        errors=(errors.InvalidParameterResourceType, errors.InvalidParameterRamTag, *_NOT_FOUND),
        summary="Remove tags (TagKeys, or All=true) from RAM roles or policies.",
    ),
    ram_api_action(
        "ListTagResources",
        list_tag_resources,
        ListRequest,
        params=(
            p.RESOURCE_TYPE,
            p.resource_names(required=False),
            p.tags(required=False, doc='a JSON array of tags to match, [{"Key":"k","Value":"v"}]; no Value: any'),
            p.NEXT_TOKEN,
            p.PAGE_SIZE,
        ),
        errors=(errors.InvalidParameterResourceType, errors.InvalidParameterRamTag),
        summary="The tags of RAM roles or policies, a row per resource and tag, a page at a time.",
    ),
)
