"""RAM 2015-05-01 groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, AddUserToGroup,
RemoveUserFromGroup, ListGroupsForUser, ListUsersForGroup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openrd import errors
from openrd.api import ram_params as rp
from openrd.api.context import CallContext
from openrd.api.handlers.shapes import marker_fields
from openrd.api.params import Param
from openrd.api.registry import RAM_GROUP_TARGET, RAM_GROUPS, RAM_USER_TARGET, ram_api_action
from openrd.api.wire import MARKER, MAX_ITEMS
from openrd.domain import ram
from openrd.domain.ram import RamGroup
from openrd.domain.times import rfc3339_s
from openrd.services import ram_groups


def _group(group: RamGroup, *, updated: bool = True) -> dict[str, Any]:
    shape = {
        "GroupId": group.group_id,
        "GroupName": group.name,
        "Comments": group.comments,
        "CreateDate": rfc3339_s(group.created_ms),
    }
    if updated:
        shape["UpdateDate"] = rfc3339_s(group.updated_ms)
    return shape


@dataclass(frozen=True)
class CreateGroupRequest:
    group_name: str
    comments: str | None


def create_group(ctx: CallContext, req: CreateGroupRequest) -> dict[str, Any]:
    group = ram_groups.create_group(ctx.deps, principal=ctx.principal, name=req.group_name, comments=req.comments)
    return {"RequestId": ctx.request_id, "Group": _group(group, updated=False)}


@dataclass(frozen=True)
class GroupNameRequest:
    group_name: str


def get_group(ctx: CallContext, req: GroupNameRequest) -> dict[str, Any]:
    group = ram_groups.get_group(ctx.deps, principal=ctx.principal, name=req.group_name)
    return {"RequestId": ctx.request_id, "Group": _group(group)}


@dataclass(frozen=True)
class UpdateGroupRequest:
    group_name: str
    new_group_name: str | None
    new_comments: str | None


def update_group(ctx: CallContext, req: UpdateGroupRequest) -> dict[str, Any]:
    group = ram_groups.update_group(
        ctx.deps,
        principal=ctx.principal,
        name=req.group_name,
        new_name=req.new_group_name,
        new_comments=req.new_comments,
    )
    return {"RequestId": ctx.request_id, "Group": _group(group)}


def delete_group(ctx: CallContext, req: GroupNameRequest) -> dict[str, Any]:
    ram_groups.delete_group(ctx.deps, principal=ctx.principal, name=req.group_name)
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class ListRequest:
    offset: int
    max_items: int


def list_groups(ctx: CallContext, req: ListRequest) -> dict[str, Any]:
    page = ram_groups.list_groups(ctx.deps, principal=ctx.principal, offset=req.offset, limit=req.max_items)
    listed = [_group(group) for group in page.items]
    return {"RequestId": ctx.request_id, "Groups": {"Group": listed}} | marker_fields(page.next_offset)


@dataclass(frozen=True)
class MembershipRequest:
    group_name: str
    user_name: str


def add_user_to_group(ctx: CallContext, req: MembershipRequest) -> dict[str, Any]:
    ram_groups.add_user_to_group(ctx.deps, principal=ctx.principal, group_name=req.group_name, user_name=req.user_name)
    return {"RequestId": ctx.request_id}


def remove_user_from_group(ctx: CallContext, req: MembershipRequest) -> dict[str, Any]:
    ram_groups.remove_user_from_group(
        ctx.deps, principal=ctx.principal, group_name=req.group_name, user_name=req.user_name
    )
    return {"RequestId": ctx.request_id}


@dataclass(frozen=True)
class UserNameRequest:
    user_name: str


def list_groups_for_user(ctx: CallContext, req: UserNameRequest) -> dict[str, Any]:
    joined = ram_groups.list_groups_for_user(ctx.deps, principal=ctx.principal, user_name=req.user_name)
    listed = [
        {
            "GroupId": m.group.group_id,
            "GroupName": m.group.name,
            "Comments": m.group.comments,
            "JoinDate": rfc3339_s(m.joined_ms),
        }
        for m in joined
    ]
    return {"RequestId": ctx.request_id, "Groups": {"Group": listed}}


@dataclass(frozen=True)
class MembersRequest:
    group_name: str
    offset: int
    max_items: int


def list_users_for_group(ctx: CallContext, req: MembersRequest) -> dict[str, Any]:
    page = ram_groups.list_users_for_group(
        ctx.deps, principal=ctx.principal, group_name=req.group_name, offset=req.offset, limit=req.max_items
    )
    listed = [
        {"UserName": m.user_name, "DisplayName": m.user_display_name, "JoinDate": rfc3339_s(m.joined_ms)}
        for m in page.items
    ]
    return {"RequestId": ctx.request_id, "Users": {"User": listed}} | marker_fields(page.next_offset)


def _group_name(wire: str, field: str, *, required: bool) -> Param:
    length, chars = (
        (errors.InvalidParameterGroupNameLength, errors.InvalidParameterGroupNameInvalidChars)
        if wire == "GroupName"
        else (errors.InvalidParameterNewGroupNameLength, errors.InvalidParameterNewGroupNameInvalidChars)
    )
    return Param(
        wire,
        field,
        "string",
        required=required,
        parse=rp.name_parser(ram.GROUP_NAME, length, chars),
        invalid=chars,
        doc="1-64 of letters, digits, '.', '_', '-'",
    )


GROUP_NAME = _group_name("GroupName", "group_name", required=True)
_GROUP = (errors.InvalidParameterGroupNameLength, errors.InvalidParameterGroupNameInvalidChars)
_USER = rp.USER_NAME_ERRORS

ROWS = (
    ram_api_action(
        "CreateGroup",
        create_group,
        CreateGroupRequest,
        target=RAM_GROUPS,
        params=(GROUP_NAME, rp.comments("Comments", errors.InvalidParameterCommentsLength)),
        errors=(
            *_GROUP,
            errors.InvalidParameterCommentsLength,
            errors.EntityAlreadyExistsGroup,
            errors.LimitExceededGroup,
        ),
        summary="Create a RAM user group.",
    ),
    ram_api_action(
        "GetGroup",
        get_group,
        GroupNameRequest,
        target=RAM_GROUP_TARGET,
        params=(GROUP_NAME,),
        errors=(*_GROUP, errors.EntityNotExistGroup),
        summary="One RAM user group of the caller's account.",
    ),
    ram_api_action(
        "UpdateGroup",
        update_group,
        UpdateGroupRequest,
        target=RAM_GROUP_TARGET,
        params=(
            GROUP_NAME,
            _group_name("NewGroupName", "new_group_name", required=False),
            rp.comments("NewComments", errors.InvalidParameterNewCommentsLength),
        ),
        errors=(
            *_GROUP,
            errors.InvalidParameterNewGroupNameLength,
            errors.InvalidParameterNewGroupNameInvalidChars,
            errors.InvalidParameterNewCommentsLength,
            errors.EntityNotExistGroup,
            errors.EntityAlreadyExistsGroup,
        ),
        summary="Rename a group or change its comments; fields not given stay as they are.",
    ),
    ram_api_action(
        "DeleteGroup",
        delete_group,
        GroupNameRequest,
        target=RAM_GROUP_TARGET,
        params=(GROUP_NAME,),
        errors=(*_GROUP, errors.EntityNotExistGroup, errors.DeleteConflictGroupPolicy, errors.DeleteConflictGroupUser),
        summary="Delete a group that has no attached policies and no members.",
    ),
    ram_api_action(
        "ListGroups",
        list_groups,
        ListRequest,
        target=RAM_GROUPS,
        params=(MARKER, MAX_ITEMS),
        summary="The account's RAM user groups by name, a Marker page at a time.",
    ),
    ram_api_action(
        "AddUserToGroup",
        add_user_to_group,
        MembershipRequest,
        target=RAM_GROUP_TARGET,
        params=(GROUP_NAME, rp.USER_NAME),
        errors=(
            *_GROUP,
            *_USER,
            errors.EntityNotExistGroup,
            errors.EntityNotExistUser,
            errors.EntityAlreadyExistsUserGroup,
            errors.LimitExceededUserGroup,
        ),
        summary="Add a user to a group; a user joins at most 10 groups.",
    ),
    ram_api_action(
        "RemoveUserFromGroup",
        remove_user_from_group,
        MembershipRequest,
        target=RAM_GROUP_TARGET,
        params=(GROUP_NAME, rp.USER_NAME),
        errors=(*_GROUP, *_USER, errors.EntityNotExistGroup, errors.EntityNotExistUser, errors.EntityNotExistUserGroup),
        summary="Remove a user from a group.",
    ),
    ram_api_action(
        "ListGroupsForUser",
        list_groups_for_user,
        UserNameRequest,
        target=RAM_USER_TARGET,
        params=(rp.USER_NAME,),
        errors=(*_USER, errors.EntityNotExistUser),
        summary="The groups a user belongs to, in the order it joined them.",
    ),
    ram_api_action(
        "ListUsersForGroup",
        list_users_for_group,
        MembersRequest,
        target=RAM_GROUP_TARGET,
        params=(GROUP_NAME, MARKER, MAX_ITEMS),
        errors=(*_GROUP, errors.EntityNotExistGroup),
        summary="The members of a group by user name, a Marker page at a time.",
    ),
)
