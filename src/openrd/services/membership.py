"""Where an account stands: the directory it manages or belongs to. Shared by every directory use case."""

from __future__ import annotations

from collections.abc import Mapping

from openrd import errors
from openrd.domain.accounts import Account
from openrd.domain.directory import Directory
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
