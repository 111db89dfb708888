"""Invitations (handshakes): InviteAccountToResourceDirectory, AcceptHandshake, DeclineHandshake,
CancelHandshake, GetHandshake, ListHandshakesForAccount, ListHandshakesForResourceDirectory
(docs/behaviour.md#handshakes).

Rules where Alibaba's material is silent (ours):
- One *pending* invitation per directory and account (409 EntityAlreadyExists.Handshake); a declined,
  cancelled or expired one does not block a new invitation.
- An invitation expires 15 days after it was sent, on the emulator clock. Expiry is not written: a ``Pending``
  handshake past its ``ExpireTime`` is shown and treated as ``Expired``.
- Only the invited account sees its invitation besides the directory's management account; Accept and Decline
  are the invited account's, Cancel the management account's. Anyone else gets 404 EntityNotExists.Handshake.
- Accepting re-checks what may have changed since the invitation: the invitee is still in no directory, the
  member quota holds, and its display name is free in the directory (display names are unique there).
- The folder (2022-04-19 ``ParentFolderId``) and tags of an invitation are stored with it. The account joins
  that folder, or the root folder when none was given or it was deleted meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from openrd import errors
from openrd.domain import directory as rules
from openrd.domain.control_policies import TargetType
from openrd.domain.directory import (
    Directory,
    Handshake,
    HandshakeStatus,
    JoinMethod,
    Member,
    MemberStatus,
    MemberType,
)
from openrd.domain.identity import Principal
from openrd.domain.tags import ACCOUNT
from openrd.domain.times import epoch_ms
from openrd.services import guardrails
from openrd.services.accounts import MAX_MEMBERS
from openrd.services.context import Deps
from openrd.services.folders import offset
from openrd.services.ports import FolderRepository, HandshakeRepository, UnitOfWork
from openrd.services.standing import folder_in, managed_directory, require_account

TTL_MS = int(timedelta(days=rules.HANDSHAKE_TTL_DAYS).total_seconds() * 1000)
TARGET_ACCOUNT, TARGET_EMAIL = "Account", "Email"


@dataclass(frozen=True)
class Invitation:
    target_type: str  # "Account" | "Email"
    target_entity: str  # an account ID, or an account's login name
    note: str = ""
    parent_folder_id: str | None = None
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class HandshakeDetail:
    """GetHandshake adds the two accounts' real names (their enterprise names)."""

    handshake: Handshake
    master_real_name: str
    invited_real_name: str


def shown(handshake: Handshake, now_ms: int) -> Handshake:
    """The handshake as callers see it: a pending one past its expiry is Expired."""
    if handshake.status is HandshakeStatus.PENDING and now_ms >= handshake.expire_ms:
        return replace(handshake, status=HandshakeStatus.EXPIRED)
    return handshake


def _new_handshake_id(handshakes: HandshakeRepository, deps: Deps) -> str:
    while True:
        candidate = "h-" + deps.rng.alnum(16)
        if handshakes.get_handshake(candidate) is None:
            return candidate


def _target_account_id(uow: UnitOfWork, invitation: Invitation) -> str:
    if invitation.target_type == TARGET_EMAIL:
        found = uow.directory.account_id_by_login(invitation.target_entity)
    else:
        found = invitation.target_entity if uow.accounts.get(invitation.target_entity) else None
    if found is None:
        raise errors.EntityNotExistsAccount()
    return found


def _in_no_directory(uow: UnitOfWork, account_id: str) -> None:
    if uow.directory.directory_managed_by(account_id) is not None or uow.directory.get_member(account_id):
        raise errors.NotSupportAccountInAnotherResourceDirectory()


def invite(deps: Deps, *, principal: Principal, invitation: Invitation) -> Handshake:
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")  # one pending invitation per account
        folder = folder_in(uow, directory, invitation.parent_folder_id) if invitation.parent_folder_id else None
        invited = _target_account_id(uow, invitation)
        _in_no_directory(uow, invited)
        now_ms = epoch_ms(deps.clock.now())
        if uow.directory.pending_handshake(directory.directory_id, invited, now_ms=now_ms) is not None:
            raise errors.EntityAlreadyExistsHandshake()
        handshake = Handshake(
            handshake_id=_new_handshake_id(uow.directory, deps),
            directory_id=directory.directory_id,
            master_account_id=directory.master_account_id,
            master_account_name=directory.master_account_name,
            target_type=invitation.target_type,
            target_entity=invitation.target_entity,
            invited_account_id=invited,
            note=invitation.note,
            status=HandshakeStatus.PENDING,
            created_ms=now_ms,
            modify_ms=now_ms,
            expire_ms=now_ms + TTL_MS,
            parent_folder_id=folder.folder_id if folder else None,
            tags=tuple(invitation.tags),
        )
        uow.directory.add_handshake(handshake)
        return handshake


def _visible(handshakes: HandshakeRepository, principal: Principal, handshake_id: str) -> Handshake:
    """The handshake if the caller's account is its invitee or its directory's management account."""
    handshake = handshakes.get_handshake(handshake_id)
    if handshake is None or principal.account_id not in (handshake.invited_account_id, handshake.master_account_id):
        raise errors.EntityNotExistsHandshake()
    return handshake


def _invitation_of(handshakes: HandshakeRepository, principal: Principal, handshake_id: str) -> Handshake:
    """Accept and Decline are the invited account's alone; to anyone else the handshake does not exist."""
    handshake = handshakes.get_handshake(handshake_id)
    if handshake is None or principal.account_id != handshake.invited_account_id:
        raise errors.EntityNotExistsHandshake()
    return handshake


