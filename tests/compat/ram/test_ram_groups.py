"""RAM groups and members through the official RAM SDK (V3 and V1): CreateGroup, GetGroup, UpdateGroup, DeleteGroup,
ListGroups, AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser, ListUsersForGroup (docs/ram.md#groups)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram

from openrd import errors
from openrd.domain import ram as limits
from openrd.domain.ram_policies import PolicyType
from openrd.services.policies import find_policy
from support.compat import Sdk, World
from support.directory import fails_param
from support.ram import RAM_TIME, SIGNING, RamAccount, fails, fill, ram_account, unique
from support.servers import LiveServer


def _group(acct: RamAccount, name: str | None = None) -> str:
    name = name or unique("g")
    acct.client.create_group(ram.CreateGroupRequest(group_name=name))
    return name


def _add(acct: RamAccount, group: str, user: str) -> None:
    acct.client.add_user_to_group(ram.AddUserToGroupRequest(group_name=group, user_name=user))


@pytest.mark.parametrize("extra", SIGNING)
def test_group_round_trip(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    acct = ram_account(sdk, world.root(), **extra)
    made = acct.client.create_group(ram.CreateGroupRequest(group_name="dev.team", comments="developers")).body
    group = made.group
    assert made.request_id
    assert (group.group_name, group.comments) == ("dev.team", "developers")
    assert re.fullmatch(r"g-[A-Za-z0-9]{16}", group.group_id)
    assert RAM_TIME.fullmatch(group.create_date)

    got = acct.client.get_group(ram.GetGroupRequest(group_name="dev.team")).body.group
    assert (got.group_id, got.create_date) == (group.group_id, group.create_date)
    assert RAM_TIME.fullmatch(got.update_date)

    updated = acct.client.update_group(
        ram.UpdateGroupRequest(group_name="dev.team", new_group_name="ops", new_comments="operators")
    ).body.group
    assert (updated.group_id, updated.group_name, updated.comments) == (group.group_id, "ops", "operators")
    kept = acct.client.update_group(ram.UpdateGroupRequest(group_name="ops", new_group_name="ops")).body.group
    assert kept.comments == "operators"

    alice, bob = acct.user("alice"), acct.user("bob")
    _add(acct, "ops", bob)
    _add(acct, "ops", alice)
    members = acct.client.list_users_for_group(ram.ListUsersForGroupRequest(group_name="ops")).body
    assert members.is_truncated is False
    assert [u.user_name for u in members.users.user] == ["alice", "bob"]
    assert all(RAM_TIME.fullmatch(u.join_date) for u in members.users.user)
    [joined] = acct.client.list_groups_for_user(ram.ListGroupsForUserRequest(user_name="alice")).body.groups.group
    assert (joined.group_id, joined.group_name, joined.comments) == (group.group_id, "ops", "operators")
    assert RAM_TIME.fullmatch(joined.join_date)

    listed = acct.client.list_groups(ram.ListGroupsRequest()).body
    assert [g.group_name for g in listed.groups.group] == ["ops"]
    assert listed.is_truncated is False

    for user in (alice, bob):
        acct.client.remove_user_from_group(ram.RemoveUserFromGroupRequest(group_name="ops", user_name=user))
    assert acct.client.list_groups_for_user(ram.ListGroupsForUserRequest(user_name="alice")).body.groups.group == []
    acct.client.delete_group(ram.DeleteGroupRequest(group_name="ops"))
    fails(errors.EntityNotExistGroup, acct.client.get_group, ram.GetGroupRequest(group_name="ops"))


def test_groups_and_members_page_by_marker(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    names = [_group(acct, f"g{i}") for i in range(3)]
    first = acct.client.list_groups(ram.ListGroupsRequest(max_items=2)).body
    rest = acct.client.list_groups(ram.ListGroupsRequest(max_items=2, marker=first.marker)).body
    assert (first.is_truncated, rest.is_truncated) == (True, False)
    assert [g.group_name for g in first.groups.group + rest.groups.group] == names
    users = [acct.user(f"m{i}") for i in range(3)]
    for user in users:
        _add(acct, "g0", user)
    page = acct.client.list_users_for_group(ram.ListUsersForGroupRequest(group_name="g0", max_items=2)).body
    more = acct.client.list_users_for_group(
        ram.ListUsersForGroupRequest(group_name="g0", max_items=2, marker=page.marker)
    ).body
    assert [u.user_name for u in page.users.user + more.users.user] == users
    fails_param("Marker", acct.client.list_users_for_group, ram.ListUsersForGroupRequest(group_name="g0", marker="?"))


def test_a_user_in_a_group_cannot_be_deleted(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    group, user = _group(acct), acct.user()
    _add(acct, group, user)
    fails(errors.DeleteConflictUserGroup, acct.client.delete_user, ram.DeleteUserRequest(user_name=user))
    fails(errors.DeleteConflictGroupUser, acct.client.delete_group, ram.DeleteGroupRequest(group_name=group))
    acct.client.remove_user_from_group(ram.RemoveUserFromGroupRequest(group_name=group, user_name=user))
    acct.client.delete_user(ram.DeleteUserRequest(user_name=user))
    acct.client.delete_group(ram.DeleteGroupRequest(group_name=group))


def test_a_group_with_attached_policies_cannot_be_deleted(world: World, sdk: Sdk, server: LiveServer) -> None:
    acct = ram_account(sdk, world.root())
    group = _group(acct)
    deps = server.runtime.deps
    with deps.uow() as uow:  # the group attachments' own action is the policies area's; the store is one
        found = uow.ram.find_group(acct.root.account_id, group)
        assert found is not None
        policy = find_policy(uow, acct.root.account_id, PolicyType.SYSTEM, "ReadOnlyAccess")
        uow.policies.attach(acct.root.account_id, "group", found.group_id, policy, now_ms=0)
    fails(errors.DeleteConflictGroupPolicy, acct.client.delete_group, ram.DeleteGroupRequest(group_name=group))


def test_create_group_errors(world: World, sdk: Sdk, server: LiveServer) -> None:
    acct = ram_account(sdk, world.root())
    create = acct.client.create_group
    fails(errors.InvalidParameterGroupNameLength, create, ram.CreateGroupRequest(group_name="g" * 65))
    fails(errors.InvalidParameterGroupNameInvalidChars, create, ram.CreateGroupRequest(group_name="g g"))
    fails(errors.InvalidParameterCommentsLength, create, ram.CreateGroupRequest(group_name="g", comments="c" * 129))
    name = _group(acct)
    fails(errors.EntityAlreadyExistsGroup, create, ram.CreateGroupRequest(group_name=name))
    fill(server, acct.root.account_id, "group", limits.MAX_GROUPS - 1)
    fails(errors.LimitExceededGroup, create, ram.CreateGroupRequest(group_name=unique("g")))


def test_update_group_errors(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    first, second = _group(acct), _group(acct)
    update = acct.client.update_group
    fails(
        errors.InvalidParameterNewGroupNameLength,
        update,
        ram.UpdateGroupRequest(group_name=first, new_group_name="n" * 65),
    )
    fails(
        errors.InvalidParameterNewGroupNameInvalidChars,
        update,
        ram.UpdateGroupRequest(group_name=first, new_group_name="a/b"),
    )
    fails(
        errors.InvalidParameterNewCommentsLength,
        update,
        ram.UpdateGroupRequest(group_name=first, new_comments="c" * 129),
    )
    fails(errors.EntityNotExistGroup, update, ram.UpdateGroupRequest(group_name="ghost"))
    fails(errors.EntityAlreadyExistsGroup, update, ram.UpdateGroupRequest(group_name=first, new_group_name=second))


def _requests(group: str | None, user: str | None) -> dict[str, Any]:
    return {
        "get_group": ram.GetGroupRequest(group_name=group),
        "update_group": ram.UpdateGroupRequest(group_name=group),
        "delete_group": ram.DeleteGroupRequest(group_name=group),
        "add_user_to_group": ram.AddUserToGroupRequest(group_name=group, user_name=user),
        "remove_user_from_group": ram.RemoveUserFromGroupRequest(group_name=group, user_name=user),
        "list_users_for_group": ram.ListUsersForGroupRequest(group_name=group),
    }


@pytest.mark.parametrize(
    "action",
    [
        "get_group",
        "update_group",
        "delete_group",
        "add_user_to_group",
        "remove_user_from_group",
        "list_users_for_group",
    ],
)
def test_every_group_action_checks_its_group(world: World, sdk: Sdk, action: str) -> None:
    acct = ram_account(sdk, world.root())
    user = acct.user()
    call = getattr(acct.client, action)
    fails(errors.InvalidParameterGroupNameLength, call, _requests("g" * 65, user)[action])
    fails(errors.InvalidParameterGroupNameInvalidChars, call, _requests("g!", user)[action])
    fails(errors.EntityNotExistGroup, call, _requests("ghost", user)[action])


@pytest.mark.parametrize("action", ["add_user_to_group", "remove_user_from_group", "list_groups_for_user"])
def test_every_membership_action_checks_its_user(world: World, sdk: Sdk, action: str) -> None:
    acct = ram_account(sdk, world.root())
    group = _group(acct)
    call = getattr(acct.client, action)
    requests = _requests(group, "u" * 65) | {"list_groups_for_user": ram.ListGroupsForUserRequest(user_name="u" * 65)}
    fails(errors.InvalidParameterUserNameLength, call, requests[action])
    requests = _requests(group, "u u") | {"list_groups_for_user": ram.ListGroupsForUserRequest(user_name="u u")}
    fails(errors.InvalidParameterUserNameInvalidChars, call, requests[action])
    requests = _requests(group, "nobody") | {"list_groups_for_user": ram.ListGroupsForUserRequest(user_name="nobody")}
    fails(errors.EntityNotExistUser, call, requests[action])


def test_membership_errors(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    user = acct.user()
    groups = [_group(acct, f"j{i:02d}") for i in range(limits.MAX_GROUPS_PER_USER + 1)]
    fails(
        errors.EntityNotExistUserGroup,
        acct.client.remove_user_from_group,
        ram.RemoveUserFromGroupRequest(group_name=groups[0], user_name=user),
    )
    for group in groups[:-1]:
        _add(acct, group, user)
    fails(
        errors.EntityAlreadyExistsUserGroup,
        acct.client.add_user_to_group,
        ram.AddUserToGroupRequest(group_name=groups[0], user_name=user),
    )
    fails(
        errors.LimitExceededUserGroup,
        acct.client.add_user_to_group,
        ram.AddUserToGroupRequest(group_name=groups[-1], user_name=user),
    )
    joined = acct.client.list_groups_for_user(ram.ListGroupsForUserRequest(user_name=user)).body.groups.group
    assert [g.group_name for g in joined] == groups[:-1]
