"""Deleting resource accounts through the official SDKs (docs/lifecycle.md#account-deletion): the pre-check, its
waivable items, the deletion and its lasting Success, the pending states under a delay, and what a deleted account
loses (listings, counts, GetAccount, every credential)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm
from aliyunsdkresourcemanager.request.v20200331.DeleteAccountRequest import DeleteAccountRequest
from sqlalchemy import text

from openrd import errors
from support.compat import Creds, Sdk
from support.deletion import Deleting, deleting, ram_account
from support.directory import World
from support.servers import LiveServer

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


@pytest.fixture
def rd(world: World) -> Deleting:
    return deleting(world)


@pytest.fixture
def delays(server: LiveServer) -> Iterator[LiveServer]:
    """The module's server with transition delays the test sets; the defaults come back afterwards."""
    try:
        yield server
    finally:
        server.rd.set_transitions(account_deletion_check=0, account_deletion=0)


def _count(rd: Deleting) -> int:
    return int(rd.rm().list_accounts(rm.ListAccountsRequest()).body.total_count)


@pytest.mark.parametrize("extra", SIGNING)
def test_check_then_delete_a_resource_account(rd: Deleting, check: Any, extra: dict[str, Any]) -> None:
    member = rd.member()
    before = _count(rd)
    assert rd.check(member, **extra).body.request_id
    info = rd.check_result(member, **extra)
    assert (info.status, info.allow_delete) == ("PreCheckComplete", "true")
    assert (info.not_allow_reason, info.abandonable_checks) == ([], [])
    assert rd.delete(member, **extra).deletion_type == "0"
    status = rd.status(member, **extra)
    assert (status.account_id, status.status, status.deletion_type) == (member, "Success", "0")
    assert check.time.fullmatch(status.create_time)
    assert check.time.fullmatch(status.deletion_time)
    assert status.fail_reason_list == []
    # Gone: from GetAccount, the listings and the counts; the deletion's Success stays.
    check.fails(errors.EntityNotExistsAccount, rd.rm().get_account, rm.GetAccountRequest(account_id=member))
    listed = rd.rm().list_accounts(rm.ListAccountsRequest(page_size=100)).body.accounts.account
    assert member not in {a.account_id for a in listed}
    assert _count(rd) == before - 1
    parent = rm.ListAccountsForParentRequest(parent_folder_id=rd.org.root_id, page_size=100)
    assert member not in {a.account_id for a in rd.rm().list_accounts_for_parent(parent).body.accounts.account}
    rd.world.clock(advance_seconds=86400 * 30)
    try:
        assert rd.status(member).status == "Success"
    finally:
        rd.world.clock(offset_seconds=0)


def test_the_2022_04_19_actions(rd: Deleting) -> None:
    member = rd.member()
    client = rd.rdm()
    client.check_account_delete(rdm.CheckAccountDeleteRequest(account_id=member))
    request = rdm.GetAccountDeletionCheckResultRequest(account_id=member)
    info = client.get_account_deletion_check_result(request).body.account_deletion_check_result_info
    assert (info.status, info.allow_delete) == ("PreCheckComplete", "true")
    assert client.delete_account(rdm.DeleteAccountRequest(account_id=member)).body.deletion_type == "0"
    status = client.get_account_deletion_status(rdm.GetAccountDeletionStatusRequest(account_id=member)).body
    assert status.rd_account_deletion_status.status == "Success"


def test_a_deletion_without_a_pre_check(rd: Deleting) -> None:
    """The Terraform provider deletes without pre-checking unless asked to force the deletion."""
    member = rd.member()
    assert rd.delete(member).deletion_type == "0"
    assert rd.status(member).status == "Success"


def test_ram_identities_must_be_waived(rd: Deleting, check: Any) -> None:
    member = rd.member()
    server = rd.world.server
    server.rd.create_ram_user(member, "app", ["AdministratorAccess"])
    server.rd.create_ram_role(member, "ops", ["AdministratorAccess"])
    rd.check(member)
    info = rd.check_result(member)
    assert (info.status, info.allow_delete, info.not_allow_reason) == ("PreCheckComplete", "true", [])
    assert [(c.check_id, bool(c.check_name), bool(c.description)) for c in info.abandonable_checks] == [
        ("RAM_USERS", True, True),
        ("RAM_ROLES", True, True),
    ]
    check.fails(errors.SpBlockDeleteAccount, rd.delete, member)
    check.fails(errors.SpBlockDeleteAccount, rd.delete, member, waive=["RAM_USERS"])
    assert rd.rm().get_account(rm.GetAccountRequest(account_id=member)).body.account.account_id == member
    assert rd.delete(member, waive=["RAM_USERS", "RAM_ROLES"]).deletion_type == "0"
    assert rd.status(member).status == "Success"


def test_the_access_role_is_no_reason_to_waive(rd: Deleting) -> None:
    member = rd.member()  # born with ResourceDirectoryAccountAccessRole (AdministratorAccess attached)
    rd.check(member)
    assert rd.check_result(member).abandonable_checks == []
    assert rd.delete(member).deletion_type == "0"


