"""A directory's life: SendVerificationCodeForEnableRD, EnableResourceDirectory, InitResourceDirectory,
DestroyResourceDirectory, and reading it: GetResourceDirectory (docs/behaviour.md#the-directory)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from openrd import errors
from openrd.domain.accounts import Account
from openrd.domain.directory import Directory, Folder, JoinMethod, Member, MemberStatus, MemberType
from openrd.domain.identity import Principal
from openrd.domain.times import epoch_ms
from openrd.domain.verification import Purpose
from openrd.services import guardrails, verification
from openrd.services.context import Deps
from openrd.services.identity import new_account_id
from openrd.services.ports import UnitOfWork
from openrd.services.resource_groups import add_default_group
from openrd.services.standing import (
    check_enterprise,
    check_phone,
    check_site_action,
    directory_of,
    require_account,
    site_of,
)

SEND_ACTION = "SendVerificationCodeForEnableRD"


def _not_in_a_directory(uow: UnitOfWork, account_id: str) -> None:
    if uow.directory.directory_managed_by(account_id) is not None:
        raise errors.EntityAlreadyExistsResourceDirectory()
    if uow.directory.get_member(account_id) is not None:
        raise errors.NotSupportAccountInAnotherResourceDirectory()


def send_code_for_enable(deps: Deps, *, principal: Principal, phone: str | None) -> None:
    with deps.uow() as uow:
        caller = require_account(uow, principal.account_id)
        site = site_of(deps.sites, caller)
        check_site_action(site, SEND_ACTION)
        _not_in_a_directory(uow, caller.account_id)
        target = phone or caller.secure_mobile_phone
        if not target:
            raise errors.MissingSecureMobilePhone()
        checked = check_phone(target, site, invalid=errors.InvalidParameter("SecureMobilePhone"))
        verification.issue_code(
            uow,
            policy=deps.code_policy,
            rng=deps.rng,
            box=deps.box,
            now=deps.clock.now(),
            purpose=Purpose.ENABLE_RD,
            account_id=caller.account_id,
            quota_account_id=caller.account_id,
            quota_site=site,
            phone=str(checked),
            language=site.language,
        )
    deps.wake_dispatcher()


@dataclass(frozen=True)
class NewManagementAccount:
    name: str
    phone: str | None
    code: str


def _create_directory(uow: UnitOfWork, deps: Deps, master: Account, now_ms: int) -> Directory:
    directory_id = new_directory_id(uow, deps)
    root_id = "r-" + deps.rng.alnum(6)
    directory = Directory(directory_id, master.account_id, master.name, root_id, now_ms)
    root = Folder(root_id, directory_id, "Root", None, 0, directory.root_path, now_ms)
    uow.directory.add_directory(directory)
    uow.directory.add_folder(root)
    uow.directory.add_member(
        Member(
            master.account_id,
            directory_id,
            root.folder_id,
            MemberType.CLOUD,
            JoinMethod.CREATED,
            MemberStatus.CREATE_SUCCESS,
            now_ms,
            now_ms,
        )
    )
    return directory


def new_directory_id(uow: UnitOfWork, deps: Deps) -> str:
    while True:
        candidate = "rd-" + deps.rng.alnum(6)
        if uow.directory.get_directory(candidate) is None:
            return candidate


def enable(deps: Deps, *, principal: Principal, new_ma: NewManagementAccount | None) -> Directory:
    """EnableResourceDirectory. A wrong code is committed as a wrong attempt before the error is raised."""
    with deps.uow() as uow:
        caller = require_account(uow, principal.account_id)
        uow.directory.lock(f"account:{caller.account_id}")  # two enables of one account: one wins, one gets 409
        site = site_of(deps.sites, caller)
        check_site_action(site, "EnableResourceDirectory")
        _not_in_a_directory(uow, caller.account_id)
        check_enterprise(caller)
        now = deps.clock.now()
        now_ms = epoch_ms(now)
        if new_ma is None:
            return _create_directory(uow, deps, caller, now_ms)
        uow.directory.lock(f"ma-name:{new_ma.name}")
        if uow.accounts.name_taken(new_ma.name):
            raise errors.InvalidParameterManagementAccountNameAlreadyUsed()
        phone_value = new_ma.phone or caller.secure_mobile_phone
        if not phone_value:
            raise errors.MissingSecureMobilePhone()
        phone = str(check_phone(phone_value, site, invalid=errors.InvalidParameterManagementAccountSecurityInfo()))
        accepted = verification.check_code(
            uow,
            policy=deps.code_policy,
            box=deps.box,
            now=now,
            purpose=Purpose.ENABLE_RD,
            account_id=caller.account_id,
            phone=phone,
            code=new_ma.code,
        )
        if accepted:
            master = Account(
                account_id=new_account_id(uow, deps.rng),
                name=new_ma.name,
                display_name=new_ma.name.split("@", 1)[0],
                site=caller.site,
                secure_mobile_phone=phone,
                enterprise_name=caller.enterprise_name,
                enterprise_verified=caller.enterprise_verified,
                created_ms=now_ms,
            )
            uow.accounts.add(master)
            add_default_group(uow, master)
            directory = _create_directory(uow, deps, master, now_ms)
            uow.directory.add_member(
                Member(
                    caller.account_id,
                    directory.directory_id,
                    directory.root_folder_id,
                    MemberType.CLOUD,
                    JoinMethod.INVITED,
                    MemberStatus.INVITE_SUCCESS,
                    now_ms,
                    now_ms,
                )
            )
            return directory
        raise errors.InvalidVerificationCode().keeping_changes()  # the wrong attempt counts


def init(deps: Deps, *, principal: Principal) -> Directory:
    """InitResourceDirectory (legacy; Terraform): the caller's account becomes the management account."""
    with deps.uow() as uow:
        caller = require_account(uow, principal.account_id)
        uow.directory.lock(f"account:{caller.account_id}")
        _not_in_a_directory(uow, caller.account_id)
        if caller.site != "cn":
            raise errors.NotSupportAccountSite()
        check_enterprise(caller)
        return _create_directory(uow, deps, caller, epoch_ms(deps.clock.now()))


def destroy(deps: Deps, *, principal: Principal) -> None:
    with deps.uow() as uow:
        directory = uow.directory.directory_managed_by(principal.account_id)
        if directory is None:
            raise errors.EntityNotExistsResourceDirectory()
        uow.directory.lock(f"directory:{directory.directory_id}")
        if uow.directory.count_members(directory.directory_id, excluding=directory.master_account_id):
            raise errors.DeleteConflictResourceDirectoryAccount()
        uow.directory.delete_directory(directory.directory_id)


@dataclass(frozen=True)
class DirectoryView:
    directory: Directory
    identity_information: str


def get_resource_directory(deps: Deps, *, principal: Principal) -> DirectoryView:
    """Any member may read its directory; an account in none gets ResourceDirectoryNotInUse."""
    with deps.uow(write=False) as uow:
        directory = directory_of(uow, principal.account_id)
        if directory is None:
            raise errors.ResourceDirectoryNotInUse()
        master = require_account(uow, directory.master_account_id)
        status = guardrails.status_of(directory, epoch_ms(deps.clock.now()))
        return DirectoryView(replace(directory, control_policy_status=status.value), master.enterprise_name or "")
