"""RAM users of the caller's account through the RAM API: CreateUser, GetUser, UpdateUser, DeleteUser, ListUsers,
and GetAccountAlias (docs/ram.md#users).

The control API's users are the same rows (services/identity.py): a user made there is listed, read, updated and
deleted here, with the same UserId. Every write takes the account's RAM lock first, so names and quotas are checked
against committed rows whichever process serves the call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from openrd import errors
from openrd.domain import ram
from openrd.domain.identity import Principal, RamUser
from openrd.domain.times import epoch_ms
from openrd.services.context import Deps
from openrd.services.identity import new_user_id
from openrd.services.ports import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a Marker listing; ``next_offset`` is None on the last page."""

    items: Sequence[T]
    next_offset: int | None


def page_of(rows: Sequence[T], offset: int, limit: int) -> Page[T]:
    """``rows``: up to ``limit + 1`` rows read from ``offset``; the extra one says another page follows."""
    more = len(rows) > limit
    return Page(rows[:limit], offset + limit if more else None)


def lock_account(uow: UnitOfWork, account_id: str) -> None:
    """Every RAM write of an account — identities, policies, attachments — serialises on the account's one RAM lock:
    uniqueness, quotas and delete conflicts are checked on committed rows."""
    uow.policies.lock(account_id)


def require_user(uow: UnitOfWork, account_id: str, name: str) -> RamUser:
    user = uow.identity.find_user(account_id, name)
    if user is None:
        raise errors.EntityNotExistUser()
    return user


@dataclass(frozen=True)
class UserProfile:
    """The optional fields of CreateUser / UpdateUser; ``None``: not given (UpdateUser keeps the stored value)."""

    display_name: str | None = None
    comments: str | None = None
    email: str | None = None
    mobile_phone: str | None = None


def create_user(deps: Deps, *, principal: Principal, name: str, profile: UserProfile) -> RamUser:
    account_id = principal.account_id
    now = epoch_ms(deps.clock.now())
    with deps.uow() as uow:
        lock_account(uow, account_id)
        if uow.identity.find_user(account_id, name) is not None:
            raise errors.EntityAlreadyExistsUser()
        if uow.ram.count_users(account_id) >= ram.MAX_USERS:
            raise errors.LimitExceededUser()
        user = RamUser(
            new_user_id(deps.rng),
            account_id,
            name,
            display_name=profile.display_name or "",
            comments=profile.comments or "",
            email=profile.email or "",
            mobile_phone=profile.mobile_phone or "",
            created_ms=now,
            updated_ms=now,
        )
        uow.identity.add_user(user)
    return user


def get_user(deps: Deps, *, principal: Principal, name: str) -> RamUser:
    with deps.uow(write=False) as uow:
        return require_user(uow, principal.account_id, name)


def update_user(deps: Deps, *, principal: Principal, name: str, new_name: str | None, profile: UserProfile) -> RamUser:
    account_id = principal.account_id
    with deps.uow() as uow:
        lock_account(uow, account_id)
        user = require_user(uow, account_id, name)
        if new_name is not None and new_name != name and uow.identity.find_user(account_id, new_name) is not None:
            raise errors.EntityAlreadyExistsUser()
        updated = replace(
            user,
            name=new_name or user.name,
            display_name=user.display_name if profile.display_name is None else profile.display_name,
            comments=user.comments if profile.comments is None else profile.comments,
            email=user.email if profile.email is None else profile.email,
            mobile_phone=user.mobile_phone if profile.mobile_phone is None else profile.mobile_phone,
            updated_ms=epoch_ms(deps.clock.now()),
        )
        uow.ram.update_user(updated)
    return updated


def delete_user(deps: Deps, *, principal: Principal, name: str) -> None:
    """Only a user with no AccessKeys, no groups and no attached policies can go, in that order of checks."""
    with deps.uow() as uow:
        lock_account(uow, principal.account_id)
        user = require_user(uow, principal.account_id, name)
        if uow.ram.access_keys_of(principal.account_id, user.user_id):
            raise errors.DeleteConflictUserAccessKey()
        if uow.ram.count_groups_of(user.user_id):
            raise errors.DeleteConflictUserGroup()
        if uow.policies.has_attachments("user", user.user_id):
            raise errors.DeleteConflictUserPolicy()
        uow.ram.delete_user(user.user_id)


def list_users(deps: Deps, *, principal: Principal, offset: int, limit: int) -> Page[RamUser]:
    with deps.uow(write=False) as uow:
        rows = uow.ram.list_users(principal.account_id, offset=offset, limit=limit + 1)
    return page_of(rows, offset, limit)


def delete_login_profile(deps: Deps, *, principal: Principal, name: str) -> None:
    """openrd has no console sign-in, so no user has a login profile: the documented "none" answer, which the
    Terraform provider's forced user delete expects."""
    with deps.uow(write=False) as uow:
        require_user(uow, principal.account_id, name)
    raise errors.EntityNotExistUserLoginProfile()


def unbind_mfa_device(deps: Deps, *, principal: Principal, name: str) -> None:
    """No user has an MFA device either (see ``delete_login_profile``)."""
    with deps.uow(write=False) as uow:
        require_user(uow, principal.account_id, name)
    raise errors.EntityNotExistUserMFADevice()
