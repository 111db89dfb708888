"""ListAccounts, ListAccountsForParent, MoveAccount, UpdateAccount, RemoveCloudAccount through the official
Tea SDKs (docs/behaviour.md#members, #member-accounts, #identifiers-and-pagination)."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from support.directory import Checks, Org, World

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


def _accounts(org: Org, **kw: Any) -> Any:
    return org.client.list_accounts(rm.ListAccountsRequest(**kw)).body


def _in_folder(org: Org, parent: str | None = None, **kw: Any) -> Any:
    request = rm.ListAccountsForParentRequest(parent_folder_id=parent, **kw)
    return org.client.list_accounts_for_parent(request).body


def _get(org: Org, account_id: str) -> Any:
    return org.client.get_account(rm.GetAccountRequest(account_id=account_id)).body.account


# ---------------------------------------------------------------------------------------------- ListAccounts


@pytest.mark.parametrize("extra", SIGNING)
def test_list_accounts_shapes(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org = world.org()
    folder = org.folder()
    tagged = org.resource_account(
        "Tagged one", parent_folder_id=folder, tag=[rm.CreateResourceAccountRequestTag(key="env", value="prod")]
    )
    body = org.rm(**extra).list_accounts(rm.ListAccountsRequest(include_tags=True)).body
    assert (body.total_count, body.page_number, body.page_size) == (2, 1, 10)
    assert body.request_id
    master, member = body.accounts.account
    assert master.account_id == org.account_id  # the management account is a member of its own directory
    assert (master.type, master.join_method, master.status) == ("CloudAccount", "created", "CreateSuccess")
    assert master.resource_directory_path == f"{org.directory_id}/{org.root_id}/{org.account_id}"
    assert (master.folder_id, master.display_name) == (org.root_id, org.display_name)
    assert master.tags.tag == []
    assert member.account_id == tagged
    assert (member.type, member.join_method, member.status) == ("ResourceAccount", "created", "CreateSuccess")
    assert (member.display_name, member.folder_id, member.resource_directory_id) == (
        "Tagged one",
        folder,
        org.directory_id,
    )
    assert member.resource_directory_path == f"{org.directory_id}/{org.root_id}/{folder}/{tagged}"
    assert check.time.fullmatch(member.join_time)
    assert check.time.fullmatch(member.modify_time)
    assert [(t.key, t.value) for t in member.tags.tag] == [("env", "prod")]
    assert _accounts(org).accounts.account[1].tags is None  # tags only when asked for


def test_list_accounts_pagination_and_filters(world: World) -> None:
    org = world.org()
    made = [org.resource_account(f"member {i:02d}") for i in range(11)]
    expected = [org.account_id, *made]  # join order
    first = _accounts(org, page_size=5)
    assert (first.total_count, first.page_number, first.page_size) == (12, 1, 5)
    pages = [_accounts(org, page_number=n, page_size=5).accounts.account for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [a.account_id for p in pages for a in p] == expected
    assert _accounts(org, page_number=9, page_size=5).accounts.account == []
    assert len(_accounts(org).accounts.account) == 10
    org.resource_account("other", tag=[rm.CreateResourceAccountRequestTag(key="team", value="red")])
    by_tag = _accounts(org, tag=[rm.ListAccountsRequestTag(key="team", value="red")])
    assert [a.display_name for a in by_tag.accounts.account] == ["other"]
    assert by_tag.total_count == 1
    by_keyword = org.rdm().list_accounts(rdm.ListAccountsRequest(query_keyword="member 1")).body
    assert [a.display_name for a in by_keyword.accounts.account] == ["member 10"]


def test_list_accounts_for_parent(world: World, check: type[Checks]) -> None:
    org = world.org()
    folder = org.folder()
    inside = [org.resource_account(f"in {i}", parent_folder_id=folder) for i in range(3)]
    outside = org.resource_account("at root")
    body = _in_folder(org, folder, page_size=2)
    assert (body.total_count, body.page_number, body.page_size) == (3, 1, 2)
    assert [a.account_id for a in body.accounts.account] == inside[:2]
    assert [a.account_id for a in _in_folder(org, folder, page_number=2, page_size=2).accounts.account] == inside[2:]
    item = body.accounts.account[0]
    assert (item.folder_id, item.type, item.resource_directory_id) == (folder, "ResourceAccount", org.directory_id)
    assert not hasattr(item, "resource_directory_path")  # not part of this operation's model
    root = _in_folder(org)  # the root folder by default
    assert [a.account_id for a in root.accounts.account] == [org.account_id, outside]
    assert _in_folder(org, folder, query_keyword="in 1").total_count == 1
    tagged = _in_folder(org, folder, include_tags=True).accounts.account[0]
    assert tagged.tags.tag == []


def test_list_errors(world: World, check: type[Checks]) -> None:
    org, other = world.org(), world.org()
    c = org.client
    bad = rm.ListAccountsForParentRequest(parent_folder_id="folder-1")
    check.fails(errors.InvalidParameterParentFolderId, c.list_accounts_for_parent, bad)
    theirs = rm.ListAccountsForParentRequest(parent_folder_id=other.root_id)
    check.fails(errors.EntityNotExistsFolder, c.list_accounts_for_parent, theirs)
    check.fails_param("PageSize", c.list_accounts, rm.ListAccountsRequest(page_size=101))
    check.fails_param("PageNumber", c.list_accounts, rm.ListAccountsRequest(page_number=0))
    check.fails_param("IncludeTags", c.list_accounts, rm.ListAccountsRequest(include_tags="maybe"))
    loner = world.account().client
    rd = errors.EntityNotExistsResourceDirectory
    check.fails(rd, loner.list_accounts, rm.ListAccountsRequest())
    check.fails(rd, loner.list_accounts_for_parent, rm.ListAccountsForParentRequest())


# ---------------------------------------------------------------------------------------------- MoveAccount


@pytest.mark.parametrize("extra", SIGNING)
def test_move_account(world: World, extra: dict[str, str]) -> None:
    org = world.org()
    folder = org.folder()
    member = org.resource_account()
    before = _get(org, member)
    client = org.rm(**extra)
    assert client.move_account(rm.MoveAccountRequest(account_id=member, destination_folder_id=folder)).body.request_id
    moved = _get(org, member)
    assert moved.folder_id == folder
    assert moved.resource_directory_path == f"{org.directory_id}/{org.root_id}/{folder}/{member}"
    assert moved.modify_time >= before.modify_time
    assert [a.account_id for a in _in_folder(org, folder).accounts.account] == [member]
    # The management account moves too, and back to the root.
    client.move_account(rm.MoveAccountRequest(account_id=org.account_id, destination_folder_id=folder))
    assert _get(org, org.account_id).folder_id == folder
    client.move_account(rm.MoveAccountRequest(account_id=org.account_id, destination_folder_id=org.root_id))
    assert _get(org, org.account_id).folder_id == org.root_id


def test_move_account_errors(world: World, check: type[Checks]) -> None:
    org, other = world.org(), world.org()
    member = org.resource_account()
    c = org.client

    def move(account_id: str | None, folder_id: str | None) -> Any:
        return c.move_account(rm.MoveAccountRequest(account_id=account_id, destination_folder_id=folder_id))

    check.fails(errors.MissingParameterAccountId, move, None, org.root_id)
    check.fails(errors.InvalidParameterAccountId, move, "12ab", org.root_id)
    check.fails(errors.MissingParameterDestinationFolderId, move, member, None)
    check.fails(errors.InvalidParameterDestinationFolderId, move, member, "root")
    check.fails(errors.EntityNotExistsAccount, move, "1000000000000000", org.root_id)
    check.fails(errors.EntityNotExistsAccount, move, other.account_id, org.root_id)  # another directory's member
    check.fails(errors.EntityNotExistsFolder, move, member, other.root_id)  # the destination must be ours
    check.fails(errors.EntityNotExistsFolder, move, org.account_id, "fd-0123456789")
    loner = world.account().client
    request = rm.MoveAccountRequest(account_id=member, destination_folder_id=org.root_id)
    check.fails(errors.EntityNotExistsResourceDirectory, loner.move_account, request)


# ---------------------------------------------------------------------------------------------- UpdateAccount


@pytest.mark.parametrize("extra", SIGNING)
def test_rename(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org = world.org()
    member = org.resource_account("Before")
    request = rm.UpdateAccountRequest(account_id=member, new_display_name="After 1")
    account = org.rm(**extra).update_account(request).body.account
    assert (account.account_id, account.display_name, account.type) == (member, "After 1", "ResourceAccount")
    assert (account.join_method, account.status, account.folder_id) == ("created", "CreateSuccess", org.root_id)
    assert account.account_name.endswith(f"@{org.directory_id.lower()}.aliyunid.com")
    assert account.resource_directory_id == org.directory_id
    assert check.time.fullmatch(account.modify_time)
    assert _get(org, member).display_name == "After 1"
    # The name is now taken in this directory; renaming to one's own name is fine.
    other = org.resource_account()
    taken = rm.UpdateAccountRequest(account_id=other, new_display_name="After 1")
    check.fails(errors.InvalidParameterAccountDisplayNameAlreadyUsed, org.client.update_account, taken)
    org.client.update_account(rm.UpdateAccountRequest(account_id=member, new_display_name="After 1"))


def test_switch_account_type(world: World, check: type[Checks]) -> None:
    org = world.org(site="cn")
    member = org.resource_account()
    c = org.client
    to_cloud = rm.UpdateAccountRequest(account_id=member, new_account_type="CloudAccount")
    check.fails(errors.MissingSecurityInfoForSwitch, c.update_account, to_cloud)
    world.patch(member, secure_mobile_phone="86-13900001234")
    switched = c.update_account(to_cloud).body.account
    # The type changes; how it joined (created, CreateSuccess) does not.
    assert (switched.type, switched.join_method, switched.status) == ("CloudAccount", "created", "CreateSuccess")
    assert _get(org, member).type == "CloudAccount"
    check.fails(errors.AccountTypeMismatch, c.update_account, to_cloud)  # already a CloudAccount
    back = c.update_account(rm.UpdateAccountRequest(account_id=member, new_account_type="ResourceAccount"))
    assert back.body.account.type == "ResourceAccount"
    master = rm.UpdateAccountRequest(account_id=org.account_id, new_account_type="ResourceAccount")
    check.fails(errors.AccountTypeMismatch, c.update_account, master)


def test_switch_needs_the_same_legal_entity(world: World, check: type[Checks]) -> None:
    org = world.org()
    outsider = world.account(enterprise_name="Other Corp")
    org.adopt(outsider)
    request = rm.UpdateAccountRequest(account_id=outsider.account_id, new_account_type="ResourceAccount")
    check.fails(errors.LegalEntityDifferent, org.client.update_account, request)
    insider = world.account()  # same enterprise name as the management account
    org.adopt(insider)
    request = rm.UpdateAccountRequest(account_id=insider.account_id, new_account_type="ResourceAccount")
    account = org.client.update_account(request).body.account
    assert (account.type, account.join_method, account.status) == ("ResourceAccount", "invited", "InviteSuccess")


def test_dry_run_changes_nothing(world: World) -> None:
    org = world.org()
    member = org.resource_account("Stays")
    request = rdm.UpdateAccountRequest(account_id=member, new_display_name="Would be", dry_run=True)
    assert org.rdm().update_account(request).body.account.display_name == "Would be"
    assert _get(org, member).display_name == "Stays"


def test_update_errors(world: World, check: type[Checks]) -> None:
    org, other = world.org(), world.org()
    member = org.resource_account()
    c = org.client

    def update(**kw: Any) -> Any:
        return c.update_account(rm.UpdateAccountRequest(**kw))

    check.fails(errors.MissingDisplayNameOrAccountType, update, account_id=member)
    check.fails(
        errors.MissingDisplayNameOrAccountType,
        update,
        account_id=member,
        new_display_name="x y",
        new_account_type="CloudAccount",
    )
    check.fails(errors.MissingParameterAccountId, update, new_display_name="abc")
    check.fails(errors.InvalidParameterAccountId, update, account_id="x", new_display_name="abc")
    check.fails(errors.InvalidParameterAccountDisplayName, update, account_id=member, new_display_name="bad/name")
    check.fails(errors.InvalidParameterAccountDisplayNameLength, update, account_id=member, new_display_name="a" * 51)
    check.fails_param("NewAccountType", update, account_id=member, new_account_type="Robot")
    check.fails(errors.EntityNotExistsAccount, update, account_id=other.account_id, new_display_name="abc")
    loner = world.account().client
    request = rm.UpdateAccountRequest(account_id=member, new_display_name="abc")
    check.fails(errors.EntityNotExistsResourceDirectory, loner.update_account, request)


# ---------------------------------------------------------------------------------------------- RemoveCloudAccount


@pytest.mark.parametrize("extra", SIGNING)
def test_remove_cloud_account(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org, guest = world.org(), world.account()
    org.adopt(guest)
    assert guest.client.get_resource_directory().body.resource_directory.resource_directory_id == org.directory_id
    request = rm.RemoveCloudAccountRequest(account_id=guest.account_id)
    assert org.rm(**extra).remove_cloud_account(request).body.request_id
    check.fails(errors.EntityNotExistsAccount, _get, org, guest.account_id)
    check.fails(errors.ResourceDirectoryNotInUse, guest.client.get_resource_directory)
    assert _accounts(org).total_count == 1
    # It belongs to no directory again: it may be invited again, or enable its own.
    org.adopt(guest)
    org.client.remove_cloud_account(request)
    enabled = guest.client.enable_resource_directory(rm.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    assert enabled.body.resource_directory.master_account_id == guest.account_id


def test_remove_cloud_account_errors(world: World, check: type[Checks]) -> None:
    org, other = world.org(), world.org()
    resource = org.resource_account()
    c = org.client

    def remove(account_id: str | None) -> Any:
        return c.remove_cloud_account(rm.RemoveCloudAccountRequest(account_id=account_id))

    check.fails(errors.AccountTypeOrStatusMismatch, remove, resource)
    check.fails(errors.AccountTypeOrStatusMismatch, remove, org.account_id)  # the management account stays
    check.fails(errors.EntityNotExistsAccount, remove, other.account_id)
    check.fails(errors.EntityNotExistsAccount, remove, "1000000000000000")
    check.fails(errors.MissingParameterAccountId, remove, None)
    check.fails(errors.InvalidParameterAccountId, remove, "123")
    loner = world.account().client
    request = rm.RemoveCloudAccountRequest(account_id=resource)
    check.fails(errors.EntityNotExistsResourceDirectory, loner.remove_cloud_account, request)
