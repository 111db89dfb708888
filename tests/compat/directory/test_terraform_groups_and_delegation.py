"""``alicloud_resource_manager_resource_group`` and ``alicloud_resource_manager_delegated_administrator`` as the
Terraform provider drives them, replayed call for call (V1 signatures, business parameters in a form body;
tests/support/terraform.py): create, the provider's read, update, read again, delete, and the read that finds the
resource gone (the provider then drops it from its state)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.directory import World
from support.servers import LiveServer
from support.terraform import RM, Provider, ProviderError

POLLS = 10


@pytest.fixture
def provider(server: LiveServer, world: World) -> Iterator[tuple[Provider, str]]:
    account = world.account()
    with Provider(server.endpoint, account.access_key_id, account.secret) as configured:
        yield configured, account.account_id


def _describe_group(provider: Provider, group_id: str) -> dict[str, Any] | None:
    """DescribeResourceManagerResourceGroup: GetResourceGroup; EntityNotExists or PendingDelete is "not found"."""
    try:
        answer = provider.call(RM, "GetResourceGroup", {"ResourceGroupId": group_id})
    except ProviderError as error:
        if error.code != "EntityNotExists.ResourceGroup":
            raise
        return None
    group: dict[str, Any] = answer["ResourceGroup"]
    return None if group["Status"] == "PendingDelete" else group


def _read_group(provider: Provider, group_id: str) -> dict[str, Any]:
    """The resource's Read: the group, then its tags through ListTagResources (every NextToken page)."""
    group = _describe_group(provider, group_id)
    assert group is not None
    rows = provider.pages(
        RM, "ListTagResources", {"ResourceType": "ResourceGroup", "ResourceId.1": group_id}, "TagResources"
    )
    state = {
        "display_name": group["DisplayName"],
        "name": group["Name"],
        "account_id": group["AccountId"],
        "status": group["Status"],
        "region_statuses": group["RegionStatuses"]["RegionStatus"],
        "tags": {row["TagKey"]: row["TagValue"] for row in rows},
    }
    assert {row["ResourceType"] for row in rows} <= {"resourcegroup"}
    return state


def test_resource_group_lifecycle(provider: tuple[Provider, str]) -> None:
    tf, account_id = provider
    created = tf.call(
        RM,
        "CreateResourceGroup",
        {"DisplayName": "tf group", "Name": "tf-group", "Tag": [{"Key": "env", "Value": "prod"}]},
    )
    group_id = created["ResourceGroup"]["Id"]
    assert created["ResourceGroup"]["Status"] == "Creating"
    for _ in range(POLLS):  # BuildStateConf(..., []string{"OK"}, ...)
        described = _describe_group(tf, group_id)
        if described is not None and described["Status"] == "OK":
            break
    else:
        raise AssertionError("the group never became OK")
    assert _read_group(tf, group_id) == {
        "display_name": "tf group",
        "name": "tf-group",
        "account_id": account_id,
        "status": "OK",
        "region_statuses": [],
        "tags": {"env": "prod"},
    }

    # Update: the display name, then the tags (removed keys first, then the added ones).
    tf.call(RM, "UpdateResourceGroup", {"ResourceGroupId": group_id, "NewDisplayName": "tf group 2"})
    tf.call(RM, "UnTagResources", {"ResourceType": "ResourceGroup", "ResourceId.1": group_id, "TagKey.1": "env"})
    tf.call(
        RM,
        "TagResources",
        {"ResourceType": "ResourceGroup", "ResourceId.1": group_id, "Tag.1.Key": "team", "Tag.1.Value": "data"},
    )
    state = _read_group(tf, group_id)
    assert (state["display_name"], state["tags"]) == ("tf group 2", {"team": "data"})

    tf.call(RM, "DeleteResourceGroup", {"ResourceGroupId": group_id})
    assert _describe_group(tf, group_id) is None  # gone: the next plan creates it again
    with pytest.raises(ProviderError) as caught:  # a second destroy finds nothing, which the provider takes as done
        tf.call(RM, "DeleteResourceGroup", {"ResourceGroupId": group_id})
    assert caught.value.code == "EntityNotExists.ResourceGroup"
    assert [call for _, call in tf.sent].count("GetResourceGroup") >= 3


def _describe_delegated(provider: Provider, resource_id: str) -> dict[str, Any] | None:
    """DescribeResourceManagerDelegatedAdministrator: ListDelegatedAdministrators of the service, page by page."""
    account_id, service = resource_id.split(":")
    request: dict[str, Any] = {"ServicePrincipal": service, "PageNumber": 1, "PageSize": 50}
    while True:
        accounts = provider.call(RM, "ListDelegatedAdministrators", request)["Accounts"]["Account"]
        for item in accounts:
            if item["AccountId"] == account_id:
                found: dict[str, Any] = item
                return found
        if len(accounts) < request["PageSize"]:
            return None
        request["PageNumber"] += 1


def test_delegated_administrator_lifecycle(server: LiveServer, world: World) -> None:
    org = world.org()
    members = [org.resource_account() for _ in range(2)]
    with Provider(server.endpoint, org.access_key_id, org.secret) as tf:
        service = "resourcecenter.aliyuncs.com"
        for member in members:
            tf.call(RM, "RegisterDelegatedAdministrator", {"ServicePrincipal": service, "AccountId": member})
        resource_id = f"{members[1]}:{service}"  # d.SetId("<account>:<service principal>")
        read = _describe_delegated(tf, resource_id)
        assert read is not None
        assert (read["AccountId"], read["ServicePrincipal"]) == (members[1], service)
        # No update: both arguments force a new resource. Replace = delete, then create.
        tf.call(RM, "DeregisterDelegatedAdministrator", {"ServicePrincipal": service, "AccountId": members[1]})
        assert _describe_delegated(tf, resource_id) is None
        with pytest.raises(ProviderError) as caught:  # destroyed again: refused, nothing changes
            tf.call(RM, "DeregisterDelegatedAdministrator", {"ServicePrincipal": service, "AccountId": members[1]})
        assert caught.value.code == "AccountNotRegistered"
        assert _describe_delegated(tf, f"{members[0]}:{service}") is not None


def test_the_provider_waits_out_creating(server: LiveServer, provider: tuple[Provider, str]) -> None:
    """With a creation delay the provider's state loop sees Creating, waits (10 s a read), and goes on at OK."""
    tf, _ = provider
    server.rd.set_transitions(resource_group_create=25)
    try:
        group_id = tf.call(RM, "CreateResourceGroup", {"DisplayName": "slow", "Name": "slow"})["ResourceGroup"]["Id"]
        seen = []
        for _ in range(POLLS):
            described = _describe_group(tf, group_id)
            assert described is not None
            seen.append(described["Status"])
            if described["Status"] == "OK":
                break
            server.rd.advance(10)  # the provider's poll interval, on the emulator clock
        assert seen == ["Creating", "Creating", "Creating", "OK"]
    finally:
        server.rd.set_transitions(resource_group_create=0)
        server.rd.set_clock_offset(0)
