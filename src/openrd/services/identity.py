"""Accounts, RAM users and roles, AccessKeys and STS sessions — the identity world the control API seeds."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from openrd import errors
from openrd.domain import identity as ident
from openrd.domain.accounts import LOGIN_NAME, Account
from openrd.domain.directory import Member
from openrd.domain.identity import AccessKey, AccessKeyStatus, RamRole, RamUser, StsSession
from openrd.domain.names import ACCOUNT_LABEL
from openrd.domain.phone import is_valid_mobile, parse_phone_syntax
from openrd.domain.policy import MAX_DOCUMENT_LENGTH, PolicyDocumentError, parse_policy_document, system_policy
from openrd.domain.sites import SiteProfile
from openrd.domain.times import epoch_ms
from openrd.services.ports import RandomSource, SecretBox, UnitOfWork


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str


@dataclass(frozen=True)
class StsCredentials:
    access_key_id: str
    access_key_secret: str
    security_token: str
    expiration: datetime


def new_account_id(uow: UnitOfWork, rng: RandomSource) -> str:
    while True:
        account_id = str(1 + int(rng.digits(1)) % 9) + rng.digits(15)  # 16 digits, no leading zero
        if uow.accounts.get(account_id) is None:
            return account_id


def _new_access_key(rng: RandomSource, *, sts: bool = False) -> Credentials:
    prefix = "STS." if sts else "LTAI"
    return Credentials(prefix + rng.alnum(24), rng.alnum(30))


def validate_phone_for_site(value: str, site: SiteProfile) -> str:
    phone = parse_phone_syntax(value)
    if phone is None:
        raise errors.ControlInvalid(f"secure_mobile_phone must look like 86-13900001234, not {value!r}")
    if not site.allows_country_code(phone.country_code):
        raise errors.ControlInvalid(f"site {site.name!r} does not accept country code {phone.country_code}")
    if not is_valid_mobile(phone):
        raise errors.ControlInvalid("secure_mobile_phone is not a valid mobile number for its country code")
    return str(phone)


def _site(sites: Mapping[str, SiteProfile], name: object) -> SiteProfile:
    profile = sites.get(name) if isinstance(name, str) else None
    if profile is None:
        raise errors.ControlInvalid(f"site must be one of {', '.join(sorted(sites))}, not {name!r}")
    return profile


def create_account(
    *,
    uow: UnitOfWork,
    rng: RandomSource,
    sites: Mapping[str, SiteProfile],
    now: datetime,
    display_name: str,
    name: str | None = None,
    site: str = "intl",
    secure_mobile_phone: str | None = None,
    enterprise_name: str | None = None,
    enterprise_verified: bool = True,
) -> tuple[Account, Credentials]:
    """Create an account with a root AccessKey (``POST /_openrd/accounts``, docs/behaviour.md#seeding-identities)."""
    if not ACCOUNT_LABEL.fullmatch(display_name):
        raise errors.ControlInvalid("display_name must be 1-50 printable characters")
    login = name if name is not None else display_name
    if not LOGIN_NAME.fullmatch(login):
        raise errors.ControlInvalid("name must be 1-100 of letters, digits, '_', '.', '@', '-'")
    profile = _site(sites, site)
    phone = validate_phone_for_site(secure_mobile_phone, profile) if secure_mobile_phone else None
    with uow:
        account = Account(
            account_id=new_account_id(uow, rng),
            name=login,
            display_name=display_name,
            site=profile.name,
            secure_mobile_phone=phone,
            enterprise_name=enterprise_name or None,
            enterprise_verified=enterprise_verified,
            created_ms=epoch_ms(now),
        )
        uow.accounts.add(account)
        credentials = _new_access_key(rng)
        uow.identity.add_access_key(
            AccessKey(
                credentials.access_key_id, credentials.access_key_secret, account.account_id, AccessKeyStatus.ACTIVE
            )
        )
    return account, credentials


def get_account(*, uow: UnitOfWork, account_id: str) -> Account:
    with uow:
        account = uow.accounts.get(account_id)
    if account is None:
        raise errors.ControlNotFound(f"account {account_id} does not exist")
    return account


def list_accounts(*, uow: UnitOfWork, limit: int = 100, offset: int = 0) -> Sequence[Account]:
    with uow:
        return uow.accounts.list(limit=limit, offset=offset)


@dataclass(frozen=True)
class AccountView:
    """An account with its place in a directory, if it has one (the control API's account view)."""

    account: Account
    member: Member | None


def view_account(*, uow: UnitOfWork, account_id: str) -> AccountView:
    with uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise errors.ControlNotFound(f"account {account_id} does not exist")
        return AccountView(account, uow.directory.get_member(account_id))


def view_accounts(*, uow: UnitOfWork, limit: int = 100, offset: int = 0) -> list[AccountView]:
    with uow:
        accounts = uow.accounts.list(limit=limit, offset=offset)
        members = uow.directory.members_of([a.account_id for a in accounts])
    return [AccountView(a, members.get(a.account_id)) for a in accounts]


PATCHABLE = frozenset({"site", "secure_mobile_phone", "enterprise_name", "enterprise_verified", "display_name"})


def patch_account(
    *, uow: UnitOfWork, sites: Mapping[str, SiteProfile], account_id: str, changes: Mapping[str, Any]
) -> Account:
    """Change some fields; ``None`` clears an optional field (docs/behaviour.md#control-api-errors)."""
    unknown = set(changes) - PATCHABLE
    if unknown:
        raise errors.ControlInvalid(f"cannot change {', '.join(sorted(unknown))}")
    with uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise errors.ControlNotFound(f"account {account_id} does not exist")
        site = _site(sites, changes.get("site", account.site))
        updated = replace(account, site=site.name)
        if "display_name" in changes:
            value = changes["display_name"]
            if not isinstance(value, str) or not ACCOUNT_LABEL.fullmatch(value):
                raise errors.ControlInvalid("display_name must be 1-50 printable characters")
            updated = replace(updated, display_name=value)
        if "secure_mobile_phone" in changes:
            value = changes["secure_mobile_phone"]
            if value is not None and not isinstance(value, str):
                raise errors.ControlInvalid("secure_mobile_phone must be a string or null")
            updated = replace(updated, secure_mobile_phone=validate_phone_for_site(value, site) if value else None)
        elif updated.secure_mobile_phone and updated.site != account.site:
            validate_phone_for_site(updated.secure_mobile_phone, site)
        if "enterprise_name" in changes:
            value = changes["enterprise_name"]
            if value is not None and not isinstance(value, str):
                raise errors.ControlInvalid("enterprise_name must be a string or null")
            updated = replace(updated, enterprise_name=value or None)
        if "enterprise_verified" in changes:
            value = changes["enterprise_verified"]
            if not isinstance(value, bool):
                raise errors.ControlInvalid("enterprise_verified must be true or false")
            updated = replace(updated, enterprise_verified=value)
        uow.accounts.update(updated)
    return updated


def _policy_rows(policies: Sequence[Any]) -> list[tuple[str | None, str | None]]:
    """Validate policies given as system policy names or documents (JSON objects or strings,
    docs/behaviour.md#seeding-identities)."""
    rows: list[tuple[str | None, str | None]] = []
    for item in policies:
        if isinstance(item, str) and system_policy(item) is not None:
            rows.append((item, None))
            continue
        if isinstance(item, str) and not item.lstrip().startswith("{"):
            raise errors.ControlInvalid(f"unknown system policy {item!r}")
        if not isinstance(item, str | dict):
            raise errors.ControlInvalid("each policy is a system policy name or a policy document")
        document = item if isinstance(item, str) else json.dumps(item, separators=(",", ":"), ensure_ascii=False)
        if len(document) > MAX_DOCUMENT_LENGTH:
            raise errors.ControlInvalid(f"a policy document is at most {MAX_DOCUMENT_LENGTH} characters")
        try:
            parse_policy_document(document)
        except PolicyDocumentError as exc:
            raise errors.ControlInvalid(f"invalid policy document: {exc}") from None
        rows.append((None, document))
    return rows


def _require_account(uow: UnitOfWork, account_id: str) -> Account:
    account = uow.accounts.get(account_id)
    if account is None:
        raise errors.ControlNotFound(f"account {account_id} does not exist")
    return account


def create_ram_user(
    *, uow: UnitOfWork, rng: RandomSource, account_id: str, name: str, policies: Sequence[Any] = ()
) -> tuple[RamUser, Credentials]:
    if not ident.RAM_NAME.fullmatch(name):
        raise errors.ControlInvalid("name must be 1-64 of letters, digits, '.', '_', '-'")
    rows = _policy_rows(policies)
    with uow:
        _require_account(uow, account_id)
        if uow.identity.find_user(account_id, name) is not None:
            raise errors.ControlConflict(f"RAM user {name!r} already exists in account {account_id}")
        user = RamUser(user_id=str(2 + int(rng.digits(1)) % 8) + rng.digits(15), account_id=account_id, name=name)
        uow.identity.add_user(user)
        for policy_name, document in rows:
            uow.identity.attach_policy("user", user.user_id, name=policy_name, document=document)
        credentials = _new_access_key(rng)
        uow.identity.add_access_key(
            AccessKey(
                credentials.access_key_id,
                credentials.access_key_secret,
                account_id,
                AccessKeyStatus.ACTIVE,
                user_id=user.user_id,
            )
        )
    return user, credentials


def create_ram_role(
    *, uow: UnitOfWork, rng: RandomSource, account_id: str, name: str, policies: Sequence[Any] = ()
) -> RamRole:
    if not ident.RAM_NAME.fullmatch(name):
        raise errors.ControlInvalid("name must be 1-64 of letters, digits, '.', '_', '-'")
    rows = _policy_rows(policies)
    with uow:
        _require_account(uow, account_id)
        if uow.identity.find_role(account_id, name) is not None:
            raise errors.ControlConflict(f"RAM role {name!r} already exists in account {account_id}")
        role = RamRole(role_id="3" + rng.digits(18), account_id=account_id, name=name)
        uow.identity.add_role(role)
        for policy_name, document in rows:
            uow.identity.attach_policy("role", role.role_id, name=policy_name, document=document)
    return role


def assume_role(
    *,
    uow: UnitOfWork,
    rng: RandomSource,
    box: SecretBox,
    now: datetime,
    role_arn: str,
    session_name: str,
    duration_seconds: int = 3600,
) -> StsCredentials:
    parsed = ident.parse_role_arn(role_arn)
    if parsed is None:
        raise errors.ControlInvalid("role_arn must look like acs:ram::<account id>:role/<role name>")
    if not ident.SESSION_NAME.fullmatch(session_name):
        raise errors.ControlInvalid("session_name must be 2-64 of letters, digits, '.', '@', '-', '_'")
    if not ident.MIN_SESSION_SECONDS <= duration_seconds <= ident.MAX_SESSION_SECONDS:
        raise errors.ControlInvalid(
            f"duration_seconds must be between {ident.MIN_SESSION_SECONDS} and {ident.MAX_SESSION_SECONDS}"
        )
    account_id, role_name = parsed
    expiration = now + timedelta(seconds=duration_seconds)
    with uow:
        role = uow.identity.find_role(account_id, role_name)
        if role is None:
            raise errors.ControlNotFound(f"role {role_arn} does not exist")
        credentials = _new_access_key(rng, sts=True)
        token = "CAIS" + rng.token(96)
        session = StsSession(
            session_id=rng.alnum(24),
            account_id=account_id,
            role_id=role.role_id,
            role_name=role.name,
            session_name=session_name,
            access_key_id=credentials.access_key_id,
            expires_ms=epoch_ms(expiration),
        )
        uow.identity.add_session(session, token_hash=box.keyed_hash("sts-token", token))
        uow.identity.add_access_key(
            AccessKey(
                credentials.access_key_id,
                credentials.access_key_secret,
                account_id,
                AccessKeyStatus.ACTIVE,
                session_id=session.session_id,
            )
        )
    return StsCredentials(credentials.access_key_id, credentials.access_key_secret, token, expiration)


def disable_access_key(*, uow: UnitOfWork, access_key_id: str) -> None:
    with uow:
        if not uow.identity.set_access_key_status(access_key_id, AccessKeyStatus.INACTIVE.value):
            raise errors.ControlNotFound(f"AccessKey {access_key_id} does not exist")


def create_root_access_key(*, uow: UnitOfWork, rng: RandomSource, account_id: str) -> Credentials:
    """A root AccessKey for an existing account, e.g. a management account EnableResourceDirectory created."""
    with uow:
        _require_account(uow, account_id)
        credentials = _new_access_key(rng)
        uow.identity.add_access_key(
            AccessKey(credentials.access_key_id, credentials.access_key_secret, account_id, AccessKeyStatus.ACTIVE)
        )
    return credentials
