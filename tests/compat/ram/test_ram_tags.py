"""RAM's own tags on roles and policies through the official RAM SDK, which sends ResourceNames, Tag and TagKeys
as JSON arrays (docs/policies.md#ram-tags)."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_ram20150501 import models as m

from openrd import errors
from support.compat import World
from support.ram import SIGNING, Ram, document, fails, raised, unique


def _tags(**pairs: str) -> list[m.TagResourcesRequestTag]:
    return [m.TagResourcesRequestTag(key=k, value=v) for k, v in pairs.items()]


def _listed(client: Any, resource_type: str, **kw: Any) -> list[tuple[str, str, str]]:
    body = client.list_tag_resources(m.ListTagResourcesRequest(resource_type=resource_type, **kw)).body
    assert {r.resource_type for r in body.tag_resources} <= {resource_type}
    return [(r.resource_name, r.tag_key, r.tag_value) for r in body.tag_resources]


@pytest.mark.parametrize("extra", SIGNING)
def test_tag_list_and_untag_policies_and_roles(ram: Ram, world: World, extra: dict[str, str]) -> None:
    account, client = ram.root(**extra)
    first, second = sorted(unique("p") for _ in range(2))
    for name in (first, second):
        client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    role = world.role(account=account, name=unique("Role"))["name"]

    client.tag_resources(m.TagResourcesRequest(resource_type="policy", resource_names=[first, second],
                                               tag=_tags(env="prod", team="x" * 256)))  # fmt: skip
    client.tag_resources(m.TagResourcesRequest(resource_type="role", resource_names=[role.lower()],
                                               tag=_tags(env="dev")))  # fmt: skip
    assert _listed(client, "policy") == [
        (first, "env", "prod"), (first, "team", "x" * 256), (second, "env", "prod"), (second, "team", "x" * 256),
    ]  # fmt: skip
    assert _listed(client, "role") == [(role, "env", "dev")]  # the name as stored, whatever its case in the call
    assert _listed(client, "policy", resource_names=[second]) == [(second, "env", "prod"), (second, "team", "x" * 256)]
    filtered = _listed(client, "policy", tag=[m.ListTagResourcesRequestTag(key="team")])
    assert filtered == [(first, "team", "x" * 256), (second, "team", "x" * 256)]

    client.untag_resources(m.UntagResourcesRequest(resource_type="policy", resource_names=[first], tag_keys=["team"]))
    assert _listed(client, "policy", resource_names=[first]) == [(first, "env", "prod")]
    client.untag_resources(m.UntagResourcesRequest(resource_type="policy", resource_names=[second], all=True))
    assert _listed(client, "policy", resource_names=[second]) == []
    client.delete_policy(m.DeletePolicyRequest(policy_name=first))
    assert _listed(client, "policy") == []  # a deleted policy's tags go with it


def test_pages_follow_next_token(ram: Ram) -> None:
    _, client = ram.root()
    name = unique("p")
    client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    client.tag_resources(m.TagResourcesRequest(resource_type="policy", resource_names=[name],
                                               tag=_tags(a="1", b="2", c="3")))  # fmt: skip
    seen, token = [], None
    while True:
        body = client.list_tag_resources(
            m.ListTagResourcesRequest(resource_type="policy", page_size=2, next_token=token)
        ).body
        seen += [r.tag_key for r in body.tag_resources]
        token = body.next_token
        if token is None:
            break
    assert seen == ["a", "b", "c"]


@pytest.mark.parametrize("extra", SIGNING)
def test_create_policy_with_tags_and_list_policies_by_tag(ram: Ram, extra: dict[str, str]) -> None:
    _, client = ram.root(**extra)
    tagged, plain = unique("p"), unique("p")
    client.create_policy(m.CreatePolicyRequest(
        policy_name=tagged, policy_document=document(),
        tag=[m.CreatePolicyRequestTag(key="env", value="prod"), m.CreatePolicyRequestTag(key="cost", value="7")],
    ))  # fmt: skip
    client.create_policy(m.CreatePolicyRequest(policy_name=plain, policy_document=document()))
    by_tag = client.list_policies(m.ListPoliciesRequest(tag=[m.ListPoliciesRequestTag(key="env", value="prod")]))
    [found] = by_tag.body.policies.policy
    assert found.policy_name == tagged
    assert sorted((t.tag_key, t.tag_value) for t in found.tags.tag) == [("cost", "7"), ("env", "prod")]
    none = client.list_policies(m.ListPoliciesRequest(tag=[m.ListPoliciesRequestTag(key="env", value="dev")]))
    assert none.body.policies.policy == []
    custom = client.list_policies(m.ListPoliciesRequest(policy_type="Custom")).body.policies.policy
    assert {p.policy_name: len(p.tags.tag) for p in custom} == {tagged: 2, plain: 0}
    bad = m.CreatePolicyRequest(policy_name=unique("p"), policy_document=document(),
                                tag=[m.CreatePolicyRequestTag(key="acs:reserved", value="v")])  # fmt: skip
    fails(errors.InvalidParameterRamTag, client.create_policy, bad)
    fails(errors.InvalidParameterRamTag, client.list_policies,
          m.ListPoliciesRequest(tag=[m.ListPoliciesRequestTag(key="k", value="v" * 257)]))  # fmt: skip


def test_documented_errors(ram: Ram) -> None:
    _, client = ram.root()
    name = unique("p")
    client.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=document()))
    for call, request in (
        (client.tag_resources, m.TagResourcesRequest(resource_type="user", resource_names=[name], tag=_tags(a="1"))),
        (client.untag_resources, m.UntagResourcesRequest(resource_type="Policy", resource_names=[name], all=True)),
        (client.list_tag_resources, m.ListTagResourcesRequest(resource_type="group")),
    ):
        fails(errors.InvalidParameterResourceType, call, request)
    for tags in (_tags(k="v" * 257), _tags(**{"acs:k": "v"}), _tags(aliyun_k="v"), _tags(k="acs:v")):
        request = m.TagResourcesRequest(resource_type="policy", resource_names=[name], tag=tags)
        fails(errors.InvalidParameterRamTag, client.tag_resources, request)
    untag = m.UntagResourcesRequest(resource_type="policy", resource_names=[name], tag_keys=["k" * 129])
    fails(errors.InvalidParameterRamTag, client.untag_resources, untag)
    listing = m.ListTagResourcesRequest(resource_type="policy", tag=[m.ListTagResourcesRequestTag(key="acs:x")])
    fails(errors.InvalidParameterRamTag, client.list_tag_resources, listing)

    for resource_type, error in (("role", errors.EntityNotExistRole), ("policy", errors.EntityNotExistPolicy)):
        names = [name, "nobody"] if resource_type == "policy" else ["nobody"]
        request = m.TagResourcesRequest(resource_type=resource_type, resource_names=names, tag=_tags(a="1"))
        fails(error, client.tag_resources, request)
        untag = m.UntagResourcesRequest(resource_type=resource_type, resource_names=names, all=True)
        fails(error, client.untag_resources, untag)
    assert _listed(client, "policy") == []  # a refused call wrote nothing
    assert _listed(client, "policy", resource_names=["nobody"]) == []

    client.tag_resources(m.TagResourcesRequest(
        resource_type="policy", resource_names=[name], tag=_tags(**{f"k{i}": "v" for i in range(15)})
    ))  # fmt: skip
    more = m.TagResourcesRequest(resource_type="policy", resource_names=[name],
                                 tag=_tags(**{f"n{i}": "v" for i in range(6)}))  # fmt: skip
    fails(errors.LimitExceededTag, client.tag_resources, more)
    again = m.TagResourcesRequest(resource_type="policy", resource_names=[name],
                                  tag=_tags(**{f"k{i}": "w" for i in range(5)}, n0="v"))  # fmt: skip
    client.tag_resources(again)  # keys it has take new values: 16 tags
    assert len(_listed(client, "policy")) == 16
    missing = raised(client.untag_resources, m.UntagResourcesRequest(resource_type="policy", resource_names=[name]))
    assert (missing.code, missing.status_code) == ("MissingParameter", 400)


@pytest.mark.parametrize("extra", SIGNING)
def test_create_role_with_tags_and_list_roles_by_tag(ram: Ram, extra: dict[str, str]) -> None:
    account, client = ram.root(**extra)
    trust = (
        '{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",'
        f'"Principal":{{"RAM":["acs:ram::{account.account_id}:root"]}}}}]}}'
    )
    tagged, plain = unique("Role"), unique("Role")
    client.create_role(m.CreateRoleRequest(
        role_name=tagged, assume_role_policy_document=trust, tag=[m.CreateRoleRequestTag(key="env", value="prod")],
    ))  # fmt: skip
    client.create_role(m.CreateRoleRequest(role_name=plain, assume_role_policy_document=trust))
    assert _listed(client, "role") == [(tagged, "env", "prod")]
    by_tag = client.list_roles(m.ListRolesRequest(tag=[m.ListRolesRequestTag(key="env", value="prod")]))
    [found] = by_tag.body.roles.role
    assert (found.role_name, [(t.tag_key, t.tag_value) for t in found.tags.tag]) == (tagged, [("env", "prod")])
    every = client.list_roles(m.ListRolesRequest()).body.roles.role
    assert {r.role_name: len(r.tags.tag) for r in every} == {tagged: 1, plain: 0}
    bad = m.CreateRoleRequest(role_name=unique("Role"), assume_role_policy_document=trust,
                              tag=[m.CreateRoleRequestTag(key="aliyun-x", value="v")])  # fmt: skip
    fails(errors.InvalidParameterRamTag, client.create_role, bad)
    fails(errors.InvalidParameterRamTag, client.list_roles,
          m.ListRolesRequest(tag=[m.ListRolesRequestTag(key="k", value="acs:v")]))  # fmt: skip
    assert [r.role_name for r in client.list_roles(m.ListRolesRequest()).body.roles.role] == sorted([tagged, plain])


def test_a_deleted_role_s_tags_go_with_it(ram: Ram) -> None:
    account, client = ram.root()
    trust = (
        '{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",'
        f'"Principal":{{"RAM":["acs:ram::{account.account_id}:root"]}}}}]}}'
    )
    name = unique("Role")
    client.create_role(m.CreateRoleRequest(role_name=name, assume_role_policy_document=trust,
                                           tag=[m.CreateRoleRequestTag(key="env", value="prod")]))  # fmt: skip
    client.delete_role(m.DeleteRoleRequest(role_name=name))
    assert _listed(client, "role") == []
    client.create_role(m.CreateRoleRequest(role_name=name, assume_role_policy_document=trust))
    assert _listed(client, "role") == []  # a new role of the same name starts without tags
