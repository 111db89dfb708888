"""A directory's custom control policies (docs/guardrails.md#policies): CreateControlPolicy, GetControlPolicy,
UpdateControlPolicy, DeleteControlPolicy, ListControlPolicies.

The system policy ``FullAliyunAccess`` is every directory's, read-only. Documents were checked against the grammar
at the parameter stage; the limits that need the store (1,500 policies, attachments) are checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from openrd import errors
from openrd.domain import control_policies as rules
from openrd.domain.control_policies import SYSTEM_POLICY, ControlPolicy
from openrd.domain.identity import Principal
from openrd.domain.tags import CONTROL_POLICY
from openrd.domain.times import epoch_ms
from openrd.services.context import Deps
from openrd.services.folders import offset
from openrd.services.guardrails import policy_in
from openrd.services.ports import UnitOfWork
from openrd.services.standing import managed_directory, readable_directory
from openrd.services.tags import Taggable, register_taggable, tag_at_creation


def _policy_owner(uow: UnitOfWork, policy_id: str) -> str | None:
    """The management account of the custom policy's directory: the owner of its tags."""
    policy = uow.directory.get_control_policy(policy_id)
    directory = uow.directory.get_directory(policy.directory_id) if policy else None
    return directory.master_account_id if directory else None


def _policy_scope(uow: UnitOfWork, principal: Principal, read: bool) -> str:
    # A delegated administrator may list the policies' tags, not change them (docs/tags.md).
    return (readable_directory if read else managed_directory)(uow, principal).master_account_id


register_taggable(CONTROL_POLICY, Taggable(_policy_scope, _policy_owner, errors.EntityNotExistsControlPolicy))


@dataclass(frozen=True)
class Counted:
    """A policy with the number of targets it is attached to (``AttachmentCount``)."""

    policy: ControlPolicy
    attachments: int
    tags: tuple[tuple[str, str], ...] = ()  # filled by the listings that show them


def _new_policy_id(uow: UnitOfWork, deps: Deps) -> str:
    while True:
        candidate = "cp-" + deps.rng.alnum(16)
        if uow.directory.get_control_policy(candidate) is None:
            return candidate


def _counted(uow: UnitOfWork, directory_id: str, policy: ControlPolicy) -> Counted:
    counts = uow.directory.attachment_counts(directory_id, [policy.policy_id])
    return Counted(policy, counts.get(policy.policy_id, 0))


@dataclass(frozen=True)
class NewPolicy:
    name: str
    description: str
    document: str
    tags: Sequence[tuple[str, str]] = ()


def create(deps: Deps, *, principal: Principal, new: NewPolicy) -> Counted:
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")  # two creates cannot both take the last place
        if uow.directory.count_control_policies(directory.directory_id) >= rules.MAX_CUSTOM_POLICIES:
            raise errors.LimitExceededControlPolicy()
        now_ms = epoch_ms(deps.clock.now())
        policy = ControlPolicy(
            _new_policy_id(uow, deps), directory.directory_id, new.name, new.description, new.document, now_ms, now_ms
        )
        uow.directory.add_control_policy(policy)
        tag_at_creation(uow, CONTROL_POLICY, policy.policy_id, new.tags)
        return Counted(policy, 0, tuple(sorted(new.tags)))


def get(deps: Deps, *, principal: Principal, policy_id: str) -> Counted:
    with deps.uow(write=False) as uow:
        directory = readable_directory(uow, principal)
        return _counted(uow, directory.directory_id, policy_in(uow, directory, policy_id))


@dataclass(frozen=True)
class PolicyUpdate:
    name: str | None = None
    description: str | None = None
    document: str | None = None


def _custom_policy(uow: UnitOfWork, principal: Principal, policy_id: str) -> tuple[str, ControlPolicy]:
    """The caller's directory id and its custom policy ``policy_id``, read under the directory's lock; a system
    policy can be neither changed nor deleted."""
    directory = managed_directory(uow, principal)
    uow.directory.lock(f"directory:{directory.directory_id}")
    policy = policy_in(uow, directory, policy_id)
    if policy.system:
        raise errors.NotSupportSystemPolicy()
    return directory.directory_id, policy


