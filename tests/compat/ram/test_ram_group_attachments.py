"""Policies attached to RAM groups, and a user's permissions as the union of its own and its groups' policies,
through the official RAM SDK (docs/policies.md#attachments)."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_ram20150501 import models as m

from openrd import errors
from openrd.domain.ram_policies import MAX_ATTACHED, PolicyType
from support.compat import World
from support.ram import SIGNING, Ram, document, fails, raised, unique

READ = "AliyunRAMReadOnlyAccess"
PROBE = m.GetPolicyRequest(policy_name=READ, policy_type="System")


def _denied(client: Any, kind: str = "ImplicitDeny") -> None:
    exc = raised(client.get_policy, PROBE)
    assert (exc.code, exc.status_code) == ("NoPermission", 403)
    assert exc.data["AccessDeniedDetail"]["NoPermissionType"] == kind


@pytest.mark.parametrize("extra", SIGNING)
def test_a_member_has_its_groups_policies(ram: Ram, world: World, extra: dict[str, str]) -> None:
    account, root = ram.root(**extra)
    user = world.user(account=account)
    own = ram.client(user, **extra)
    group = unique("g")
    root.create_group(m.CreateGroupRequest(group_name=group, comments="ops"))
    root.add_user_to_group(m.AddUserToGroupRequest(group_name=group, user_name=user.name))
    _denied(own)

    attach = m.AttachPolicyToGroupRequest(group_name=group, policy_name=READ, policy_type="System")
    root.attach_policy_to_group(attach)
    assert own.get_policy(PROBE).body.policy.policy_name == READ  # from the next request on
    listed = root.list_policies_for_group(m.ListPoliciesForGroupRequest(group_name=group)).body.policies.policy
    assert [(p.policy_name, p.policy_type) for p in listed] == [(READ, "System")]
    entities = root.list_entities_for_policy(m.ListEntitiesForPolicyRequest(policy_name=READ, policy_type="System"))
    assert [(g.group_name, g.comments) for g in entities.body.groups.group] == [(group, "ops")]
    fails(errors.EntityAlreadyExistsGroupPolicy, root.attach_policy_to_group, attach)

    deny = unique("deny")
    root.create_policy(m.CreatePolicyRequest(policy_name=deny, policy_document=document("Deny", "ram:GetPolicy")))
    root.attach_policy_to_user(m.AttachPolicyToUserRequest(user_name=user.name, policy_name=deny, policy_type="Custom"))
    _denied(own, "ExplicitDeny")  # the user's own Deny beats the group's Allow
    root.detach_policy_from_user(
        m.DetachPolicyFromUserRequest(user_name=user.name, policy_name=deny, policy_type="Custom")
    )
    root.attach_policy_to_group(m.AttachPolicyToGroupRequest(group_name=group, policy_name=deny, policy_type="Custom"))
    fails(errors.DeleteConflictPolicyGroup, root.delete_policy, m.DeletePolicyRequest(policy_name=deny))

    conflict = raised(root.delete_group, m.DeleteGroupRequest(group_name=group))
    assert conflict.code == "DeleteConflict.Group.Policy"
    detach = m.DetachPolicyFromGroupRequest(group_name=group, policy_name=READ, policy_type="System")
    root.detach_policy_from_group(detach)
    fails(errors.EntityNotExistGroupPolicy, root.detach_policy_from_group, detach)
    root.remove_user_from_group(m.RemoveUserFromGroupRequest(group_name=group, user_name=user.name))
    _denied(own)


def test_group_limit(ram: Ram, monkeypatch: pytest.MonkeyPatch) -> None:
    _, root = ram.root()
    group = unique("g")
    root.create_group(m.CreateGroupRequest(group_name=group))
    monkeypatch.setitem(MAX_ATTACHED, PolicyType.SYSTEM, 1)  # the server runs in this process
    root.attach_policy_to_group(m.AttachPolicyToGroupRequest(group_name=group, policy_name=READ, policy_type="System"))
    second = m.AttachPolicyToGroupRequest(group_name=group, policy_name="ReadOnlyAccess", policy_type="System")
    fails(errors.LimitExceededGroupPolicy, root.attach_policy_to_group, second)
    unknown = m.AttachPolicyToGroupRequest(group_name=group, policy_name="nope", policy_type="Custom")
    fails(errors.EntityNotExistPolicy, root.attach_policy_to_group, unknown)
    request = m.DetachPolicyFromGroupRequest(group_name=group, policy_name="nope", policy_type="Custom")
    fails(errors.EntityNotExistPolicy, root.detach_policy_from_group, request)


def _cases() -> list[Any]:
    cases: list[tuple[str, str, Any, type[errors.OpenRDError]]] = []
    for method, model in (("attach_policy_to_group", m.AttachPolicyToGroupRequest),
                          ("detach_policy_from_group", m.DetachPolicyFromGroupRequest)):  # fmt: skip
        base = {"group_name": "someone", "policy_name": READ, "policy_type": "System"}
        cases += [
            (method, "long policy", model(**base | {"policy_name": "p" * 129}),
             errors.InvalidParameterPolicyNameLength),
            (method, "bad policy", model(**base | {"policy_name": "bad_name"}),
             errors.InvalidParameterPolicyNameInvalidChars),
            (method, "bad type", model(**base | {"policy_type": "Other"}), errors.InvalidParameterPolicyType),
            (method, "long group", model(**base | {"group_name": "g" * 65}), errors.InvalidParameterGroupNameLength),
            (method, "bad group", model(**base | {"group_name": "bad group"}),
             errors.InvalidParameterGroupNameInvalidChars),
            (method, "unknown group", model(**base), errors.EntityNotExistGroup),
        ]  # fmt: skip
    listing = m.ListPoliciesForGroupRequest
    cases += [
        ("list_policies_for_group", "long", listing(group_name="g" * 65), errors.InvalidParameterGroupNameLength),
        ("list_policies_for_group", "bad", listing(group_name="bad group"),
         errors.InvalidParameterGroupNameInvalidChars),
        ("list_policies_for_group", "unknown", listing(group_name="nobody"), errors.EntityNotExistGroup),
    ]  # fmt: skip
    return [pytest.param(method, request, error, id=f"{method}-{label}") for method, label, request, error in cases]


@pytest.mark.parametrize(("method", "request_model", "error"), _cases())
def test_documented_errors(ram: Ram, method: str, request_model: Any, error: type[errors.OpenRDError]) -> None:
    _, client = ram.root()
    fails(error, getattr(client, method), request_model)
