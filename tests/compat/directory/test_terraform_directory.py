"""The Terraform alicloud provider against openrd, replayed call for call the way it sends them
(tests/support/terraform.py: V1 signatures, common parameters in the query, business parameters in a form body,
``Format=json``, the versions the provider uses; docs/terraform.md): its start-up, and the create / read / update
cycles of ``alicloud_resource_manager_account`` (delete is account deletion's), ``alicloud_resource_manager_folder``
and the settings of ``alicloud_resource_manager_resource_directory``."""

from __future__ import annotations

import uuid
from typing import Any

from openrd import errors
from support.directory import Org, World
from support.servers import LiveServer
from support.terraform import RDM, RM, STS, Provider, refused


def test_start_up(tf: Provider, org: Org) -> None:
    """The provider's configure: STS GetCallerIdentity through the Go core SDK (which adds RegionId and an empty
    SignatureType) for the account id. With ``account_type`` set it sends no BssOpenApi probe; without, the probe
    gets a 400 envelope (openrd serves no BssOpenApi), which the provider neither retries nor fails on."""
    core = {"Format": "JSON", "RegionId": "cn-hangzhou", "SignatureType": "", "SignatureNonce": str(uuid.uuid4())}
    identity = tf.call(STS, "GetCallerIdentity", common=core)
    assert (identity["AccountId"], identity["IdentityType"]) == (org.account_id, "Account")
    assert identity["Arn"] == f"acs:ram::{org.account_id}:root"
    probe = {"PageSize": "50", "PageNum": 1, "ProductCode": "vipcloudfw", "ProductType": "vipcloudfw",
             "SubscriptionType": "Subscription"}  # fmt: skip
    answer = tf.request("2017-12-14", "QueryAvailableInstances", probe)
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidVersion")  # not 5xx: not retried


def _read_account(tf: Provider, account_id: str) -> dict[str, Any]:
    """resourceAliCloudResourceManagerAccountRead: GetAccount, GetPayerForAccount, ListTagResources (all pages)."""
    account = tf.call(RM, "GetAccount", {"AccountId": account_id})["Account"]
    payer = tf.call(RM, "GetPayerForAccount", {"RegionId": "cn-hangzhou", "AccountId": account_id})
    rows = tf.pages(RM, "ListTagResources", {"ResourceType": "Account", "ResourceId.1": account_id}, "TagResources")
    return {
        "display_name": account["DisplayName"],
        "folder_id": account["FolderId"],
        "type": account["Type"],
        "status": account["Status"],
        "payer_account_id": payer["PayerAccountId"],
        "tags": {r["TagKey"]: r["TagValue"] for r in rows},
    }


def test_account_resource(tf: Provider, org: Org) -> None:
    folder, other_folder = org.folder(), org.folder()
    payer = org.resource_account("tf-payer")
    created = tf.call(
        RM,
        "CreateResourceAccount",
        {
            "Tags": [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}],  # ConvertTags, flattened
            "DisplayName": "tf-account",
            "ParentFolderId": folder,
        },
    )
    account_id = created["Account"]["AccountId"]
    assert _read_account(tf, account_id) == {
        "display_name": "tf-account",
        "folder_id": folder,
        "type": "ResourceAccount",
        "status": "CreateSuccess",
        "payer_account_id": "",  # pays for itself: "" keeps the force-new field stable across plans
        "tags": {"env": "dev", "team": "a"},
    }
    assert _read_account(tf, account_id) == _read_account(tf, account_id)  # a second plan sees no change

    # An update of every field the resource updates in place, in the provider's order.
    tf.call(RM, "MoveAccount", {"AccountId": account_id, "DestinationFolderId": other_folder})
    tf.call(RM, "UpdateAccount", {"AccountId": account_id, "NewDisplayName": "tf-renamed"})
    tf.call(RDM, "UpdatePayerForAccount", {"AccountId": account_id, "PayerAccountId": payer})
    tf.call(RDM, "UntagResources", {"ResourceId.1": account_id, "TagKey.1": "team", "ResourceType": "Account"})
    tf.call(RDM, "TagResources", {"ResourceId.1": account_id, "Tag.1.Key": "env", "Tag.1.Value": "prod",
                                  "ResourceType": "Account"})  # fmt: skip
    assert _read_account(tf, account_id) == {
        "display_name": "tf-renamed",
        "folder_id": other_folder,
        "type": "ResourceAccount",
        "status": "CreateSuccess",
        "payer_account_id": payer,
        "tags": {"env": "prod"},
    }
    assert tf.sent[:4] == [
        ("ResourceManager", "CreateResourceAccount"),
        ("ResourceManager", "GetAccount"),
        ("ResourceManager", "GetPayerForAccount"),
        ("ResourceManager", "ListTagResources"),
    ]


