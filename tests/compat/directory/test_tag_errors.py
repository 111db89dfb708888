"""The tag actions' refusals through the official SDKs: bad keys and values, the 20-tag limit, resource types per
version, unknown resources, callers without a directory; and nothing of a refused call is written (docs/tags.md)."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from support.directory import RDM, RM, Checks, Org, World

UNTAG_SPELLINGS = ["UntagResources", "UnTagResources"]
BAD_TAGS = [
    pytest.param({"Tag.1.Key": "acs:env"}, id="acs-key"),
    pytest.param({"Tag.1.Key": "Aliyun-env"}, id="aliyun-key"),
    pytest.param({"Tag.1.Key": "see http://x"}, id="http-key"),
    pytest.param({"Tag.1.Key": "k" * 129}, id="long-key"),
    pytest.param({"Tag.1.Key": "env", "Tag.1.Value": "acs:prod"}, id="acs-value"),
    pytest.param({"Tag.1.Key": "env", "Tag.1.Value": "https://x"}, id="https-value"),
    pytest.param({"Tag.1.Key": "env", "Tag.1.Value": "v" * 129}, id="long-value"),
]


def _tags(org: Org, resource_id: str, kind: str = "Account", version: str = RM) -> dict[str, str]:
    body = org.call("ListTagResources", version, ResourceType=kind, MaxResults="100", **{"ResourceId.1": resource_id})
    return {r["TagKey"]: r["TagValue"] for r in body["TagResources"]}


def _tag(org: Org, ids: list[str], pairs: dict[str, str], version: str = RM, kind: str = "Account") -> Any:
    query = {f"ResourceId.{i}": r for i, r in enumerate(ids, start=1)}
    for i, (k, v) in enumerate(pairs.items(), start=1):
        query |= {f"Tag.{i}.Key": k, f"Tag.{i}.Value": v}
    return org.call("TagResources", version, ResourceType=kind, **query)


@pytest.mark.parametrize("bad", BAD_TAGS)
def test_bad_keys_and_values(world: World, check: type[Checks], bad: dict[str, str]) -> None:
    org = world.org()
    account = org.resource_account()
    query = {"ResourceId.1": account, "Tag.2.Key": "fine", **bad}
    check.fails(errors.InvalidParameterTag, org.call, "TagResources", ResourceType="Account", **query)
    assert _tags(org, account) == {}


def test_bad_tags_at_creation_create_nothing(world: World, check: type[Checks]) -> None:
    org = world.org()
    request = rm.CreateResourceAccountRequest(
        display_name="refused-tags", tag=[rm.CreateResourceAccountRequestTag(key="acs:reserved", value="v")]
    )
    check.fails(errors.InvalidParameterTag, org.client.create_resource_account, request)
    assert org.client.list_accounts(rm.ListAccountsRequest()).body.total_count == 1  # the management account


def test_twenty_tags_per_resource(world: World, check: type[Checks]) -> None:
    org = world.org()
    full, other = org.resource_account(), org.resource_account()
    _tag(org, [full], {f"k{i:02d}": "v" for i in range(20)})
    _tag(org, [full], {"k00": "again"})  # a key it carries: still 20
    check.fails(errors.LimitExceededTag, _tag, org, [full], {"k20": "v"})
    # The second resource would pass 20, so the first is not tagged either: all or nothing.
    check.fails(errors.LimitExceededTag, _tag, org, [other, full], {"extra": "v"})
    assert "extra" not in _tags(org, other)
    assert len(_tags(org, full)) == 20
    assert _tags(org, full)["k00"] == "again"
    many = {f"m{i:02d}": "v" for i in range(21)}
    check.fails_param("Tag", _tag, org, [other], many)  # more than 20 in one call: the parameter's own limit


@pytest.mark.parametrize(
    ("version", "kind"),
    [(RM, "Folder"), (RM, "ControlPolicy"), (RDM, "ResourceGroup"), (RM, "Bucket"), (RDM, "Nope")],
)
def test_resource_types_per_version(world: World, check: type[Checks], version: str, kind: str) -> None:
    org = world.org()
    account = org.resource_account()
    bad = errors.InvalidParameterResourceType
    check.fails(bad, _tag, org, [account], {"k": "v"}, version, kind)
    for action in UNTAG_SPELLINGS:
        check.fails(bad, org.call, action, version, ResourceType=kind, All="true", **{"ResourceId.1": account})
    check.fails(bad, org.call, "ListTagResources", version, ResourceType=kind)
    check.fails(bad, org.call, "ListTagKeys", version, ResourceType=kind)
    check.fails(bad, org.call, "ListTagValues", version, ResourceType=kind, TagKey="k")


def test_resource_type_is_required_where_documented(world: World, check: type[Checks]) -> None:
    org = world.org()
    account = org.resource_account()
    calls = [
        ("TagResources", RDM, {"ResourceId.1": account, "Tag.1.Key": "k"}),
        ("ListTagResources", RDM, {}),
        ("ListTagKeys", RM, {}),
        ("ListTagValues", RM, {"TagKey": "k"}),
    ]
    for action, version, query in calls:
        check.fails_missing("ResourceType", org.call, action, version, **query)


@pytest.mark.parametrize("action", UNTAG_SPELLINGS)
def test_unknown_resources(world: World, check: type[Checks], action: str) -> None:
    org, other = world.org(), world.org()
    stranger = other.resource_account()  # a member of another directory
    check.fails(errors.EntityNotExistsAccount, _tag, org, [stranger], {"k": "v"})
    check.fails(errors.EntityNotExistsAccount, org.call, action, ResourceType="Account", All="true",
                **{"ResourceId.1": stranger})  # fmt: skip
    folder = other.folder()
    check.fails(errors.EntityNotExistsFolder, _tag, org, [folder], {"k": "v"}, RDM, "Folder")
    check.fails(errors.EntityNotExistsFolder, org.call, action, RDM, ResourceType="Folder", **{"ResourceId.1": folder,
                "TagKey.1": "k"})  # fmt: skip
    for error, version, kind, unknown in (
        (errors.EntityNotExistsResourceGroup, RM, "ResourceGroup", "rg-aekzunknown0001"),
        (errors.EntityNotExistsControlPolicy, RDM, "ControlPolicy", "cp-unknown0000001"),
    ):
        check.fails(error, _tag, org, [unknown], {"k": "v"}, version, kind)
        check.fails(error, org.call, action, version, ResourceType=kind, All="true", **{"ResourceId.1": unknown})
    mine = org.resource_account()
    check.fails(errors.EntityNotExistsAccount, _tag, org, [mine, stranger], {"k": "v"})
    assert _tags(org, mine) == {}


@pytest.mark.parametrize("action", UNTAG_SPELLINGS)
def test_callers_without_a_directory(world: World, check: type[Checks], action: str) -> None:
    loner = world.account()
    rd = errors.EntityNotExistsResourceDirectory
    check.fails(rd, loner.call, "TagResources", ResourceType="Account", **{"ResourceId.1": "1" * 16, "Tag.1.Key": "k"})
    check.fails(rd, loner.call, action, ResourceType="Account", All="true", **{"ResourceId.1": "1" * 16})
    check.fails(rd, loner.call, "ListTagResources", ResourceType="Account")
    check.fails(rd, loner.call, "ListTagKeys", RDM, ResourceType="Folder")
    check.fails(rd, loner.call, "ListTagValues", ResourceType="Account", TagKey="k")


def test_untag_needs_keys_or_all(world: World, check: type[Checks]) -> None:
    org = world.org()
    account = org.resource_account()
    check.fails_missing("TagKey.1", org.call, "UntagResources", ResourceType="Account", **{"ResourceId.1": account})
    check.fails_param("NextToken", org.call, "ListTagResources", ResourceType="Account", NextToken="garbage")
    check.fails_param("MaxResults", org.call, "ListTagKeys", ResourceType="Account", MaxResults="101")
