"""Resource groups of the caller's account: CreateResourceGroup, GetResourceGroup, UpdateResourceGroup,
DeleteResourceGroup, ListResourceGroups, and the empty ListResources and GetResourceGroupResourceCounts
(docs/resource-groups.md).

Creation and deletion are transitions (docs/lifecycle.md): a new group is ``Creating`` until its creation falls
due, a deleted one ``PendingDelete`` until its deletion does, then gone. A group belongs to one account; a caller
sees its own account's groups only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from openrd import errors
from openrd.domain import resource_groups as rules
from openrd.domain.accounts import Account
from openrd.domain.identity import Principal
from openrd.domain.resource_groups import GroupStatus, ResourceGroup
from openrd.domain.tags import RESOURCE_GROUP
from openrd.domain.times import epoch_ms
from openrd.domain.transitions import TransitionKind
from openrd.services import transitions
from openrd.services.context import Deps
from openrd.services.folders import offset
from openrd.services.ports import GroupFilter, UnitOfWork
from openrd.services.tags import Taggable, register_taggable, tag_at_creation


@dataclass(frozen=True)
class GroupView:
    """A group and its status when the call read it, with its tags when they were asked for."""

    group: ResourceGroup
    status: GroupStatus
    tags: tuple[tuple[str, str], ...] = ()


def _group_owner(uow: UnitOfWork, resource_group_id: str) -> str | None:
    """The tag actions' view of a group: its account's, while it is not being deleted."""
    group = uow.resource_groups.get_group(resource_group_id)
    return group.account_id if group is not None and group.delete_due_ms is None else None


# A group's tags are its account's: the tag actions list them for the caller's own account.
register_taggable(
    RESOURCE_GROUP,
    Taggable(lambda _uow, principal, _read: principal.account_id, _group_owner, errors.EntityNotExistsResourceGroup),
)


def _tags(uow: UnitOfWork, resource_group_id: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(uow.directory.resource_tags(RESOURCE_GROUP, resource_group_id).items()))


def add_default_group(uow: UnitOfWork, account: Account) -> None:
    """Every account has its default group from its creation on (the migration gave existing accounts theirs)."""
    uow.resource_groups.add_group(
        ResourceGroup(
            resource_group_id=rules.default_group_id(account.account_id),
            account_id=account.account_id,
            name=rules.DEFAULT_NAME,
            display_name=rules.default_display_name(account.site),
            is_default=True,
            created_ms=account.created_ms,
        )
    )


def _new_group_id(uow: UnitOfWork, deps: Deps) -> str:
    while True:
        candidate = "rg-" + deps.rng.alnum(rules.ID_LENGTH).lower()
        if uow.resource_groups.get_group(candidate) is None:
            return candidate


def _lock(uow: UnitOfWork, account_id: str) -> None:
    # Names and the count are checked under the account's lock: two creates must not both take the last place.
    uow.resource_groups.lock(f"resource-groups:{account_id}")


def _owned(uow: UnitOfWork, principal: Principal, resource_group_id: str, now_ms: int) -> GroupView:
    """The caller's account's group, unless it is gone; EntityNotExists.ResourceGroup otherwise."""
    group = uow.resource_groups.get_group(resource_group_id)
    status = group.status(now_ms) if group is not None else None
    if group is None or status is None or group.account_id != principal.account_id:
        raise errors.EntityNotExistsResourceGroup()
    return GroupView(group, status)


def _settled(uow: UnitOfWork, principal: Principal, resource_group_id: str, now_ms: int) -> GroupView:
    """A group a change may act on: not being created or deleted."""
    view = _owned(uow, principal, resource_group_id, now_ms)
    if view.status is not GroupStatus.OK:
        raise errors.DeleteConflictResourceGroupStatus()
    return view


def create_group(
    deps: Deps, *, principal: Principal, name: str, display_name: str, tags: Sequence[tuple[str, str]] = ()
) -> GroupView:
    """The answer shows ``Creating`` whatever the delay: the next read settles it. Tags are written with the group
    under the tag store's rules; a refused tag refuses the group too."""
    now = deps.clock.now()
    now_ms = epoch_ms(now)
    with deps.uow() as uow:
        _lock(uow, principal.account_id)
        if uow.resource_groups.name_taken(principal.account_id, name):
            raise errors.EntityAlreadyExistsResourceGroup()
        if uow.resource_groups.count_groups(principal.account_id, now_ms=now_ms) >= rules.MAX_GROUPS:
            raise errors.LimitExceededResourceGroup()
        group = ResourceGroup(
            resource_group_id=_new_group_id(uow, deps),
            account_id=principal.account_id,
            name=name,
            display_name=display_name,
            is_default=False,
            created_ms=now_ms,
            create_due_ms=transitions.due_at(uow, TransitionKind.RESOURCE_GROUP_CREATE, now),
        )
        uow.resource_groups.add_group(group)
        tag_at_creation(uow, RESOURCE_GROUP, group.resource_group_id, tags)
        return GroupView(group, GroupStatus.CREATING)


