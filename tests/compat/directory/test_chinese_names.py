"""Names a person types allow Chinese characters, as the Chinese documentation of each action does: member display
names (CreateResourceAccount, UpdateAccount's NewDisplayName) and folder names, through the Tea SDKs (V3 and V1,
both products) and the old core SDK, with lengths counted in characters."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkresourcemanager.request.v20200331.CreateFolderRequest import CreateFolderRequest
from aliyunsdkresourcemanager.request.v20200331.CreateResourceAccountRequest import CreateResourceAccountRequest

from openrd import errors
from support.directory import Checks, World

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
PRODUCTS = [pytest.param(rm, id="rm"), pytest.param(rdm, id="rdm")]


@pytest.mark.parametrize("models", PRODUCTS)
@pytest.mark.parametrize("extra", SIGNING)
def test_chinese_display_and_folder_names(world: World, extra: dict[str, str], models: Any) -> None:
    org = world.org()
    client = org.rm(**extra) if models is rm else org.rdm(**extra)
    folder = client.create_folder(models.CreateFolderRequest(folder_name="研发部")).body.folder
    assert folder.folder_name == "研发部"
    request = models.CreateResourceAccountRequest(display_name="研发 一部", parent_folder_id=folder.folder_id)
    account = client.create_resource_account(request).body.account
    assert (account.display_name, account.folder_id) == ("研发 一部", folder.folder_id)
    got = client.get_account(models.GetAccountRequest(account_id=account.account_id)).body.account
    assert got.display_name == "研发 一部"
    renamed = models.UpdateAccountRequest(account_id=account.account_id, new_display_name="运维-组_2.0")
    assert client.update_account(renamed).body.account.display_name == "运维-组_2.0"
    listed = client.list_folders_for_parent(models.ListFoldersForParentRequest()).body.folders.folder
    assert [f.folder_name for f in listed] == ["研发部"]


def test_lengths_are_counted_in_characters(world: World, check: type[Checks]) -> None:
    org = world.org()
    c = org.client
    assert c.create_folder(rm.CreateFolderRequest(folder_name="部" * 24)).body.folder.folder_name == "部" * 24
    check.fails(errors.InvalidParameterFolderNameLength, c.create_folder, rm.CreateFolderRequest(folder_name="部" * 25))
    fifty = c.create_resource_account(rm.CreateResourceAccountRequest(display_name="研" * 50)).body.account
    assert fifty.display_name == "研" * 50
    too_long = rm.CreateResourceAccountRequest(display_name="研" * 51)
    check.fails(errors.InvalidParameterAccountDisplayNameLength, c.create_resource_account, too_long)
    check.fails(
        errors.InvalidParameterAccountDisplayName,
        c.create_resource_account,
        rm.CreateResourceAccountRequest(display_name="研"),  # two characters at least
    )


@pytest.mark.parametrize("name", ["研发/一部", "研发，一部", "研发😀", "한국어팀"])
def test_other_characters_stay_refused(world: World, check: type[Checks], name: str) -> None:
    org = world.org()
    request = rm.CreateResourceAccountRequest(display_name=name)
    check.fails(errors.InvalidParameterAccountDisplayName, org.client.create_resource_account, request)
    check.fails(errors.InvalidParameterFolderName, org.client.create_folder, rm.CreateFolderRequest(folder_name=name))


def test_chinese_names_through_the_core_sdk(world: World) -> None:
    org = world.org()
    client = AcsClient(org.access_key_id, org.secret, "cn-hangzhou")

    def send(request: Any) -> dict[str, Any]:
        request.set_endpoint(org.server.endpoint)
        request.set_protocol_type("http")
        return dict(json.loads(client.do_action_with_exception(request)))

    folder = CreateFolderRequest()
    folder.set_FolderName("财务")
    folder_id = send(folder)["Folder"]["FolderId"]
    account = CreateResourceAccountRequest()
    account.set_DisplayName("财务 共享")
    account.set_ParentFolderId(folder_id)
    created = send(account)["Account"]
    assert (created["DisplayName"], created["FolderId"]) == ("财务 共享", folder_id)
    refused = CreateResourceAccountRequest()
    refused.set_DisplayName("财务/共享")
    with pytest.raises(ServerException) as caught:
        send(refused)
    client.session.close()  # its pooled connection, now rather than whenever the client is collected
    assert (caught.value.get_error_code(), caught.value.get_http_status()) == (
        "InvalidParameter.Account.DisplayName",
        400,
    )
