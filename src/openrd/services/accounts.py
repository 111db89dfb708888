"""One member account of the caller's directory: CreateResourceAccount and GetAccount."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openrd import errors
from openrd.domain import directory as rules
from openrd.domain.accounts import Account
from openrd.domain.control_policies import TargetType
from openrd.domain.directory import Folder, JoinMethod, Member, MemberStatus, MemberType, MemberView
from openrd.domain.identity import Principal
from openrd.domain.tags import ACCOUNT
from openrd.domain.times import epoch_ms
from openrd.services import guardrails
from openrd.services.access_role import add_access_role
from openrd.services.context import Deps
from openrd.services.identity import new_account_id
from openrd.services.ports import FolderRepository
from openrd.services.resource_groups import add_default_group
from openrd.services.settings import check_payer
from openrd.services.standing import (
    check_site_action,
    folder_in,
    managed_directory,
    member_of_readable,
    require_account,
    site_of,
)
from openrd.services.tags import tag_at_creation

MAX_MEMBERS = 1000  # the documented default quota of member accounts per directory
INTL_MAX_PREFIX = 37  # China site allows 50 (docs/behaviour.md#member-accounts)


def create_resource_account(
    deps: Deps,
    *,
    principal: Principal,
    display_name: str,
    name_prefix: str | None,
    parent_folder_id: str | None,
    tags: Sequence[tuple[str, str]],
    payer_account_id: str | None = None,
) -> MemberView:
    with deps.uow() as uow:
        caller = require_account(uow, principal.account_id)
        check_site_action(site_of(deps.sites, caller), "CreateResourceAccount")
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")
        folder = folder_in(uow, directory, parent_folder_id)
        if uow.directory.count_members(directory.directory_id) >= MAX_MEMBERS:
            raise errors.LimitExceededAccount()
        if uow.directory.display_name_taken(directory.directory_id, display_name):
            raise errors.InvalidParameterAccountDisplayNameAlreadyUsed()
        if name_prefix and caller.site != "cn" and len(name_prefix) > INTL_MAX_PREFIX:
            raise errors.InvalidParameterAccountNamePrefixLength()
        prefix = name_prefix or ("ra" + deps.rng.alnum(10).lower())
        login = rules.resource_account_login(prefix, directory.directory_id)
        if uow.accounts.name_taken(login):
            raise errors.EntityAlreadyExistsResourceDirectoryAccount()
        now_ms = epoch_ms(deps.clock.now())
        account = Account(
            account_id=new_account_id(uow, deps.rng),
            name=login,
            display_name=display_name,
            site=caller.site,
            secure_mobile_phone=None,
            enterprise_name=caller.enterprise_name,
            enterprise_verified=caller.enterprise_verified,
            created_ms=now_ms,
        )
        uow.accounts.add(account)
        add_default_group(uow, account)
        add_access_role(
            uow,
            deps.rng,
            account_id=account.account_id,
            management_account_id=directory.master_account_id,
            now_ms=now_ms,
        )
        member = Member(
            account.account_id,
            directory.directory_id,
            folder.folder_id,
            MemberType.RESOURCE,
            JoinMethod.CREATED,
            MemberStatus.CREATE_SUCCESS,
            now_ms,
            now_ms,
        )
        uow.directory.add_member(member)
        guardrails.joined(uow, directory, account.account_id, TargetType.ACCOUNT, now_ms)
        tag_at_creation(uow, ACCOUNT, account.account_id, tags)
        if payer_account_id is not None:  # the account pays for itself unless another member is named
            check_payer(uow, directory, account.enterprise_name, payer_account_id)
            uow.directory.set_payer(account.account_id, payer_account_id)
        shown = tuple(sorted(dict(tags).items()))
        return MemberView(member, login, display_name, account.enterprise_name, None, shown)


@dataclass(frozen=True)
class AccountDetail:
    view: MemberView
    folder: Folder
    location: str


def get_account(deps: Deps, *, principal: Principal, account_id: str) -> AccountDetail:
    with deps.uow(write=False) as uow:
        found = uow.directory.managed_member(principal.account_id, account_id)
        if found is None:  # not found: the checks one by one say which error (or a concurrent change settled)
            directory, view = member_of_readable(uow, principal, account_id)
            folder = folder_in(uow, directory, view.member.folder_id)
        else:
            _, view, folder = found
        return AccountDetail(view, folder, location(uow.directory, folder))


def location(folders: FolderRepository, folder: Folder) -> str:
    """``root/<folder name>/…`` down to ``folder`` (GetAccount's Location)."""
    names = ["root"]
    for folder_id in folder.path.split("/")[2:]:
        ancestor = folders.get_folder(folder_id)
        if ancestor is not None:
            names.append(ancestor.name)
    return "/".join(names)
