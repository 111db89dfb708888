"""RAM groups of the caller's account and their members: CreateGroup, GetGroup, UpdateGroup, DeleteGroup,
ListGroups, AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser, ListUsersForGroup (docs/ram.md#groups)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from openrd import errors
from openrd.domain import ram
from openrd.domain.identity import Principal
from openrd.domain.ram import GroupMembership, RamGroup
from openrd.domain.times import epoch_ms
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork
from openrd.services.ram_users import Page, lock_account, page_of, require_user


def require_group(uow: UnitOfWork, account_id: str, name: str) -> RamGroup:
    group = uow.ram.find_group(account_id, name)
    if group is None:
        raise errors.EntityNotExistGroup()
    return group


def _new_group_id(deps: Deps) -> str:
    return "g-" + deps.rng.alnum(16)


def create_group(deps: Deps, *, principal: Principal, name: str, comments: str | None) -> RamGroup:
    account_id = principal.account_id
    now = epoch_ms(deps.clock.now())
    with deps.uow() as uow:
        lock_account(uow, account_id)
        if uow.ram.find_group(account_id, name) is not None:
            raise errors.EntityAlreadyExistsGroup()
        if uow.ram.count_groups(account_id) >= ram.MAX_GROUPS:
            raise errors.LimitExceededGroup()
        group = RamGroup(_new_group_id(deps), account_id, name, comments or "", now, now)
        uow.ram.add_group(group)
    return group


def get_group(deps: Deps, *, principal: Principal, name: str) -> RamGroup:
    with deps.uow(write=False) as uow:
        return require_group(uow, principal.account_id, name)


def update_group(
    deps: Deps, *, principal: Principal, name: str, new_name: str | None, new_comments: str | None
) -> RamGroup:
    account_id = principal.account_id
    with deps.uow() as uow:
        lock_account(uow, account_id)
        group = require_group(uow, account_id, name)
        if new_name is not None and new_name != name and uow.ram.find_group(account_id, new_name) is not None:
            raise errors.EntityAlreadyExistsGroup()
        updated = replace(
            group,
            name=new_name or group.name,
            comments=group.comments if new_comments is None else new_comments,
            updated_ms=epoch_ms(deps.clock.now()),
        )
        uow.ram.update_group(updated)
    return updated


def delete_group(deps: Deps, *, principal: Principal, name: str) -> None:
    """Only a group with no attached policies and no members can go, checked in that order."""
    with deps.uow() as uow:
        lock_account(uow, principal.account_id)
        group = require_group(uow, principal.account_id, name)
        if uow.policies.has_attachments("group", group.group_id):
            raise errors.DeleteConflictGroupPolicy()
        if uow.ram.has_members(group.group_id):
            raise errors.DeleteConflictGroupUser()
        uow.ram.delete_group(group.group_id)


def list_groups(deps: Deps, *, principal: Principal, offset: int, limit: int) -> Page[RamGroup]:
    with deps.uow(write=False) as uow:
        rows = uow.ram.list_groups(principal.account_id, offset=offset, limit=limit + 1)
    return page_of(rows, offset, limit)


def add_user_to_group(deps: Deps, *, principal: Principal, group_name: str, user_name: str) -> None:
    account_id = principal.account_id
    with deps.uow() as uow:
        lock_account(uow, account_id)
        group = require_group(uow, account_id, group_name)
        user = require_user(uow, account_id, user_name)
        if any(m.group.group_id == group.group_id for m in uow.ram.groups_of(user.user_id)):
            raise errors.EntityAlreadyExistsUserGroup()
        if uow.ram.count_groups_of(user.user_id) >= ram.MAX_GROUPS_PER_USER:
            raise errors.LimitExceededUserGroup()
        uow.ram.add_member(group.group_id, user.user_id, joined_ms=epoch_ms(deps.clock.now()))


def remove_user_from_group(deps: Deps, *, principal: Principal, group_name: str, user_name: str) -> None:
    account_id = principal.account_id
    with deps.uow() as uow:
        lock_account(uow, account_id)
        group = require_group(uow, account_id, group_name)
        user = require_user(uow, account_id, user_name)
        if not uow.ram.remove_member(group.group_id, user.user_id):
            raise errors.EntityNotExistUserGroup()


def list_groups_for_user(deps: Deps, *, principal: Principal, user_name: str) -> Sequence[GroupMembership]:
    with deps.uow(write=False) as uow:
        user = require_user(uow, principal.account_id, user_name)
        return uow.ram.groups_of(user.user_id)


def list_users_for_group(
    deps: Deps, *, principal: Principal, group_name: str, offset: int, limit: int
) -> Page[GroupMembership]:
    with deps.uow(write=False) as uow:
        group = require_group(uow, principal.account_id, group_name)
        rows = uow.ram.members_of(group.group_id, offset=offset, limit=limit + 1)
    return page_of(rows, offset, limit)