def get_group(deps: Deps, *, principal: Principal, resource_group_id: str, include_tags: bool = False) -> GroupView:
    with deps.uow(write=False) as uow:
        view = _owned(uow, principal, resource_group_id, epoch_ms(deps.clock.now()))
        return replace(view, tags=_tags(uow, resource_group_id)) if include_tags else view


def update_group(deps: Deps, *, principal: Principal, resource_group_id: str, display_name: str) -> GroupView:
    with deps.uow() as uow:
        view = _settled(uow, principal, resource_group_id, epoch_ms(deps.clock.now()))
        group = replace(view.group, display_name=display_name)
        uow.resource_groups.update_group(group)
        return GroupView(group, view.status)


def delete_group(deps: Deps, *, principal: Principal, resource_group_id: str) -> GroupView:
    """The group becomes ``PendingDelete`` under its deletion name, and is gone once the deletion falls due."""
    now = deps.clock.now()
    now_ms = epoch_ms(now)
    with deps.uow() as uow:
        _lock(uow, principal.account_id)
        view = _owned(uow, principal, resource_group_id, now_ms)
        if view.group.is_default:
            raise errors.NotSupportDefaultResourceGroup()
        if view.status is not GroupStatus.OK:
            raise errors.DeleteConflictResourceGroupStatus()
        group = replace(
            view.group,
            name=rules.pending_delete_name(view.group.name, view.group.resource_group_id, now_ms),
            delete_due_ms=transitions.due_at(uow, TransitionKind.RESOURCE_GROUP_DELETE, now),
        )
        uow.resource_groups.update_group(group)
        uow.directory.remove_tags(RESOURCE_GROUP, group.resource_group_id, None)  # no tag outlives the group
        return GroupView(group, GroupStatus.PENDING_DELETE)


def list_groups(
    deps: Deps,
    *,
    principal: Principal,
    where: GroupFilter,
    page_number: int,
    page_size: int,
    include_tags: bool = False,
) -> tuple[Sequence[GroupView], int]:
    """A page of the account's groups; their tags with ``include_tags`` or a tag filter (as documented)."""
    now_ms = epoch_ms(deps.clock.now())
    with deps.uow(write=False) as uow:
        groups, total = uow.resource_groups.group_page(
            principal.account_id, now_ms=now_ms, where=where, limit=page_size, offset=offset(page_number, page_size)
        )
        views = []
        for group in groups:
            status = group.status(now_ms)
            if status is None:  # the page query left out gone groups already
                continue
            tags = _tags(uow, group.resource_group_id) if include_tags or where.tags else ()
            views.append(GroupView(group, status, tags))
    return views, total


def check_group(deps: Deps, *, principal: Principal, resource_group_id: str | None) -> None:
    """ListResources and GetResourceGroupResourceCounts hold no resources to show, but a group they name must be
    one of the caller's."""
    if resource_group_id is None:
        return
    with deps.uow(write=False) as uow:
        _owned(uow, principal, resource_group_id, epoch_ms(deps.clock.now()))