def update(deps: Deps, *, principal: Principal, policy_id: str, change: PolicyUpdate) -> Counted:
    """What is given replaces what was; the next request of every process is checked against the new document."""
    with deps.uow() as uow:
        directory_id, policy = _custom_policy(uow, principal, policy_id)
        changed = replace(
            policy,
            name=change.name if change.name is not None else policy.name,
            description=change.description if change.description is not None else policy.description,
            document=change.document if change.document is not None else policy.document,
            updated_ms=epoch_ms(deps.clock.now()),
        )
        uow.directory.update_control_policy(changed)
        return _counted(uow, directory_id, changed)


def delete(deps: Deps, *, principal: Principal, policy_id: str) -> None:
    """Only a policy attached nowhere goes."""
    with deps.uow() as uow:
        directory_id, policy = _custom_policy(uow, principal, policy_id)
        if _counted(uow, directory_id, policy).attachments:
            raise errors.DeleteConflictControlPolicyAttachment()
        uow.directory.delete_control_policy(policy_id)
        uow.directory.remove_tags(CONTROL_POLICY, policy_id, None)


@dataclass(frozen=True)
class PolicyPage:
    policies: Sequence[Counted]
    total: int


def list_policies(
    deps: Deps,
    *,
    principal: Principal,
    policy_type: str | None,
    page_number: int,
    page_size: int,
    with_tags: bool = False,
    tagged: Sequence[tuple[str, str]] = (),
) -> PolicyPage:
    """The system policy first, then the custom ones oldest first; ``policy_type`` keeps one kind. ``with_tags``: each
    custom policy with its tags (the 2022-04-19 listing shows them); ``tagged``: only the custom policies that carry
    every one of those tags (a value of "" matches any value)."""
    with deps.uow(write=False) as uow:
        directory = readable_directory(uow, principal)
        if tagged:
            return _tagged_page(
                uow, directory.master_account_id, directory.directory_id, tagged, page_number, page_size
            )
        start = offset(page_number, page_size)
        system = [SYSTEM_POLICY] if policy_type in (None, "System") and start == 0 else []
        listed: Sequence[ControlPolicy] = ()
        custom_total = 0
        if policy_type in (None, "Custom"):
            skip = max(0, start - 1) if policy_type is None else start
            listed, custom_total = uow.directory.control_policy_page(
                directory.directory_id, limit=page_size - len(system), offset=skip
            )
        page = [*system, *listed]
        counts = uow.directory.attachment_counts(directory.directory_id, [p.policy_id for p in page])
        total = custom_total + (1 if policy_type in (None, "System") else 0)
        return PolicyPage(
            [Counted(p, counts.get(p.policy_id, 0), _tags(uow, p) if with_tags else ()) for p in page], total
        )


def _tagged_page(
    uow: UnitOfWork, owner: str, directory_id: str, tagged: Sequence[tuple[str, str]], page_number: int, page_size: int
) -> PolicyPage:
    """A page of the custom policies carrying every tag asked for (the system policy carries none)."""
    rows = uow.directory.tag_rows(
        owner, CONTROL_POLICY, resource_ids=(), filters=tagged, after=None, limit=rules.MAX_CUSTOM_POLICIES * 20
    )
    carried: dict[str, dict[str, str]] = {}
    for resource_id, key, value in rows:
        carried.setdefault(resource_id, {})[key] = value
    wanted = {
        policy_id
        for policy_id, tags in carried.items()
        if all(key in tags and (not value or tags[key] == value) for key, value in tagged)
    }
    every, _ = uow.directory.control_policy_page(directory_id, limit=rules.MAX_CUSTOM_POLICIES, offset=0)
    matching = [p for p in every if p.policy_id in wanted]
    start = offset(page_number, page_size)
    page = matching[start : start + page_size]
    counts = uow.directory.attachment_counts(directory_id, [p.policy_id for p in page])
    return PolicyPage([Counted(p, counts.get(p.policy_id, 0), _tags(uow, p)) for p in page], len(matching))


def _tags(uow: UnitOfWork, policy: ControlPolicy) -> tuple[tuple[str, str], ...]:
    if policy.system:
        return ()
    return tuple(sorted(uow.directory.resource_tags(CONTROL_POLICY, policy.policy_id).items()))
