"""The Terraform alicloud provider's control-policy resources against openrd, replayed call for call as it sends
them (tests/support/terraform.py: V1 signatures, common parameters in the query, business parameters in a form
body): ``alicloud_resource_manager_control_policy``, ``alicloud_resource_manager_control_policy_attachment`` and the
``status`` switch of ``alicloud_resource_manager_resource_directory`` (docs/guardrails.md)."""

from __future__ import annotations

import json
import uuid

from openrd import errors
from support.directory import Org
from support.servers import LiveServer
from support.terraform import RDM, RM, Provider, refused

DOCUMENT = json.dumps(
    {"Version": "1", "Statement": [{"Effect": "Deny", "Action": ["ram:DeleteRole"], "Resource": "*"}]}
)


def _switch(tf: Provider, enable: bool, polls: int = 1) -> list[str]:
    """The resource directory's Update when ``status`` changes: read it (RDM), switch (RM), then poll the read until
    ``ControlPolicyStatus`` is the target; the statuses each poll saw."""
    target = "Enabled" if enable else "Disabled"
    current = tf.call(RDM, "GetResourceDirectory")["ResourceDirectory"]["ControlPolicyStatus"]
    assert current != target
    answer = tf.call(RM, "EnableControlPolicy" if enable else "DisableControlPolicy")
    assert answer["EnablementStatus"] == ("PendingEnable" if enable else "PendingDisable")
    seen = []
    for _ in range(polls):
        seen.append(tf.call(RDM, "GetResourceDirectory")["ResourceDirectory"]["ControlPolicyStatus"])
        if seen[-1] == target:
            break
    return seen


def test_resource_directory_status_switch(tf: Provider) -> None:
    assert _switch(tf, enable=True) == ["Enabled"]
    assert tf.call(RDM, "GetResourceDirectory")["ResourceDirectory"]["ControlPolicyStatus"] == "Enabled"
    assert _switch(tf, enable=False) == ["Disabled"]


def test_resource_directory_status_switch_waits_for_the_transition(
    tf: Provider, server: LiveServer, clock: object
) -> None:
    server.rd.set_transitions(control_policy=10)
    try:
        target = "Enabled"
        answer = tf.call(RM, "EnableControlPolicy")
        assert answer["EnablementStatus"] == "PendingEnable"
        assert tf.call(RDM, "GetResourceDirectory")["ResourceDirectory"]["ControlPolicyStatus"] == "PendingEnable"
        server.rd.move_clock({"advance_seconds": 10})  # the provider polls every 5 s; two polls later:
        assert tf.call(RDM, "GetResourceDirectory")["ResourceDirectory"]["ControlPolicyStatus"] == target
    finally:
        server.rd.set_transitions(control_policy=0)


def test_control_policy_lifecycle(tf: Provider) -> None:
    create = {
        "PolicyName": "tf-protect-role",
        "Description": "made by terraform",
        "EffectScope": "RAM",
        "PolicyDocument": DOCUMENT,
        "ClientToken": f"CreateControlPolicy-{uuid.uuid4()}",
    }
    policy_id = tf.call(RM, "CreateControlPolicy", create)["ControlPolicy"]["PolicyId"]
    read = tf.call(RM, "GetControlPolicy", {"RegionId": "cn-hangzhou", "PolicyId": policy_id})["ControlPolicy"]
    assert (read["PolicyName"], read["Description"], read["EffectScope"]) == (
        "tf-protect-role",
        "made by terraform",
        "RAM",
    )
    assert json.loads(read["PolicyDocument"]) == json.loads(DOCUMENT)

    changed = json.dumps({"Version": "1", "Statement": [{"Effect": "Deny", "Action": "ecs:*", "Resource": "*"}]})
    update = {"PolicyId": policy_id, "NewPolicyName": "tf-no-ecs", "NewPolicyDocument": changed}
    tf.call(RM, "UpdateControlPolicy", update)
    read = tf.call(RM, "GetControlPolicy", {"RegionId": "cn-hangzhou", "PolicyId": policy_id})["ControlPolicy"]
    assert (read["PolicyName"], read["PolicyDocument"], read["Description"]) == (
        "tf-no-ecs",
        changed,
        "made by terraform",
    )

    tf.call(RM, "DeleteControlPolicy", {"PolicyId": policy_id})
    # Deleting again: EntityNotExists.ControlPolicy, which the provider takes as already gone; so does the read.
    refused(errors.EntityNotExistsControlPolicy, tf, RM, "DeleteControlPolicy", {"PolicyId": policy_id})
    refused(errors.EntityNotExistsControlPolicy, tf, RM, "GetControlPolicy", {"PolicyId": policy_id})


def test_control_policy_attachment_lifecycle(tf: Provider, org: Org) -> None:
    _switch(tf, enable=True)
    folder = org.folder()
    create = {"PolicyName": "tf-attached", "EffectScope": "RAM", "PolicyDocument": DOCUMENT}
    policy_id = tf.call(RM, "CreateControlPolicy", create)["ControlPolicy"]["PolicyId"]
    tf.call(RM, "AttachControlPolicy", {"PolicyId": policy_id, "TargetId": folder})

    def attached() -> list[str]:  # the resource's read: the target's attachments, looking for its policy
        body = tf.call(RM, "ListControlPolicyAttachmentsForTarget", {"RegionId": "cn-hangzhou", "TargetId": folder})
        return [a["PolicyId"] for a in body["ControlPolicyAttachments"]["ControlPolicyAttachment"]]

    assert policy_id in attached()
    tf.call(RM, "DetachControlPolicy", {"PolicyId": policy_id, "TargetId": folder})
    assert policy_id not in attached()
    # The folder gone, the read and a second detach answer EntityNotExists.Target: the provider's "already gone".
    tf.call(RDM, "DeleteFolder", {"FolderId": folder})
    body = {"RegionId": "cn-hangzhou", "TargetId": folder}
    refused(errors.EntityNotExistsTarget, tf, RM, "ListControlPolicyAttachmentsForTarget", body)
    refused(errors.EntityNotExistsTarget, tf, RM, "DetachControlPolicy", {"PolicyId": policy_id, "TargetId": folder})
    tf.call(RM, "DeleteControlPolicy", {"PolicyId": policy_id})
