"""Accounts, RAM users and roles, AccessKeys and STS sessions — the identity world the control API seeds.

Every use case takes ``deps`` and typed keyword arguments, and refuses with the service errors of ``errors``
(``InvalidInput``, ``NotFound``, ``Conflict`` and their kinds); the control API maps those to its answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Final

from openrd.domain import identity as ident
from openrd.domain import ram
from openrd.domain.accounts import LOGIN_NAME, Account
from openrd.domain.directory import Member
from openrd.domain.identity import AccessKey, AccessKeyStatus, RamRole, RamUser
from openrd.domain.names import ACCOUNT_LABEL
from openrd.domain.phone import is_valid_mobile, parse_phone_syntax
from openrd.domain.policy import MAX_DOCUMENT_LENGTH, PolicyDocumentError, parse_policy_document
from openrd.domain.sites import SiteProfile
from openrd.domain.system_policies import system_policy
from openrd.domain.times import epoch_ms
from openrd.services import errors as service_errors
from openrd.services import sts
from openrd.services.attachments import attach_given
from openrd.services.context import Deps
from openrd.services.ports import RandomSource, UnitOfWork
from openrd.services.resource_groups import add_default_group
from openrd.services.sts import StsCredentials


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str


def new_account_id(uow: UnitOfWork, rng: RandomSource) -> str:
    while True:
        account_id = str(1 + int(rng.digits(1)) % 9) + rng.digits(15)  # 16 digits, no leading zero
        if uow.accounts.get(account_id) is None:
            return account_id


def new_access_key(rng: RandomSource, *, sts: bool = False) -> Credentials:
    prefix = "STS." if sts else "LTAI"
    return Credentials(prefix + rng.alnum(24), rng.alnum(30))


def new_user_id(rng: RandomSource) -> str:
    return str(2 + int(rng.digits(1)) % 8) + rng.digits(15)  # 16 digits


def new_role_id(rng: RandomSource) -> str:
    return "3" + rng.digits(18)


class Unchanged(Enum):
    """A field ``patch_account`` leaves as it is (``None`` clears an optional field instead)."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


def validate_phone_for_site(value: str, site: SiteProfile) -> str:
    phone = parse_phone_syntax(value)
    if phone is None:
        raise service_errors.InvalidInput(f"secure_mobile_phone must look like 86-13900001234, not {value!r}")
    if not site.allows_country_code(phone.country_code):
        raise service_errors.InvalidInput(f"site {site.name!r} does not accept country code {phone.country_code}")
    if not is_valid_mobile(phone):
        raise service_errors.InvalidInput("secure_mobile_phone is not a valid mobile number for its country code")
    return str(phone)


def site_profile(sites: Mapping[str, SiteProfile], name: str | None) -> SiteProfile:
    profile = sites.get(name) if name is not None else None
    if profile is None:
        raise service_errors.InvalidInput(f"site must be one of {', '.join(sorted(sites))}, not {name!r}")
    return profile


def _check_display_name(value: str) -> str:
    if not ACCOUNT_LABEL.fullmatch(value):
        raise service_errors.InvalidInput("display_name must be 1-50 printable characters")
    return value


def create_account(
    deps: Deps,
    *,
    display_name: str,
    name: str | None = None,
    site: str = "intl",
    secure_mobile_phone: str | None = None,
    enterprise_name: str | None = None,
    enterprise_verified: bool = True,
) -> tuple[Account, Credentials]:
    """Create an account with a root AccessKey (``POST /_openrd/accounts``, docs/behaviour.md#control-api)."""
    _check_display_name(display_name)
    login = name if name is not None else display_name
    if not LOGIN_NAME.fullmatch(login):
        raise service_errors.InvalidInput("name must be 1-100 of letters, digits, '_', '.', '@', '-'")
    profile = site_profile(deps.sites, site)
    phone = validate_phone_for_site(secure_mobile_phone, profile) if secure_mobile_phone else None
    with deps.uow() as uow:
        account = Account(
            account_id=new_account_id(uow, deps.rng),
            name=login,
            display_name=display_name,
            site=profile.name,
            secure_mobile_phone=phone,
            enterprise_name=enterprise_name or None,
            enterprise_verified=enterprise_verified,
            created_ms=epoch_ms(deps.clock.now()),
        )
        uow.accounts.add(account)
        add_default_group(uow, account)
        credentials = new_access_key(deps.rng)
        uow.identity.add_access_key(
            AccessKey(
                credentials.access_key_id, credentials.access_key_secret, account.account_id, AccessKeyStatus.ACTIVE
            )
        )
    return account, credentials