def test_waived_checks_as_a_numbered_list(rd: Deleting) -> None:
    """``AbandonableCheckId.N``, the flat form, through the old core SDK (which itself sends a JSON array)."""
    member = rd.member()
    rd.world.server.rd.create_ram_user(member, "app", ["AdministratorAccess"])
    sdk = Sdk(rd.world.server)
    request = sdk.aim(DeleteAccountRequest())
    request.set_AccountId(member)
    request.add_query_param("AbandonableCheckId.1", "RAM_USERS")
    raw = sdk.core(Creds(rd.admin.access_key_id, rd.admin.secret, rd.admin.account_id)).do_action_with_exception(
        request
    )
    assert b'"DeletionType":"0"' in raw
    assert rd.status(member).status == "Success"


def test_pending_states_under_a_delay(rd: Deleting, delays: LiveServer, check: Any) -> None:
    member = rd.member()
    delays.rd.set_transitions(account_deletion_check=60, account_deletion=600)
    rd.check(member)
    info = rd.check_result(member)
    assert (info.status, info.allow_delete) == ("PreChecking", None)
    check.fails(errors.NotSupportedOperationCheckingAccount, rd.delete, member)
    rd.world.clock(advance_seconds=60)
    try:
        assert rd.check_result(member).status == "PreCheckComplete"
        assert rd.delete(member).deletion_type == "0"
        assert rd.status(member).status == "Deleting"
        assert rd.status(member).deletion_time == ""
        check.fails(errors.NotSupportedOperationDeletingAccount, rd.delete, member)
        delays.rd.set_transitions(account_deletion=0)  # the pending deletion keeps its 600 seconds
        assert rd.status(member).status == "Deleting"
        assert delays.rd.complete_transitions("account_deletion") >= 1
        assert rd.status(member).status == "Success"
        check.fails(errors.AccountNotExistDeleteAccount, rd.delete, member)
    finally:
        rd.world.clock(offset_seconds=0)


def test_a_deleted_accounts_credentials_stop_working(rd: Deleting, check: Any) -> None:
    member = rd.member()
    server = rd.world.server
    user = ram_account(server, member, "reader")
    role = server.rd.create_ram_role(member, "ops", ["AliyunResourceDirectoryReadOnlyAccess"])
    session = server.rd.assume_role(role["arn"], "before-deletion")
    sdk = Sdk(server)
    user_creds = Creds(user.access_key_id, user.secret, member)
    session_creds = Creds(session["access_key_id"], session["access_key_secret"], member, session["security_token"])
    for creds in (user_creds, session_creds):
        assert sdk.sts(creds).get_caller_identity().body.account_id == member
    rd.delete(member, waive=["RAM_USERS", "RAM_ROLES"])
    for creds in (user_creds, session_creds):
        check.fails(errors.InvalidAccessKeyIdNotFound, sdk.sts(creds).get_caller_identity)


def test_ram_groups_must_be_waived(rd: Deleting, check: Any) -> None:
    """A group with a member (written in the store: no RAM group action is served yet), both removed with it."""
    member = rd.member()
    server = rd.world.server
    user = server.rd.create_ram_user(member, "app", ["AdministratorAccess"])
    with server.runtime.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ram_groups (group_id, account_id, name, created_ms, updated_ms)"
                " VALUES (:id, :account, 'ops', 0, 0)"
            ),
            {"id": f"g-{member}", "account": member},
        )
        conn.execute(
            text("INSERT INTO ram_group_members (group_id, user_id, joined_ms) VALUES (:id, :user, 0)"),
            {"id": f"g-{member}", "user": user["user_id"]},
        )
    rd.check(member)
    assert [c.check_id for c in rd.check_result(member).abandonable_checks] == ["RAM_USERS", "RAM_GROUPS"]
    check.fails(errors.SpBlockDeleteAccount, rd.delete, member, waive=["RAM_USERS"])
    rd.delete(member, waive=["RAM_USERS", "RAM_GROUPS"])
    with server.runtime.engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM ram_group_members WHERE group_id = :id"), {"id": f"g-{member}"})
        assert left.scalar_one() == 0


def test_a_deleted_accounts_tags_go_with_it(rd: Deleting) -> None:
    member = rd.member(tag=[rm.CreateResourceAccountRequestTag(key="team", value="payments")])
    listing = rm.ListTagResourcesRequest(resource_type="Account")

    def tagged() -> set[str]:
        return {t.resource_id for t in rd.rm().list_tag_resources(listing).body.tag_resources}

    assert member in tagged()
    rd.delete(member)
    assert member not in tagged()


def test_a_role_session_of_the_management_account_may_delete(rd: Deleting) -> None:
    server = rd.world.server
    role = server.rd.create_ram_role(rd.org.account_id, "deleter", ["AliyunResourceDirectoryFullAccess"])
    session = server.rd.assume_role(role["arn"], "cleanup")
    member = rd.member()
    sdk = Sdk(server)
    creds = Creds(session["access_key_id"], session["access_key_secret"], rd.org.account_id, session["security_token"])
    response = sdk.rm(creds).delete_account(rm.DeleteAccountRequest(account_id=member))
    assert response.body.deletion_type == "0"
