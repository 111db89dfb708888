"""Resource groups through the official Tea SDK (ResourceManager 2020-03-31; docs/resource-groups.md): the default
group, create → get → update → delete with their transitions, the listings and filters, every documented refusal,
and their authorization in the ``ram`` service."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config

from openrd import errors
from support.compat import Creds
from support.directory import Account, Checks, World
from support.servers import LiveServer
from support.wire import Wire

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
GROUP_ID = re.compile(r"rg-[a-z0-9]{15}")
CREATE_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def create(client: RmClient, name: str | None = None, display_name: str = "Team") -> Any:
    request = rm.CreateResourceGroupRequest(name=name or Checks.unique("g"), display_name=display_name)
    return client.create_resource_group(request).body.resource_group


def get(client: RmClient, group_id: str) -> Any:
    return client.get_resource_group(rm.GetResourceGroupRequest(resource_group_id=group_id)).body.resource_group


def listed(client: RmClient, **kw: Any) -> Any:
    return client.list_resource_groups(rm.ListResourceGroupsRequest(page_size=100, **kw)).body


def delete(client: RmClient, group_id: str) -> Any:
    return client.delete_resource_group(rm.DeleteResourceGroupRequest(resource_group_id=group_id)).body


@pytest.fixture
def delays(server: LiveServer) -> Iterator[Callable[..., None]]:
    """Sets transition delays; puts every kind back to 0 (the module's server is shared)."""

    def set_delays(**kinds: int) -> None:
        server.rd.set_transitions(**kinds)

    try:
        yield set_delays
    finally:
        server.rd.set_transitions(resource_group_create=0, resource_group_delete=0)


@pytest.mark.parametrize("extra", SIGNING)
def test_round_trip(world: World, extra: dict[str, str]) -> None:
    account = world.account()
    client = account.rm(**extra)
    [default] = listed(client).resource_groups.resource_group
    assert (default.name, default.display_name, default.status) == ("default", "Default Resource Group", "OK")
    assert GROUP_ID.fullmatch(default.id)
    assert default.account_id == account.account_id

    made = create(client, "my-project", "My project")
    assert GROUP_ID.fullmatch(made.id)
    assert (made.name, made.display_name, made.status, made.account_id) == (
        "my-project", "My project", "Creating", account.account_id,
    )  # fmt: skip
    assert CREATE_DATE.fullmatch(made.create_date)
    assert made.region_statuses.region_status == []

    got = get(client, made.id)
    assert (got.id, got.name, got.display_name, got.status, got.create_date) == (
        made.id, "my-project", "My project", "OK", made.create_date,
    )  # fmt: skip

    request = rm.UpdateResourceGroupRequest(resource_group_id=made.id, new_display_name="Renamed")
    updated = client.update_resource_group(request).body.resource_group
    assert (updated.id, updated.display_name, updated.name) == (made.id, "Renamed", "my-project")
    assert get(client, made.id).display_name == "Renamed"
    body = listed(client)
    assert (body.total_count, [g.name for g in body.resource_groups.resource_group]) == (2, ["default", "my-project"])

    gone = delete(client, made.id).resource_group
    day = datetime.now(UTC).strftime("%Y%m%d")
    assert (gone.status, gone.name) == ("PendingDelete", f"my-project-{made.id}-{day}")
    Checks.fails(errors.EntityNotExistsResourceGroup, get, client, made.id)  # the deletion fell due at once
    assert [g.id for g in listed(client).resource_groups.resource_group] == [default.id]


def test_every_account_has_its_default_group(world: World, server: LiveServer) -> None:
    org = world.org()
    member = org.resource_account()
    keys = server.rd.create_access_key(member)
    client = RmClient(
        Config(
            access_key_id=keys["access_key_id"],
            access_key_secret=keys["access_key_secret"],
            endpoint=server.endpoint,
            protocol="http",
        )
    )
    [default] = listed(client).resource_groups.resource_group
    assert (default.name, default.account_id) == ("default", member)
    assert get(org.client, listed(org.client).resource_groups.resource_group[0].id).name == "default"


def test_china_site_default_display_name(world: World) -> None:
    account = world.account(site="cn")
    [default] = listed(account.client).resource_groups.resource_group
    assert default.display_name == "默认资源组"


def test_pending_states_and_their_transitions(
    world: World, server: LiveServer, delays: Callable[..., None], clock: Callable[..., None], check: type[Checks]
) -> None:
    client = world.account().client
    delays(resource_group_create=30)
    made = create(client, "slow")
    assert get(client, made.id).status == "Creating"
    assert [g.id for g in listed(client, status="Creating").resource_groups.resource_group] == [made.id]
    update = rm.UpdateResourceGroupRequest(resource_group_id=made.id, new_display_name="x")
    check.fails(errors.DeleteConflictResourceGroupStatus, client.update_resource_group, update)
    check.fails(errors.DeleteConflictResourceGroupStatus, delete, client, made.id)
    clock(advance_seconds=30)
    assert get(client, made.id).status == "OK"
    assert listed(client, status="Creating").total_count == 0

    delays(resource_group_delete=30)
    pending = delete(client, made.id).resource_group
    seen = get(client, made.id)
    assert (seen.status, seen.name) == ("PendingDelete", pending.name)
    assert [g.id for g in listed(client, status="PendingDelete").resource_groups.resource_group] == [made.id]
    assert listed(client).total_count == 2  # a group pending deletion still counts
    check.fails(errors.DeleteConflictResourceGroupStatus, client.update_resource_group, update)
    check.fails(errors.DeleteConflictResourceGroupStatus, delete, client, made.id)
    delays(resource_group_create=0)
    again = create(client, "slow")  # the pending group's new name freed "slow"
    assert server.rd.complete_transitions("resource_group_delete") >= 1
    check.fails(errors.EntityNotExistsResourceGroup, get, client, made.id)
    assert [g.id for g in listed(client, status="OK").resource_groups.resource_group][1:] == [again.id]


def test_limit_counts_the_default_and_pending_groups(
    world: World, check: type[Checks], delays: Callable[..., None]
) -> None:
    client = world.account().client
    made = [create(client).id for _ in range(29)]  # with the default group: 30
    check.fails(errors.LimitExceededResourceGroup, create, client)
    delays(resource_group_delete=3600)
    delete(client, made[0])
    check.fails(errors.LimitExceededResourceGroup, create, client)  # pending deletion still counts
    assert listed(client).total_count == 30


def test_create_refusals(world: World, check: type[Checks]) -> None:
    client = world.account().client

    def attempt(name: str | None, display_name: str | None = "Team") -> Callable[[], Any]:
        request = rm.CreateResourceGroupRequest(name=name, display_name=display_name)
        return lambda: client.create_resource_group(request)

    for bad in ("1abc", "a", "ab_c", "-abc", "名字ab"):
        check.fails(errors.InvalidParameterNameInvalidChars, attempt(bad))
    check.fails(errors.InvalidParameterNameLength, attempt("a" * 51))
    check.fails(errors.MissingParameterDisplayName, attempt("team", None))
    check.fails(errors.InvalidParameterDisplayName, attempt("team", "   "))
    check.fails(errors.InvalidParameterResourceGroupDisplayNameLength, attempt("team", "组" * 51))
    with pytest.raises(ClientException) as caught:
        attempt(None)()
    assert (caught.value.code, caught.value.status_code) == ("MissingParameter", 400)
    assert create(client, "a" * 50, "组" * 50).display_name == "组" * 50  # counted in characters
    create(client, "team")
    check.fails(errors.EntityAlreadyExistsResourceGroup, attempt("team"))
    check.fails(errors.EntityAlreadyExistsResourceGroup, attempt("default"))


def test_group_refusals(world: World, check: type[Checks]) -> None:
    account = world.account()
    client = account.client
    theirs = create(world.account().client).id
    [default] = listed(client).resource_groups.resource_group
    for call in (
        lambda group_id: get(client, group_id),
        lambda group_id: delete(client, group_id),
        lambda group_id: client.update_resource_group(
            rm.UpdateResourceGroupRequest(resource_group_id=group_id, new_display_name="x")
        ),
    ):
        check.fails(errors.InvalidParameterResourceGroupId, call, "group-1")
        check.fails(errors.EntityNotExistsResourceGroup, call, "rg-unknown")
        check.fails(errors.EntityNotExistsResourceGroup, call, theirs)  # another account's group
    check.fails(errors.NotSupportDefaultResourceGroup, delete, client, default.id)
    mine = create(client).id
    for display_name, error in (
        (None, errors.MissingParameterDisplayName),
        (" ", errors.InvalidParameterDisplayName),
        ("x" * 51, errors.InvalidParameterResourceGroupDisplayNameLength),
    ):
        request = rm.UpdateResourceGroupRequest(resource_group_id=mine, new_display_name=display_name)
        check.fails(error, client.update_resource_group, request)
    check.fails(errors.InvalidParameterResourceGroupId, listed, client, resource_group_id="bad")
    check.fails(errors.InvalidParameterResourceGroupId, listed, client, resource_group_ids=["rg-a", "bad id"])


def test_list_filters_and_paging(world: World) -> None:
    client = world.account().client
    alpha = create(client, "alpha-web", "Web 组").id
    beta = create(client, "beta-web", "Data").id
    gamma = create(client, "gamma", "Data warehouse").id
    assert [g.id for g in listed(client, name="web").resource_groups.resource_group] == [alpha, beta]
    assert [g.id for g in listed(client, display_name="Data").resource_groups.resource_group] == [beta, gamma]
    assert [g.id for g in listed(client, display_name="组").resource_groups.resource_group] == [alpha]
    assert [g.id for g in listed(client, resource_group_id=gamma).resource_groups.resource_group] == [gamma]
    both = listed(client, resource_group_id=gamma, resource_group_ids=[alpha, beta])  # the list wins
    assert [g.id for g in both.resource_groups.resource_group] == [alpha, beta]
    assert listed(client, status="OK").total_count == 4
    assert listed(client, name="nothing").resource_groups.resource_group == []
    page = client.list_resource_groups(rm.ListResourceGroupsRequest(page_number=2, page_size=3)).body
    assert (page.total_count, page.page_number, page.page_size) == (4, 2, 3)
    assert [g.id for g in page.resource_groups.resource_group] == [gamma]
    [item] = listed(client, resource_group_id=alpha).resource_groups.resource_group
    assert (item.name, item.display_name, item.status, item.tags.tag) == ("alpha-web", "Web 组", "OK", [])


def test_resources_are_none(world: World, check: type[Checks]) -> None:
    account = world.account()
    client = account.client
    group = create(client).id
    for group_id in (None, group):
        body = client.list_resources(rm.ListResourcesRequest(resource_group_id=group_id)).body
        assert (body.total_count, body.resources.resource) == (0, [])
        counts = client.get_resource_group_resource_counts(
            rm.GetResourceGroupResourceCountsRequest(resource_group_id=group_id)
        )
        assert counts.body.resource_counts == []
    check.fails(errors.EntityNotExistsResourceGroup, client.list_resources,
                rm.ListResourcesRequest(resource_group_id="rg-nope"))  # fmt: skip
    check.fails(errors.InvalidParameterResourceGroupId, client.list_resources,
                rm.ListResourcesRequest(resource_group_id="nope"))  # fmt: skip
    counts_of = client.get_resource_group_resource_counts
    check.fails(errors.EntityNotExistsResourceGroup, counts_of,
                rm.GetResourceGroupResourceCountsRequest(resource_group_id="rg-nope"))  # fmt: skip
    check.fails(errors.InvalidParameterResourceGroupId, counts_of,
                rm.GetResourceGroupResourceCountsRequest(resource_group_id="x"))  # fmt: skip


def _ram_client(account: Account, statements: list[dict[str, Any]]) -> RmClient:
    document = {"Version": "1", "Statement": statements}
    made = account.server.rd.create_ram_user(account.account_id, Checks.unique("u"), [document])
    return RmClient(
        Config(
            access_key_id=made["access_key_id"],
            access_key_secret=made["access_key_secret"],
            endpoint=account.server.endpoint,
            protocol="http",
        )
    )


def _denied(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ClientException) as caught:
        call()
    assert (caught.value.status_code, caught.value.code) == (403, "NoPermission"), caught.value
    detail: dict[str, Any] = caught.value.access_denied_detail
    return detail


def test_authorized_in_the_ram_service_on_the_group(world: World) -> None:
    account = world.account()
    one, other = create(account.client).id, create(account.client).id
    arn = f"acs:ram:*:{account.account_id}:resourcegroup/{one}"
    client = _ram_client(account, [{"Effect": "Allow", "Action": "ram:*ResourceGroup", "Resource": arn}])
    assert get(client, one).id == one
    detail = _denied(lambda: get(client, other))
    assert detail["AuthAction"] == "ram:GetResourceGroup"
    _denied(lambda: create(client))  # resourcegroup/* is not named
    reader = _ram_client(account, [{"Effect": "Allow", "Action": "resourcemanager:*", "Resource": "*"}])
    _denied(lambda: listed(reader))  # resource groups are not resourcemanager's
    every = f"acs:ram:*:{account.account_id}:resourcegroup/*"
    writer = _ram_client(account, [{"Effect": "Allow", "Action": "ram:*ResourceGroup*", "Resource": every}])
    assert create(writer).status == "Creating"
    assert listed(writer).total_count == 4
    missing = rm.GetResourceGroupRequest()
    with pytest.raises(ClientException) as caught:  # parameters first: a missing ID is never NoPermission
        reader.get_resource_group(missing)
    assert caught.value.code == "MissingParameter"


def test_not_served_by_resource_directory_master(server: LiveServer, world: World) -> None:
    account = world.account()
    with httpx.Client(base_url=server.url) as http:
        wire = Wire(server, http)
        creds = Creds(account.access_key_id, account.secret, account.account_id)
        for action in ("CreateResourceGroup", "ListResourceGroups", "ListResources"):
            answer = wire.send(wire.v1(creds, action, "2022-04-19"))
            assert (answer.status_code, answer.json()["Code"]) == (404, "InvalidApi.NotFound")


def _tag(key: str, value: str) -> rm.CreateResourceGroupRequestTag:
    return rm.CreateResourceGroupRequestTag(key=key, value=value)


def test_tags_at_creation_and_in_reads(world: World, check: type[Checks]) -> None:
    client = world.account().client
    request = rm.CreateResourceGroupRequest(
        name="tagged", display_name="Tagged", tag=[_tag("env", "prod"), _tag("team", "data")]
    )
    made = client.create_resource_group(request).body.resource_group
    plain = create(client, "plain")
    got = client.get_resource_group(rm.GetResourceGroupRequest(resource_group_id=made.id, include_tags=True))
    tags = got.body.resource_group.tags.tag
    assert [(t.tag_key, t.tag_value) for t in tags] == [("env", "prod"), ("team", "data")]
    assert get(client, made.id).tags.tag == []  # only when asked for

    filtered = listed(client, tag=[rm.ListResourceGroupsRequestTag(key="env", value="prod")])
    [item] = filtered.resource_groups.resource_group
    assert (item.id, [(t.tag_key, t.tag_value) for t in item.tags.tag]) == (
        made.id,
        [("env", "prod"), ("team", "data")],
    )
    assert listed(client, tag=[rm.ListResourceGroupsRequestTag(key="team")]).total_count == 1
    assert listed(client, tag=[rm.ListResourceGroupsRequestTag(key="env", value="dev")]).total_count == 0
    with_tags = listed(client, include_tags=True).resource_groups.resource_group
    assert {g.id: len(g.tags.tag) for g in with_tags if g.id in (made.id, plain.id)} == {made.id: 2, plain.id: 0}

    # The tag store is one: RM's tag actions see the same rows, with the documented lower-case type.
    rows = client.list_tag_resources(rm.ListTagResourcesRequest(resource_id=[made.id])).body.tag_resources
    assert {(r.resource_id, r.resource_type, r.tag_key, r.tag_value) for r in rows} == {
        (made.id, "resourcegroup", "env", "prod"),
        (made.id, "resourcegroup", "team", "data"),
    }
    client.tag_resources(
        rm.TagResourcesRequest(resource_id=[plain.id], tag=[rm.TagResourcesRequestTag(key="k", value="v")])
    )
    assert listed(client, tag=[rm.ListResourceGroupsRequestTag(key="k", value="v")]).total_count == 1
    check.fails(
        errors.EntityNotExistsResourceGroup,
        client.tag_resources,
        rm.TagResourcesRequest(resource_id=["rg-nope"], tag=[rm.TagResourcesRequestTag(key="k", value="v")]),
    )

    delete(client, made.id)  # its tags go with it
    rows = client.list_tag_resources(rm.ListTagResourcesRequest(resource_id=[made.id])).body.tag_resources
    assert rows == []


def test_a_refused_tag_refuses_the_group(world: World, check: type[Checks]) -> None:
    client = world.account().client
    for key, value in (("acs:x", "v"), ("k", "https://example.com"), ("aliyun-x", "v")):
        request = rm.CreateResourceGroupRequest(name="refused", display_name="R", tag=[_tag(key, value)])
        check.fails(errors.InvalidParameterTag, client.create_resource_group, request)
    assert listed(client, name="refused").total_count == 0
