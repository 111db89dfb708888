"""Control policies switched on and off, attached and detached (docs/guardrails.md): EnableControlPolicy,
DisableControlPolicy, GetControlPolicyEnablementStatus, AttachControlPolicy, DetachControlPolicy,
ListControlPolicyAttachmentsForTarget, ListTargetAttachmentsForControlPolicy, and the hooks the folder and member
services call so that what joins the tree gets the system policy and what leaves it loses its attachments.

Every write takes the directory's lock first, so an enable and a new folder, or a detach and another, never
interleave. The management account is never a target (docs/guardrails.md#targets).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from openrd import errors
from openrd.domain import control_policies as rules
from openrd.domain.control_policies import SYSTEM_POLICY, Attachment, ControlPolicy, Status, TargetType
from openrd.domain.directory import Directory
from openrd.domain.identity import ACCOUNT_ID, Principal
from openrd.domain.times import epoch_ms
from openrd.domain.transitions import TransitionKind
from openrd.services import transitions
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork
from openrd.services.standing import managed_directory, readable_directory


def status_of(directory: Directory, now_ms: int) -> Status:
    """The directory's control-policy state at ``now_ms`` (a due pending state has settled)."""
    return rules.effective_status(directory.control_policy_status, directory.control_policy_due_ms, now_ms)


def pending(uow: UnitOfWork, directory: Directory, now: datetime) -> bool:
    """Whether an enable or disable is still under way: what must not change meanwhile (deleting a member) asks."""
    current = uow.directory.get_directory(directory.directory_id) or directory
    return status_of(current, epoch_ms(now)).pending


def _locked(uow: UnitOfWork, principal: Principal) -> Directory:
    """The caller's directory, read again under its lock: a change decides on what no other change can move."""
    directory = managed_directory(uow, principal)
    uow.directory.lock(f"directory:{directory.directory_id}")
    return uow.directory.get_directory(directory.directory_id) or directory


def enablement_status(deps: Deps, *, principal: Principal) -> Status:
    with deps.uow(write=False) as uow:
        return status_of(managed_directory(uow, principal), epoch_ms(deps.clock.now()))


def enable(deps: Deps, *, principal: Principal) -> Status:
    """The system policy goes onto the root, every folder and every member at once; the state is PendingEnable until
    it settles. Enabling what is enabled, or being enabled, answers the state as it is."""
    with deps.uow() as uow:
        directory = _locked(uow, principal)
        now_ms = epoch_ms(deps.clock.now())
        status = status_of(directory, now_ms)
        if status is Status.PENDING_DISABLE:
            raise errors.InvalidControlPolicyEnablementStatus()
        if status.attaching:
            return status
        uow.directory.attach_system_everywhere(
            directory.directory_id, directory.root_folder_id, directory.master_account_id, now_ms=now_ms
        )
        due_ms = transitions.due_at(uow, TransitionKind.CONTROL_POLICY, deps.clock.now())
        uow.directory.set_control_policy_status(directory.directory_id, Status.PENDING_ENABLE, due_ms=due_ms)
        return Status.PENDING_ENABLE


def disable(deps: Deps, *, principal: Principal) -> Status:
    """Every attachment goes; the custom policies stay, unattachable until the next enable."""
    with deps.uow() as uow:
        directory = _locked(uow, principal)
        now_ms = epoch_ms(deps.clock.now())
        status = status_of(directory, now_ms)
        if status is Status.PENDING_ENABLE:
            raise errors.InvalidControlPolicyEnablementStatus()
        if not status.attaching:
            return status
        uow.directory.detach_directory(directory.directory_id)
        due_ms = transitions.due_at(uow, TransitionKind.CONTROL_POLICY, deps.clock.now())
        uow.directory.set_control_policy_status(directory.directory_id, Status.PENDING_DISABLE, due_ms=due_ms)
        return Status.PENDING_DISABLE


# --------------------------------------------------------------------------------------------- hooks


def joined(uow: UnitOfWork, directory: Directory, target_id: str, target_type: TargetType, now_ms: int) -> None:
    """A folder created, or a member that joined: it gets the system policy while the feature is (being) enabled.
    The management account never does."""
    current = uow.directory.get_directory(directory.directory_id)  # as it stands under the caller's locks
    if target_id == directory.master_account_id or current is None or not status_of(current, now_ms).attaching:
        return
    uow.directory.attach(Attachment(rules.SYSTEM_POLICY_ID, target_id, target_type, directory.directory_id, now_ms))