@dataclass(frozen=True)
class AccountView:
    """An account with its place in a directory, if it has one (the control API's account view)."""

    account: Account
    member: Member | None


def view_account(deps: Deps, *, account_id: str) -> AccountView:
    with deps.uow(write=False) as uow:
        account = _require_account(uow, account_id)
        return AccountView(account, uow.directory.get_member(account_id))


def view_accounts(deps: Deps, *, limit: int = 100, offset: int = 0) -> list[AccountView]:
    with deps.uow(write=False) as uow:
        accounts = uow.accounts.list(limit=limit, offset=offset)
        members = uow.directory.members_of([a.account_id for a in accounts])
    return [AccountView(a, members.get(a.account_id)) for a in accounts]


def patch_account(
    deps: Deps,
    *,
    account_id: str,
    site: str | Unchanged = UNCHANGED,
    display_name: str | Unchanged = UNCHANGED,
    secure_mobile_phone: str | Unchanged | None = UNCHANGED,
    enterprise_name: str | Unchanged | None = UNCHANGED,
    enterprise_verified: bool | Unchanged = UNCHANGED,
) -> Account:
    """Change the fields given; ``None`` (or an empty string) clears the phone or the enterprise name. A site
    change re-checks the phone against the new site."""
    with deps.uow() as uow:
        account = _require_account(uow, account_id)
        profile = site_profile(deps.sites, account.site if site is UNCHANGED else site)
        updated = replace(account, site=profile.name)
        if display_name is not UNCHANGED:
            updated = replace(updated, display_name=_check_display_name(display_name))
        if secure_mobile_phone is not UNCHANGED:
            phone = validate_phone_for_site(secure_mobile_phone, profile) if secure_mobile_phone else None
            updated = replace(updated, secure_mobile_phone=phone)
        elif updated.secure_mobile_phone and updated.site != account.site:
            validate_phone_for_site(updated.secure_mobile_phone, profile)
        if enterprise_name is not UNCHANGED:
            updated = replace(updated, enterprise_name=enterprise_name or None)
        if enterprise_verified is not UNCHANGED:
            updated = replace(updated, enterprise_verified=enterprise_verified)
        uow.accounts.update(updated)
    return updated


def _policy_rows(policies: Sequence[str]) -> list[tuple[str | None, str | None]]:
    """Validate policies given as system policy names or policy documents (JSON text)."""
    rows: list[tuple[str | None, str | None]] = []
    for item in policies:
        if system_policy(item) is not None:
            rows.append((item, None))
            continue
        if not item.lstrip().startswith("{"):
            raise service_errors.InvalidPolicy(f"unknown system policy {item!r}")
        if len(item) > MAX_DOCUMENT_LENGTH:
            raise service_errors.InvalidPolicy(f"a policy document is at most {MAX_DOCUMENT_LENGTH} characters")
        try:
            parse_policy_document(item)
        except PolicyDocumentError as exc:
            raise service_errors.InvalidPolicy(f"invalid policy document: {exc}") from None
        rows.append((None, item))
    return rows


def _require_account(uow: UnitOfWork, account_id: str) -> Account:
    account = uow.accounts.get(account_id)
    if account is None:
        raise service_errors.AccountNotFound(f"account {account_id} does not exist")
    return account


def _check_ram_name(name: str, *, role: bool = False) -> None:
    if role and not (len(name) <= ram.MAX_NAME and ram.ROLE_NAME.fullmatch(name)):
        raise service_errors.InvalidInput("a role name must be 1-64 of letters, digits, '.', '-'")
    if not ident.RAM_NAME.fullmatch(name):
        raise service_errors.InvalidInput("name must be 1-64 of letters, digits, '.', '_', '-'")


