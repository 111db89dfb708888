"""STS AssumeRole through the official SDK (V3 and V1): the session it issues, and each documented error reached
with every earlier check passing (docs/sts.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models as rm_models
from alibabacloud_sts20150401 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from support.compat import FULL, STS, Creds, Sdk, World
from support.wire import Envelope

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
NOT_IN_USE = "ResourceDirectoryNotInUse"


def may_assume(account_id: str, role: str = "*") -> dict[str, Any]:
    """An identity policy granting ``sts:AssumeRole`` on one role (or every role) of an account."""
    resource = f"acs:ram:*:{account_id}:role/{role}"
    return {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]}


def request(role: dict[str, Any], session: str = "deploy", **fields: Any) -> models.AssumeRoleRequest:
    given = {"role_arn": role["arn"], "role_session_name": session, **fields}
    return models.AssumeRoleRequest(**given)


def session_creds(body: models.AssumeRoleResponseBody, account_id: str) -> Creds:
    c = body.credentials
    return Creds(c.access_key_id, c.access_key_secret, account_id, token=c.security_token, kind="session")


def refused(sdk: Sdk, caller: Creds, req: models.AssumeRoleRequest, extra: dict[str, str]) -> ClientException:
    with pytest.raises(ClientException) as caught:
        sdk.sts(caller, **extra).assume_role(req)
    return caught.value


@pytest.mark.parametrize("extra", SIGNING)
def test_a_ram_user_assumes_a_role_of_its_account(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    user = world.user(may_assume(root.account_id, role["name"]), account=root)
    before = datetime.now(UTC)
    body = sdk.sts(user, **extra).assume_role(request(role, "ci-run@1", duration_seconds=1800)).body
    assert body.credentials.access_key_id.startswith("STS.")
    assert body.credentials.access_key_secret
    assert body.credentials.security_token
    expiration = datetime.strptime(body.credentials.expiration, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before + timedelta(seconds=1790) <= expiration <= datetime.now(UTC) + timedelta(seconds=1800)
    assert body.assumed_role_user.arn == f"acs:ram::{root.account_id}:role/{role['name']}/ci-run@1"
    assert body.assumed_role_user.assumed_role_id == f"{role['role_id']}:ci-run@1"
    session = session_creds(body, root.account_id)
    identity = sdk.sts(session, **extra).get_caller_identity().body
    assert (identity.identity_type, identity.account_id) == ("AssumedRoleUser", root.account_id)
    assert identity.arn == f"acs:ram::{root.account_id}:assumed-role/{role['name']}/ci-run@1"
    assert identity.role_id == role["role_id"]
    with pytest.raises(ClientException) as caught:  # the role's policies: the business rule answers
        sdk.rm(session, **extra).get_resource_directory()
    assert caught.value.code == NOT_IN_USE


def test_the_role_name_in_the_arn_matches_whatever_its_case(world: World, sdk: Sdk) -> None:
    root = world.root()
    role = world.role(FULL, account=root, name="ResourceDirectoryAccountAccessRole")
    user = world.user(may_assume(root.account_id, "ResourceDirectoryAccountAccessRole"), account=root)
    lowered = {**role, "arn": role["arn"].lower()}
    body = sdk.sts(user).assume_role(request(lowered)).body
    assert body.assumed_role_user.arn == f"acs:ram::{root.account_id}:role/ResourceDirectoryAccountAccessRole/deploy"


def test_the_default_duration_is_an_hour(world: World, sdk: Sdk) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    body = sdk.sts(world.user(may_assume(root.account_id), account=root)).assume_role(request(role)).body
    expiration = datetime.strptime(body.credentials.expiration, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(seconds=3590) <= expiration - datetime.now(UTC) <= timedelta(seconds=3600)


@pytest.mark.parametrize("extra", SIGNING)
def test_a_session_assumes_another_role(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    root = world.root()
    target = world.role(FULL, account=root)
    hop = world.role(may_assume(root.account_id, target["name"]), account=root)
    user = world.user(may_assume(root.account_id, hop["name"]), account=root)
    first = session_creds(sdk.sts(user, **extra).assume_role(request(hop, "hop")).body, root.account_id)
    second = session_creds(sdk.sts(first, **extra).assume_role(request(target, "chained")).body, root.account_id)
    identity = sdk.sts(second, **extra).get_caller_identity().body
    assert identity.arn == f"acs:ram::{root.account_id}:assumed-role/{target['name']}/chained"


@pytest.mark.parametrize("extra", SIGNING)
def test_a_session_policy_narrows_the_role(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    user = world.user(may_assume(root.account_id), account=root)
    narrow = {
        "Version": "1",
        "Statement": [{"Effect": "Allow", "Action": "resourcemanager:GetResourceDirectory", "Resource": "*"}],
    }
    policy = json.dumps(narrow, indent=2)  # spaces and line breaks are a document's whitespace
    session = session_creds(sdk.sts(user, **extra).assume_role(request(role, policy=policy)).body, root.account_id)
    with pytest.raises(ClientException) as allowed:
        sdk.rm(session, **extra).get_resource_directory()
    assert allowed.value.code == NOT_IN_USE
    with pytest.raises(ClientException) as denied:
        sdk.rm(session, **extra).list_accounts(rm_models.ListAccountsRequest())
    body = envelope.tea(denied.value, 403, "NoPermission")
    assert body["AccessDeniedDetail"]["PolicyType"] == "SessionPolicy"
    assert body["AccessDeniedDetail"]["NoPermissionType"] == "ImplicitDeny"
    assert body["AccessDeniedDetail"]["AuthPrincipalType"] == "AssumedRoleUser"


@pytest.mark.parametrize("extra", SIGNING)
def test_a_session_expires_on_the_emulator_clock(
    world: World, sdk: Sdk, advanced_clock: Callable[..., dict[str, Any]], extra: dict[str, str]
) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    user = world.user(may_assume(root.account_id), account=root)
    session = session_creds(
        sdk.sts(user, **extra).assume_role(request(role, duration_seconds=900)).body, root.account_id
    )
    assert sdk.sts(session, **extra).get_caller_identity().body.account_id == root.account_id
    advanced_clock(advance_seconds=901)
    with pytest.raises(ClientException) as caught:
        sdk.sts(session, **extra).get_caller_identity()
    assert (caught.value.status_code, caught.value.code) == (400, "InvalidSecurityToken.Expired")


# ------------------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("extra", SIGNING)
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"role_arn": "acs:ram::123:role/x"}, "InvalidParameter.RoleArn"),
        ({"role_arn": "arn:aws:iam::123456789012:role/x"}, "InvalidParameter.RoleArn"),
        ({"role_session_name": "a"}, "InvalidParameter.RoleSessionName"),
        ({"role_session_name": "has space"}, "InvalidParameter.RoleSessionName"),
        ({"duration_seconds": 899}, "InvalidParameter.DurationSeconds"),
        ({"duration_seconds": 43201}, "InvalidParameter.DurationSeconds"),
        ({"policy": '{"Version": "1", "Statement": [' + " " * 2048 + "]}"}, "InvalidParameter.PolicySize"),
        ({"policy": "{not json"}, "InvalidParameter.PolicyGrammar"),
        ({"policy": '{"Version": "1", "Statement": [{"Effect": "Allow"}]}'}, "InvalidParameter.PolicyGrammar"),
        ({"external_id": "x"}, "InvalidParameter.ExternalId"),
        ({"external_id": "no spaces"}, "InvalidParameter.ExternalId"),
    ],
)
def test_parameter_errors_come_before_authorization(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str], fields: dict[str, Any], code: str
) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    nobody = world.user("AliyunResourceDirectoryReadOnlyAccess", account=root)  # no sts:AssumeRole at all
    body = envelope.tea(refused(sdk, nobody, request(role, **fields), extra), 400, code, version=STS)
    assert body["Code"] == code


@pytest.mark.parametrize("missing", ["role_arn", "role_session_name"])
def test_a_missing_parameter_is_missing_parameter(world: World, sdk: Sdk, envelope: Envelope, missing: str) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    nobody = world.user("AliyunResourceDirectoryReadOnlyAccess", account=root)
    req = request(role)
    setattr(req, missing, None)
    envelope.tea(refused(sdk, nobody, req, {}), 400, "MissingParameter", version=STS)


@pytest.mark.parametrize("extra", SIGNING)
def test_an_account_s_root_identity_may_not_assume_a_role(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    body = envelope.tea(refused(sdk, root, request(role), extra), 403, "NoPermission", version=STS)
    assert body["Message"] == "You are not authorized to do this action. You should be authorized by RAM."
    ghost = {**role, "arn": f"acs:ram::{root.account_id}:role/no-such-role"}
    envelope.tea(refused(sdk, root, request(ghost), extra), 403, "NoPermission", version=STS)  # before the role


@pytest.mark.parametrize("extra", SIGNING)
def test_a_caller_without_sts_assume_role_is_refused_before_the_role_is_looked_up(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    root = world.root()
    role = world.role(FULL, account=root)
    other_role_only = world.user(may_assume(root.account_id, "someone-else"), account=root)
    body = envelope.tea(refused(sdk, other_role_only, request(role), extra), 403, "NoPermission", version=STS)
    detail = body["AccessDeniedDetail"]
    assert (detail["PolicyType"], detail["NoPermissionType"]) == ("AccountLevelIdentityBasedPolicy", "ImplicitDeny")
    assert detail["AuthAction"] == "sts:AssumeRole"
    ghost = {**role, "arn": f"acs:ram::{root.account_id}:role/no-such-role"}
    envelope.tea(refused(sdk, other_role_only, request(ghost), extra), 403, "NoPermission", version=STS)


@pytest.mark.parametrize("extra", SIGNING)
def test_an_unknown_role_is_entity_not_exist(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    root = world.root()
    user = world.user(may_assume(root.account_id), account=root)
    ghost = {"arn": f"acs:ram::{root.account_id}:role/no-such-role"}
    body = envelope.tea(refused(sdk, user, request(ghost), extra), 404, "EntityNotExist.Role", version=STS)
    assert body["Message"] == "The specified Role not exists ."


@pytest.mark.parametrize("extra", SIGNING)
def test_a_role_that_does_not_trust_the_caller_s_account(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    owner = world.root()
    role = world.role(FULL, account=owner)  # trusts its own account only
    outsider = world.user(may_assume(owner.account_id))  # of another account, with the permission
    body = envelope.tea(refused(sdk, outsider, request(role), extra), 403, "NoPermission", version=STS)
    detail = body["AccessDeniedDetail"]
    assert (detail["PolicyType"], detail["NoPermissionType"]) == ("AssumeRolePolicy", "ImplicitDeny")
    assert detail["AuthPrincipalOwnerId"] == outsider.account_id


@pytest.mark.parametrize("extra", SIGNING)
def test_a_duration_beyond_the_role_s_maximum(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    root = world.root()
    role = world.role(FULL, account=root)  # MaxSessionDuration 3600
    user = world.user(may_assume(root.account_id), account=root)
    body = envelope.tea(
        refused(sdk, user, request(role, duration_seconds=3601), extra),
        400,
        "InvalidParameter.DurationSeconds",
        version=STS,
    )
    assert body["Message"] == "The Min/Max value of DurationSeconds is 15min/1hr."
