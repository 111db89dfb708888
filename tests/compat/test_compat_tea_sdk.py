"""Tea SDK (alibabacloud-*) round trips against the live server: V3 default, V1 (``signature_algorithm='v2'``),
STS tokens, both directory products, and STS GetCallerIdentity (docs/behaviour.md#products-and-routing, #authentication,
#authorization, #getcalleridentity)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException

from support.compat import Creds, Sdk, World
from support.wire import Envelope

RM, RDM, STS = "2020-03-31", "2022-04-19", "2015-04-01"
NOT_IN_USE = "ResourceDirectoryNotInUse"
SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]


@pytest.mark.parametrize("extra", SIGNING)
def test_get_resource_directory_as_root(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    root = world.root()
    with pytest.raises(ClientException) as caught:
        sdk.rm(root, **extra).get_resource_directory()
    envelope.tea(caught.value, 404, NOT_IN_USE)


@pytest.mark.parametrize("extra", SIGNING)
def test_get_resource_directory_with_sts_token(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    session = world.session()
    assert session.access_key_id != session.token
    with pytest.raises(ClientException) as caught:
        sdk.rm(session, **extra).get_resource_directory()
    envelope.tea(caught.value, 404, NOT_IN_USE)


@pytest.mark.parametrize("extra", SIGNING)
@pytest.mark.parametrize("who", ["root", "session"])
def test_resource_directory_master_product(
    world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str], who: str
) -> None:
    creds = world.root() if who == "root" else world.session()
    with pytest.raises(ClientException) as caught:
        sdk.rdm(creds, **extra).get_resource_directory()
    # Same handler as 2020-03-31, but the envelope names the product that was called (docs/behaviour.md#errors).
    data = envelope.tea(caught.value, 404, NOT_IN_USE, version=RDM)
    assert "product=ResourceDirectoryMaster" in data["Recommend"]


@pytest.mark.parametrize("extra", SIGNING)
def test_success_is_json_with_exact_content_type(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    response = sdk.sts(world.root(), **extra).get_caller_identity()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=utf-8"


# ---------------------------------------------------------------------------------------------- GetCallerIdentity


def _principals(world: World) -> dict[str, Any]:
    account = world.root()
    return {
        "root": account,
        # No policy: GetCallerIdentity needs none (docs/behaviour.md#getcalleridentity)
        "user": world.user(account=account),
        "session": world.session(role=world.role(account=account)),
    }


def _check_identity(body: dict[str, Any], creds: Creds) -> None:
    assert body["AccountId"] == creds.account_id
    if creds.kind == "root":
        assert body["Arn"] == f"acs:ram::{creds.account_id}:root"
        assert body["IdentityType"] == "Account"
        assert body["UserId"] == body["PrincipalId"] == creds.account_id
        assert "RoleId" not in body
    elif creds.kind == "user":
        assert body["Arn"] == f"acs:ram::{creds.account_id}:user/{creds.name}"
        assert body["IdentityType"] == "RAMUser"
        assert body["UserId"] == body["PrincipalId"] == creds.principal_id
        assert creds.principal_id != creds.account_id
        assert "RoleId" not in body
    else:
        assert body["Arn"] == f"acs:ram::{creds.account_id}:assumed-role/{creds.name}/{creds.session_name}"
        assert body["IdentityType"] == "AssumedRoleUser"
        assert body["RoleId"] == creds.principal_id
        assert body["PrincipalId"] == f"{creds.principal_id}:{creds.session_name}"
        assert body["UserId"]


@pytest.mark.parametrize("extra", SIGNING)
def test_caller_identity_through_generic_call_api(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    for creds in _principals(world).values():
        result = sdk.call_api(creds, "GetCallerIdentity", STS, **extra)
        assert result["statusCode"] == 200
        body = result["body"]
        assert set(body) >= {"RequestId", "AccountId", "UserId", "Arn", "IdentityType", "PrincipalId"}
        _check_identity(body, creds)


@pytest.mark.parametrize("extra", SIGNING)
def test_caller_identity_through_sts_client(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    for creds in _principals(world).values():
        response = sdk.sts(creds, **extra).get_caller_identity()
        assert response.status_code == 200
        assert response.body is not None  # a key-shape mismatch would make the Tea SDK hand back None
        body = response.body.to_map()
        _check_identity(body, creds)
        assert response.body.request_id == body["RequestId"]


def test_caller_identity_on_a_directory_version_is_not_found(world: World, sdk: Sdk, envelope: Envelope) -> None:
    with pytest.raises(ClientException) as caught:
        sdk.call_api(world.root(), "GetCallerIdentity", RM)
    envelope.tea(caught.value, 404, "InvalidApi.NotFound")


def test_directory_action_on_sts_version_names_the_sts_product(world: World, sdk: Sdk, envelope: Envelope) -> None:
    with pytest.raises(ClientException) as caught:
        sdk.call_api(world.root(), "GetResourceDirectory", STS)
    envelope.tea(caught.value, 404, "InvalidApi.NotFound", version=STS)


# ---------------------------------------------------------------------------------------------- gateway via Tea


@pytest.mark.parametrize("extra", SIGNING)
def test_unknown_access_key(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    ghost = replace(world.root(), access_key_id="LTAI" + "0" * 20)
    with pytest.raises(ClientException) as caught:
        sdk.rm(ghost, **extra).get_resource_directory()
    envelope.tea(caught.value, 404, "InvalidAccessKeyId.NotFound")


@pytest.mark.parametrize("extra", SIGNING)
def test_disabled_access_key(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]) -> None:
    user = world.user("AliyunResourceDirectoryFullAccess")
    world.disable(user)
    with pytest.raises(ClientException) as caught:
        sdk.rm(user, **extra).get_resource_directory()
    envelope.tea(caught.value, 400, "InvalidAccessKeyId.Inactive")


@pytest.mark.parametrize("extra", SIGNING)
@pytest.mark.parametrize("version", [RM, STS])
def test_wrong_secret(world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str], version: str) -> None:
    root = world.root().with_secret("not-the-secret")
    if version == STS:
        call = sdk.sts(root, **extra).get_caller_identity
    else:
        call = sdk.rm(root, **extra).get_resource_directory
    with pytest.raises(ClientException) as caught:
        call()
    data = envelope.tea(caught.value, 400, "SignatureDoesNotMatch", version=version)
    prefix = "Specified signature is not matched with our calculation. server string to sign is:"
    assert data["Message"].startswith(prefix)
    expected = "ACS3-HMAC-SHA256\n" if not extra else "POST&%2F&"
    assert data["Message"][len(prefix) :].startswith(expected)