def _pending(uow: UnitOfWork, handshake: Handshake, now_ms: int) -> Handshake:
    """Re-read under the directory's lock, so Accept, Decline and Cancel cannot both win."""
    uow.directory.lock(f"directory:{handshake.directory_id}")
    current = uow.directory.get_handshake(handshake.handshake_id)
    if current is None:
        raise errors.EntityNotExistsHandshake()
    if shown(current, now_ms).status is not HandshakeStatus.PENDING:
        raise errors.InvalidHandshakeStatus()
    return current


def _settle(handshakes: HandshakeRepository, handshake: Handshake, status: HandshakeStatus, now_ms: int) -> Handshake:
    handshakes.set_handshake_status(handshake.handshake_id, status, now_ms=now_ms)
    return replace(handshake, status=status, modify_ms=now_ms)


def get(deps: Deps, *, principal: Principal, handshake_id: str) -> HandshakeDetail:
    with deps.uow(write=False) as uow:
        handshake = _visible(uow.directory, principal, handshake_id)
        master = uow.accounts.get(handshake.master_account_id)
        invited = uow.accounts.get(handshake.invited_account_id)
        return HandshakeDetail(
            shown(handshake, epoch_ms(deps.clock.now())),
            (master.enterprise_name or "") if master else "",
            (invited.enterprise_name or "") if invited else "",
        )


def accept(deps: Deps, *, principal: Principal, handshake_id: str) -> Handshake:
    """The invited account joins as a CloudAccount, ``invited``, ``InviteSuccess`` (docs/behaviour.md#members)."""
    with deps.uow() as uow:
        handshake = _invitation_of(uow.directory, principal, handshake_id)
        now_ms = epoch_ms(deps.clock.now())
        handshake = _pending(uow, handshake, now_ms)
        directory = uow.directory.get_directory(handshake.directory_id)
        if directory is None:  # destroyed directories take their handshakes along; belt and braces
            raise errors.EntityNotExistsHandshake()
        invited = handshake.invited_account_id
        # The same key as EnableResourceDirectory's: an account joins or enables one directory, never two.
        uow.directory.lock(f"account:{invited}")
        uow.directory.lock(f"directory:{directory.directory_id}")  # an enable of control policies cannot miss it
        _in_no_directory(uow, invited)  # it may have enabled or joined a directory since it was invited
        if uow.directory.count_members(directory.directory_id) >= MAX_MEMBERS:
            raise errors.LimitExceededAccount()
        account = require_account(uow, invited)  # the caller's own account
        if uow.directory.display_name_taken(directory.directory_id, account.display_name):
            raise errors.InvalidParameterAccountDisplayNameAlreadyUsed()
        uow.directory.add_member(
            Member(
                invited,
                directory.directory_id,
                _joining_folder(uow.directory, directory, handshake),
                MemberType.CLOUD,
                JoinMethod.INVITED,
                MemberStatus.INVITE_SUCCESS,
                now_ms,
                now_ms,
            )
        )
        guardrails.joined(uow, directory, invited, TargetType.ACCOUNT, now_ms)
        uow.directory.put_tags(ACCOUNT, invited, directory.master_account_id, handshake.tags)
        return _settle(uow.directory, handshake, HandshakeStatus.ACCEPTED, now_ms)


def _joining_folder(folders: FolderRepository, directory: Directory, handshake: Handshake) -> str:
    folder = folders.get_folder(handshake.parent_folder_id) if handshake.parent_folder_id else None
    if folder is None or folder.directory_id != directory.directory_id:  # none given, or deleted since
        return directory.root_folder_id
    return folder.folder_id


def decline(deps: Deps, *, principal: Principal, handshake_id: str) -> Handshake:
    with deps.uow() as uow:
        handshake = _invitation_of(uow.directory, principal, handshake_id)
        now_ms = epoch_ms(deps.clock.now())
        return _settle(uow.directory, _pending(uow, handshake, now_ms), HandshakeStatus.DECLINED, now_ms)


def cancel(deps: Deps, *, principal: Principal, handshake_id: str) -> Handshake:
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        handshake = uow.directory.get_handshake(handshake_id)
        if handshake is None or handshake.directory_id != directory.directory_id:
            raise errors.EntityNotExistsHandshake()
        now_ms = epoch_ms(deps.clock.now())
        return _settle(uow.directory, _pending(uow, handshake, now_ms), HandshakeStatus.CANCELLED, now_ms)


def list_for_account(
    deps: Deps, *, principal: Principal, page_number: int, page_size: int
) -> tuple[Sequence[Handshake], int]:
    """Invitations the caller's account received, newest first."""
    with deps.uow(write=False) as uow:
        items, total = uow.directory.handshakes(
            invited_account_id=principal.account_id, limit=page_size, offset=offset(page_number, page_size)
        )
        now_ms = epoch_ms(deps.clock.now())
        return [shown(h, now_ms) for h in items], total


def list_for_directory(
    deps: Deps, *, principal: Principal, page_number: int, page_size: int
) -> tuple[Sequence[Handshake], int]:
    """Invitations the caller's directory sent, newest first."""
    with deps.uow(write=False) as uow:
        directory = managed_directory(uow, principal)
        items, total = uow.directory.handshakes(
            directory_id=directory.directory_id, limit=page_size, offset=offset(page_number, page_size)
        )
        now_ms = epoch_ms(deps.clock.now())
        return [shown(h, now_ms) for h in items], total
