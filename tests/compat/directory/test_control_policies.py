"""Control policies through the official Tea SDKs: the feature's switch and the custom policies
(docs/guardrails.md)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from openrd.domain import control_policies as rules
from support.directory import Checks, Org, World

POLICY_ID = re.compile(r"cp-[A-Za-z0-9]{16}")
SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
DENY_DELETE = json.dumps(
    {"Version": "1", "Statement": [{"Effect": "Deny", "Action": ["ram:DeleteRole"], "Resource": "*"}]}
)


def _create(org: Org, name: str = "deny-delete", document: str = DENY_DELETE, **kw: Any) -> Any:
    request = rm.CreateControlPolicyRequest(policy_name=name, effect_scope="RAM", policy_document=document, **kw)
    return org.client.create_control_policy(request).body.control_policy


def enabled(world: World) -> Org:
    org = world.org()
    org.client.enable_control_policy()
    return org


@pytest.mark.parametrize("extra", SIGNING)
def test_enable_and_disable(world: World, extra: dict[str, str]) -> None:
    org = world.org()
    client = org.rm(**extra)
    assert client.get_control_policy_enablement_status().body.enablement_status == "Disabled"
    assert client.enable_control_policy().body.enablement_status == "PendingEnable"
    assert client.get_control_policy_enablement_status().body.enablement_status == "Enabled"
    got = client.get_resource_directory().body.resource_directory
    assert got.control_policy_status == "Enabled"
    assert client.enable_control_policy().body.enablement_status == "Enabled"  # already on: as it is
    assert client.disable_control_policy().body.enablement_status == "PendingDisable"
    assert client.get_control_policy_enablement_status().body.enablement_status == "Disabled"
    assert client.disable_control_policy().body.enablement_status == "Disabled"


def test_enable_and_disable_on_the_directory_master_product(world: World) -> None:
    org = world.org()
    client = org.rdm()
    assert client.enable_control_policy().body.enablement_status == "PendingEnable"
    assert client.get_resource_directory().body.resource_directory.control_policy_status == "Enabled"
    assert client.get_control_policy_enablement_status().body.enablement_status == "Enabled"
    assert client.disable_control_policy().body.enablement_status == "PendingDisable"


def test_without_a_directory(world: World, check: type[Checks]) -> None:
    client = world.account().client
    for call in (
        client.enable_control_policy,
        client.disable_control_policy,
        client.get_control_policy_enablement_status,
    ):
        check.fails(errors.EntityNotExistsResourceDirectory, call)
    check.fails(errors.EntityNotExistsResourceDirectory, client.list_control_policies, rm.ListControlPoliciesRequest())
    request = rm.CreateControlPolicyRequest(policy_name="p", effect_scope="RAM", policy_document=DENY_DELETE)
    check.fails(errors.EntityNotExistsResourceDirectory, client.create_control_policy, request)
    for method, model in (
        (client.get_control_policy, rm.GetControlPolicyRequest),
        (client.update_control_policy, rm.UpdateControlPolicyRequest),
        (client.delete_control_policy, rm.DeleteControlPolicyRequest),
        (client.list_target_attachments_for_control_policy, rm.ListTargetAttachmentsForControlPolicyRequest),
    ):
        check.fails(errors.EntityNotExistsResourceDirectory, method, model(policy_id=rules.SYSTEM_POLICY_ID))
    target = rm.ListControlPolicyAttachmentsForTargetRequest(target_id="r-abcdef")
    check.fails(errors.EntityNotExistsResourceDirectory, client.list_control_policy_attachments_for_target, target)
    for method, model in (
        (client.attach_control_policy, rm.AttachControlPolicyRequest),
        (client.detach_control_policy, rm.DetachControlPolicyRequest),
    ):
        check.fails(
            errors.EntityNotExistsResourceDirectory, method, model(policy_id=rules.SYSTEM_POLICY_ID, target_id="x")
        )


@pytest.mark.parametrize("extra", SIGNING)
def test_policy_round_trip(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org = world.org()
    client = org.rm(**extra)
    request = rm.CreateControlPolicyRequest(
        policy_name="deny-delete", description="keeps roles", effect_scope="RAM", policy_document=DENY_DELETE
    )
    created = client.create_control_policy(request).body.control_policy
    assert POLICY_ID.fullmatch(created.policy_id)
    assert (created.policy_name, created.description, created.effect_scope) == ("deny-delete", "keeps roles", "RAM")
    assert (created.policy_type, created.attachment_count) == ("Custom", "0")
    assert check.time.fullmatch(created.create_date)
    assert created.update_date == created.create_date

    got = client.get_control_policy(rm.GetControlPolicyRequest(policy_id=created.policy_id)).body.control_policy
    assert (got.policy_id, got.policy_document, got.policy_name) == (created.policy_id, DENY_DELETE, "deny-delete")

    allow = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    change = rm.UpdateControlPolicyRequest(
        policy_id=created.policy_id, new_policy_name="allow-all", new_description="open", new_policy_document=allow
    )
    updated = client.update_control_policy(change).body.control_policy
    assert (updated.policy_name, updated.description, updated.policy_type) == ("allow-all", "open", "Custom")
    got = client.get_control_policy(rm.GetControlPolicyRequest(policy_id=created.policy_id)).body.control_policy
    assert got.policy_document == allow

    assert client.delete_control_policy(rm.DeleteControlPolicyRequest(policy_id=created.policy_id)).body.request_id
    gone = rm.GetControlPolicyRequest(policy_id=created.policy_id)
    check.fails(errors.EntityNotExistsControlPolicy, client.get_control_policy, gone)


def test_the_directory_master_product_creates_and_lists(world: World) -> None:
    org = world.org()
    client = org.rdm()
    request = rdm.CreateControlPolicyRequest(policy_name="p1", effect_scope="RAM", policy_document=DENY_DELETE)
    created = client.create_control_policy(request).body.control_policy
    listed = client.list_control_policies(rdm.ListControlPoliciesRequest(policy_type="Custom")).body
    assert [p.policy_id for p in listed.control_policies.control_policy] == [created.policy_id]
    got = client.get_control_policy(rdm.GetControlPolicyRequest(policy_id=created.policy_id)).body.control_policy
    assert got.policy_document == DENY_DELETE
    client.update_control_policy(rdm.UpdateControlPolicyRequest(policy_id=created.policy_id, new_policy_name="p2"))
    client.delete_control_policy(rdm.DeleteControlPolicyRequest(policy_id=created.policy_id))


def test_the_system_policy(world: World, check: type[Checks]) -> None:
    org = enabled(world)
    org.folder()
    request = rm.GetControlPolicyRequest(policy_id=rules.SYSTEM_POLICY_ID, language="en")
    system = org.client.get_control_policy(request).body.control_policy
    assert (system.policy_name, system.policy_type, system.effect_scope) == ("FullAliyunAccess", "System", "All")
    assert system.attachment_count == "2"  # the root and the folder; never the management account
    assert (system.create_date, system.update_date) == ("2020-08-05T06:32:24.000Z", "2020-08-05T06:32:24.000Z")
    assert system.description == rules.SYSTEM_POLICY_DESCRIPTIONS["en"]
    assert json.loads(system.policy_document)["Statement"][0] == {"Effect": "Allow", "Action": "*", "Resource": "*"}
    chinese = org.client.get_control_policy(rm.GetControlPolicyRequest(policy_id=rules.SYSTEM_POLICY_ID))
    assert chinese.body.control_policy.description == rules.SYSTEM_POLICY_DESCRIPTIONS["zh-CN"]
    rename = rm.UpdateControlPolicyRequest(policy_id=rules.SYSTEM_POLICY_ID, new_policy_name="mine")
    check.fails(errors.NotSupportSystemPolicy, org.client.update_control_policy, rename)
    delete = rm.DeleteControlPolicyRequest(policy_id=rules.SYSTEM_POLICY_ID)
    check.fails(errors.NotSupportSystemPolicy, org.client.delete_control_policy, delete)


def test_listing_pages_system_first(world: World) -> None:
    org = world.org()
    made = [_create(org, f"p{i}").policy_id for i in range(4)]
    client = org.client

    def page(**kw: Any) -> Any:
        return client.list_control_policies(rm.ListControlPoliciesRequest(**kw)).body

    everything = page()
    assert (everything.total_count, everything.page_number, everything.page_size) == (5, 1, 10)
    ids = [p.policy_id for p in everything.control_policies.control_policy]
    assert ids == [rules.SYSTEM_POLICY_ID, *made]
    pages = [[p.policy_id for p in page(page_number=n, page_size=2).control_policies.control_policy] for n in (1, 2, 3)]
    assert pages == [[rules.SYSTEM_POLICY_ID, made[0]], made[1:3], made[3:]]
    assert [p.policy_id for p in page(policy_type="System").control_policies.control_policy] == [rules.SYSTEM_POLICY_ID]
    custom = page(policy_type="Custom", page_size=3)
    assert custom.total_count == 4
    assert [p.policy_id for p in custom.control_policies.control_policy] == made[:3]


def test_other_directories_policies_do_not_exist(world: World, check: type[Checks]) -> None:
    mine, theirs = world.org(), world.org()
    policy = _create(theirs).policy_id
    for method, model in (
        (mine.client.get_control_policy, rm.GetControlPolicyRequest),
        (mine.client.update_control_policy, rm.UpdateControlPolicyRequest),
        (mine.client.delete_control_policy, rm.DeleteControlPolicyRequest),
        (mine.client.list_target_attachments_for_control_policy, rm.ListTargetAttachmentsForControlPolicyRequest),
    ):
        check.fails(errors.EntityNotExistsControlPolicy, method, model(policy_id=policy))


def test_document_rules(world: World, check: type[Checks]) -> None:
    org = world.org()
    client = org.client
    padding = " " * (rules.MAX_DOCUMENT_LENGTH - len(DENY_DELETE) + 1)
    too_long = DENY_DELETE[:-1] + padding + "}"
    request = rm.CreateControlPolicyRequest(policy_name="p", effect_scope="RAM", policy_document=too_long)
    check.fails(errors.InvalidParameterPolicyDocumentLength, client.create_control_policy, request)
    at_limit = DENY_DELETE[:-1] + padding[1:] + "}"
    assert _create(org, "at-limit", at_limit).policy_name == "at-limit"
    policy = _create(org).policy_id
    update = rm.UpdateControlPolicyRequest(policy_id=policy, new_policy_document=too_long)
    check.fails(errors.InvalidParameterNewPolicyDocumentLength, client.update_control_policy, update)
    with_principal = json.dumps(
        {"Version": "1", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Principal": "*"}]}
    )
    for document in ("{", with_principal, '{"Version": "1", "Statement": []}'):
        bad = rm.CreateControlPolicyRequest(policy_name="p", effect_scope="RAM", policy_document=document)
        check.fails_param("PolicyDocument", client.create_control_policy, bad)


@pytest.mark.parametrize(
    ("field", "value", "wire"),
    [
        ("policy_name", "1starts-with-a-digit", "PolicyName"),
        ("policy_name", "has_underscore", "PolicyName"),
        ("policy_name", "x" * 129, "PolicyName"),
        ("effect_scope", "All", "EffectScope"),
        ("description", "d" * 1025, "Description"),
    ],
)
def test_parameter_rules(world: World, check: type[Checks], field: str, value: str, wire: str) -> None:
    org = world.org()
    fields: dict[str, Any] = {"policy_name": "p", "effect_scope": "RAM", "policy_document": DENY_DELETE}
    fields[field] = value
    check.fails_param(wire, org.client.create_control_policy, rm.CreateControlPolicyRequest(**fields))


def test_custom_policies_per_directory(world: World, check: type[Checks], monkeypatch: pytest.MonkeyPatch) -> None:
    org = world.org()
    monkeypatch.setattr(rules, "MAX_CUSTOM_POLICIES", 2)  # the server runs in this process
    _create(org, "one")
    _create(org, "two")
    request = rm.CreateControlPolicyRequest(policy_name="three", effect_scope="RAM", policy_document=DENY_DELETE)
    check.fails(errors.LimitExceededControlPolicy, org.client.create_control_policy, request)


def test_an_attached_policy_cannot_be_deleted(world: World, check: type[Checks]) -> None:
    org = enabled(world)
    policy = _create(org).policy_id
    org.client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=policy, target_id=org.root_id))
    got = org.client.get_control_policy(rm.GetControlPolicyRequest(policy_id=policy)).body.control_policy
    assert got.attachment_count == "1"
    request = rm.DeleteControlPolicyRequest(policy_id=policy)
    check.fails(errors.DeleteConflictControlPolicyAttachment, org.client.delete_control_policy, request)
    org.client.disable_control_policy()  # disabling detaches everything, and keeps the policy
    assert org.client.delete_control_policy(request).body.request_id


def test_tags_at_creation_and_in_the_listing(world: World, check: type[Checks]) -> None:
    org = world.org()
    client = org.rdm()
    tags = [rdm.CreateControlPolicyRequestTag(key="team", value="platform")]
    request = rdm.CreateControlPolicyRequest(
        policy_name="tagged", effect_scope="RAM", policy_document=DENY_DELETE, tag=tags
    )
    policy = client.create_control_policy(request).body.control_policy.policy_id
    listed = client.list_control_policies(rdm.ListControlPoliciesRequest()).body.control_policies.control_policy
    by_id = {p.policy_id: p for p in listed}
    assert [(t.key, t.value) for t in by_id[policy].tags.tag] == [("team", "platform")]
    assert by_id[rules.SYSTEM_POLICY_ID].tags.tag == []
    found = client.list_tag_resources(
        rdm.ListTagResourcesRequest(resource_type="ControlPolicy", resource_id=[policy])
    ).body.tag_resources
    assert [(r.resource_id, r.tag_key, r.tag_value) for r in found] == [(policy, "team", "platform")]
    client.tag_resources(
        rdm.TagResourcesRequest(
            resource_type="ControlPolicy", resource_id=[policy], tag=[rdm.TagResourcesRequestTag(key="env", value="x")]
        )
    )
    plain = client.create_control_policy(
        rdm.CreateControlPolicyRequest(policy_name="plain", effect_scope="RAM", policy_document=DENY_DELETE)
    ).body.control_policy.policy_id

    def tagged(*pairs: tuple[str, str]) -> list[str]:
        wanted = [rdm.ListControlPoliciesRequestTag(key=k, value=v) for k, v in pairs]
        body = client.list_control_policies(rdm.ListControlPoliciesRequest(tag=wanted)).body
        return [p.policy_id for p in body.control_policies.control_policy]

    assert tagged(("team", "platform")) == [policy]
    assert tagged(("team", "platform"), ("env", "x")) == [policy]
    assert tagged(("team", "other")) == []
    assert tagged(("env", "")) == [policy]  # a key alone matches any value
    client.delete_control_policy(rdm.DeleteControlPolicyRequest(policy_id=plain))
    bad = rdm.CreateControlPolicyRequest(
        policy_name="refused",
        effect_scope="RAM",
        policy_document=DENY_DELETE,
        tag=[rdm.CreateControlPolicyRequestTag(key="acs:reserved", value="v")],
    )
    check.fails(errors.InvalidParameterTag, client.create_control_policy, bad)
    custom = client.list_control_policies(rdm.ListControlPoliciesRequest(policy_type="Custom")).body
    assert [p.policy_name for p in custom.control_policies.control_policy] == ["tagged"]  # nothing of it was kept
    client.delete_control_policy(rdm.DeleteControlPolicyRequest(policy_id=policy))
    gone = client.list_tag_resources(rdm.ListTagResourcesRequest(resource_type="ControlPolicy", resource_id=[policy]))
    assert gone.body.tag_resources == []
