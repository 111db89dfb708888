"""The Terraform provider's ``alicloud_ram_role`` lifecycle (with tags and ``force = true``), replayed as the provider
sends it: V1 form-body calls (support/terraform.py), in the provider's order of calls, reading back what it reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.compat import World
from support.ram import document, unique
from support.terraform import RAM, Provider, ProviderError


def _trust(account_id: str) -> str:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": [f"acs:ram::{account_id}:root"]}}
    return json.dumps({"Version": "1", "Statement": [statement]})


def _read_role(tf: Provider, name: str) -> dict[str, Any]:
    """resourceAliCloudRamRoleRead: GetRole, then the role's RAM tags (ListTagResources, ResourceType role)."""
    role = tf.call(RAM, "GetRole", {"RoleName": name})["Role"]
    tagged = tf.call(RAM, "ListTagResources", {"ResourceType": "role", "ResourceNames": json.dumps([name])})
    tags = {t["TagKey"]: t["TagValue"] for t in tagged["TagResources"]}  # a plain array, as the SDK models it
    return {
        "arn": role["Arn"],
        "trust": json.loads(role["AssumeRolePolicyDocument"]),
        "description": role.get("Description", ""),
        "max_session_duration": role["MaxSessionDuration"],
        "role_id": role["RoleId"],
        "role_name": role["RoleName"],
        "tags": tags,
    }


def test_ram_role_lifecycle_with_tags_and_force_delete(world: World) -> None:
    account = world.root()
    name = unique("tfrole")
    with Provider(world.server.endpoint, account.access_key_id, account.secret) as tf:
        created = tf.call(RAM, "CreateRole", {
            "RoleName": name, "Description": "landing zone", "MaxSessionDuration": 7200,
            "AssumeRolePolicyDocument": _trust(account.account_id),
            "Tag": json.dumps([{"Key": "team", "Value": "platform"}]),
        })  # fmt: skip
        assert created["Role"]["RoleName"] == name  # the provider's ID
        state = _read_role(tf, name)
        assert state["arn"] == f"acs:ram::{account.account_id}:role/{name}"
        assert (state["description"], state["max_session_duration"]) == ("landing zone", 7200)
        assert state["trust"] == json.loads(_trust(account.account_id))
        assert state["tags"] == {"team": "platform"}

        # An apply that changes the description, the session limit and the tags (SetResourceTags: untag, then tag).
        tf.call(RAM, "UpdateRole", {"RoleName": name, "NewDescription": "renamed", "NewMaxSessionDuration": 3600})
        tf.call(RAM, "UntagResources", {"ResourceType": "role", "ResourceNames": json.dumps([name]),
                                        "TagKeys": json.dumps(["team"])})  # fmt: skip
        tf.call(RAM, "TagResources", {"ResourceType": "role", "ResourceNames": json.dumps([name]),
                                      "Tag": json.dumps([{"Key": "env", "Value": "prod"}])})  # fmt: skip
        state = _read_role(tf, name)
        assert (state["description"], state["max_session_duration"], state["tags"]) == (
            "renamed",
            3600,
            {"env": "prod"},
        )

        policy = unique("tf")
        tf.call(RAM, "CreatePolicy", {"PolicyName": policy, "PolicyDocument": document()})
        tf.call(RAM, "AttachPolicyToRole", {"PolicyName": policy, "PolicyType": "Custom", "RoleName": name})
        with pytest.raises(ProviderError) as conflict:  # without force the provider would retry this
            tf.call(RAM, "DeleteRole", {"RoleName": name})
        assert (conflict.value.status, conflict.value.code) == (409, "DeleteConflict.Role.Policy")

        # force = true: every policy ListPoliciesForRole names is detached, then the role deleted.
        for attached in tf.call(RAM, "ListPoliciesForRole", {"RoleName": name})["Policies"]["Policy"]:
            tf.call(RAM, "DetachPolicyFromRole", {
                "RoleName": name, "PolicyName": attached["PolicyName"], "PolicyType": attached["PolicyType"],
            })  # fmt: skip
        tf.call(RAM, "DeleteRole", {"RoleName": name})
        with pytest.raises(ProviderError) as gone:  # the refresh after destroy
            _read_role(tf, name)
        assert (gone.value.status, gone.value.code) == (404, "EntityNotExist.Role")
