"""Tags of accounts and folders through the official SDKs: TagResources, UntagResources (and its UnTagResources
spelling), ListTagResources, ListTagKeys, ListTagValues, and the tags CreateResourceAccount, GetAccount and
ListAccounts read and write in the same store (docs/tags.md)."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm

from support.directory import RDM, Org, World

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


def tag(org: Org, ids: list[str], pairs: dict[str, str], kind: str = "Account", **extra: Any) -> None:
    request = rm.TagResourcesRequest(
        resource_id=ids, resource_type=kind, tag=[rm.TagResourcesRequestTag(key=k, value=v) for k, v in pairs.items()]
    )
    assert org.rm(**extra).tag_resources(request).body.request_id


def listed(org: Org, ids: list[str] | None = None, kind: str = "Account", **kw: Any) -> list[tuple[str, str, str]]:
    request = rm.ListTagResourcesRequest(resource_id=ids, resource_type=kind, max_results=100, **kw)
    rows = org.client.list_tag_resources(request).body.tag_resources
    assert all(r.resource_type == kind for r in rows)
    return [(r.resource_id, r.tag_key, r.tag_value) for r in rows]


@pytest.mark.parametrize("extra", SIGNING)
def test_account_tags_are_one_store(world: World, extra: dict[str, str]) -> None:
    org = world.org()
    first = org.resource_account(tag=[rm.CreateResourceAccountRequestTag(key="team", value="a")])
    # The Terraform provider's spelling of the same parameter: Tags.N.*
    second = org.call("CreateResourceAccount", DisplayName="tagged-two", **{"Tags.1.Key": "env", "Tags.1.Value": "p"})
    second_id = second["Account"]["AccountId"]

    tag(org, [first, second_id], {"cost": "42", "env": "dev"}, **extra)
    assert sorted(listed(org, [first, second_id])) == sorted(
        [(first, "cost", "42"), (first, "env", "dev"), (first, "team", "a"),
         (second_id, "cost", "42"), (second_id, "env", "dev")]
    )  # fmt: skip

    got = org.client.get_account(rm.GetAccountRequest(account_id=first, include_tags=True)).body.account
    assert [(t.key, t.value) for t in got.tags] == [("cost", "42"), ("env", "dev"), ("team", "a")]
    accounts = org.client.list_accounts(rm.ListAccountsRequest(include_tags=True)).body.accounts.account
    by_id = {a.account_id: [(t.key, t.value) for t in a.tags.tag] for a in accounts}
    assert by_id[second_id] == [("cost", "42"), ("env", "dev")]
    filtered = org.client.list_accounts(rm.ListAccountsRequest(tag=[rm.ListAccountsRequestTag(key="team")]))
    assert [a.account_id for a in filtered.body.accounts.account] == [first]


def test_untag_keys_and_all(world: World) -> None:
    org = world.org()
    account = org.resource_account()
    tag(org, [account], {"a": "1", "b": "2", "c": "3"})
    request = rm.UntagResourcesRequest(resource_id=[account], resource_type="Account", tag_key=["a", "nope"])
    assert org.client.untag_resources(request).body.request_id
    assert listed(org, [account]) == [(account, "b", "2"), (account, "c", "3")]
    org.call("UnTagResources", ResourceType="Account", **{"ResourceId.1": account, "TagKey.1": "b"})
    assert listed(org, [account]) == [(account, "c", "3")]
    every = rm.UntagResourcesRequest(resource_id=[account], resource_type="Account", all=True)
    org.client.untag_resources(every)
    assert listed(org, [account]) == []
    tag(org, [account], {"x": "1"})
    org.call("UnTagResources", ResourceType="Account", All="true", **{"ResourceId.1": account})
    assert listed(org, [account]) == []


def test_a_key_given_again_takes_its_new_value(world: World) -> None:
    org = world.org()
    account = org.resource_account()
    tag(org, [account], {"env": "dev"})
    tag(org, [account], {"env": "prod", "empty": ""})
    assert listed(org, [account]) == [(account, "empty", ""), (account, "env", "prod")]


def test_folder_tags_on_the_master_product(world: World) -> None:
    org = world.org()
    folder = org.folder()
    client = org.rdm()
    request = rdm.TagResourcesRequest(
        resource_id=[folder], resource_type="Folder", tag=[rdm.TagResourcesRequestTag(key="k", value="v")]
    )
    client.tag_resources(request)
    rows = client.list_tag_resources(rdm.ListTagResourcesRequest(resource_id=[folder], resource_type="Folder"))
    assert [(r.resource_id, r.resource_type, r.tag_key, r.tag_value) for r in rows.body.tag_resources] == [
        (folder, "Folder", "k", "v")
    ]
    accounts = client.list_tag_resources(rdm.ListTagResourcesRequest(resource_type="Account")).body.tag_resources
    assert accounts == []  # another type's rows
    client.untag_resources(rdm.UntagResourcesRequest(resource_id=[folder], resource_type="Folder", tag_key=["k"]))
    rows = client.list_tag_resources(rdm.ListTagResourcesRequest(resource_id=[folder], resource_type="Folder"))
    assert rows.body.tag_resources == []


def test_tags_of_a_deleted_folder_go_with_it(world: World) -> None:
    org = world.org()
    folder = org.folder()
    org.call("TagResources", RDM, ResourceType="Folder", **{"ResourceId.1": folder, "Tag.1.Key": "k"})
    org.client.delete_folder(rm.DeleteFolderRequest(folder_id=folder))
    assert org.call("ListTagResources", RDM, ResourceType="Folder")["TagResources"] == []


def test_listing_pages_by_next_token_absent_on_the_last_page(world: World) -> None:
    org = world.org()
    accounts = sorted(org.resource_account() for _ in range(3))
    for account in accounts:
        tag(org, [account], {"k1": "v", "k2": "v"})
    seen: list[tuple[str, str]] = []
    query: dict[str, str] = {"ResourceType": "Account", "MaxResults": "4"}
    pages = 0
    while True:
        body = org.call("ListTagResources", **query)
        pages += 1
        seen += [(r["ResourceId"], r["TagKey"]) for r in body["TagResources"]]
        if "NextToken" not in body:
            break
        assert body["NextToken"]  # never ""
        query["NextToken"] = body["NextToken"]
    assert pages == 2
    assert seen == [(a, k) for a in accounts for k in ("k1", "k2")]
    assert "NextToken" not in org.call("ListTagResources", ResourceType="Account", MaxResults="6")


def test_filters(world: World) -> None:
    org = world.org()
    one, two = org.resource_account(), org.resource_account()
    tag(org, [one], {"env": "prod", "team": "a"})
    tag(org, [two], {"env": "dev"})
    by_key = listed(org, tag=[rm.ListTagResourcesRequestTag(key="env")])
    assert sorted(by_key) == sorted([(one, "env", "prod"), (two, "env", "dev")])
    by_pair = listed(org, tag=[rm.ListTagResourcesRequestTag(key="env", value="dev")])
    assert by_pair == [(two, "env", "dev")]
    assert listed(org, ["1" * 16]) == []  # an id outside the directory lists nothing


def test_keys_and_values(world: World) -> None:
    org = world.org()
    one, two = org.resource_account(), org.resource_account()
    tag(org, [one], {"env": "prod", "team": "a", "cost-centre": "x"})
    tag(org, [two], {"env": "dev"})
    keys = org.client.list_tag_keys(rm.ListTagKeysRequest(resource_type="Account")).body
    assert [k.key for k in keys.tags] == ["cost-centre", "env", "team"]
    first = org.call("ListTagKeys", ResourceType="Account", MaxResults="2")
    assert [k["Key"] for k in first["Tags"]] == ["cost-centre", "env"]
    rest = org.call("ListTagKeys", ResourceType="Account", MaxResults="2", NextToken=first["NextToken"])
    assert ([k["Key"] for k in rest["Tags"]], "NextToken" in rest) == (["team"], False)
    assert [
        k.key
        for k in org.rdm().list_tag_keys(rdm.ListTagKeysRequest(resource_type="Account", key_filter="en")).body.tags
    ] == ["cost-centre", "env"]

    values = org.client.list_tag_values(rm.ListTagValuesRequest(resource_type="Account", tag_key="env")).body
    assert [v.value for v in values.tags] == ["dev", "prod"]
    assert "NextToken" not in org.call("ListTagValues", ResourceType="Account", TagKey="env")
    narrowed = org.rdm().list_tag_values(
        rdm.ListTagValuesRequest(resource_type="Account", tag_key="env", value_filter="pr")
    )
    assert [v.value for v in narrowed.body.tags] == ["prod"]


def test_directories_see_only_their_own_tags(world: World) -> None:
    org, other = world.org(), world.org()
    tag(org, [org.resource_account()], {"mine": "1"})
    assert listed(other) == []
    assert other.client.list_tag_keys(rm.ListTagKeysRequest(resource_type="Account")).body.tags == []


def test_resource_groups_are_the_default_type_of_resource_manager(world: World) -> None:
    org = world.org()
    body = org.call("ListTagResources")  # no ResourceType: resource groups, of which this account has none tagged
    assert body["TagResources"] == []
    assert "NextToken" not in body
