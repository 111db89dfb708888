"""Payers and the directory's settings through the official SDKs: GetPayerForAccount, UpdatePayerForAccount,
CreateResourceAccount's PayerAccountId, SetMemberDeletionPermission, SetMemberDisplayNameSyncStatus and what
GetResourceDirectory shows of them (docs/settings.md)."""

from __future__ import annotations

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_tea_openapi.utils_models import Config

from openrd import errors
from support.directory import RDM, RM, Checks, Org, World

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


def _payer(org: Org, account_id: str) -> tuple[str, str]:
    body = org.client.get_payer_for_account(rm.GetPayerForAccountRequest(account_id=account_id)).body
    return body.payer_account_id, body.payer_account_name


def _update_payer(org: Org, account_id: str, payer: str) -> object:
    request = rdm.UpdatePayerForAccountRequest(account_id=account_id, payer_account_id=payer)
    return org.rdm().update_payer_for_account(request).body.request_id


@pytest.mark.parametrize("extra", SIGNING)
def test_payers(world: World, extra: dict[str, str]) -> None:
    org = world.org()
    alone = org.resource_account()
    assert _payer(org, alone) == ("", "")  # pays for itself
    paid = org.resource_account(payer_account_id=org.account_id)
    assert _payer(org, paid) == (org.account_id, org.display_name)
    other = org.resource_account("the-payer")
    request = rdm.UpdatePayerForAccountRequest(account_id=paid, payer_account_id=other)
    assert org.rdm(**extra).update_payer_for_account(request).body.request_id
    via_rdm = org.rdm(**extra).get_payer_for_account(rdm.GetPayerForAccountRequest(account_id=paid)).body
    assert (via_rdm.payer_account_id, via_rdm.payer_account_name) == (other, "the-payer")


def test_payer_errors(world: World, check: type[Checks]) -> None:
    org, elsewhere = world.org(), world.org()
    member = org.resource_account()
    stranger = elsewhere.resource_account()
    check.fails(errors.EntityNotExistsAccount, _payer, org, stranger)
    check.fails(errors.EntityNotExistsAccount, _update_payer, org, stranger, org.account_id)
    check.fails(errors.AccountTypeMismatch, _update_payer, org, org.account_id, member)  # a cloud account
    check.fails(errors.NotSupportPayerAccountInAnotherResourceDirectory, _update_payer, org, member, stranger)
    foreign = world.account(enterprise_name="Another Ltd")
    org.adopt(foreign)
    check.fails(errors.InconsistentEnterpriseNameError, _update_payer, org, member, foreign.account_id)
    assert _payer(org, member) == ("", "")  # nothing of a refused call is written
    loner = world.account()
    rd = errors.EntityNotExistsResourceDirectory
    check.fails(rd, loner.client.get_payer_for_account, rm.GetPayerForAccountRequest(account_id=member))
    check.fails(rd, loner.call, "UpdatePayerForAccount", RDM, AccountId=member, PayerAccountId=org.account_id)
    for bad in ("", "12ab"):
        error = errors.MissingParameterAccountId if bad == "" else errors.InvalidParameterAccountId
        check.fails(error, org.client.get_payer_for_account, rm.GetPayerForAccountRequest(account_id=bad))
        check.fails(error, _update_payer, org, bad, org.account_id)


def test_payer_at_creation(world: World, check: type[Checks]) -> None:
    org, elsewhere = world.org(), world.org()
    foreign = world.account(enterprise_name="Another Ltd")
    org.adopt(foreign)
    cases = [
        (errors.NotSupportPayerAccountInAnotherResourceDirectory, elsewhere.account_id),
        (errors.InconsistentEnterpriseNameError, foreign.account_id),
    ]
    for error, payer in cases:
        request = rm.CreateResourceAccountRequest(display_name="refused-payer", payer_account_id=payer)
        check.fails(error, org.client.create_resource_account, request)
    names = [a.display_name for a in org.client.list_accounts(rm.ListAccountsRequest()).body.accounts.account]
    assert "refused-payer" not in names  # the create is undone with its payer


def test_the_master_only_versions(world: World, check: type[Checks]) -> None:
    org = world.org()
    member = org.resource_account()
    check.fails(errors.InvalidApiNotFound, org.call, "UpdatePayerForAccount", RM, AccountId=member,
                PayerAccountId=org.account_id)  # fmt: skip
    check.fails(errors.InvalidApiNotFound, org.call, "SetMemberDisplayNameSyncStatus", RM, Status="Enabled")


@pytest.mark.parametrize("extra", SIGNING)
def test_member_deletion_permission(world: World, extra: dict[str, str]) -> None:
    org = world.org()
    directory = org.client.get_resource_directory().body.resource_directory
    assert (directory.member_deletion_status, directory.control_policy_status) == ("Disabled", "Disabled")
    request = rm.SetMemberDeletionPermissionRequest(status="Enabled")
    body = org.rm(**extra).set_member_deletion_permission(request).body
    assert (body.member_deletion_status, body.management_account_id, body.resource_directory_id) == (
        "Enabled",
        org.account_id,
        org.directory_id,
    )
    assert org.client.get_resource_directory().body.resource_directory.member_deletion_status == "Enabled"
    via_rdm = org.rdm().set_member_deletion_permission(rdm.SetMemberDeletionPermissionRequest(status="Disabled"))
    assert via_rdm.body.member_deletion_status == "Disabled"
    assert org.rdm().get_resource_directory().body.resource_directory.member_deletion_status == "Disabled"


@pytest.mark.parametrize("extra", SIGNING)
def test_display_name_sync(world: World, extra: dict[str, str]) -> None:
    org = world.org()
    assert org.rdm().get_resource_directory().body.resource_directory.member_account_display_name_sync_status == (
        "Disabled"
    )
    request = rdm.SetMemberDisplayNameSyncStatusRequest(status="Enabled")
    body = org.rdm(**extra).set_member_display_name_sync_status(request).body
    assert body.member_account_display_name_sync_status == "Enabled"
    shown = org.call("GetResourceDirectory", RDM)["ResourceDirectory"]
    assert shown["MemberAccountDisplayNameSyncStatus"] == "Enabled"
    assert "MemberAccountDisplayNameSyncStatus" not in org.call("GetResourceDirectory", RM)["ResourceDirectory"]


def test_setting_errors(world: World, check: type[Checks]) -> None:
    org = world.org()
    member = world.account()
    org.adopt(member)
    loner = world.account()
    cases = [
        ("SetMemberDeletionPermission", RM),
        ("SetMemberDeletionPermission", RDM),
        ("SetMemberDisplayNameSyncStatus", RDM),
    ]
    for action, version in cases:
        check.fails(errors.InvalidParameterStatus, org.call, action, version, Status="enabled")
        check.fails_missing("Status", org.call, action, version)
        check.fails(errors.MemberAccountAccessDenied, member.call, action, version, Status="Enabled")
        check.fails(errors.EntityNotExistsResourceDirectory, loner.call, action, version, Status="Enabled")
    assert org.client.get_resource_directory().body.resource_directory.member_deletion_status == "Disabled"
    # A member's RAM identity is refused the same way, its policy allowing it.
    made = world.server.rd.create_ram_user(member.account_id, "settings-user", ["AliyunResourceDirectoryFullAccess"])
    config = Config(
        access_key_id=made["access_key_id"],
        access_key_secret=made["access_key_secret"],
        endpoint=world.server.endpoint,
        protocol="http",
    )
    request = rm.SetMemberDeletionPermissionRequest(status="Enabled")
    check.fails(errors.MemberAccountAccessDenied, RmClient(config).set_member_deletion_permission, request)
