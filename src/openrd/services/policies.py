"""RAM policies of the caller's account: custom policies with versions beside the system catalogue
(docs/policies.md).

Every change takes the account's policy lock first, so concurrent calls count versions and policies one at a time:
20 parallel CreatePolicyVersion never leave more than five versions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from openrd import errors
from openrd.domain.identity import Principal
from openrd.domain.ram_policies import (
    MAX_CUSTOM_POLICIES,
    MAX_VERSIONS,
    PolicyRecord,
    PolicyType,
    PolicyVersion,
    RotateStrategy,
)
from openrd.domain.system_policies import CATALOGUE, SYSTEM_CREATED_MS, SystemPolicy
from openrd.domain.times import epoch_ms
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork


def _system_record(entry: SystemPolicy, attachment_count: int = 0) -> PolicyRecord:
    return PolicyRecord(
        entry.name, PolicyType.SYSTEM, entry.description, 1, SYSTEM_CREATED_MS, SYSTEM_CREATED_MS, attachment_count
    )


def _system_version(entry: SystemPolicy) -> PolicyVersion:
    return PolicyVersion(1, entry.document, SYSTEM_CREATED_MS, True)


def find_policy(uow: UnitOfWork, account_id: str, policy_type: PolicyType, name: str) -> PolicyRecord:
    """A system policy of the catalogue or a custom policy of the account; 404 EntityNotExist.Policy otherwise."""
    if policy_type is PolicyType.SYSTEM:
        entry = CATALOGUE.get(name)
        if entry is not None:
            count = uow.policies.attachment_counts(account_id, PolicyType.SYSTEM).get(name, 0)
            return _system_record(entry, count)
    else:
        record = uow.policies.get(account_id, name)
        if record is not None:
            return record
    raise errors.EntityNotExistPolicy()


def _custom(uow: UnitOfWork, account_id: str, name: str) -> PolicyRecord:
    return find_policy(uow, account_id, PolicyType.CUSTOM, name)


def add_custom_policy(
    uow: UnitOfWork, account_id: str, *, name: str, description: str, document: str, now_ms: int
) -> PolicyRecord:
    """Inside an open unit of work holding the account's policy lock: the name is free, the account under its
    limit."""
    if name in CATALOGUE or uow.policies.get(account_id, name) is not None:
        raise errors.EntityAlreadyExistsPolicy()
    if uow.policies.count(account_id) >= MAX_CUSTOM_POLICIES:
        raise errors.LimitExceededPolicy()
    uow.policies.add(account_id, name=name, description=description, document=document, now_ms=now_ms)
    return PolicyRecord(name, PolicyType.CUSTOM, description, 1, now_ms, now_ms)


def create_policy(
    deps: Deps,
    *,
    principal: Principal,
    name: str,
    description: str,
    document: str,
    tags: Sequence[tuple[str, str]] = (),
) -> PolicyRecord:
    now_ms = epoch_ms(deps.clock.now())
    with deps.uow() as uow:
        uow.policies.lock(principal.account_id)
        record = add_custom_policy(
            uow, principal.account_id, name=name, description=description, document=document, now_ms=now_ms
        )
        uow.ram_tags.put(principal.account_id, "policy", name, tags)
        return record


def get_policy(
    deps: Deps, *, principal: Principal, policy_type: PolicyType, name: str
) -> tuple[PolicyRecord, PolicyVersion]:
    """The policy and its default version."""
    with deps.uow(write=False) as uow:
        record = find_policy(uow, principal.account_id, policy_type, name)
        if record.policy_type is PolicyType.SYSTEM:
            return record, _system_version(CATALOGUE[name])
        versions = uow.policies.versions(principal.account_id, name)
    return record, next(v for v in versions if v.is_default)


@dataclass(frozen=True)
class PolicyPage:
    policies: list[PolicyRecord]
    tags: Mapping[str, dict[str, str]]  # each custom policy's tags (system policies have none)
    next_offset: int | None  # None: this was the last page


def list_policies(
    deps: Deps,
    *,
    principal: Principal,
    policy_type: PolicyType | None,
    offset: int,
    limit: int,
    tags: Sequence[tuple[str, str]] = (),
) -> PolicyPage:
    """One page of the system policies (in name order) followed by the account's custom ones (in name order).
    With ``tags``, only the custom policies that carry every one of them."""
    account_id = principal.account_id
    with deps.uow(write=False) as uow:
        system: list[PolicyRecord] = []
        if policy_type in (None, PolicyType.SYSTEM) and not tags:
            counts = uow.policies.attachment_counts(account_id, PolicyType.SYSTEM)
            system = [_system_record(e, counts.get(e.name, 0)) for e in CATALOGUE.values()]
        page = system[offset : offset + limit + 1]
        if policy_type in (None, PolicyType.CUSTOM) and len(page) <= limit:
            custom_offset = max(0, offset - len(system))
            wanted = uow.ram_tags.tagged_with_all(account_id, "policy", tags) if tags else None
            if wanted is None or wanted:
                page += uow.policies.page(account_id, offset=custom_offset, limit=limit + 1 - len(page), names=wanted)
        shown = [p.name for p in page[:limit] if p.policy_type is PolicyType.CUSTOM]
        found = uow.ram_tags.tags_of(account_id, "policy", shown)
    if len(page) > limit:
        return PolicyPage(page[:limit], found, offset + limit)
    return PolicyPage(page, found, None)


def update_description(deps: Deps, *, principal: Principal, name: str, description: str) -> PolicyRecord:
    now_ms = epoch_ms(deps.clock.now())
    with deps.uow() as uow:
        uow.policies.lock(principal.account_id)
        record = _custom(uow, principal.account_id, name)
        uow.policies.set_description(principal.account_id, name, description, now_ms=now_ms)
    return replace(record, description=description, updated_ms=now_ms)


def delete_policy(deps: Deps, *, principal: Principal, name: str, cascading: bool) -> None:
    """Refused while the policy is attached (to users, then groups, then roles) or, unless ``cascading``, while it
    has versions besides its default."""
    account_id = principal.account_id
    with deps.uow() as uow:
        uow.policies.lock(account_id)
        _custom(uow, account_id, name)
        kinds = {kind for kind, _, _ in uow.policies.entities_for(account_id, PolicyType.CUSTOM, name)}
        if "user" in kinds:
            raise errors.DeleteConflictPolicyUser()
        if "group" in kinds:
            raise errors.DeleteConflictPolicyGroup()
        if "role" in kinds:
            raise errors.DeleteConflictPolicyRole()
        if not cascading and len(uow.policies.versions(account_id, name)) > 1:
            raise errors.DeleteConflictPolicyVersion()
        uow.policies.delete(account_id, name)
        uow.ram_tags.remove(account_id, "policy", name, None)


def create_version(
    deps: Deps, *, principal: Principal, name: str, document: str, set_as_default: bool, rotate: RotateStrategy
) -> PolicyVersion:
    """A new version; at the limit of five, ``rotate`` may drop the oldest version that is not the default."""
    account_id = principal.account_id
    now_ms = epoch_ms(deps.clock.now())
    with deps.uow() as uow:
        uow.policies.lock(account_id)
        _custom(uow, account_id, name)
        versions = uow.policies.versions(account_id, name)
        if len(versions) >= MAX_VERSIONS:
            if rotate is not RotateStrategy.DELETE_OLDEST:
                raise errors.LimitExceededPolicyVersion()
            oldest = next(v for v in versions if not v.is_default)
            uow.policies.delete_version(account_id, name, oldest.number)
        return uow.policies.add_version(account_id, name, document, now_ms=now_ms, default=set_as_default)


def _version(versions: Sequence[PolicyVersion], number: int) -> PolicyVersion:
    for version in versions:
        if version.number == number:
            return version
    raise errors.EntityNotExistPolicyVersion()


def get_version(deps: Deps, *, principal: Principal, policy_type: PolicyType, name: str, number: int) -> PolicyVersion:
    return _version(list_versions(deps, principal=principal, policy_type=policy_type, name=name), number)


def list_versions(deps: Deps, *, principal: Principal, policy_type: PolicyType, name: str) -> list[PolicyVersion]:
    with deps.uow(write=False) as uow:
        record = find_policy(uow, principal.account_id, policy_type, name)
        if record.policy_type is PolicyType.SYSTEM:
            return [_system_version(CATALOGUE[name])]
        return list(uow.policies.versions(principal.account_id, name))


def delete_version(deps: Deps, *, principal: Principal, name: str, number: int) -> None:
    account_id = principal.account_id
    with deps.uow() as uow:
        uow.policies.lock(account_id)
        _custom(uow, account_id, name)
        if _version(uow.policies.versions(account_id, name), number).is_default:
            raise errors.DeleteConflictPolicyVersionDefault()
        uow.policies.delete_version(account_id, name, number)


def set_default_version(deps: Deps, *, principal: Principal, name: str, number: int) -> None:
    account_id = principal.account_id
    now_ms = epoch_ms(deps.clock.now())
    with deps.uow() as uow:
        uow.policies.lock(account_id)
        _custom(uow, account_id, name)
        _version(uow.policies.versions(account_id, name), number)
        uow.policies.set_default(account_id, name, number, now_ms=now_ms)
