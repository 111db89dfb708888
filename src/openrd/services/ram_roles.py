"""RAM roles of the caller's account through the RAM API: CreateRole, GetRole, UpdateRole, DeleteRole, ListRoles
(docs/ram.md#roles); and ``get_role_by_name``, how STS finds the role it is asked to assume.

Role names compare case-insensitively within an account. A role the control API made is the same row, trusting its
own account. Deleting a role ends its STS sessions: their AccessKeys go with it, so the next call with one is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from openrd import errors
from openrd.domain import ram
from openrd.domain.identity import Principal, RamRole
from openrd.domain.times import epoch_ms
from openrd.services.context import Deps
from openrd.services.identity import new_role_id
from openrd.services.ports import UnitOfWork
from openrd.services.ram_users import Page, lock_account, page_of


def get_role_by_name(uow: UnitOfWork, account_id: str, name: str) -> RamRole | None:
    """The account's role called ``name`` in any letter case, with its trust policy (``RamRole.trust_document``:
    the stored AssumeRolePolicyDocument, or the own-account one of a role stored before trust policies were) and
    its ``max_session_duration``."""
    return uow.identity.find_role(account_id, name)


def require_role(uow: UnitOfWork, account_id: str, name: str) -> RamRole:
    role = get_role_by_name(uow, account_id, name)
    if role is None:
        raise errors.EntityNotExistRole()
    return role


def create_role(
    deps: Deps,
    *,
    principal: Principal,
    name: str,
    trust_policy: str,
    description: str | None,
    max_session_duration: int | None,
    tags: Sequence[tuple[str, str]] = (),
) -> RamRole:
    """``trust_policy`` was validated at the parameter stage (domain/trust.py)."""
    account_id = principal.account_id
    now = epoch_ms(deps.clock.now())
    with deps.uow() as uow:
        lock_account(uow, account_id)
        if get_role_by_name(uow, account_id, name) is not None:
            raise errors.EntityAlreadyExistsRole()
        if uow.ram.count_roles(account_id) >= ram.MAX_ROLES:
            raise errors.LimitExceededRole()
        role = RamRole(
            new_role_id(deps.rng),
            account_id,
            name,
            description=description or "",
            trust_policy=trust_policy,
            max_session_duration=max_session_duration or ram.DEFAULT_MAX_SESSION_DURATION,
            created_ms=now,
            updated_ms=now,
        )
        uow.identity.add_role(role)
        uow.ram_tags.put(account_id, "role", role.role_id, tags)  # at most 20: the parameter's limit
    return role


def get_role(deps: Deps, *, principal: Principal, name: str) -> RamRole:
    with deps.uow(write=False) as uow:
        return require_role(uow, principal.account_id, name)


@dataclass(frozen=True)
class RoleChanges:
    """UpdateRole's fields; ``None``: not given, kept as stored."""

    trust_policy: str | None = None
    description: str | None = None
    max_session_duration: int | None = None


def update_role(deps: Deps, *, principal: Principal, name: str, changes: RoleChanges) -> RamRole:
    with deps.uow() as uow:
        lock_account(uow, principal.account_id)
        role = require_role(uow, principal.account_id, name)
        updated = replace(
            role,
            trust_policy=role.trust_document if changes.trust_policy is None else changes.trust_policy,
            description=role.description if changes.description is None else changes.description,
            max_session_duration=changes.max_session_duration or role.max_session_duration,
            updated_ms=epoch_ms(deps.clock.now()),
        )
        uow.ram.update_role(updated)
    return updated


def delete_role(deps: Deps, *, principal: Principal, name: str) -> None:
    """Only a role without attached policies can go; its sessions end with it."""
    with deps.uow() as uow:
        lock_account(uow, principal.account_id)
        role = require_role(uow, principal.account_id, name)
        if uow.policies.has_attachments("role", role.role_id):
            raise errors.DeleteConflictRolePolicy()
        uow.ram.delete_role(role.role_id)
        uow.ram_tags.remove(principal.account_id, "role", role.role_id, None)  # its tags go with it


@dataclass(frozen=True)
class RolePage:
    page: Page[RamRole]
    tags: Mapping[str, dict[str, str]]  # by role id


def list_roles(
    deps: Deps, *, principal: Principal, offset: int, limit: int, tags: Sequence[tuple[str, str]] = ()
) -> RolePage:
    """A page of the account's roles with their tags; with ``tags``, only the roles carrying every one of them."""
    account_id = principal.account_id
    with deps.uow(write=False) as uow:
        if tags:
            wanted = uow.ram_tags.tagged_with_all(account_id, "role", tags)
            every = uow.ram.list_roles(account_id, offset=0, limit=ram.MAX_ROLES)
            rows = [r for r in every if r.role_id in wanted][offset : offset + limit + 1]
        else:
            rows = list(uow.ram.list_roles(account_id, offset=offset, limit=limit + 1))
        page = page_of(rows, offset, limit)
        found = uow.ram_tags.tags_of(account_id, "role", [r.role_id for r in page.items])
    return RolePage(page, found)
