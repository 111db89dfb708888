"""SendVerificationCodeForBindSecureMobilePhone and BindSecureMobilePhone (docs/behaviour.md#secure-phone-binding): a
resource account's secure phone, bound once, by a RAM identity of the management account."""

from __future__ import annotations

from dataclasses import dataclass

from openrd import errors
from openrd.domain.accounts import Account
from openrd.domain.directory import MemberStatus, MemberType
from openrd.domain.identity import Principal
from openrd.domain.phone import Phone
from openrd.domain.sites import SiteProfile
from openrd.domain.verification import Purpose
from openrd.services import verification
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork
from openrd.services.standing import (
    check_enterprise,
    check_phone,
    check_site_action,
    require_account,
    site_of,
)


@dataclass(frozen=True)
class BindTarget:
    management: Account
    site: SiteProfile
    member: Account
    phone: Phone


def _check_target(
    uow: UnitOfWork, deps: Deps, *, principal: Principal, action: str, account_id: str, phone: str
) -> BindTarget:
    """The checks both operations share, in their documented order (docs/behaviour.md#secure-phone-binding); the first
    failure wins.

    The caller's and the target's accounts, memberships and managed directories are read in one statement (on
    PostgreSQL five statements were five round trips); a caller that manages no directory reads the one it is in.
    """
    found = uow.directory.standings(principal.account_id, account_id)
    standing = found.get(principal.account_id)
    if standing is None:  # the caller's own account vanished (reset under a running client), as require_account
        raise errors.InvalidAccessKeyIdNotFound()
    caller = standing.account
    directory = standing.manages  # else the directory it belongs to, as standing.directory_of finds it
    if directory is None and standing.member is not None:
        directory = uow.directory.get_directory(standing.member.directory_id)
    if directory is None or directory.master_account_id == caller.account_id:
        management = caller  # the management account calls (any other caller fails below): no second read
    else:
        management = require_account(uow, directory.master_account_id)
    site = site_of(deps.sites, management)
    check_site_action(site, action)
    if directory is None:
        raise errors.EntityNotExistsResourceDirectory()
    if not principal.is_ram_identity or principal.account_id != directory.master_account_id:
        raise errors.CallerIdentityError()
    check_enterprise(management)
    target_standing = found.get(account_id)
    if target_standing is None:
        raise errors.EntityNotExistsAccount()
    target, member = target_standing.account, target_standing.member
    if member is None or member.directory_id != directory.directory_id:
        raise errors.NotSupportAccountInAnotherResourceDirectory()
    if target_standing.manages is not None:
        raise errors.EntityAlreadyExistsResourceDirectory()
    if member.type is not MemberType.RESOURCE or member.status is not MemberStatus.CREATE_SUCCESS:
        raise errors.AccountTypeMismatch()
    if target.secure_mobile_phone:
        raise errors.AccountSecureMobileAlreadyExists()
    checked = check_phone(phone, site, invalid=errors.InvalidParameter("SecureMobilePhone"))
    return BindTarget(management, site, target, checked)


def send_code_for_bind(deps: Deps, *, principal: Principal, account_id: str, phone: str) -> int:
    """Returns the code's expiry (epoch ms) for ExpirationDate."""
    with deps.uow() as uow:
        target = _check_target(
            uow,
            deps,
            principal=principal,
            action="SendVerificationCodeForBindSecureMobilePhone",
            account_id=account_id,
            phone=phone,
        )
        issued = verification.issue_code(
            uow,
            policy=deps.code_policy,
            rng=deps.rng,
            box=deps.box,
            now=deps.clock.now(),
            purpose=Purpose.BIND_SECURE_MOBILE_PHONE,
            account_id=target.member.account_id,
            quota_account_id=target.management.account_id,
            quota_site=target.site,
            phone=str(target.phone),
            language=target.site.language,
        )
    deps.wake_dispatcher()
    return issued.expires_ms


def bind(deps: Deps, *, principal: Principal, account_id: str, phone: str, code: str) -> None:
    with deps.uow() as uow:
        target = _check_target(
            uow, deps, principal=principal, action="BindSecureMobilePhone", account_id=account_id, phone=phone
        )
        accepted = verification.check_code(
            uow,
            policy=deps.code_policy,
            box=deps.box,
            now=deps.clock.now(),
            purpose=Purpose.BIND_SECURE_MOBILE_PHONE,
            account_id=target.member.account_id,
            phone=str(target.phone),
            code=code,
        )
        if accepted:
            if not uow.accounts.bind_phone_if_unset(target.member.account_id, str(target.phone)):
                # Another bind won the race between our check and our write; roll the code back with it.
                raise errors.AccountSecureMobileAlreadyExists()
            return
        raise errors.InvalidVerificationCode().keeping_changes()  # the wrong attempt counts