def test_account_read_follows_next_token_to_the_end(tf: Provider, org: Org) -> None:
    account_id = org.resource_account()
    body: dict[str, Any] = {"ResourceType": "Account", "ResourceId.1": account_id}
    for i in range(15):
        body |= {f"Tag.{i + 1}.Key": f"k{i:02d}", f"Tag.{i + 1}.Value": "v"}
    tf.call(RDM, "TagResources", body)
    rows = tf.pages(RM, "ListTagResources", {"ResourceType": "Account", "ResourceId.1": account_id}, "TagResources")
    assert [r["TagKey"] for r in rows] == [f"k{i:02d}" for i in range(15)]  # two pages of 10, then no NextToken
    assert tf.sent.count(("ResourceManager", "ListTagResources")) == 2


def _read_folder(tf: Provider, folder_id: str) -> dict[str, Any]:
    """resourceAliCloudResourceManagerFolderRead: GetFolder, then its tags through RDM ListTagResources."""
    folder = tf.call(RM, "GetFolder", {"FolderId": folder_id})["Folder"]
    rows = tf.pages(RDM, "ListTagResources", {"ResourceId.1": folder_id, "ResourceType": "Folder"}, "TagResources")
    return {
        "folder_name": folder["FolderName"],
        "parent_folder_id": folder["ParentFolderId"],
        "tags": {r["TagKey"]: r["TagValue"] for r in rows},
    }


def test_folder_resource(tf: Provider, org: Org) -> None:
    parent = org.folder()
    folder_id = tf.call(RM, "CreateFolder", {"ParentFolderId": parent, "FolderName": "tf-folder"})["Folder"]["FolderId"]
    tf.call(RDM, "TagResources", {"ResourceId.1": folder_id, "Tag.1.Key": "env", "Tag.1.Value": "dev",
                                  "ResourceType": "Folder"})  # fmt: skip
    assert _read_folder(tf, folder_id) == {"folder_name": "tf-folder", "parent_folder_id": parent,
                                           "tags": {"env": "dev"}}  # fmt: skip

    renamed = tf.call(RM, "UpdateFolder", {"FolderId": folder_id, "NewFolderName": "tf-renamed"})["Folder"]
    assert renamed["FolderName"] == "tf-renamed"
    tf.call(RDM, "UntagResources", {"ResourceId.1": folder_id, "TagKey.1": "env", "ResourceType": "Folder"})
    assert _read_folder(tf, folder_id) == {"folder_name": "tf-renamed", "parent_folder_id": parent, "tags": {}}

    tf.call(RM, "DeleteFolder", {"FolderId": folder_id})
    # Gone: a second delete and the read answer the codes the provider takes as "already gone".
    refused(errors.EntityNotExistsFolder, tf, RM, "DeleteFolder", {"FolderId": folder_id})
    refused(errors.EntityNotExistsFolder, tf, RM, "GetFolder", {"FolderId": folder_id})


def _read_directory(tf: Provider) -> dict[str, Any]:
    """resourceAliCloudResourceManagerResourceDirectoryRead: RDM GetResourceDirectory."""
    d = tf.call(RDM, "GetResourceDirectory")["ResourceDirectory"]
    return {
        "member_deletion_status": d["MemberDeletionStatus"],
        "member_account_display_name_sync_status": d["MemberAccountDisplayNameSyncStatus"],
        "status": d["ControlPolicyStatus"],
        "root_folder_id": d["RootFolderId"],
        "master_account_id": d["MasterAccountId"],
    }


def test_resource_directory_settings(server: LiveServer, world: World) -> None:
    made = world.account(site="cn")
    with Provider(server.endpoint, made.access_key_id, made.secret) as tf:
        directory = tf.call(RM, "InitResourceDirectory")["ResourceDirectory"]
        before = _read_directory(tf)
        assert before == {
            "member_deletion_status": "Disabled",
            "member_account_display_name_sync_status": "Disabled",
            "status": "Disabled",
            "root_folder_id": directory["RootFolderId"],
            "master_account_id": made.account_id,
        }
        tf.call(RM, "SetMemberDeletionPermission", {"Status": "Enabled"})
        tf.call(RDM, "SetMemberDisplayNameSyncStatus", {"Status": "Enabled"})
        after = _read_directory(tf)
        assert (after["member_deletion_status"], after["member_account_display_name_sync_status"]) == (
            "Enabled",
            "Enabled",
        )
        tf.call(RM, "DestroyResourceDirectory")
        refused(errors.ResourceDirectoryNotInUse, tf, RDM, "GetResourceDirectory", {})  # the provider's "gone"
