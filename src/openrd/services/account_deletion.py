"""Deleting resource accounts: CheckAccountDelete, GetAccountDeletionCheckResult, DeleteAccount and
GetAccountDeletionStatus (docs/lifecycle.md#account-deletion).

The pre-check and the deletion are transitions (services/transitions.py): each stores its due time and reads as
pending until then. DeleteAccount removes the account, its membership, RAM identities, AccessKeys and sessions in
its own transaction, so a crash leaves it done or not started; the deletion record stays and answers ``Deleting``
until its due time, then ``Success`` for good.

The checks run in the documented order; those other areas own have a function each here, at their place: the
control-policy enablement, delegated administrators, and the payer relationship.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from openrd import errors
from openrd.domain import account_deletion as rules
from openrd.domain.account_deletion import AccountDeletion, CheckResult, CheckStatus, DeletionStatus
from openrd.domain.directory import Directory, MemberType, MemberView
from openrd.domain.identity import Principal, PrincipalKind
from openrd.domain.times import epoch_ms
from openrd.domain.transitions import TransitionKind
from openrd.services import guardrails, transitions
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork
from openrd.services.standing import managed_directory, member_of_managed, require_account


# ---------------------------------------------------------------- checks other areas own (hooks)
def refuse_while_control_policy_pending(directory: Directory, now_ms: int) -> None:
    """Neither a pre-check nor a deletion while the directory's control-policy enablement is PendingEnable or
    PendingDisable, as settled on the emulator clock."""
    if guardrails.status_of(directory, now_ms).pending:
        raise errors.InvalidControlPolicyEnablementStatus()


def refuse_delegated_administrator(uow: UnitOfWork, account_id: str) -> None:
    """A delegated administrator of any trusted service must be deregistered first."""
    if uow.directory.delegations_of(account_id):
        raise errors.RemoveConfilctAccountAsDelegatedAdministator()


def payer_of(uow: UnitOfWork, account_id: str) -> str | None:
    """The account that pays for ``account_id`` when another does (NotSupport.HasPayerAccount; docs/settings.md)."""
    return uow.directory.payer_of(account_id)


def pays_for_others(uow: UnitOfWork, account_id: str) -> bool:
    """Whether ``account_id`` pays for other members (the PAYER_OF_MEMBERS pre-check item; docs/settings.md)."""
    return any(member != account_id for member in uow.directory.members_paid_by(account_id))


# ---------------------------------------------------------------- the four actions
def check_account_delete(deps: Deps, *, principal: Principal, account_id: str) -> None:
    """Start (or restart) the pre-check: its verdict is taken now and shown once the check completes."""
    with deps.uow() as uow:
        directory, view = _locked_member(uow, principal, account_id)
        now_ms = epoch_ms(deps.clock.now())
        if account_id == directory.master_account_id:
            raise errors.AccountTypeOrStatusMismatch()
        _check_deletable(uow, directory, view, principal, now_ms)
        result = _verdict(uow, account_id)
        known = uow.directory.get_deletion(account_id) or AccountDeletion(account_id, directory.directory_id)
        uow.directory.put_deletion(
            replace(
                known,
                check_started_ms=now_ms,
                check_due_ms=transitions.due_at(uow, TransitionKind.ACCOUNT_DELETION_CHECK, deps.clock.now()),
                not_allowed=result.not_allowed,
                abandonable=result.abandonable,
            )
        )


@dataclass(frozen=True)
class CheckReport:
    status: CheckStatus
    result: CheckResult | None  # None while the pre-check runs


def get_check_result(deps: Deps, *, principal: Principal, account_id: str) -> CheckReport:
    with deps.uow(write=False) as uow:
        directory, _ = member_of_managed(uow, principal, account_id)
        if account_id == directory.master_account_id:
            raise errors.AccountTypeOrStatusMismatch()
        known = uow.directory.get_deletion(account_id)
        if known is None or not known.checked:
            raise errors.EntityNotExistsCheckAccount()
        status = rules.check_status(known.check_due_ms, epoch_ms(deps.clock.now()))
        if status is CheckStatus.PRE_CHECKING:
            return CheckReport(status, None)
        return CheckReport(status, CheckResult(known.not_allowed, known.abandonable))


def delete_account(deps: Deps, *, principal: Principal, account_id: str, waived: frozenset[str]) -> str:
    """Delete a resource account; its DeletionType. Concurrent calls queue on the directory's lock, so the account
    is deleted once and the others are told it is being or has been deleted."""
    with deps.uow() as uow:
        directory = managed_directory(uow, principal)
        uow.directory.lock(f"directory:{directory.directory_id}")
        now = deps.clock.now()
        now_ms = epoch_ms(now)
        view = uow.directory.member_view(account_id)
        if view is None or view.member.directory_id != directory.directory_id:
            _refuse_missing(uow, directory, account_id, now_ms)
        assert view is not None
        _check_deletable(uow, directory, view, principal, now_ms)
        if payer_of(uow, account_id) not in (None, account_id):
            raise errors.NotSupportHasPayerAccount()
        known = uow.directory.get_deletion(account_id) or AccountDeletion(account_id, directory.directory_id)
        if known.checked and rules.check_status(known.check_due_ms, now_ms) is CheckStatus.PRE_CHECKING:
            raise errors.NotSupportedOperationCheckingAccount()
        if _verdict(uow, account_id).blocks(waived):
            raise errors.SpBlockDeleteAccount()
        due = transitions.due_at(uow, TransitionKind.ACCOUNT_DELETION, now)
        uow.directory.put_deletion(replace(known, deletion_started_ms=now_ms, deletion_due_ms=due))
        guardrails.left(uow, account_id)
        uow.directory.remove_member(account_id)
        uow.directory.purge_account(account_id)
        return rules.DIRECT_DELETION


@dataclass(frozen=True)
class DeletionReport:
    account_id: str
    status: DeletionStatus
    started_ms: int
    finished_ms: int | None  # when it reported Success; None while deleting


def get_deletion_status(deps: Deps, *, principal: Principal, account_id: str) -> DeletionReport:
    with deps.uow(write=False) as uow:
        directory = uow.directory.directory_managed_by(principal.account_id)
        known = uow.directory.get_deletion(account_id)
        if directory is None or known is None or known.directory_id != directory.directory_id or not known.started:
            view = uow.directory.member_view(account_id) if directory is not None else None
            if directory is None or view is None or view.member.directory_id != directory.directory_id:
                raise errors.EntityNotExistsAccount()
            raise errors.EntityNotExistsCheckAccount()
        assert known.deletion_started_ms is not None
        status = rules.deletion_status(known.deletion_due_ms, epoch_ms(deps.clock.now()))
        finished = known.deletion_due_ms if status is DeletionStatus.SUCCESS else None
        return DeletionReport(account_id, status, known.deletion_started_ms, finished)


# ---------------------------------------------------------------- shared checks
def _locked_member(uow: UnitOfWork, principal: Principal, account_id: str) -> tuple[Directory, MemberView]:
    directory = managed_directory(uow, principal)
    uow.directory.lock(f"directory:{directory.directory_id}")
    return member_of_managed(uow, principal, account_id)


def _refuse_missing(uow: UnitOfWork, directory: Directory, account_id: str, now_ms: int) -> None:
    """The account is no member: deleted already (or being deleted) by this directory, or unknown."""
    known = uow.directory.get_deletion(account_id)
    if known is None or known.directory_id != directory.directory_id or not known.started:
        raise errors.EntityNotExistsAccount()
    if rules.deletion_status(known.deletion_due_ms, now_ms) is DeletionStatus.DELETING:
        raise errors.NotSupportedOperationDeletingAccount()
    raise errors.AccountNotExistDeleteAccount()


def _check_deletable(
    uow: UnitOfWork, directory: Directory, view: MemberView, principal: Principal, now_ms: int
) -> None:
    """The preconditions CheckAccountDelete and DeleteAccount share, in the documented order."""
    refuse_while_control_policy_pending(directory, now_ms)
    if directory.member_deletion_status != "Enabled":
        raise errors.NoLicenseResourceDirectory()
    if principal.kind is PrincipalKind.ROOT:
        raise errors.CallerIdentityErrorDeleteAccount()
    refuse_delegated_administrator(uow, view.member.account_id)
    _same_legal_entity(uow, directory, view)
    if view.member.type is not MemberType.RESOURCE or view.member.account_id == directory.master_account_id:
        raise errors.MemberTypeErrorDeleteAccount()


def _same_legal_entity(uow: UnitOfWork, directory: Directory, view: MemberView) -> None:
    master = require_account(uow, directory.master_account_id)
    if (view.enterprise_name or "") != (master.enterprise_name or ""):
        raise errors.LegalEntityDifferent()


def _verdict(uow: UnitOfWork, account_id: str) -> CheckResult:
    return rules.pre_check(
        pays_for_others=pays_for_others(uow, account_id), ram=uow.directory.ram_identity_counts(account_id)
    )