def create_ram_user(
    deps: Deps, *, account_id: str, name: str, policies: Sequence[str] = ()
) -> tuple[RamUser, Credentials]:
    """A RAM user with an AccessKey; ``policies``: system policy names or policy documents as JSON text."""
    _check_ram_name(name)
    rows = _policy_rows(policies)
    rng = deps.rng
    with deps.uow() as uow:
        _require_account(uow, account_id)
        if uow.identity.find_user(account_id, name) is not None:
            raise service_errors.RamIdentityExists(f"RAM user {name!r} already exists in account {account_id}")
        now = epoch_ms(deps.clock.now())
        user = RamUser(new_user_id(rng), account_id, name, created_ms=now, updated_ms=now)
        uow.identity.add_user(user)
        attach_given(uow, account_id, "user", user.user_id, name, rows, now_ms=now)
        credentials = new_access_key(rng)
        uow.identity.add_access_key(
            AccessKey(
                credentials.access_key_id,
                credentials.access_key_secret,
                account_id,
                AccessKeyStatus.ACTIVE,
                user_id=user.user_id,
                created_ms=now,
            )
        )
    return user, credentials


def create_ram_role(deps: Deps, *, account_id: str, name: str, policies: Sequence[str] = ()) -> RamRole:
    """A RAM role (names compare case-insensitively) that trusts its own account; ``policies`` as for
    ``create_ram_user``."""
    _check_ram_name(name, role=True)
    rows = _policy_rows(policies)
    with deps.uow() as uow:
        _require_account(uow, account_id)
        if uow.identity.find_role(account_id, name) is not None:
            raise service_errors.RamIdentityExists(f"RAM role {name!r} already exists in account {account_id}")
        now = epoch_ms(deps.clock.now())
        role = RamRole(
            new_role_id(deps.rng),
            account_id,
            name,
            trust_policy=ident.own_account_trust(account_id),
            created_ms=now,
            updated_ms=now,
        )
        uow.identity.add_role(role)
        attach_given(uow, account_id, "role", role.role_id, name, rows, now_ms=now)
    return role


def assume_role(deps: Deps, *, role_arn: str, session_name: str, duration_seconds: int = 3600) -> StsCredentials:
    """STS credentials for a role, expiring ``duration_seconds`` after the emulator clock's now: the control API's
    back door, which skips the caller and trust checks but keeps the role's session limit."""
    parsed = ident.parse_role_arn(role_arn)
    if parsed is None:
        raise service_errors.InvalidInput("role_arn must look like acs:ram::<account id>:role/<role name>")
    if not ident.SESSION_NAME.fullmatch(session_name):
        raise service_errors.InvalidInput("session_name must be 2-64 of letters, digits, '.', '@', '-', '_'")
    if not ident.MIN_SESSION_SECONDS <= duration_seconds <= ident.MAX_SESSION_SECONDS:
        raise service_errors.InvalidInput(
            f"duration_seconds must be between {ident.MIN_SESSION_SECONDS} and {ident.MAX_SESSION_SECONDS}"
        )
    account_id, role_name = parsed
    with deps.uow() as uow:
        role = uow.identity.find_role(account_id, role_name)
        if role is None:
            raise service_errors.RoleNotFound(f"role {role_arn} does not exist")
        if duration_seconds > role.max_session_duration:
            raise service_errors.InvalidInput(
                f"duration_seconds must be at most the role's MaxSessionDuration, {role.max_session_duration}"
            )
        return sts.issue_session(
            uow, deps, role, session_name=session_name, duration_seconds=duration_seconds, policy=None
        )


def disable_access_key(deps: Deps, *, access_key_id: str) -> None:
    with deps.uow() as uow:
        if not uow.identity.set_access_key_status(access_key_id, AccessKeyStatus.INACTIVE.value):
            raise service_errors.AccessKeyNotFound(f"AccessKey {access_key_id} does not exist")


def create_root_access_key(deps: Deps, *, account_id: str) -> Credentials:
    """A root AccessKey for an existing account, e.g. a management account EnableResourceDirectory created."""
    with deps.uow() as uow:
        _require_account(uow, account_id)
        credentials = new_access_key(deps.rng)
        uow.identity.add_access_key(
            AccessKey(credentials.access_key_id, credentials.access_key_secret, account_id, AccessKeyStatus.ACTIVE)
        )
    return credentials
