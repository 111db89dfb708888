"""RAM's own tags on roles and policies: TagResources, UntagResources, ListTagResources of the RAM API, and the
tags CreatePolicy (and CreateRole) take (docs/policies.md#ram-tags).

A role's tags are kept by its id and a policy's by its name; the caller names both by name. Changes take the
account's policy lock, so two calls tagging one resource at once cannot pass 20 tags together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openrd import errors
from openrd.domain.identity import Principal
from openrd.domain.ram_tags import MAX_TAGS
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork

POLICY, ROLE = "policy", "role"


def resolve(uow: UnitOfWork, account_id: str, resource_type: str, names: Sequence[str]) -> dict[str, str]:
    """Resource id → the name as stored, for every name; an unknown one is EntityNotExist.Role / .Policy."""
    found: dict[str, str] = {}
    for name in names:
        if resource_type == ROLE:
            role = uow.identity.find_role(account_id, name)
            if role is None:
                raise errors.EntityNotExistRole()
            found[role.role_id] = role.name
        else:
            if uow.policies.get(account_id, name) is None:
                raise errors.EntityNotExistPolicy()
            found[name] = name
    return found


def add_tags(
    uow: UnitOfWork, account_id: str, resource_type: str, resource_id: str, tags: Sequence[tuple[str, str]]
) -> None:
    """Inside an open unit of work holding the account's policy lock: the resource keeps at most 20 tags."""
    current = uow.ram_tags.tags_of(account_id, resource_type, [resource_id]).get(resource_id, {})
    if len(current | dict(tags)) > MAX_TAGS:
        raise errors.LimitExceededTag()
    uow.ram_tags.put(account_id, resource_type, resource_id, tags)


def tag_resources(
    deps: Deps, *, principal: Principal, resource_type: str, names: Sequence[str], tags: Sequence[tuple[str, str]]
) -> None:
    account_id = principal.account_id
    with deps.uow() as uow:
        uow.policies.lock(account_id)
        for resource_id in resolve(uow, account_id, resource_type, names):
            add_tags(uow, account_id, resource_type, resource_id, tags)


def untag_resources(
    deps: Deps, *, principal: Principal, resource_type: str, names: Sequence[str], keys: Sequence[str] | None
) -> None:
    """Those keys of each resource, or all its tags when ``keys`` is None."""
    account_id = principal.account_id
    with deps.uow() as uow:
        uow.policies.lock(account_id)
        for resource_id in resolve(uow, account_id, resource_type, names):
            uow.ram_tags.remove(account_id, resource_type, resource_id, keys)


@dataclass(frozen=True)
class TagPage:
    rows: list[tuple[str, str, str]]  # (resource name, key, value)
    after: tuple[str, str] | None  # (resource id, key) the next page starts after; None on the last page


def list_tag_resources(
    deps: Deps,
    *,
    principal: Principal,
    resource_type: str,
    names: Sequence[str],
    filters: Sequence[tuple[str, str]],
    after: tuple[str, str] | None,
    limit: int,
) -> TagPage:
    """A row per resource and tag. Named resources that do not exist list nothing."""
    account_id = principal.account_id
    with deps.uow(write=False) as uow:
        ids = _known(uow, account_id, resource_type, names) if names else {}
        if names and not ids:
            return TagPage([], None)
        rows = uow.ram_tags.rows(
            account_id, resource_type, resource_ids=list(ids), filters=filters, after=after, limit=limit + 1
        )
        for resource_id, _, _ in rows:
            if resource_id not in ids:
                ids[resource_id] = _name_of(uow, resource_type, resource_id)
    listed = [(ids[r], k, v) for r, k, v in rows[:limit]]
    next_after = (rows[limit - 1][0], rows[limit - 1][1]) if len(rows) > limit else None
    return TagPage(listed, next_after)


def _known(uow: UnitOfWork, account_id: str, resource_type: str, names: Sequence[str]) -> dict[str, str]:
    """The named resources that exist, by id."""
    known: dict[str, str] = {}
    for name in names:
        try:
            known |= resolve(uow, account_id, resource_type, [name])
        except (errors.EntityNotExistRole, errors.EntityNotExistPolicy):
            continue
    return known


def _name_of(uow: UnitOfWork, resource_type: str, resource_id: str) -> str:
    if resource_type == POLICY:
        return resource_id
    role = uow.identity.get_role(resource_id)
    return role.name if role is not None else resource_id
