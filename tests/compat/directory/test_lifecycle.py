"""InitResourceDirectory (legacy enable, China site) and DestroyResourceDirectory through the official SDKs
(docs/behaviour.md#directories)."""

from __future__ import annotations

import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils_models import OpenApiRequest
from darabonba.runtime import RuntimeOptions

from openrd import errors
from support.compat import rpc_params
from support.directory import RDM, Checks, World

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


@pytest.mark.parametrize("extra", SIGNING)
def test_init_makes_the_caller_the_management_account(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    account = world.account(site="cn", enterprise_name="ACME China")
    created = account.rm(**extra).init_resource_directory().body.resource_directory
    assert created.master_account_id == account.account_id
    assert created.resource_directory_id.startswith("rd-")
    assert created.root_folder_id.startswith("r-")
    assert check.time.fullmatch(created.create_time)
    got = account.rdm(**extra).get_resource_directory().body.resource_directory
    assert got.resource_directory_id == created.resource_directory_id
    assert got.identity_information == "ACME China"
    assert got.master_account_name == account.display_name  # the login name defaults to the display name


def test_init_errors_in_their_order(world: World, check: type[Checks]) -> None:
    intl = world.account(site="intl")
    check.fails(errors.NotSupportAccountSite, intl.client.init_resource_directory)
    nameless = world.account(site="cn", enterprise_name=None)
    check.fails(errors.InvalidEnterpriseName, nameless.client.init_resource_directory)
    unverified = world.account(site="cn", enterprise_verified=False)
    check.fails(errors.EnterpriseRealNameVerificationError, unverified.client.init_resource_directory)
    manager = world.org(site="cn")
    check.fails(errors.EntityAlreadyExistsResourceDirectory, manager.client.init_resource_directory)
    joined = world.account(site="cn")
    manager.adopt(joined)
    check.fails(errors.NotSupportAccountInAnotherResourceDirectory, joined.client.init_resource_directory)


@pytest.mark.parametrize("extra", SIGNING)
def test_destroy_an_empty_directory(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org = world.org()
    org.rm(**extra).destroy_resource_directory()
    check.fails(errors.ResourceDirectoryNotInUse, org.client.get_resource_directory)
    # The account is free again: it can enable a new directory.
    again = org.client.enable_resource_directory(rm.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    assert again.body.resource_directory.resource_directory_id != org.directory_id


def test_destroy_refuses_while_members_remain(world: World, check: type[Checks]) -> None:
    org = world.org()
    member = org.resource_account()
    check.fails(errors.DeleteConflictResourceDirectoryAccount, org.client.destroy_resource_directory)
    assert org.client.get_account(rm.GetAccountRequest(account_id=member)).body.account.account_id == member


def test_destroy_without_a_directory(world: World, check: type[Checks]) -> None:
    loner = world.account()
    check.fails(errors.EntityNotExistsResourceDirectory, loner.client.destroy_resource_directory)


@pytest.mark.parametrize(("version", "has_sync_status"), [("2020-03-31", False), ("2022-04-19", True)])
def test_get_resource_directory_fields_follow_the_products_model(
    world: World, version: str, has_sync_status: bool
) -> None:
    """Only the 2022-04-19 model declares MemberAccountDisplayNameSyncStatus; the 2020-03-31 answer leaves it out,
    so a typed client that checks its model against the JSON (the Node.js SDK tests do) finds nothing extra."""
    org = world.org()
    params = rpc_params("GetResourceDirectory", version)
    body = OpenApiClient(org.config()).call_api(params, OpenApiRequest(), RuntimeOptions())["body"]
    fields = set(body["ResourceDirectory"])
    assert fields >= {"ResourceDirectoryId", "MasterAccountId", "RootFolderId", "ControlPolicyStatus"}
    assert ("MemberAccountDisplayNameSyncStatus" in fields) is has_sync_status


def test_destroy_takes_the_tags_of_its_folders_with_it(world: World) -> None:
    org = world.org()
    tag = {"ResourceId.1": org.folder(), "Tag.1.Key": "team", "Tag.1.Value": "ops"}
    org.call("TagResources", RDM, ResourceType="Folder", **tag)
    assert org.call("ListTagKeys", RDM, ResourceType="Folder")["Tags"] == [{"Key": "team"}]
    org.client.destroy_resource_directory()
    org.client.enable_resource_directory(rm.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    assert org.call("ListTagKeys", RDM, ResourceType="Folder")["Tags"] == []
