"""Policies attached to RAM users and roles through the official RAM SDK (docs/policies.md#attachments)."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_ram20150501 import models as m

from openrd import errors
from openrd.domain.ram_policies import MAX_ATTACHED, PolicyType
from support.compat import World
from support.ram import SIGNING, Ram, document, fails, raised, unique

READ = "AliyunRAMReadOnlyAccess"


def _denied(call: Any, request: Any) -> None:
    exc = raised(call, request)
    assert (exc.code, exc.status_code) == ("NoPermission", 403)


@pytest.mark.parametrize("extra", SIGNING)
def test_user_attachments_grant_from_the_next_request(ram: Ram, world: World, extra: dict[str, str]) -> None:
    account, root = ram.root(**extra)
    user = world.user(account=account)
    own = ram.client(user, **extra)
    custom = unique()
    root.create_policy(m.CreatePolicyRequest(policy_name=custom, policy_document=document("Allow", "ram:List*")))
    probe = m.GetPolicyRequest(policy_name=READ, policy_type="System")
    _denied(own.get_policy, probe)

    root.attach_policy_to_user(m.AttachPolicyToUserRequest(user_name=user.name, policy_name=READ, policy_type="System"))
    request = m.AttachPolicyToUserRequest(user_name=user.name, policy_name=custom, policy_type="Custom")
    root.attach_policy_to_user(request)
    assert own.get_policy(probe).body.policy.attachment_count == 1

    listed = root.list_policies_for_user(m.ListPoliciesForUserRequest(user_name=user.name)).body.policies.policy
    assert [(p.policy_name, p.policy_type, p.default_version) for p in listed] == [
        (READ, "System", "v1"), (custom, "Custom", "v1"),
    ]  # fmt: skip
    assert all(p.attach_date.endswith("Z") for p in listed)
    entities = root.list_entities_for_policy(m.ListEntitiesForPolicyRequest(policy_name=custom, policy_type="Custom"))
    assert [(u.user_name, u.user_id) for u in entities.body.users.user] == [(user.name, user.principal_id)]
    assert (entities.body.roles.role, entities.body.groups.group) == ([], [])

    fails(errors.DeleteConflictPolicyUser, root.delete_policy, m.DeletePolicyRequest(policy_name=custom))
    detach = m.DetachPolicyFromUserRequest(user_name=user.name, policy_name=READ, policy_type="System")
    root.detach_policy_from_user(detach)
    _denied(own.get_policy, probe)  # revoked at the next request
    fails(errors.EntityNotExistUserPolicy, root.detach_policy_from_user, detach)
    root.detach_policy_from_user(
        m.DetachPolicyFromUserRequest(user_name=user.name, policy_name=custom, policy_type="Custom")
    )
    root.delete_policy(m.DeletePolicyRequest(policy_name=custom))


@pytest.mark.parametrize("extra", SIGNING)
def test_role_attachments_grant_its_sessions(ram: Ram, world: World, extra: dict[str, str]) -> None:
    account, root = ram.root(**extra)
    role = world.role(account=account)
    session = ram.client(world.session(role=role), **extra)
    probe = m.GetPolicyRequest(policy_name=READ, policy_type="System")
    _denied(session.get_policy, probe)
    attach = m.AttachPolicyToRoleRequest(role_name=role["name"].upper(), policy_name=READ, policy_type="System")
    root.attach_policy_to_role(attach)  # role names compare case-insensitively
    assert session.get_policy(probe).body.policy.policy_name == READ
    listed = root.list_policies_for_role(m.ListPoliciesForRoleRequest(role_name=role["name"])).body
    assert [p.policy_name for p in listed.policies.policy] == [READ]
    entities = root.list_entities_for_policy(m.ListEntitiesForPolicyRequest(policy_name=READ, policy_type="System"))
    [found] = entities.body.roles.role
    assert (found.role_name, found.role_id, found.arn) == (role["name"], role["role_id"], role["arn"])
    fails(errors.EntityAlreadyExistsRolePolicy, root.attach_policy_to_role, attach)
    detach = m.DetachPolicyFromRoleRequest(role_name=role["name"], policy_name=READ, policy_type="System")
    root.detach_policy_from_role(detach)
    _denied(session.get_policy, probe)
    fails(errors.EntityNotExistRolePolicy, root.detach_policy_from_role, detach)


def test_attachment_limits(ram: Ram, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    account, root = ram.root()
    user, role = world.user(account=account), world.role(account=account)
    monkeypatch.setitem(MAX_ATTACHED, PolicyType.SYSTEM, 1)  # the server runs in this process
    root.attach_policy_to_user(m.AttachPolicyToUserRequest(user_name=user.name, policy_name=READ, policy_type="System"))
    again = m.AttachPolicyToUserRequest(user_name=user.name, policy_name=READ, policy_type="System")
    fails(errors.EntityAlreadyExistsUserPolicy, root.attach_policy_to_user, again)
    second = m.AttachPolicyToUserRequest(user_name=user.name, policy_name="ReadOnlyAccess", policy_type="System")
    fails(errors.LimitExceededUserPolicy, root.attach_policy_to_user, second)
    root.attach_policy_to_role(
        m.AttachPolicyToRoleRequest(role_name=role["name"], policy_name=READ, policy_type="System")
    )
    request = m.AttachPolicyToRoleRequest(role_name=role["name"], policy_name="ReadOnlyAccess", policy_type="System")
    fails(errors.LimitExceededRolePolicy, root.attach_policy_to_role, request)


def _cases() -> list[Any]:
    long_policy, bad_policy, long_entity = "p" * 129, "bad_name", "u" * 65
    cases: list[tuple[str, str, Any, type[errors.OpenRDError]]] = []
    for noun, field, bad_entity in (("User", "user_name", "bad name"), ("Role", "role_name", "bad_role")):
        snake = noun.lower()
        models = {
            f"attach_policy_to_{snake}": getattr(m, f"AttachPolicyTo{noun}Request"),
            f"detach_policy_from_{snake}": getattr(m, f"DetachPolicyFrom{noun}Request"),
        }
        for method, model in models.items():
            base = {field: "someone", "policy_name": READ, "policy_type": "System"}
            cases += [
                (method, "long policy", model(**base | {"policy_name": long_policy}),
                 errors.InvalidParameterPolicyNameLength),
                (method, "bad policy", model(**base | {"policy_name": bad_policy}),
                 errors.InvalidParameterPolicyNameInvalidChars),
                (method, "bad type", model(**base | {"policy_type": "Other"}), errors.InvalidParameterPolicyType),
                (method, "long entity", model(**base | {field: long_entity}),
                 getattr(errors, f"InvalidParameter{noun}NameLength")),
                (method, "bad entity", model(**base | {field: bad_entity}),
                 getattr(errors, f"InvalidParameter{noun}NameInvalidChars")),
                (method, "unknown entity", model(**base), getattr(errors, f"EntityNotExist{noun}")),
            ]  # fmt: skip
        listing = getattr(m, f"ListPoliciesFor{noun}Request")
        cases += [
            (f"list_policies_for_{snake}", "long entity", listing(**{field: long_entity}),
             getattr(errors, f"InvalidParameter{noun}NameLength")),
            (f"list_policies_for_{snake}", "bad entity", listing(**{field: bad_entity}),
             getattr(errors, f"InvalidParameter{noun}NameInvalidChars")),
            (f"list_policies_for_{snake}", "unknown", listing(**{field: "nobody"}),
             getattr(errors, f"EntityNotExist{noun}")),
        ]  # fmt: skip
    entities = m.ListEntitiesForPolicyRequest
    cases += [
        ("list_entities_for_policy", "long", entities(policy_name=long_policy, policy_type="Custom"),
         errors.InvalidParameterPolicyNameLength),
        ("list_entities_for_policy", "bad", entities(policy_name=bad_policy, policy_type="Custom"),
         errors.InvalidParameterPolicyNameInvalidChars),
        ("list_entities_for_policy", "type", entities(policy_name="x", policy_type="y"),
         errors.InvalidParameterPolicyType),
        ("list_entities_for_policy", "unknown", entities(policy_name="no-such", policy_type="Custom"),
         errors.EntityNotExistPolicy),
    ]  # fmt: skip
    return [pytest.param(method, request, error, id=f"{method}-{label}") for method, label, request, error in cases]


@pytest.mark.parametrize(("method", "request_model", "error"), _cases())
def test_documented_errors(ram: Ram, method: str, request_model: Any, error: type[errors.OpenRDError]) -> None:
    _, client = ram.root()
    fails(error, getattr(client, method), request_model)


def test_an_unknown_policy_for_a_known_entity(ram: Ram, world: World) -> None:
    account, root = ram.root()
    user, role = world.user(account=account), world.role(account=account)
    for call, request in (
        (root.attach_policy_to_user,
         m.AttachPolicyToUserRequest(user_name=user.name, policy_name="nope", policy_type="Custom")),
        (root.detach_policy_from_user,
         m.DetachPolicyFromUserRequest(user_name=user.name, policy_name="nope", policy_type="System")),
        (root.attach_policy_to_role,
         m.AttachPolicyToRoleRequest(role_name=role["name"], policy_name="nope", policy_type="Custom")),
        (root.detach_policy_from_role,
         m.DetachPolicyFromRoleRequest(role_name=role["name"], policy_name="nope", policy_type="Custom")),
    ):  # fmt: skip
        fails(errors.EntityNotExistPolicy, call, request)


def test_entities_show_a_user_s_display_name(ram: Ram) -> None:
    _, root = ram.root()
    name = unique("u")
    root.create_user(m.CreateUserRequest(user_name=name, display_name="Ops 运维"))
    root.attach_policy_to_user(m.AttachPolicyToUserRequest(user_name=name, policy_name=READ, policy_type="System"))
    found = root.list_entities_for_policy(m.ListEntitiesForPolicyRequest(policy_name=READ, policy_type="System"))
    assert [(u.user_name, u.display_name) for u in found.body.users.user] == [(name, "Ops 运维")]
    conflict = raised(root.delete_user, m.DeleteUserRequest(user_name=name))
    assert conflict.code == "DeleteConflict.User.Policy"
