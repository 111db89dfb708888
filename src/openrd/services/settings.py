"""The directory's settings and who pays for its members (docs/settings.md): GetPayerForAccount,
UpdatePayerForAccount, SetMemberDeletionPermission, SetMemberDisplayNameSyncStatus; ``check_payer`` for
CreateResourceAccount's ``PayerAccountId``."""

from __future__ import annotations

from dataclasses import replace

from openrd import errors
from openrd.domain.directory import Directory, MemberType
from openrd.domain.identity import Principal
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork
from openrd.services.standing import member_of_managed, member_of_readable


def get_payer(deps: Deps, *, principal: Principal, account_id: str) -> tuple[str, str]:
    """The payer's account id and display name; ``("", "")`` for a member that pays for itself (the Terraform
    provider treats the id as force-new: answering the member's own id would replace it on every plan)."""
    with deps.uow(write=False) as uow:
        member_of_readable(uow, principal, account_id)
        payer = uow.directory.payer_of(account_id)
        if payer is None:
            return "", ""
        account = uow.accounts.get(payer)
        return payer, account.display_name if account else ""


def check_payer(uow: UnitOfWork, directory: Directory, enterprise_name: str | None, payer_id: str) -> None:
    """A payer is a member of the same directory with the member's enterprise name."""
    payer = uow.directory.get_member(payer_id)
    if payer is None or payer.directory_id != directory.directory_id:
        raise errors.NotSupportPayerAccountInAnotherResourceDirectory()
    account = uow.accounts.get(payer_id)
    if account is None or (account.enterprise_name or "") != (enterprise_name or ""):
        raise errors.InconsistentEnterpriseNameError()


def update_payer(deps: Deps, *, principal: Principal, account_id: str, payer_id: str) -> None:
    """Only a resource account has its bills paid by another member; a cloud account (the management account
    among them) pays for itself: 409 AccountTypeMismatch."""
    with deps.uow() as uow:
        directory, view = member_of_managed(uow, principal, account_id)
        if view.member.type is not MemberType.RESOURCE:
            raise errors.AccountTypeMismatch()
        check_payer(uow, directory, view.enterprise_name, payer_id)
        uow.directory.set_payer(account_id, payer_id)


def _managing(uow: UnitOfWork, principal: Principal) -> Directory:
    """The directory the caller manages; a member's identities are refused (403), an account in none is not."""
    directory = uow.directory.directory_managed_by(principal.account_id)
    if directory is not None:
        return directory
    if uow.directory.get_member(principal.account_id) is not None:
        raise errors.MemberAccountAccessDenied()
    raise errors.EntityNotExistsResourceDirectory()


def set_member_deletion(deps: Deps, *, principal: Principal, status: str) -> Directory:
    """SetMemberDeletionPermission: whether resource accounts may be deleted (``Enabled``/``Disabled``)."""
    with deps.uow() as uow:
        directory = _managing(uow, principal)
        uow.directory.set_directory_settings(directory.directory_id, member_deletion_status=status)
        return replace(directory, member_deletion_status=status)


def set_display_name_sync(deps: Deps, *, principal: Principal, status: str) -> Directory:
    """SetMemberDisplayNameSyncStatus: whether a display name the management account sets reaches the member's own
    account information. openrd keeps one display name per account, so the setting is recorded and shown only."""
    with deps.uow() as uow:
        directory = _managing(uow, principal)
        uow.directory.set_directory_settings(directory.directory_id, member_display_name_sync_status=status)
        return replace(directory, member_display_name_sync_status=status)
