"""Every documented error of CheckAccountDelete, GetAccountDeletionCheckResult, DeleteAccount and
GetAccountDeletionStatus through the official Tea SDK, each reached with the checks before it passing (the pending
states' errors are in test_account_deletion.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from support.compat import rpc_params
from support.deletion import Deleting, deleting, ram_account, set_member_deletion
from support.directory import World
from support.servers import LiveServer

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
GHOST = "1" * 16


def _actions(rd: Deleting, **extra: Any) -> dict[str, Callable[[str], Any]]:
    return {
        "CheckAccountDelete": lambda account_id: rd.check(account_id, **extra),
        "GetAccountDeletionCheckResult": lambda account_id: rd.check_result(account_id, **extra),
        "DeleteAccount": lambda account_id: rd.delete(account_id, **extra),
        "GetAccountDeletionStatus": lambda account_id: rd.status(account_id, **extra),
    }


@pytest.mark.parametrize("extra", SIGNING)
def test_the_account_id_is_checked_first(world: World, check: Any, extra: dict[str, str]) -> None:
    rd = deleting(world)
    for call in _actions(rd, **extra).values():
        check.fails(errors.MissingParameterAccountId, call, None)
        check.fails(errors.InvalidParameterAccountId, call, "12345")
        check.fails(errors.EntityNotExistsAccount, call, GHOST)


def test_a_caller_without_a_directory(world: World, check: Any) -> None:
    lone = world.account()
    rd = Deleting(world, world.org(), ram_account(world.server, lone.account_id, "lonely"))
    actions = _actions(rd)
    for name in ("CheckAccountDelete", "GetAccountDeletionCheckResult", "DeleteAccount"):
        check.fails(errors.EntityNotExistsResourceDirectory, actions[name], GHOST)
    check.fails(errors.EntityNotExistsAccount, actions["GetAccountDeletionStatus"], GHOST)


def test_a_member_of_another_directory_is_unknown(world: World, check: Any) -> None:
    rd, other = deleting(world), deleting(world)
    stranger = other.member()
    for call in _actions(rd).values():
        check.fails(errors.EntityNotExistsAccount, call, stranger)


def test_the_management_account_is_no_member_to_delete(world: World, check: Any) -> None:
    rd = deleting(world)
    own = rd.org.account_id
    check.fails(errors.AccountTypeOrStatusMismatch, rd.check, own)
    check.fails(errors.AccountTypeOrStatusMismatch, rd.check_result, own)
    check.fails(errors.MemberTypeErrorDeleteAccount, rd.delete, own)


def test_no_check_task_yet(world: World, check: Any) -> None:
    rd = deleting(world)
    member = rd.member()
    check.fails(errors.EntityNotExistsCheckAccount, rd.check_result, member)
    check.fails(errors.EntityNotExistsCheckAccount, rd.status, member)
    rd.check(member)
    check.fails(errors.EntityNotExistsCheckAccount, rd.status, member)  # a pre-check is no deletion


@pytest.mark.parametrize("extra", SIGNING)
def test_member_deletion_must_be_enabled(world: World, check: Any, extra: dict[str, str]) -> None:
    rd = deleting(world, enabled=False)
    member = rd.member()
    check.fails(errors.NoLicenseResourceDirectory, rd.check, member, **extra)
    check.fails(errors.NoLicenseResourceDirectory, rd.delete, member, **extra)
    set_member_deletion(rd.org, "Enabled")
    set_member_deletion(rd.org, "Disabled")
    check.fails(errors.NoLicenseResourceDirectory, rd.delete, member, **extra)
    assert rd.rm().get_account(rm.GetAccountRequest(account_id=member)).body.account.account_id == member


def test_not_while_the_control_policy_enablement_is_pending(world: World, server: LiveServer, check: Any) -> None:
    rd = deleting(world)
    member = rd.member()
    server.rd.set_transitions(control_policy=600)
    try:
        assert rd.rm().enable_control_policy().body.enablement_status == "PendingEnable"
        check.fails(errors.InvalidControlPolicyEnablementStatus, rd.check, member)
        check.fails(errors.InvalidControlPolicyEnablementStatus, rd.delete, member)
        server.rd.complete_transitions("control_policy")
        rd.check(member)  # Enabled: no longer in the way
    finally:
        server.rd.set_transitions(control_policy=0)


def test_not_a_delegated_administrator(world: World, check: Any) -> None:
    rd = deleting(world)
    member = rd.member()
    request = rm.RegisterDelegatedAdministratorRequest(account_id=member, service_principal="config.aliyuncs.com")
    rd.rm().register_delegated_administrator(request)
    check.fails(errors.RemoveConfilctAccountAsDelegatedAdministator, rd.check, member)
    check.fails(errors.RemoveConfilctAccountAsDelegatedAdministator, rd.delete, member)
    deregister = rm.DeregisterDelegatedAdministratorRequest(account_id=member, service_principal="config.aliyuncs.com")
    rd.rm().deregister_delegated_administrator(deregister)
    assert rd.delete(member).deletion_type == "0"


def test_the_root_may_not_delete(world: World, check: Any) -> None:
    rd = deleting(world)
    member = rd.member()
    root = Deleting(world, rd.org, rd.org)
    check.fails(errors.CallerIdentityErrorDeleteAccount, root.check, member)
    check.fails(errors.CallerIdentityErrorDeleteAccount, root.delete, member)


def test_a_member_of_another_legal_entity(world: World, check: Any) -> None:
    rd = deleting(world)
    member = rd.member()
    world.patch(member, enterprise_name="Other Corp")
    check.fails(errors.LegalEntityDifferent, rd.check, member)
    check.fails(errors.LegalEntityDifferent, rd.delete, member)


def test_a_cloud_account_member(world: World, check: Any) -> None:
    rd = deleting(world)
    invited = world.account()
    rd.org.adopt(invited)
    check.fails(errors.MemberTypeErrorDeleteAccount, rd.check, invited.account_id)
    check.fails(errors.MemberTypeErrorDeleteAccount, rd.delete, invited.account_id)


def test_a_read_only_identity_is_denied(world: World, check: Any) -> None:
    rd = deleting(world)
    member = rd.member()
    reader = ram_account(world.server, rd.org.account_id, "reader", ("AliyunResourceDirectoryReadOnlyAccess",))
    readonly = Deleting(world, rd.org, reader)
    check.fails(errors.NoPermission, readonly.check, member)
    check.fails(errors.NoPermission, readonly.delete, member)
    # Reads are allowed: GetAccountDeletionCheckResult answers its own errors.
    check.fails(errors.EntityNotExistsCheckAccount, readonly.check_result, member)


@pytest.mark.parametrize(
    "waive", ['["RAM_USERS",1]', '{"RAM_USERS": 1}', "[" * 5000, '"RAM_USERS"', " ", '["RAM USERS"]', "[", "[]]"]
)
def test_a_malformed_waiver_list(world: World, check: Any, waive: str) -> None:
    rd = deleting(world)
    member = rd.member()
    request = rm.DeleteAccountShrinkRequest(account_id=member, abandonable_check_id_shrink=waive)
    check.fails_param("AbandonableCheckId", _delete_shrunk, rd, request)


def _delete_shrunk(rd: Deleting, request: Any) -> Any:
    from alibabacloud_tea_openapi.utils_models import OpenApiRequest
    from darabonba.runtime import RuntimeOptions

    query = {"AccountId": request.account_id, "AbandonableCheckId": request.abandonable_check_id_shrink}
    return rd.rm().call_api(rpc_params("DeleteAccount", "2020-03-31"), OpenApiRequest(query=query), RuntimeOptions())
