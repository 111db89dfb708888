"""CreateResourceGroup, GetResourceGroup, UpdateResourceGroup, DeleteResourceGroup, ListResourceGroups,
ListResources, GetResourceGroupResourceCounts (ResourceManager 2020-03-31 only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from openrd import errors
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import page_fields
from openrd.api.params import Param, StringListParam, TagListParam, boolean, choice, string
from openrd.api.registry import EVERY_RESOURCE_GROUP, RESOURCE_GROUP_TARGET, resource_group_action, rm_only_action
from openrd.api.wire import PAGE_NUMBER, PAGE_SIZE
from openrd.domain import names
from openrd.domain import resource_groups as rules
from openrd.domain.resource_groups import GroupStatus
from openrd.services import resource_groups
from openrd.services.ports import GroupFilter
from openrd.services.resource_groups import GroupView

_ID = rules.RESOURCE_GROUP_ID.pattern.strip("^$")


def create_date(moment_ms: int) -> str:
    """Resource groups show their times to the second, as the documentation's examples do."""
    return datetime.fromtimestamp(moment_ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _name(raw: str) -> str:
    if len(raw) > names.MAX_RESOURCE_GROUP_NAME:
        raise errors.InvalidParameterNameLength()
    if not names.valid_resource_group_name(raw):
        raise ValueError(raw)
    return raw


def _display_name(raw: str) -> str:
    if len(raw) > names.MAX_RESOURCE_GROUP_DISPLAY_NAME:
        raise errors.InvalidParameterResourceGroupDisplayNameLength()
    if not names.valid_resource_group_display_name(raw):
        raise ValueError(raw)
    return raw


def _base(group_view: GroupView) -> dict[str, Any]:
    group = group_view.group
    return {
        "AccountId": group.account_id,
        "CreateDate": create_date(group.created_ms),
        "DisplayName": group.display_name,
        "Id": group.resource_group_id,
        "Name": group.name,
    }


def _full(view: GroupView) -> dict[str, Any]:
    # openrd serves no regions: a group's per-region statuses are an empty list.
    return _base(view) | {"Status": view.status.value, "RegionStatuses": {"RegionStatus": []}}


def _tags(view: GroupView) -> dict[str, Any]:
    return {"Tags": {"Tag": [{"TagKey": key, "TagValue": value} for key, value in view.tags]}}


@dataclass(frozen=True)
class CreateRequest:
    name: str
    display_name: str
    tags: tuple[tuple[str, str], ...]


def create_resource_group(ctx: CallContext, req: CreateRequest) -> dict[str, Any]:
    view = resource_groups.create_group(
        ctx.deps, principal=ctx.principal, name=req.name, display_name=req.display_name, tags=req.tags
    )
    return {"RequestId": ctx.request_id, "ResourceGroup": _full(view)}


@dataclass(frozen=True)
class GroupIdRequest:
    resource_group_id: str


@dataclass(frozen=True)
class GetRequest:
    resource_group_id: str
    include_tags: bool


def get_resource_group(ctx: CallContext, req: GetRequest) -> dict[str, Any]:
    view = resource_groups.get_group(
        ctx.deps, principal=ctx.principal, resource_group_id=req.resource_group_id, include_tags=req.include_tags
    )
    return {"RequestId": ctx.request_id, "ResourceGroup": _full(view) | _tags(view)}


@dataclass(frozen=True)
class UpdateRequest:
    resource_group_id: str
    display_name: str


def update_resource_group(ctx: CallContext, req: UpdateRequest) -> dict[str, Any]:
    view = resource_groups.update_group(
        ctx.deps, principal=ctx.principal, resource_group_id=req.resource_group_id, display_name=req.display_name
    )
    return {"RequestId": ctx.request_id, "ResourceGroup": _base(view)}


def delete_resource_group(ctx: CallContext, req: GroupIdRequest) -> dict[str, Any]:
    view = resource_groups.delete_group(ctx.deps, principal=ctx.principal, resource_group_id=req.resource_group_id)
    return {"RequestId": ctx.request_id, "ResourceGroup": _full(view)}


@dataclass(frozen=True)
class ListRequest:
    name: str | None
    display_name: str | None
    resource_group_id: str | None
    ids: tuple[str, ...]
    status: str | None
    tags: tuple[tuple[str, str], ...]
    include_tags: bool
    page_number: int
    page_size: int


def list_resource_groups(ctx: CallContext, req: ListRequest) -> dict[str, Any]:
    where = GroupFilter(
        name=req.name,
        display_name=req.display_name,
        resource_group_id=req.resource_group_id,
        ids=req.ids,
        status=GroupStatus(req.status) if req.status else None,
        tags=req.tags,
    )
    views, total = resource_groups.list_groups(
        ctx.deps,
        principal=ctx.principal,
        where=where,
        page_number=req.page_number,
        page_size=req.page_size,
        include_tags=req.include_tags,
    )
    listed = [_base(view) | {"Status": view.status.value} | _tags(view) for view in views]
    return {"RequestId": ctx.request_id, "ResourceGroups": {"ResourceGroup": listed}} | page_fields(
        req.page_number, req.page_size, total
    )


@dataclass(frozen=True)
class ListResourcesRequest:
    resource_group_id: str | None
    page_number: int
    page_size: int


def list_resources(ctx: CallContext, req: ListResourcesRequest) -> dict[str, Any]:
    resource_groups.check_group(ctx.deps, principal=ctx.principal, resource_group_id=req.resource_group_id)
    return {"RequestId": ctx.request_id, "Resources": {"Resource": []}} | page_fields(req.page_number, req.page_size, 0)


@dataclass(frozen=True)
class ResourceCountsRequest:
    resource_group_id: str | None


def get_resource_group_resource_counts(ctx: CallContext, req: ResourceCountsRequest) -> dict[str, Any]:
    resource_groups.check_group(ctx.deps, principal=ctx.principal, resource_group_id=req.resource_group_id)
    return {"RequestId": ctx.request_id, "ResourceCounts": []}


def _group_id(*, required: bool) -> Param:
    return Param(
        "ResourceGroupId",
        "resource_group_id",
        "string",
        required=required,
        parse=string(18, _ID),
        invalid=errors.InvalidParameterResourceGroupId,
        doc="rg-…",
    )


def _display_name_param(wire: str) -> Param:
    return Param(
        wire,
        "display_name",
        "string",
        required=True,
        parse=_display_name,
        missing=errors.MissingParameterDisplayName,
        invalid=errors.InvalidParameterDisplayName,
        doc="1-50 characters, Chinese characters among them",
    )


_DISPLAY_NAME_ERRORS = (
    errors.MissingParameterDisplayName,
    errors.InvalidParameterDisplayName,
    errors.InvalidParameterResourceGroupDisplayNameLength,
)
_GROUP = (errors.InvalidParameterResourceGroupId, errors.EntityNotExistsResourceGroup)
_TEXT_FILTER = string(50)
INCLUDE_TAGS = Param("IncludeTags", "include_tags", "boolean", parse=boolean, default=False, doc="Tags.Tag filled")

ROWS = (
    resource_group_action(
        "CreateResourceGroup",
        create_resource_group,
        CreateRequest,
        target=EVERY_RESOURCE_GROUP,
        params=(
            Param(
                "Name",
                "name",
                "string",
                required=True,
                parse=_name,
                invalid=errors.InvalidParameterNameInvalidChars,
                doc="2-50 of letters, digits and '-', starting with a letter; unique in the account",
            ),
            _display_name_param("DisplayName"),
            TagListParam("Tag", "tags", doc="at most 20, set on the group as TagResources would"),
        ),
        errors=(
            errors.InvalidParameterNameInvalidChars,
            errors.InvalidParameterNameLength,
            *_DISPLAY_NAME_ERRORS,
            errors.InvalidParameterTag,
            errors.EntityAlreadyExistsResourceGroup,
            errors.LimitExceededResourceGroup,
        ),
        summary="Create a resource group: Creating, then OK.",
    ),
    resource_group_action(
        "GetResourceGroup",
        get_resource_group,
        GetRequest,
        target=RESOURCE_GROUP_TARGET,
        params=(_group_id(required=True), INCLUDE_TAGS),
        errors=_GROUP,
        summary="One resource group of the caller's account, with its status.",
    ),
    resource_group_action(
        "UpdateResourceGroup",
        update_resource_group,
        UpdateRequest,
        target=RESOURCE_GROUP_TARGET,
        params=(_group_id(required=True), _display_name_param("NewDisplayName")),
        errors=(*_GROUP[:1], *_DISPLAY_NAME_ERRORS, *_GROUP[1:], errors.DeleteConflictResourceGroupStatus),
        summary="Change a resource group's display name.",
    ),
    resource_group_action(
        "DeleteResourceGroup",
        delete_resource_group,
        GroupIdRequest,
        target=RESOURCE_GROUP_TARGET,
        params=(_group_id(required=True),),
        errors=(*_GROUP, errors.NotSupportDefaultResourceGroup, errors.DeleteConflictResourceGroupStatus),
        summary="Delete a resource group: PendingDelete under its deletion name, then gone.",
    ),
    resource_group_action(
        "ListResourceGroups",
        list_resource_groups,
        ListRequest,
        target=EVERY_RESOURCE_GROUP,
        params=(
            Param("Name", "name", "string", parse=_TEXT_FILTER, doc="part of the name"),
            Param("DisplayName", "display_name", "string", parse=_TEXT_FILTER, doc="part of the display name"),
            _group_id(required=False),
            StringListParam(
                "ResourceGroupIds",
                "ids",
                max_items=100,
                parse=string(18, _ID),
                invalid=errors.InvalidParameterResourceGroupId,
                doc="at most 100 IDs; wins over ResourceGroupId",
            ),
            Param(
                "Status",
                "status",
                "enum",
                parse=choice([s.value for s in GroupStatus]),
                doc="Creating | OK | PendingDelete",
            ),
            TagListParam("Tag", "tags", doc="groups carrying every tag given (a Value left out: the key alone)"),
            INCLUDE_TAGS,
            PAGE_NUMBER,
            PAGE_SIZE,
        ),
        errors=(errors.InvalidParameterResourceGroupId,),
        summary="The caller's account's resource groups, oldest first, a page at a time.",
    ),
    rm_only_action(
        "ListResources",
        list_resources,
        ListResourcesRequest,
        params=(_group_id(required=False), PAGE_NUMBER, PAGE_SIZE),
        errors=_GROUP,
        summary="The cloud resources in resource groups: none, openrd holds no cloud resources.",
    ),
    rm_only_action(
        "GetResourceGroupResourceCounts",
        get_resource_group_resource_counts,
        ResourceCountsRequest,
        params=(_group_id(required=False),),
        errors=_GROUP,
        summary="How many resources of each type a resource group holds: none.",
    ),
)
