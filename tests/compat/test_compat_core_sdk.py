"""The old core SDK (aliyun-python-sdk-core AcsClient + aliyun-python-sdk-resourcemanager) against the live server.

It signs V1 with ``Format=JSON``, ``SignatureType=`` and ``RegionId``, and rewrites a ``SignatureDoesNotMatch`` whose
echoed string-to-sign equals its own into ``InvalidAccessKeySecret`` — so that code proves our V1 string-to-sign is
byte-identical to the SDK's (docs/behaviour.md#signatures).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.request import CommonRequest
from aliyunsdkresourcemanager.request.v20200331.GetResourceDirectoryRequest import GetResourceDirectoryRequest

from support.compat import Creds, Sdk, World
from support.servers import LiveServer

REQUEST_ID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
READ_ONLY = "AliyunResourceDirectoryReadOnlyAccess"


def _call(sdk: Sdk, creds: Creds, request: Any) -> ServerException:
    with pytest.raises(ServerException) as caught:
        sdk.core(creds).do_action_with_exception(sdk.aim(request))
    exc = caught.value
    assert REQUEST_ID.fullmatch(exc.get_request_id() or ""), exc
    return exc


def _principal(world: World, who: str) -> Any:
    if who == "root":
        return world.root()
    if who == "user":
        return world.user(READ_ONLY)
    return world.session()


@pytest.mark.parametrize("who", ["root", "user", "session"])
def test_get_resource_directory(world: World, sdk: Sdk, who: str) -> None:
    exc = _call(sdk, _principal(world, who), GetResourceDirectoryRequest())
    assert exc.get_error_code() == "ResourceDirectoryNotInUse"
    assert exc.get_http_status() == 404
    assert exc.get_error_msg().startswith("The specified account is not")


@pytest.mark.parametrize("who", ["root", "user", "session"])
def test_wrong_secret_is_recognised_as_invalid_access_key_secret(world: World, sdk: Sdk, who: str) -> None:
    creds = _principal(world, who).with_secret("definitely-not-the-secret")
    exc = _call(sdk, creds, GetResourceDirectoryRequest())
    # Only happens when our echoed V1 string-to-sign equals the SDK's own, byte for byte.
    assert exc.get_error_code() == "InvalidAccessKeySecret"
    assert exc.get_http_status() == 400


def test_awkward_parameter_values_sign_identically(world: World, sdk: Sdk) -> None:
    """Values that encode differently per layer (space, *, ~, /, +, &, =, UTF-8) still verify byte for byte."""

    def request() -> GetResourceDirectoryRequest:
        made = GetResourceDirectoryRequest()
        made.add_query_param("Tag.1.Value", "a b*~/+&=中")
        return made

    root = world.root()
    assert _call(sdk, root, request()).get_error_code() == "ResourceDirectoryNotInUse"
    assert _call(sdk, root.with_secret("wrong"), request()).get_error_code() == "InvalidAccessKeySecret"


def test_unknown_access_key(world: World, sdk: Sdk) -> None:
    ghost = replace(world.root(), access_key_id="LTAI" + "9" * 20)
    exc = _call(sdk, ghost, GetResourceDirectoryRequest())
    assert exc.get_error_code() == "InvalidAccessKeyId.NotFound"
    assert exc.get_http_status() == 404


def test_disabled_access_key(world: World, sdk: Sdk) -> None:
    user = world.user(READ_ONLY)
    world.disable(user)
    exc = _call(sdk, user, GetResourceDirectoryRequest())
    assert exc.get_error_code() == "InvalidAccessKeyId.Inactive"
    assert exc.get_http_status() == 400


def test_sts_token_of_another_session(world: World, sdk: Sdk) -> None:
    one, other = world.session(), world.session()
    exc = _call(sdk, one.with_token(other.token), GetResourceDirectoryRequest())
    assert exc.get_error_code() == "InvalidSecurityToken.MismatchWithAccessKey"
    assert exc.get_http_status() == 400


def test_no_permission(world: World, sdk: Sdk) -> None:
    exc = _call(sdk, world.user(), GetResourceDirectoryRequest())
    assert exc.get_error_code() == "NoPermission"
    assert exc.get_http_status() == 403


def _common(action: str, version: str, server: LiveServer) -> CommonRequest:
    request = CommonRequest(domain=server.endpoint, version=version, action_name=action)
    request.set_protocol_type("http")
    request.set_method("POST")
    return request


@pytest.mark.parametrize("who", ["root", "user", "session"])
def test_common_request_get_caller_identity(world: World, sdk: Sdk, server: LiveServer, who: str) -> None:
    creds = _principal(world, who)
    raw = sdk.core(creds).do_action_with_exception(_common("GetCallerIdentity", "2015-04-01", server))
    body = json.loads(raw)
    assert REQUEST_ID.fullmatch(body["RequestId"])
    assert body["AccountId"] == creds.account_id
    expected_arn = {
        "root": f"acs:ram::{creds.account_id}:root",
        "user": f"acs:ram::{creds.account_id}:user/{creds.name}",
        "session": f"acs:ram::{creds.account_id}:assumed-role/{creds.name}/{creds.session_name}",
    }[who]
    assert body["Arn"] == expected_arn
    assert body["IdentityType"] == {"root": "Account", "user": "RAMUser", "session": "AssumedRoleUser"}[who]


def test_common_request_with_form_body_params(world: World, sdk: Sdk, server: LiveServer) -> None:
    """``add_body_params`` sends a signed form body (Content-Type form + Content-MD5); the server must sign it too.

    ``RegionId`` ends up twice — the SDK's own in the query, the caller's in the body — and every SDK signs
    ``merge(query, body)``, so the body's value is the one that counts."""
    request = _common("GetCallerIdentity", "2015-04-01", server)
    request.add_body_params("RegionId", "cn-shanghai")
    request.add_body_params("Ignored", "x y+z*")
    creds = world.root()
    body = json.loads(sdk.core(creds).do_action_with_exception(request))
    assert body["AccountId"] == creds.account_id
    wrong = _common("GetCallerIdentity", "2015-04-01", server)
    wrong.add_body_params("Ignored", "x y+z*")
    with pytest.raises(ServerException) as caught:
        sdk.core(creds.with_secret("nope")).do_action_with_exception(wrong)
    # CommonRequest keeps no string-to-sign of its own, so the SDK cannot rewrite this one: the echo shows the body
    # parameter was signed together with the query, encoded the V1 way.
    assert caught.value.get_error_code() == "SignatureDoesNotMatch"
    assert "%26Ignored%3Dx%2520y%252Bz%252A%26" in caught.value.get_error_msg()
