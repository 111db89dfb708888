"""A RAM user's AccessKeys through the RAM API: CreateAccessKey, UpdateAccessKey, DeleteAccessKey, ListAccessKeys
(docs/ram.md#accesskeys).

Secrets are stored encrypted, as every AccessKey is, and shown once, by CreateAccessKey. Every signed call looks
its key up in the store, so a key deleted or made Inactive here is refused at the next call in every process.
"""

from __future__ import annotations

from collections.abc import Sequence

from openrd import errors
from openrd.domain import ram
from openrd.domain.identity import AccessKey, AccessKeyStatus, Principal, PrincipalKind, RamUser
from openrd.domain.times import epoch_ms
from openrd.services.context import Deps
from openrd.services.identity import new_access_key
from openrd.services.ports import UnitOfWork
from openrd.services.ram_users import lock_account, require_user


def _owner(uow: UnitOfWork, principal: Principal, user_name: str | None) -> RamUser:
    """The user named, or without a name the calling RAM user itself; the root and role sessions must name one."""
    if user_name is not None:
        return require_user(uow, principal.account_id, user_name)
    if principal.kind is not PrincipalKind.USER:
        raise errors.MissingParameter("UserName")
    return require_user(uow, principal.account_id, principal.name)


def _key_of(uow: UnitOfWork, user: RamUser, access_key_id: str) -> AccessKey:
    for key in uow.ram.access_keys_of(user.account_id, user.user_id):
        if key.access_key_id == access_key_id:
            return key
    raise errors.EntityNotExistUserAccessKey()


def create_access_key(deps: Deps, *, principal: Principal, user_name: str | None) -> AccessKey:
    """A new Active key with its secret (the only time it is shown); at most two per user."""
    with deps.uow() as uow:
        lock_account(uow, principal.account_id)  # concurrent creates for one user count one by one
        user = _owner(uow, principal, user_name)
        if len(uow.ram.access_keys_of(user.account_id, user.user_id)) >= ram.MAX_ACCESS_KEYS_PER_USER:
            raise errors.LimitExceededUserAccessKey()
        credentials = new_access_key(deps.rng)
        key = AccessKey(
            credentials.access_key_id,
            credentials.access_key_secret,
            user.account_id,
            AccessKeyStatus.ACTIVE,
            user_id=user.user_id,
            created_ms=epoch_ms(deps.clock.now()),
        )
        uow.identity.add_access_key(key)
    return key


def update_access_key(
    deps: Deps, *, principal: Principal, user_name: str | None, access_key_id: str, status: AccessKeyStatus
) -> None:
    with deps.uow() as uow:
        lock_account(uow, principal.account_id)
        user = _owner(uow, principal, user_name)
        _key_of(uow, user, access_key_id)
        uow.identity.set_access_key_status(access_key_id, status.value)


def delete_access_key(deps: Deps, *, principal: Principal, user_name: str | None, access_key_id: str) -> None:
    with deps.uow() as uow:
        lock_account(uow, principal.account_id)
        user = _owner(uow, principal, user_name)
        _key_of(uow, user, access_key_id)
        uow.ram.delete_access_key(access_key_id)


def list_access_keys(deps: Deps, *, principal: Principal, user_name: str | None) -> Sequence[AccessKey]:
    with deps.uow(write=False) as uow:
        user = _owner(uow, principal, user_name)
        return uow.ram.access_keys_of(user.account_id, user.user_id)