def left(uow: UnitOfWork, target_id: str) -> None:
    """A folder deleted, or a member that left the directory: its attachments go with it."""
    uow.directory.detach_target(target_id)


# --------------------------------------------------------------------------------------------- attachments


def policy_in(uow: UnitOfWork, directory: Directory, policy_id: str) -> ControlPolicy:
    """The system policy, or a custom policy of this directory; EntityNotExists.ControlPolicy otherwise."""
    if policy_id == rules.SYSTEM_POLICY_ID:
        return SYSTEM_POLICY
    policy = uow.directory.get_control_policy(policy_id)
    if policy is None or policy.directory_id != directory.directory_id:
        raise errors.EntityNotExistsControlPolicy()
    return policy


def target_in(uow: UnitOfWork, directory: Directory, target_id: str) -> TargetType:
    """What kind of target ``target_id`` is in this directory: its root, a folder, or a member other than the
    management account; EntityNotExists.Target otherwise."""
    if target_id == directory.root_folder_id:
        return TargetType.ROOT
    if target_id.startswith("fd-"):
        folder = uow.directory.get_folder(target_id)
        if folder is not None and folder.directory_id == directory.directory_id:
            return TargetType.FOLDER
    elif ACCOUNT_ID.fullmatch(target_id) and target_id != directory.master_account_id:
        member = uow.directory.get_member(target_id)
        if member is not None and member.directory_id == directory.directory_id:
            return TargetType.ACCOUNT
    raise errors.EntityNotExistsTarget()


def attach(deps: Deps, *, principal: Principal, policy_id: str, target_id: str) -> None:
    """At most ten custom policies per target (the system policy does not count); attaching what is attached
    changes nothing."""
    with deps.uow() as uow:
        directory = _locked(uow, principal)
        now_ms = epoch_ms(deps.clock.now())
        if status_of(directory, now_ms) is not Status.ENABLED:
            raise errors.InvalidControlPolicyEnablementStatus()
        policy = policy_in(uow, directory, policy_id)
        target_type = target_in(uow, directory, target_id)
        present = uow.directory.attachments_of(target_id)
        if any(a.policy_id == policy_id for a, _ in present):
            return
        custom = sum(1 for a, _ in present if a.policy_id != rules.SYSTEM_POLICY_ID)
        if not policy.system and custom >= rules.MAX_CUSTOM_PER_TARGET:
            raise errors.LimitExceededControlPolicy()
        uow.directory.attach(Attachment(policy_id, target_id, target_type, directory.directory_id, now_ms))


def detach(deps: Deps, *, principal: Principal, policy_id: str, target_id: str) -> None:
    """A target keeps at least one policy: its last cannot be detached."""
    with deps.uow() as uow:
        directory = _locked(uow, principal)
        policy_in(uow, directory, policy_id)
        target_in(uow, directory, target_id)
        present = uow.directory.attachments_of(target_id)
        if not any(a.policy_id == policy_id for a, _ in present):
            raise errors.EntityNotExistsControlPolicy()
        if len(present) == 1:
            raise errors.NotSupportDetachLastControlPolicy()
        uow.directory.detach(policy_id, target_id)


def attachments_for_target(
    deps: Deps, *, principal: Principal, target_id: str
) -> Sequence[tuple[Attachment, ControlPolicy]]:
    with deps.uow(write=False) as uow:
        directory = readable_directory(uow, principal)
        target_in(uow, directory, target_id)
        return [(a, p or SYSTEM_POLICY) for a, p in uow.directory.attachments_of(target_id)]


@dataclass(frozen=True)
class TargetPage:
    targets: Sequence[tuple[Attachment, str]]  # each attachment with its target's name
    total: int


def targets_of_policy(
    deps: Deps, *, principal: Principal, policy_id: str, page_number: int, page_size: int
) -> TargetPage:
    with deps.uow(write=False) as uow:
        directory = readable_directory(uow, principal)
        policy_in(uow, directory, policy_id)
        rows, total = uow.directory.target_page(
            policy_id, directory.directory_id, limit=page_size, offset=(page_number - 1) * page_size
        )
        return TargetPage(rows, total)
