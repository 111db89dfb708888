"""Where the caller stands, and the checks every directory use case shares: the caller's account, the directory it
manages or belongs to, a folder or member of that directory, its site's rules."""

from __future__ import annotations

from collections.abc import Mapping

from openrd import errors
from openrd.domain.accounts import Account
from openrd.domain.directory import Directory, Folder, MemberView
from openrd.domain.identity import Principal
from openrd.domain.phone import Phone, is_valid_mobile, parse_phone_syntax
from openrd.domain.sites import SiteProfile
from openrd.services.ports import UnitOfWork


def require_account(uow: UnitOfWork, account_id: str) -> Account:
    account = uow.accounts.get(account_id)
    if account is None:  # the caller's own account vanished (reset under a running client)
        raise errors.InvalidAccessKeyIdNotFound()
    return account


def directory_of(uow: UnitOfWork, account_id: str) -> Directory | None:
    """The directory the account manages or belongs to (the management account is a member of its own)."""
    managed = uow.directory.directory_managed_by(account_id)
    if managed is not None:
        return managed
    member = uow.directory.get_member(account_id)
    return uow.directory.get_directory(member.directory_id) if member else None


def managed_directory(uow: UnitOfWork, principal: Principal) -> Directory:
    """Management operations need the caller's account to manage a directory (404 otherwise)."""
    directory = uow.directory.directory_managed_by(principal.account_id)
    if directory is None:
        raise errors.EntityNotExistsResourceDirectory()
    return directory


def readable_directory(uow: UnitOfWork, principal: Principal) -> Directory:
    """The directory the caller may read (docs/delegation.md#reading-the-directory): the one it manages, or the one
    it belongs to when it administers a trusted service of it; EntityNotExists.ResourceDirectory otherwise. Directory
    reads call this; changes keep ``managed_directory``."""
    managed = uow.directory.directory_managed_by(principal.account_id)
    if managed is not None:
        return managed
    if uow.directory.delegations_of(principal.account_id):
        member = uow.directory.get_member(principal.account_id)
        directory = uow.directory.get_directory(member.directory_id) if member is not None else None
        if directory is not None:
            return directory
    raise errors.EntityNotExistsResourceDirectory()


def folder_in(uow: UnitOfWork, directory: Directory, folder_id: str | None) -> Folder:
    """A folder of this directory (the root when none is given); EntityNotExists.Folder otherwise."""
    folder = uow.directory.get_folder(folder_id or directory.root_folder_id)
    if folder is None or folder.directory_id != directory.directory_id:
        raise errors.EntityNotExistsFolder()
    return folder


def member_of_managed(uow: UnitOfWork, principal: Principal, account_id: str) -> tuple[Directory, MemberView]:
    """A member of the directory the caller manages; EntityNotExists.Account otherwise."""
    directory = managed_directory(uow, principal)
    view = uow.directory.member_view(account_id)
    if view is None or view.member.directory_id != directory.directory_id:
        raise errors.EntityNotExistsAccount()
    return directory, view


def member_of_readable(uow: UnitOfWork, principal: Principal, account_id: str) -> tuple[Directory, MemberView]:
    """A member of the directory the caller may read; EntityNotExists.Account otherwise."""
    directory = readable_directory(uow, principal)
    view = uow.directory.member_view(account_id)
    if view is None or view.member.directory_id != directory.directory_id:
        raise errors.EntityNotExistsAccount()
    return directory, view


def site_of(sites: Mapping[str, SiteProfile], account: Account) -> SiteProfile:
    # An account whose site was removed from the configuration falls back to the International rules.
    return sites.get(account.site) or sites["intl"]


def check_site_action(site: SiteProfile, action: str) -> None:
    if not site.allows_action(action):
        raise errors.NotSupportSiteAction()


def check_phone(
    value: str,
    site: SiteProfile,
    *,
    invalid: errors.OpenRDError,
) -> Phone:
    """The phone rules at the business stage (docs/behaviour.md#phone-numbers): a valid mobile for its country code,
    then the site's country codes."""
    phone = parse_phone_syntax(value)
    if phone is None or not is_valid_mobile(phone):
        raise invalid
    if not site.allows_country_code(phone.country_code):
        raise errors.InvalidParameterMobileCountryCode()
    return phone


def check_enterprise(account: Account) -> None:
    if not account.enterprise_name:
        raise errors.InvalidEnterpriseName()
    if not account.enterprise_verified:
        raise errors.EnterpriseRealNameVerificationError()
