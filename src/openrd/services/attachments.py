"""Attachments of system and custom policies to RAM users, groups and roles (docs/policies.md#attachments)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from openrd import errors
from openrd.domain.identity import Principal, RamRole, RamUser
from openrd.domain.ram import MAX_GROUPS, RamGroup
from openrd.domain.ram_policies import (
    MAX_ATTACHED,
    MAX_CUSTOM_POLICIES,
    AttachedPolicy,
    PolicyType,
    inline_policy_name,
)
from openrd.domain.times import epoch_ms
from openrd.services import errors as service_errors
from openrd.services.context import Deps
from openrd.services.policies import add_custom_policy, find_policy
from openrd.services.ports import UnitOfWork


def attach_given(
    uow: UnitOfWork,
    account_id: str,
    principal_type: str,
    principal_id: str,
    principal_name: str,
    rows: Sequence[tuple[str | None, str | None]],
    *,
    now_ms: int,
) -> None:
    """The control API's policies for a new user or role: system policy names, attached as they are, and policy
    documents, each made the account's custom policy ``inline-<name>-<n>`` and attached, counted like any other."""
    names = list(dict.fromkeys(name for name, _ in rows if name is not None))
    documents = [document for name, document in rows if name is None and document is not None]
    if len(names) > MAX_ATTACHED[PolicyType.SYSTEM] or len(documents) > MAX_ATTACHED[PolicyType.CUSTOM]:
        raise service_errors.InvalidPolicy(
            f"at most {MAX_ATTACHED[PolicyType.SYSTEM]} system policies and {MAX_ATTACHED[PolicyType.CUSTOM]} "
            "policy documents"
        )
    if not documents and not names:
        return
    uow.policies.lock(account_id)
    if documents and uow.policies.count(account_id) + len(documents) > MAX_CUSTOM_POLICIES:
        raise service_errors.InvalidPolicy(f"an account has at most {MAX_CUSTOM_POLICIES} custom policies")
    for name in names:
        policy = find_policy(uow, account_id, PolicyType.SYSTEM, name)
        uow.policies.attach(account_id, principal_type, principal_id, policy, now_ms=now_ms)
    number = 1
    for document in documents:
        while uow.policies.get(account_id, inline_policy_name(principal_name, number)) is not None:
            number += 1
        policy = add_custom_policy(
            uow, account_id, name=inline_policy_name(principal_name, number), description="", document=document,
            now_ms=now_ms,
        )  # fmt: skip
        uow.policies.attach(account_id, principal_type, principal_id, policy, now_ms=now_ms)


@dataclass(frozen=True)
class _Kind:
    """What differs between attaching to a user, a group and a role: how it is found and its documented codes."""

    principal_type: str
    not_found: type[errors.OpenRDError]
    already: type[errors.OpenRDError]
    limit: type[errors.OpenRDError]
    not_attached: type[errors.OpenRDError]


KINDS: Final = {
    "user": _Kind(
        "user",
        errors.EntityNotExistUser,
        errors.EntityAlreadyExistsUserPolicy,
        errors.LimitExceededUserPolicy,
        errors.EntityNotExistUserPolicy,
    ),
    "group": _Kind(
        "group",
        errors.EntityNotExistGroup,
        errors.EntityAlreadyExistsGroupPolicy,
        errors.LimitExceededGroupPolicy,
        errors.EntityNotExistGroupPolicy,
    ),
    "role": _Kind(
        "role",
        errors.EntityNotExistRole,
        errors.EntityAlreadyExistsRolePolicy,
        errors.LimitExceededRolePolicy,
        errors.EntityNotExistRolePolicy,
    ),
}


def _principal_id(uow: UnitOfWork, account_id: str, kind: _Kind, name: str) -> str:
    if kind.principal_type == "user":
        user = uow.identity.find_user(account_id, name)
        if user is not None:
            return user.user_id
    elif kind.principal_type == "group":
        group = uow.ram.find_group(account_id, name)
        if group is not None:
            return group.group_id
    else:
        role = uow.identity.find_role(account_id, name)
        if role is not None:
            return role.role_id
    raise kind.not_found()


def attach(
    deps: Deps, *, principal: Principal, kind: str, name: str, policy_type: PolicyType, policy_name: str
) -> None:
    """The entity must exist, then the policy; a policy is attached once, and at most 20 system and 10 custom ones
    to one entity."""
    of = KINDS[kind]
    account_id = principal.account_id
    now_ms = epoch_ms(deps.clock.now())
    with deps.uow() as uow:
        uow.policies.lock(account_id)
        principal_id = _principal_id(uow, account_id, of, name)
        policy = find_policy(uow, account_id, policy_type, policy_name)
        attached = uow.policies.attached_to(of.principal_type, principal_id)
        if any(a.policy.policy_type is policy_type and a.policy.name == policy_name for a in attached):
            raise of.already()
        if sum(a.policy.policy_type is policy_type for a in attached) >= MAX_ATTACHED[policy_type]:
            raise of.limit()
        uow.policies.attach(account_id, of.principal_type, principal_id, policy, now_ms=now_ms)


def detach(
    deps: Deps, *, principal: Principal, kind: str, name: str, policy_type: PolicyType, policy_name: str
) -> None:
    of = KINDS[kind]
    account_id = principal.account_id
    with deps.uow() as uow:
        uow.policies.lock(account_id)
        principal_id = _principal_id(uow, account_id, of, name)
        find_policy(uow, account_id, policy_type, policy_name)
        if not uow.policies.detach(of.principal_type, principal_id, policy_type, policy_name):
            raise of.not_attached()


def policies_of(deps: Deps, *, principal: Principal, kind: str, name: str) -> list[AttachedPolicy]:
    """The policies attached to one user, group or role, in the order they were attached."""
    of = KINDS[kind]
    with deps.uow(write=False) as uow:
        principal_id = _principal_id(uow, principal.account_id, of, name)
        return list(uow.policies.attached_to(of.principal_type, principal_id))


@dataclass(frozen=True)
class Entities:
    """ListEntitiesForPolicy: who has one policy attached, with when."""

    users: list[tuple[RamUser, int]]
    groups: list[tuple[RamGroup, int]]
    roles: list[tuple[RamRole, int]]


def entities_for(deps: Deps, *, principal: Principal, policy_type: PolicyType, name: str) -> Entities:
    account_id = principal.account_id
    entities = Entities([], [], [])
    with deps.uow(write=False) as uow:
        find_policy(uow, account_id, policy_type, name)
        attached = uow.policies.entities_for(account_id, policy_type, name)
        groups = {g.group_id: g for g in uow.ram.list_groups(account_id, offset=0, limit=MAX_GROUPS)} if any(
            kind == "group" for kind, _, _ in attached
        ) else {}  # fmt: skip
        for principal_type, principal_id, attached_ms in attached:
            if principal_type == "group" and principal_id in groups:
                entities.groups.append((groups[principal_id], attached_ms))
            if principal_type == "user":
                user = uow.identity.get_user(principal_id)
                if user is not None:
                    entities.users.append((user, attached_ms))
            elif principal_type == "role":
                role = uow.identity.get_role(principal_id)
                if role is not None:
                    entities.roles.append((role, attached_ms))
    return entities
