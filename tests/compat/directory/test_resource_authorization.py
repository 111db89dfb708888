"""Policies that name resources, through the official SDK: a statement applies only where its ``Resource`` /
``NotResource`` matches the ARN of what the call acts on (docs/behaviour.md#resources-of-an-action).

Members are ``acs:resourcemanager::<management account>:account/<rd-id>/<root-id>/<folders…>/<account id>``, folders
``…:folder/<rd-id>/<root-id>/<folders…>``, and every other action ``acs:resourcemanager:*:<caller's account>:*``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config

from support.directory import Org, World


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
ALL_RM = {"Effect": "Allow", "Action": "resourcemanager:*", "Resource": "*"}


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "1", "Statement": list(statements)}


@dataclass
class Tree:
    """A directory with a folder holding one account, and one account in the root."""

    org: Org  # a management account with its directory
    folder: str
    in_folder: str
    in_root: str

    def account_arn(self, account_id: str, *folders: str, region: str = "") -> str:
        path = "/".join([self.org.directory_id, self.org.root_id, *folders, account_id])
        return f"acs:resourcemanager:{region}:{self.org.account_id}:account/{path}"

    def folder_arn(self, *folders: str) -> str:
        path = "/".join([self.org.directory_id, self.org.root_id, *folders])
        return f"acs:resourcemanager::{self.org.account_id}:folder/{path}"

    def user(self, document: dict[str, Any], **extra: Any) -> RmClient:
        made = self.org.server.rd.create_ram_user(self.org.account_id, unique("u"), [document])
        config = Config(
            access_key_id=made["access_key_id"],
            access_key_secret=made["access_key_secret"],
            endpoint=self.org.server.endpoint,
            protocol="http",
            **extra,
        )
        return RmClient(config)


@pytest.fixture
def tree(world: World) -> Tree:
    org = world.org()
    folder = org.folder()
    in_folder = org.resource_account(parent_folder_id=folder)
    in_root = org.resource_account()
    return Tree(org, folder, in_folder, in_root)


def denied(call: Callable[[], Any], deny_type: str) -> dict[str, Any]:
    with pytest.raises(ClientException) as caught:
        call()
    assert (caught.value.status_code, caught.value.code) == (403, "NoPermission"), caught.value
    detail: dict[str, Any] = caught.value.access_denied_detail
    assert detail["NoPermissionType"] == deny_type
    return detail


def get_account(client: RmClient, account_id: str) -> str:
    return str(client.get_account(rm.GetAccountRequest(account_id=account_id)).body.account.account_id)


@pytest.mark.parametrize("extra", SIGNING)
def test_a_broad_deny_naming_the_service_blocks_an_action_without_a_target(tree: Tree, extra: dict[str, str]) -> None:
    deny = {"Effect": "Deny", "Action": "resourcemanager:CreateFolder", "Resource": "acs:resourcemanager:*:*:*"}
    client = tree.user(policy(ALL_RM, deny), **extra)
    detail = denied(lambda: client.create_folder(rm.CreateFolderRequest(folder_name=unique("f"))), "ExplicitDeny")
    assert detail["AuthAction"] == "resourcemanager:CreateFolder"
    assert client.get_resource_directory().body.resource_directory.resource_directory_id == tree.org.directory_id


@pytest.mark.parametrize("pattern", ["*", "acs:*", "acs:resourcemanager:*:*:*", "acs:resourcemanager::*:*"])
def test_every_wildcard_spelling_of_the_service_matches(tree: Tree, pattern: str) -> None:
    deny = {"Effect": "Deny", "Action": "resourcemanager:GetResourceDirectory", "Resource": pattern}
    client = tree.user(policy(ALL_RM, deny))
    denied(client.get_resource_directory, "ExplicitDeny")


@pytest.mark.parametrize("extra", SIGNING)
def test_a_deny_on_one_account_blocks_that_account_only(tree: Tree, extra: dict[str, str]) -> None:
    deny = {"Effect": "Deny", "Action": "resourcemanager:GetAccount", "Resource": tree.account_arn(tree.in_root)}
    client = tree.user(policy(ALL_RM, deny), **extra)
    denied(lambda: get_account(client, tree.in_root), "ExplicitDeny")
    assert get_account(client, tree.in_folder) == tree.in_folder


def test_a_deny_on_a_branch_blocks_the_accounts_below_its_folder(tree: Tree) -> None:
    branch = tree.account_arn("*", tree.folder).removesuffix("/*") + "/*"
    client = tree.user(policy(ALL_RM, {"Effect": "Deny", "Action": "resourcemanager:*", "Resource": branch}))
    denied(lambda: get_account(client, tree.in_folder), "ExplicitDeny")
    move = rm.MoveAccountRequest(account_id=tree.in_folder, destination_folder_id=tree.org.root_id)
    denied(lambda: client.move_account(move), "ExplicitDeny")
    assert get_account(client, tree.in_root) == tree.in_root


def test_an_empty_region_and_a_star_region_name_the_same_account(tree: Tree) -> None:
    deny = {
        "Effect": "Deny",
        "Action": "resourcemanager:GetAccount",
        "Resource": tree.account_arn(tree.in_root, region="*"),
    }
    client = tree.user(policy(ALL_RM, deny))
    denied(lambda: get_account(client, tree.in_root), "ExplicitDeny")


@pytest.mark.parametrize("extra", SIGNING)
def test_an_allow_naming_one_account_grants_that_account_only(tree: Tree, extra: dict[str, str]) -> None:
    allow = {"Effect": "Allow", "Action": "resourcemanager:GetAccount", "Resource": tree.account_arn(tree.in_root)}
    client = tree.user(policy(allow), **extra)
    assert get_account(client, tree.in_root) == tree.in_root
    denied(lambda: get_account(client, tree.in_folder), "ImplicitDeny")
    denied(client.get_resource_directory, "ImplicitDeny")


def test_an_allow_with_not_resource_grants_everything_but_the_named_account(tree: Tree) -> None:
    allow = {"Effect": "Allow", "Action": "resourcemanager:*", "NotResource": tree.account_arn(tree.in_root)}
    client = tree.user(policy(allow))
    denied(lambda: get_account(client, tree.in_root), "ImplicitDeny")
    assert get_account(client, tree.in_folder) == tree.in_folder
    assert client.get_resource_directory().body.resource_directory.resource_directory_id == tree.org.directory_id


def test_a_deny_with_not_resource_blocks_everything_but_the_named_account(tree: Tree) -> None:
    deny = {"Effect": "Deny", "Action": "resourcemanager:*", "NotResource": tree.account_arn(tree.in_root)}
    client = tree.user(policy(ALL_RM, deny))
    assert get_account(client, tree.in_root) == tree.in_root
    denied(lambda: get_account(client, tree.in_folder), "ExplicitDeny")
    denied(client.get_resource_directory, "ExplicitDeny")


def test_a_deny_on_a_folder_blocks_the_folder_actions(tree: Tree) -> None:
    deny = {"Effect": "Deny", "Action": "resourcemanager:*Folder*", "Resource": tree.folder_arn(tree.folder)}
    client = tree.user(policy(ALL_RM, deny))
    denied(lambda: client.get_folder(rm.GetFolderRequest(folder_id=tree.folder)), "ExplicitDeny")
    listing = rm.ListFoldersForParentRequest(parent_folder_id=tree.folder)
    denied(lambda: client.list_folders_for_parent(listing), "ExplicitDeny")
    assert client.get_folder(rm.GetFolderRequest(folder_id=tree.org.root_id)).body.folder.folder_id == tree.org.root_id


def test_a_deny_on_the_root_folder_covers_a_listing_that_names_no_parent(tree: Tree) -> None:
    deny = {"Effect": "Deny", "Action": "resourcemanager:ListFoldersForParent", "Resource": tree.folder_arn()}
    client = tree.user(policy(ALL_RM, deny))
    denied(lambda: client.list_folders_for_parent(rm.ListFoldersForParentRequest()), "ExplicitDeny")
    listing = rm.ListFoldersForParentRequest(parent_folder_id=tree.folder)
    assert client.list_folders_for_parent(listing).body.total_count == 0


def test_an_unknown_account_never_slips_past_a_deny_that_names_accounts(tree: Tree) -> None:
    """The call would fail anyway; with a Deny naming accounts in play it fails as a denial, not as "not found"."""
    deny = {"Effect": "Deny", "Action": "resourcemanager:GetAccount", "Resource": tree.account_arn("*")}
    client = tree.user(policy(ALL_RM, deny))
    denied(lambda: get_account(client, "1" * 16), "ExplicitDeny")
    denied(lambda: get_account(client, tree.in_root), "ExplicitDeny")
    plain = tree.user(policy(ALL_RM))
    with pytest.raises(ClientException) as caught:
        get_account(plain, "1" * 16)
    assert (caught.value.status_code, caught.value.code) == (404, "EntityNotExists.Account")


def test_an_allow_naming_accounts_never_grants_an_unknown_one(tree: Tree) -> None:
    allow = {"Effect": "Allow", "Action": "resourcemanager:GetAccount", "Resource": tree.account_arn("*")}
    client = tree.user(policy(allow))
    denied(lambda: get_account(client, "1" * 16), "ImplicitDeny")
    assert get_account(client, tree.in_folder) == tree.in_folder
