"""Control-policy attachments through the official Tea SDKs: what enabling attaches, what joins and leaves the tree,
and the limits of attaching and detaching (docs/guardrails.md#targets)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alibabacloud_resourcedirectorymaster20220419 import models as rdm
from alibabacloud_resourcemanager20200331 import models as rm

from openrd import errors
from openrd.domain import control_policies as rules
from support.directory import Checks, Org, World

SYSTEM = rules.SYSTEM_POLICY_ID
SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
DOCUMENT = json.dumps({"Version": "1", "Statement": [{"Effect": "Deny", "Action": "ecs:*", "Resource": "*"}]})


def _policy(org: Org, name: str = "no-ecs") -> str:
    request = rm.CreateControlPolicyRequest(policy_name=name, effect_scope="RAM", policy_document=DOCUMENT)
    return str(org.client.create_control_policy(request).body.control_policy.policy_id)


def _on(org: Org, target: str) -> list[str]:
    request = rm.ListControlPolicyAttachmentsForTargetRequest(target_id=target)
    found = org.client.list_control_policy_attachments_for_target(request).body
    return [a.policy_id for a in found.control_policy_attachments.control_policy_attachment]


def _targets(org: Org, policy: str) -> list[str]:
    request = rm.ListTargetAttachmentsForControlPolicyRequest(policy_id=policy, page_size=100)
    body = org.client.list_target_attachments_for_control_policy(request).body
    return [t.target_id for t in body.target_attachments.target_attachment]


@pytest.mark.parametrize("extra", SIGNING)
def test_enabling_attaches_the_system_policy_everywhere(
    world: World, check: type[Checks], extra: dict[str, str]
) -> None:
    org = world.org()
    folder = org.folder()
    member = org.resource_account(parent_folder_id=folder)
    client = org.rm(**extra)
    client.enable_control_policy()
    for target in (org.root_id, folder, member):
        request = rm.ListControlPolicyAttachmentsForTargetRequest(target_id=target, language="en")
        body = client.list_control_policy_attachments_for_target(request).body
        [attached] = body.control_policy_attachments.control_policy_attachment
        assert (attached.policy_id, attached.policy_name, attached.policy_type) == (
            SYSTEM,
            "FullAliyunAccess",
            "System",
        )
        assert (attached.effect_scope, attached.description) == ("All", rules.SYSTEM_POLICY_DESCRIPTIONS["en"])
        assert check.time.fullmatch(attached.attach_date)
    request = rm.ListTargetAttachmentsForControlPolicyRequest(policy_id=SYSTEM)
    body = client.list_target_attachments_for_control_policy(request).body
    assert (body.total_count, body.page_number, body.page_size) == (3, 1, 10)
    by_id = {t.target_id: t for t in body.target_attachments.target_attachment}
    assert set(by_id) == {org.root_id, folder, member}  # never the management account
    assert (by_id[org.root_id].target_type, by_id[org.root_id].target_name) == ("Root", "Root")
    assert by_id[folder].target_type == "Folder"
    assert by_id[member].target_type == "Account"
    management = rm.ListControlPolicyAttachmentsForTargetRequest(target_id=org.account_id)
    check.fails(errors.EntityNotExistsTarget, client.list_control_policy_attachments_for_target, management)


def test_what_joins_later_gets_it_and_what_leaves_loses_all(world: World) -> None:
    org = world.org()
    org.client.enable_control_policy()
    folder = org.folder()
    member = org.resource_account(parent_folder_id=folder)
    invited = world.account()
    org.adopt(invited)
    assert _on(org, folder) == [SYSTEM]
    assert _on(org, member) == [SYSTEM]
    assert _on(org, invited.account_id) == [SYSTEM]
    policy = _policy(org)
    org.client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=policy, target_id=invited.account_id))
    org.client.remove_cloud_account(rm.RemoveCloudAccountRequest(account_id=invited.account_id))
    assert invited.account_id not in _targets(org, policy) + _targets(org, SYSTEM)
    org.client.move_account(rm.MoveAccountRequest(account_id=member, destination_folder_id=org.root_id))
    org.client.delete_folder(rm.DeleteFolderRequest(folder_id=folder))
    assert folder not in _targets(org, SYSTEM)


@pytest.mark.parametrize("extra", SIGNING)
def test_attach_and_detach(world: World, check: type[Checks], extra: dict[str, str]) -> None:
    org = world.org()
    folder = org.folder()
    client = org.rm(**extra)
    client.enable_control_policy()
    policy = _policy(org)
    assert client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=policy, target_id=folder)).body
    client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=policy, target_id=folder))  # again: no-op
    assert _on(org, folder) == [SYSTEM, policy]
    [row] = client.list_target_attachments_for_control_policy(
        rm.ListTargetAttachmentsForControlPolicyRequest(policy_id=policy)
    ).body.target_attachments.target_attachment
    assert (row.target_id, row.target_type) == (folder, "Folder")
    assert client.detach_control_policy(rm.DetachControlPolicyRequest(policy_id=SYSTEM, target_id=folder)).body
    assert _on(org, folder) == [policy]
    last = rm.DetachControlPolicyRequest(policy_id=policy, target_id=folder)
    check.fails(errors.NotSupportDetachLastControlPolicy, client.detach_control_policy, last)
    client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=SYSTEM, target_id=folder))
    client.detach_control_policy(last)
    assert _on(org, folder) == [SYSTEM]
    check.fails(errors.EntityNotExistsControlPolicy, client.detach_control_policy, last)  # attached there no more


def test_the_directory_master_product_attaches(world: World) -> None:
    org = world.org()
    client = org.rdm()
    client.enable_control_policy()
    policy = _policy(org)
    client.attach_control_policy(rdm.AttachControlPolicyRequest(policy_id=policy, target_id=org.root_id))
    found = client.list_control_policy_attachments_for_target(
        rdm.ListControlPolicyAttachmentsForTargetRequest(target_id=org.root_id)
    ).body
    assert [a.policy_id for a in found.control_policy_attachments.control_policy_attachment] == [SYSTEM, policy]
    targets = client.list_target_attachments_for_control_policy(
        rdm.ListTargetAttachmentsForControlPolicyRequest(policy_id=policy)
    ).body
    assert targets.total_count == 1
    client.detach_control_policy(rdm.DetachControlPolicyRequest(policy_id=policy, target_id=org.root_id))


def test_targets_that_do_not_exist(world: World, check: type[Checks]) -> None:
    org, other = world.org(), world.org()
    org.client.enable_control_policy()
    policy = _policy(org)
    for target in (org.account_id, other.root_id, other.folder(), "fd-0000000000", "1234567890123456", "x"):
        attach = rm.AttachControlPolicyRequest(policy_id=policy, target_id=target)
        check.fails(errors.EntityNotExistsTarget, org.client.attach_control_policy, attach)
        detach = rm.DetachControlPolicyRequest(policy_id=SYSTEM, target_id=target)
        check.fails(errors.EntityNotExistsTarget, org.client.detach_control_policy, detach)
    unknown = rm.AttachControlPolicyRequest(policy_id="cp-unknown", target_id=org.root_id)
    check.fails(errors.EntityNotExistsControlPolicy, org.client.attach_control_policy, unknown)
    detach = rm.DetachControlPolicyRequest(policy_id="cp-unknown", target_id=org.root_id)
    check.fails(errors.EntityNotExistsControlPolicy, org.client.detach_control_policy, detach)


def test_attaching_needs_the_feature_enabled(world: World, check: type[Checks]) -> None:
    org = world.org()
    policy = _policy(org)
    attach = rm.AttachControlPolicyRequest(policy_id=policy, target_id=org.root_id)
    check.fails(errors.InvalidControlPolicyEnablementStatus, org.client.attach_control_policy, attach)
    org.client.enable_control_policy()
    org.client.attach_control_policy(attach)
    org.client.disable_control_policy()
    assert org.client.get_control_policy(rm.GetControlPolicyRequest(policy_id=policy)).body.control_policy
    org.client.enable_control_policy()  # re-enabling attaches the system policy only
    assert _on(org, org.root_id) == [SYSTEM]


@pytest.fixture
def slow_switch(world: World) -> Iterator[None]:
    """Enabling and disabling take a minute of emulator time; always put back (the module's server is shared)."""
    world.server.rd.set_transitions(control_policy=60)
    try:
        yield
    finally:
        world.server.rd.set_transitions(control_policy=0)


@pytest.mark.usefixtures("slow_switch")
def test_pending_states_refuse_the_opposite_switch(world: World, check: type[Checks], clock: object) -> None:
    org = world.org()
    assert org.client.enable_control_policy().body.enablement_status == "PendingEnable"
    assert org.client.get_control_policy_enablement_status().body.enablement_status == "PendingEnable"
    check.fails(errors.InvalidControlPolicyEnablementStatus, org.client.disable_control_policy)
    attach = rm.AttachControlPolicyRequest(policy_id=SYSTEM, target_id=org.root_id)
    check.fails(errors.InvalidControlPolicyEnablementStatus, org.client.attach_control_policy, attach)
    world.clock(advance_seconds=61)
    assert org.client.get_control_policy_enablement_status().body.enablement_status == "Enabled"
    assert org.client.disable_control_policy().body.enablement_status == "PendingDisable"
    check.fails(errors.InvalidControlPolicyEnablementStatus, org.client.enable_control_policy)
    world.clock(advance_seconds=61)
    assert org.client.get_resource_directory().body.resource_directory.control_policy_status == "Disabled"


def test_ten_custom_policies_per_target(world: World, check: type[Checks], monkeypatch: pytest.MonkeyPatch) -> None:
    org = world.org()
    org.client.enable_control_policy()
    monkeypatch.setattr(rules, "MAX_CUSTOM_PER_TARGET", 2)  # the server runs in this process
    first, second, third = _policy(org, "a"), _policy(org, "b"), _policy(org, "c")
    for policy in (first, second):
        org.client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=policy, target_id=org.root_id))
    extra = rm.AttachControlPolicyRequest(policy_id=third, target_id=org.root_id)
    check.fails(errors.LimitExceededControlPolicy, org.client.attach_control_policy, extra)
    org.client.detach_control_policy(rm.DetachControlPolicyRequest(policy_id=SYSTEM, target_id=org.root_id))
    org.client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=SYSTEM, target_id=org.root_id))
    assert _on(org, org.root_id) == [first, second, SYSTEM]  # the system policy never counts


@pytest.mark.usefixtures("slow_switch")
def test_finishing_the_transition_settles_the_switch(world: World) -> None:
    org = world.org()
    assert org.client.enable_control_policy().body.enablement_status == "PendingEnable"
    assert world.server.rd.complete_transitions("control_policy") >= 1
    assert org.client.get_control_policy_enablement_status().body.enablement_status == "Enabled"
    assert org.client.disable_control_policy().body.enablement_status == "PendingDisable"
    world.server.rd.complete_transitions()
    assert org.client.get_resource_directory().body.resource_directory.control_policy_status == "Disabled"
