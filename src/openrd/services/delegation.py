"""Trusted services and their delegated administrators: RegisterDelegatedAdministrator,
DeregisterDelegatedAdministrator, ListDelegatedAdministrators, ListDelegatedServicesForAccount,
ListTrustedServiceStatus (docs/delegation.md).

Changes belong to the management account (its root and RAM identities); the listings also serve the delegated
administrators themselves. openrd has no service consoles, so a trusted service counts as enabled once it has a
delegated administrator.
"""

from __future__ import annotations

from collections.abc import Sequence

from openrd import errors
from openrd.domain.delegation import DelegatedAdministrator, DelegatedAdministratorView, TrustedService, trusted_service
from openrd.domain.identity import Principal
from openrd.domain.times import epoch_ms
from openrd.services.context import Deps
from openrd.services.folders import offset
from openrd.services.ports import UnitOfWork
from openrd.services.standing import managed_directory, member_of_managed, member_of_readable, readable_directory


def is_delegated_administrator(uow: UnitOfWork, account_id: str) -> bool:
    """Whether the account administers any trusted service (deleting such a member is refused)."""
    return bool(uow.directory.delegations_of(account_id))


def _service(principal: str) -> TrustedService:
    service = trusted_service(principal)
    if service is None:
        raise errors.InvalidParameterServicePrincipal()
    return service


def register(deps: Deps, *, principal: Principal, account_id: str, service_principal: str) -> None:
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        service = _service(service_principal)
        if account_id == directory.master_account_id:
            raise errors.CannotRegisterMasterAsDelegatedAdministrator()
        # The count is checked under the directory's lock: two registrations must not both take the last place.
        uow.directory.lock(f"directory:{directory.directory_id}")
        member_of_managed(uow, principal, account_id)
        if any(d.service_principal == service.principal for d in uow.directory.delegations_of(account_id)):
            raise errors.AccountAlreadyRegistered()
        registered = uow.directory.count_delegated_administrators(directory.directory_id, service.principal)
        if registered >= service.max_administrators:
            raise errors.DelegatedAccountNumberExceeded()
        uow.directory.add_delegated_administrator(
            DelegatedAdministrator(account_id, service.principal, directory.directory_id, epoch_ms(deps.clock.now()))
        )


def deregister(deps: Deps, *, principal: Principal, account_id: str, service_principal: str) -> None:
    with deps.uow() as uow:
        managed_directory(uow, principal)
        service = _service(service_principal)
        member_of_managed(uow, principal, account_id)
        if not uow.directory.remove_delegated_administrator(account_id, service.principal):
            raise errors.AccountNotRegistered()


def list_administrators(
    deps: Deps, *, principal: Principal, service_principal: str | None, page_number: int, page_size: int
) -> tuple[Sequence[DelegatedAdministratorView], int]:
    with deps.uow(write=False) as uow:
        directory = readable_directory(uow, principal)
        return uow.directory.delegated_administrator_page(
            directory.directory_id,
            service_principal=service_principal,
            limit=page_size,
            offset=offset(page_number, page_size),
        )


def list_services_for_account(deps: Deps, *, principal: Principal, account_id: str) -> Sequence[DelegatedAdministrator]:
    with deps.uow(write=False) as uow:
        member_of_readable(uow, principal, account_id)
        return uow.directory.delegations_of(account_id)


def list_enabled_services(
    deps: Deps, *, principal: Principal, admin_account_id: str | None, page_number: int, page_size: int
) -> tuple[Sequence[tuple[str, int]], int]:
    """The directory's enabled trusted services, or those ``admin_account_id`` administers; each with the time its
    first delegated administrator was registered."""
    with deps.uow(write=False) as uow:
        directory = readable_directory(uow, principal)
        return uow.directory.enabled_services(
            directory.directory_id,
            account_id=admin_account_id,
            limit=page_size,
            offset=offset(page_number, page_size),
        )
