"""RAM authorization as the SDKs see it: allowed calls reach the business rules, denials are 403 ``NoPermission``
with ``AccessDeniedDetail`` (docs/behaviour.md#access-denied-detail, #policy-evaluation, #policy-grammar)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException

from support.compat import Creds, Sdk, World
from support.wire import Envelope, Wire

RM, RDM, STS = "2020-03-31", "2022-04-19", "2015-04-01"
NOT_IN_USE = "ResourceDirectoryNotInUse"
FULL = "AliyunResourceDirectoryFullAccess"
READ_ONLY = "AliyunResourceDirectoryReadOnlyAccess"
ACTION = "resourcemanager:GetResourceDirectory"
SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


def document(effect: str, action: str | list[str], resource: str = "*") -> dict[str, Any]:
    return {"Version": "1", "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]}


def _error(sdk: Sdk, creds: Creds, extra: dict[str, str], *, rdm: bool = False) -> ClientException:
    client = sdk.rdm(creds, **extra) if rdm else sdk.rm(creds, **extra)
    with pytest.raises(ClientException) as caught:
        client.get_resource_directory()
    return caught.value


def _allowed(sdk: Sdk, envelope: Envelope, creds: Creds, extra: dict[str, str]) -> None:
    """Authorization passed: the business rule answers (authentication → authorization → business:
    docs/behaviour.md#order-of-a-call)."""
    envelope.tea(_error(sdk, creds, extra), 404, NOT_IN_USE)


def _denied(
    sdk: Sdk, envelope: Envelope, creds: Creds, extra: dict[str, str], deny_type: str, *, rdm: bool = False
) -> dict[str, str]:
    exc = _error(sdk, creds, extra, rdm=rdm)
    data = envelope.tea(exc, 403, "NoPermission", version=RDM if rdm else RM)
    detail = exc.access_denied_detail
    assert detail == data["AccessDeniedDetail"]
    assert detail["NoPermissionType"] == deny_type
    assert detail["AuthAction"] == ACTION
    assert detail["AuthPrincipalOwnerId"] == creds.account_id
    assert detail["PolicyType"]
    if creds.kind == "user":
        assert detail["AuthPrincipalType"] == "SubUser"
        assert detail["AuthPrincipalDisplayName"] == creds.name
    else:
        assert detail["AuthPrincipalType"] == "AssumedRoleUser"
        assert detail["AuthPrincipalDisplayName"] == f"{creds.name}:{creds.session_name}"
    return dict(detail)


@pytest.mark.parametrize("extra", SIGNING)
def test_root_is_always_allowed(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    _allowed(sdk, envelope, world.root(), extra)


@pytest.mark.parametrize("extra", SIGNING)
@pytest.mark.parametrize("policy", [READ_ONLY, FULL, "AdministratorAccess"])
def test_user_with_a_granting_system_policy(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str], policy: str
) -> None:
    _allowed(sdk, envelope, world.user(policy), extra)


@pytest.mark.parametrize("extra", SIGNING)
def test_user_without_policy_is_implicitly_denied(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    _denied(sdk, envelope, world.user(), extra, "ImplicitDeny")


def test_denial_on_the_2022_product(world: World, sdk: Sdk, envelope: Envelope) -> None:
    _denied(sdk, envelope, world.user(), {}, "ImplicitDeny", rdm=True)


@pytest.mark.parametrize("extra", SIGNING)
def test_explicit_deny_beats_full_access(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    user = world.user(FULL, document("Deny", "resourcemanager:Get*"))
    _denied(sdk, envelope, user, extra, "ExplicitDeny")


@pytest.mark.parametrize("extra", SIGNING)
def test_role_session_denial(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    session = world.session(role=world.role(document("Allow", "resourcemanager:List*")))
    _denied(sdk, envelope, session, extra, "ImplicitDeny")


def test_role_session_explicit_deny(world: World, sdk: Sdk, envelope: Envelope) -> None:
    session = world.session(role=world.role("AdministratorAccess", document("Deny", ACTION)))
    _denied(sdk, envelope, session, {}, "ExplicitDeny")


def test_role_session_allowed(world: World, sdk: Sdk, envelope: Envelope) -> None:
    _allowed(sdk, envelope, world.session(role=world.role(READ_ONLY)), {})


@pytest.mark.parametrize(
    "action",
    ["ResourceManager:getresourcedirectory", "resourcemanager:Get*Directory", "resourcemanager:GetResource?irectory"],
)
def test_custom_allow_matches_case_insensitively_with_wildcards(
    world: World, sdk: Sdk, envelope: Envelope, action: str
) -> None:
    _allowed(sdk, envelope, world.user(document("Allow", action)), {})


@pytest.mark.parametrize("action", ["resourcemanager:GetAccount", "ecs:*", "resourcemanager:Get?ResourceDirectory"])
def test_custom_allow_of_something_else(world: World, sdk: Sdk, envelope: Envelope, action: str) -> None:
    _denied(sdk, envelope, world.user(document("Allow", action)), {}, "ImplicitDeny")


def test_deny_of_another_action_does_not_deny(world: World, sdk: Sdk, envelope: Envelope) -> None:
    _allowed(sdk, envelope, world.user(FULL, document("Deny", "resourcemanager:List*")), {})


def test_policy_as_json_string(world: World, sdk: Sdk, envelope: Envelope) -> None:
    _allowed(sdk, envelope, world.user(json.dumps(document("Allow", ACTION))), {})


def test_caller_identity_needs_no_permission(world: World, sdk: Sdk) -> None:
    denied = world.user(document("Deny", "*"))
    response = sdk.sts(denied).get_caller_identity()
    assert response.body.identity_type == "RAMUser"
    assert response.body.arn == f"acs:ram::{denied.account_id}:user/{denied.name}"


def test_authentication_comes_before_authorization(world: World, sdk: Sdk, envelope: Envelope) -> None:
    denied = world.user()
    envelope.tea(_error(sdk, denied.with_secret("wrong"), {}), 400, "SignatureDoesNotMatch")


def test_denial_is_rendered_in_xml_too(world: World, wire: Wire, envelope: Envelope) -> None:
    user = world.user()
    body = envelope.error(wire.send(wire.v1(user, Format="XML")), 403, "NoPermission", xml=True)
    detail = body["AccessDeniedDetail"]
    assert detail["NoPermissionType"] == "ImplicitDeny"
    assert detail["AuthAction"] == ACTION
    assert detail["AuthPrincipalType"] == "SubUser"
