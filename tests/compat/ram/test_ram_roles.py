"""RAM roles through the official RAM SDK (V3 and V1): CreateRole, GetRole, UpdateRole, DeleteRole, ListRoles; trust
policies, session limits, case-insensitive names, one world with the control API (docs/ram.md#roles)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram

from openrd import errors
from openrd.domain import ram as limits
from openrd.services.ram_roles import get_role_by_name
from support.compat import FULL, Sdk, World
from support.directory import fails_param
from support.ram import RAM_TIME, SIGNING, fails, fill, ram_account, unique
from support.servers import LiveServer


def trust(*principals: str, service: str | None = None) -> str:
    principal: dict[str, Any] = {"RAM": list(principals)} if principals else {"Service": [service]}
    statement = {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": principal}
    return json.dumps({"Statement": [statement], "Version": "1"})


def _create(name: str | None = None, **fields: Any) -> ram.CreateRoleRequest:
    fields.setdefault("assume_role_policy_document", trust("acs:ram::1234567890123456:root"))
    return ram.CreateRoleRequest(role_name=name or unique("r"), **fields)


@pytest.mark.parametrize("extra", SIGNING)
def test_role_round_trip(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    acct = ram_account(sdk, world.root(), **extra)
    document = trust(f"acs:ram::{acct.root.account_id}:root")
    made = acct.client.create_role(
        _create("Deployer", assume_role_policy_document=document, description="CI deploys", max_session_duration=7200)
    ).body
    role = made.role
    assert made.request_id
    assert (role.role_name, role.description, role.max_session_duration) == ("Deployer", "CI deploys", 7200)
    assert role.arn == f"acs:ram::{acct.root.account_id}:role/Deployer"
    assert json.loads(role.assume_role_policy_document) == json.loads(document)
    assert re.fullmatch(r"[0-9]{16,19}", role.role_id)
    assert RAM_TIME.fullmatch(role.create_date)

    got = acct.client.get_role(ram.GetRoleRequest(role_name="deployer")).body.role  # any letter case
    assert (got.role_id, got.role_name, got.is_service_linked_role) == (role.role_id, "Deployer", False)
    assert got.role_principal_name == f"Deployer@role.{acct.root.account_id}.onaliyunservice.com"
    assert RAM_TIME.fullmatch(got.update_date)

    other = trust(service="ecs.aliyuncs.com")
    updated = acct.client.update_role(
        ram.UpdateRoleRequest(
            role_name="DEPLOYER", new_assume_role_policy_document=other, new_max_session_duration=43200
        )
    ).body.role
    assert (updated.max_session_duration, updated.description) == (43200, "CI deploys")
    assert json.loads(updated.assume_role_policy_document) == json.loads(other)
    updated = acct.client.update_role(ram.UpdateRoleRequest(role_name="Deployer", new_description="ops")).body.role
    assert (updated.description, updated.max_session_duration) == ("ops", 43200)

    listed = acct.client.list_roles(ram.ListRolesRequest()).body
    assert listed.is_truncated is False
    [item] = listed.roles.role
    assert (item.role_name, item.arn, item.max_session_duration) == ("Deployer", role.arn, 43200)
    assert "AssumeRolePolicyDocument" not in item.to_map()

    acct.client.delete_role(ram.DeleteRoleRequest(role_name="deployer"))
    fails(errors.EntityNotExistRole, acct.client.get_role, ram.GetRoleRequest(role_name="Deployer"))
    fails(errors.EntityNotExistRole, acct.client.delete_role, ram.DeleteRoleRequest(role_name="Deployer"))


def test_a_role_lasts_an_hour_unless_told_otherwise(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    assert acct.client.create_role(_create()).body.role.max_session_duration == 3600
    for bad in (3599, 43201):
        fails_param("MaxSessionDuration", acct.client.create_role, _create(max_session_duration=bad))
    name = acct.client.create_role(_create()).body.role.role_name
    fails_param(
        "NewMaxSessionDuration",
        acct.client.update_role,
        ram.UpdateRoleRequest(role_name=name, new_max_session_duration=100),
    )


def test_roles_page_by_marker_in_name_order(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    names = [acct.client.create_role(_create(f"r{i}")).body.role.role_name for i in range(5)]
    first = acct.client.list_roles(ram.ListRolesRequest(max_items=3)).body
    assert first.is_truncated is True
    rest = acct.client.list_roles(ram.ListRolesRequest(max_items=3, marker=first.marker)).body
    assert rest.is_truncated is False
    assert [r.role_name for r in first.roles.role + rest.roles.role] == names


def test_the_control_api_s_roles_are_the_ram_api_s(world: World, sdk: Sdk, server: LiveServer) -> None:
    root = world.root()
    seeded = world.role(account=root)
    acct = ram_account(sdk, root)
    got = acct.client.get_role(ram.GetRoleRequest(role_name=seeded["name"])).body.role
    assert (got.role_id, got.arn) == (seeded["role_id"], seeded["arn"])
    statement = json.loads(got.assume_role_policy_document)["Statement"][0]
    assert statement["Principal"] == {"RAM": [f"acs:ram::{root.account_id}:root"]}
    assert got.max_session_duration == 3600
    with server.runtime.deps.uow(write=False) as uow:
        found = get_role_by_name(uow, root.account_id, seeded["name"].upper())
    assert found is not None
    assert (found.role_id, found.trust_document) == (got.role_id, got.assume_role_policy_document)


def test_deleting_a_role_ends_its_sessions(world: World, sdk: Sdk) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    session = world.session(role=role)
    assert sdk.sts(session).get_caller_identity().body.role_id == role["role_id"]
    acct = ram_account(sdk, root)
    detach = ram.DetachPolicyFromRoleRequest(policy_type="System", policy_name=FULL, role_name=role["name"])
    acct.client.detach_policy_from_role(detach)
    acct.client.delete_role(ram.DeleteRoleRequest(role_name=role["name"]))
    fails(errors.InvalidAccessKeyIdNotFound, sdk.sts(session).get_caller_identity)


def test_create_role_refuses_what_is_not_a_trust_policy(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    refused = [
        "not json",
        json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Principal": {"RAM": "*"}}]}),
        json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}),
        json.dumps({"Version": "2", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {}}]}),
        trust("acs:ram::123:admin"),
    ]
    for document in refused:
        exc = fails(
            errors.MalformedPolicyDocument, acct.client.create_role, _create(assume_role_policy_document=document)
        )
        assert exc["Message"]
    long = trust("acs:ram::1234567890123456:root") + " " * limits.MAX_NAME * 100
    fails(
        errors.InvalidParameterAssumeRolePolicyDocumentLength,
        acct.client.create_role,
        _create(assume_role_policy_document=long),
    )
    assert acct.client.list_roles(ram.ListRolesRequest()).body.roles.role == []


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": "r" * 65}, errors.InvalidParameterRoleNameLength),
        ({"name": "no_underscore"}, errors.InvalidParameterRoleNameInvalidChars),
        ({"description": "d" * 1025}, errors.InvalidParameterDescriptionLength),
    ],
    ids=lambda v: str(getattr(v, "code", "")),
)
def test_create_role_refuses_bad_parameters(
    world: World, sdk: Sdk, fields: dict[str, Any], error: type[errors.OpenRDError]
) -> None:
    acct = ram_account(sdk, world.root())
    fails(error, acct.client.create_role, _create(**fields))


def test_create_role_needs_a_name_of_its_own_and_room(world: World, sdk: Sdk, server: LiveServer) -> None:
    acct = ram_account(sdk, world.root())
    acct.client.create_role(_create("Admin"))
    fails(errors.EntityAlreadyExistsRole, acct.client.create_role, _create("ADMIN"))
    fill(server, acct.root.account_id, "role", limits.MAX_ROLES - 1)
    fails(errors.LimitExceededRole, acct.client.create_role, _create())


def test_update_role_errors(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    name = acct.client.create_role(_create()).body.role.role_name
    fails(errors.EntityNotExistRole, acct.client.update_role, ram.UpdateRoleRequest(role_name="ghost"))
    long = trust("acs:ram::1234567890123456:root") + " " * 7000
    fails(
        errors.InvalidParameterNewAssumeRolePolicyDocumentLength,
        acct.client.update_role,
        ram.UpdateRoleRequest(role_name=name, new_assume_role_policy_document=long),
    )
    fails(
        errors.MalformedPolicyDocument,
        acct.client.update_role,
        ram.UpdateRoleRequest(role_name=name, new_assume_role_policy_document="{}"),
    )
    fails(
        errors.InvalidParameterDescriptionLength,
        acct.client.update_role,
        ram.UpdateRoleRequest(role_name=name, new_description="d" * 1025),
    )


@pytest.mark.parametrize("action", ["get_role", "update_role", "delete_role"])
def test_a_role_name_is_checked_by_every_action(world: World, sdk: Sdk, action: str) -> None:
    acct = ram_account(sdk, world.root())
    request = {
        "get_role": ram.GetRoleRequest,
        "update_role": ram.UpdateRoleRequest,
        "delete_role": ram.DeleteRoleRequest,
    }
    call = getattr(acct.client, action)
    fails(errors.InvalidParameterRoleNameLength, call, request[action](role_name="r" * 65))
    fails(errors.InvalidParameterRoleNameInvalidChars, call, request[action](role_name="r/1"))


def test_delete_role_refuses_while_policies_are_attached(world: World, sdk: Sdk) -> None:
    root = world.root()
    seeded = world.role("AdministratorAccess", account=root)
    acct = ram_account(sdk, root)
    fails(errors.DeleteConflictRolePolicy, acct.client.delete_role, ram.DeleteRoleRequest(role_name=seeded["name"]))
    acct.client.detach_policy_from_role(
        ram.DetachPolicyFromRoleRequest(
            policy_type="System", policy_name="AdministratorAccess", role_name=seeded["name"]
        )
    )
    acct.client.delete_role(ram.DeleteRoleRequest(role_name=seeded["name"]))


def test_a_trust_policy_may_be_laid_out_on_several_lines(world: World, sdk: Sdk) -> None:
    acct = ram_account(sdk, world.root())
    laid_out = json.dumps(json.loads(trust("acs:ram::1234567890123456:root")), indent="\t")
    made = acct.client.create_role(_create(assume_role_policy_document=laid_out)).body.role
    assert made.assume_role_policy_document == laid_out
    updated = acct.client.update_role(
        ram.UpdateRoleRequest(role_name=made.role_name, new_description="", new_assume_role_policy_document=laid_out)
    ).body.role
    assert updated.description == ""
