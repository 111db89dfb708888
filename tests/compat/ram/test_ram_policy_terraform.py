"""The Terraform provider's ``alicloud_ram_policy``, ``alicloud_ram_user_policy_attachment`` and
``alicloud_ram_role_policy_attachment`` lifecycles, replayed as V1 form-body calls (support/terraform.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.compat import Creds, World
from support.ram import document, unique
from support.terraform import RAM, Provider, ProviderError


def _provider(world: World, account: Creds) -> Provider:
    return Provider(world.server.endpoint, account.access_key_id, account.secret)


def _read_policy(tf: Provider, name: str) -> dict[str, Any]:
    """What the provider's read does: GetPolicy, then the default version's document."""
    answer = tf.call(RAM, "GetPolicy", {"PolicyName": name, "PolicyType": "Custom"})
    return {
        "name": answer["Policy"]["PolicyName"],
        "description": answer["Policy"]["Description"],
        "document": json.loads(answer["DefaultPolicyVersion"]["PolicyDocument"]),
        "version_id": answer["DefaultPolicyVersion"]["VersionId"],
    }


def test_ram_policy_lifecycle_with_force_delete(world: World) -> None:
    account = world.root()
    tf = _provider(world, account)
    name, first, second = unique("tf"), document("Allow", "ram:Get*"), document("Allow", "ram:List*")
    with tf:
        tf.call(RAM, "CreatePolicy", {"PolicyName": name, "PolicyDocument": first, "Description": "created"})
        state = _read_policy(tf, name)
        assert state == {"name": name, "description": "created", "document": json.loads(first), "version_id": "v1"}

        for _ in range(6):  # every apply of a new document: a new default version, the oldest dropped at five
            tf.call(RAM, "CreatePolicyVersion", {
                "PolicyName": name, "PolicyDocument": second, "SetAsDefault": True,
                "RotateStrategy": "DeleteOldestNonDefaultVersionWhenLimitExceeded",
            })  # fmt: skip
        tf.call(RAM, "UpdatePolicyDescription", {"PolicyName": name, "NewDescription": "updated"})
        state = _read_policy(tf, name)
        assert (state["description"], state["document"], state["version_id"]) == ("updated", json.loads(second), "v7")
        versions = tf.call(RAM, "ListPolicyVersions", {"PolicyName": name, "PolicyType": "Custom"})
        assert len(versions["PolicyVersions"]["PolicyVersion"]) == 5

        user = world.user(account=account)
        tf.call(RAM, "AttachPolicyToUser", {"PolicyName": name, "PolicyType": "Custom", "UserName": user.name})
        # force = true: every attachment ListEntitiesForPolicy names is detached first
        entities = tf.call(RAM, "ListEntitiesForPolicy", {"PolicyName": name, "PolicyType": "Custom"})
        assert entities["Roles"]["Role"] == entities["Groups"]["Group"] == []
        for attached in entities["Users"]["User"]:
            tf.call(RAM, "DetachPolicyFromUser", {
                "PolicyName": name, "PolicyType": "Custom", "UserName": attached["UserName"],
            })  # fmt: skip
        assert [u["UserName"] for u in entities["Users"]["User"]] == [user.name]
        tf.call(RAM, "DeletePolicy", {"PolicyName": name, "CascadingDelete": True})
        with pytest.raises(ProviderError) as gone:
            _read_policy(tf, name)
        assert (gone.value.status, gone.value.code) == (404, "EntityNotExist.Policy")


@pytest.mark.parametrize("kind", ["User", "Role"])
def test_policy_attachment_lifecycle(world: World, kind: str) -> None:
    account = world.root()
    with _provider(world, account) as tf:
        entity = world.user(account=account).name if kind == "User" else world.role(account=account)["name"]
        policy = unique("tf")
        tf.call(RAM, "CreatePolicy", {"PolicyName": policy, "PolicyDocument": document()})
        key = f"{kind}Name"
        body = {"PolicyName": policy, "PolicyType": "Custom", key: entity}
        tf.call(RAM, f"AttachPolicyTo{kind}", body)
        listed = tf.call(RAM, f"ListPoliciesFor{kind}", {key: entity})["Policies"]["Policy"]
        assert [(p["PolicyName"], p["PolicyType"]) for p in listed] == [(policy, "Custom")]  # the provider's read

        tf.call(RAM, f"DetachPolicyFrom{kind}", body)
        assert tf.call(RAM, f"ListPoliciesFor{kind}", {key: entity})["Policies"]["Policy"] == []
        with pytest.raises(ProviderError) as again:  # a destroy that finds it gone already
            tf.call(RAM, f"DetachPolicyFrom{kind}", body)
        assert again.value.code == f"EntityNotExist.{kind}.Policy"
        tf.call(RAM, "DeletePolicy", {"PolicyName": policy})
