"""Member accounts of the caller's directory: ListAccounts, ListAccountsForParent, MoveAccount, UpdateAccount,
RemoveCloudAccount (docs/behaviour.md#member-accounts, #members).

Type switches (UpdateAccount ``NewAccountType``) keep ``JoinMethod`` and ``Status``: they record how the
account joined, which a switch does not change, so a member stays in the state it joined with (see
docs/behaviour.md#members).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from openrd import errors
from openrd.domain.directory import Directory, Member, MemberRow, MemberType, MemberView
from openrd.domain.identity import Principal
from openrd.domain.times import epoch_ms
from openrd.services import guardrails
from openrd.services.context import Deps
from openrd.services.folders import offset
from openrd.services.ports import UnitOfWork
from openrd.services.standing import (
    folder_in,
    managed_directory,
    member_of_managed,
    readable_directory,
    require_account,
)


@dataclass(frozen=True)
class MemberPage:
    directory_id: str
    members: Sequence[MemberRow]
    total: int  # members that match the filters, on every page
    folder_paths: Mapping[str, str]  # the folder of each listed member → its path (rd-…/r-…/fd-…)


@dataclass(frozen=True)
class MemberQuery:
    """Which page of a member listing, filtered by keyword and tags; the rows' tags only with ``include_tags``."""

    keyword: str | None
    tags: Sequence[tuple[str, str]]
    page_number: int
    page_size: int
    include_tags: bool = True


def list_accounts(deps: Deps, *, principal: Principal, query: MemberQuery) -> MemberPage:
    """Every member of the directory (the management account included, docs/behaviour.md#members), in join order."""
    with deps.uow(write=False) as uow:
        return _page(uow, readable_directory(uow, principal), None, query)


def list_accounts_for_parent(
    deps: Deps, *, principal: Principal, parent_folder_id: str | None, query: MemberQuery
) -> MemberPage:
    """The members directly in one folder (the root when none is given)."""
    with deps.uow(write=False) as uow:
        directory = readable_directory(uow, principal)
        folder = folder_in(uow, directory, parent_folder_id)
        return _page(uow, directory, folder.folder_id, query)


def _page(uow: UnitOfWork, directory: Directory, folder_id: str | None, query: MemberQuery) -> MemberPage:
    """One page of the members in ``folder_id`` (every folder: None), with each listed member's folder path."""
    members, total = uow.directory.member_page(
        directory.directory_id,
        folder_id=folder_id,
        keyword=query.keyword,
        tags=query.tags,
        limit=query.page_size,
        offset=offset(query.page_number, query.page_size),
        with_tags=query.include_tags,
    )
    # The root's path is the directory's own (no read: most listings hold root members only).
    paths = {
        listed: directory.root_path if listed == directory.root_folder_id else folder_in(uow, directory, listed).path
        for listed in {m.folder_id for m in members}
    }
    return MemberPage(directory.directory_id, members, total, paths)


def move_account(deps: Deps, *, principal: Principal, account_id: str, destination_folder_id: str) -> None:
    """Any member moves, the management account too; the destination must be a folder of this directory."""
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")  # DeleteFolder must not empty-check meanwhile
        _, view = member_of_managed(uow, principal, account_id)
        folder = folder_in(uow, directory, destination_folder_id)
        if folder.folder_id != view.member.folder_id:
            member = replace(view.member, folder_id=folder.folder_id, modify_ms=epoch_ms(deps.clock.now()))
            uow.directory.update_member(member)


@dataclass(frozen=True)
class AccountUpdate:
    """Exactly one of the two is set (the handler enforces it: MissingDisplayNameOrAccountType)."""

    display_name: str | None = None
    account_type: MemberType | None = None


def update_account(
    deps: Deps, *, principal: Principal, account_id: str, update: AccountUpdate, dry_run: bool = False
) -> MemberView:
    """Rename a member (display names are unique in the directory) or switch its type.

    Switches: CloudAccount → ResourceAccount needs the same legal entity (enterprise name) as the management
    account; ResourceAccount → CloudAccount needs a secure mobile phone. The management account never switches,
    and switching to the type a member already has is refused (AccountTypeMismatch). ``dry_run`` (2022-04-19
    ``DryRun``) runs every check and writes nothing.
    """
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")
        _, view = member_of_managed(uow, principal, account_id)
        account = require_account(uow, account_id)
        now_ms = epoch_ms(deps.clock.now())
        member = replace(view.member, modify_ms=now_ms)
        display_name = view.display_name
        if update.display_name is not None:
            if uow.directory.display_name_taken(directory.directory_id, update.display_name, excluding=account_id):
                raise errors.InvalidParameterAccountDisplayNameAlreadyUsed()
            display_name = update.display_name
        elif update.account_type is not None:
            _check_switch(uow, directory, view.member, update.account_type)
            member = replace(member, type=update.account_type)
        if not dry_run:
            if display_name != account.display_name:
                uow.accounts.update(replace(account, display_name=display_name))
            uow.directory.update_member(member)
        return replace(view, member=member, display_name=display_name)


def _check_switch(uow: UnitOfWork, directory: Directory, member: Member, target: MemberType) -> None:
    if member.account_id == directory.master_account_id or member.type is target:
        raise errors.AccountTypeMismatch()
    account = require_account(uow, member.account_id)
    if target is MemberType.RESOURCE:
        master = require_account(uow, directory.master_account_id)
        if (account.enterprise_name or "") != (master.enterprise_name or ""):
            raise errors.LegalEntityDifferent()
    elif not account.secure_mobile_phone:
        raise errors.MissingSecurityInfoForSwitch()


def remove_cloud_account(deps: Deps, *, principal: Principal, account_id: str) -> None:
    """A CloudAccount member leaves the directory (docs/behaviour.md#member-accounts) and may join or enable another
    afterwards. Resource accounts cannot leave (they have no life outside), nor can the management account."""
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")
        _, view = member_of_managed(uow, principal, account_id)
        if view.member.type is not MemberType.CLOUD or account_id == directory.master_account_id:
            raise errors.AccountTypeOrStatusMismatch()
        uow.directory.remove_member(account_id)
        guardrails.left(uow, account_id)
