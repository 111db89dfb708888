"""Policy conditions as the SDKs see them: a statement applies only where its ``Condition`` holds for the call
(docs/behaviour.md#policy-conditions), and a document openrd could not evaluate is refused when it is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException

from support.compat import Creds, Sdk, World
from support.servers import LiveServer

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
ALL_RM = {"Effect": "Allow", "Action": "resourcemanager:*", "Resource": "*"}
ACTION = "resourcemanager:GetResourceDirectory"


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "1", "Statement": list(statements)}


def conditioned(effect: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {"Effect": effect, "Action": ACTION, "Resource": "*", "Condition": condition}


def outcome(sdk: Sdk, creds: Creds, extra: dict[str, Any] | None = None) -> str:
    """``allowed`` when authorization passed (the business rule answers), else the denial's type."""
    with pytest.raises(ClientException) as caught:
        sdk.rm(creds, **(extra or {})).get_resource_directory()
    if caught.value.code == "ResourceDirectoryNotInUse":
        return "allowed"
    assert (caught.value.status_code, caught.value.code) == (403, "NoPermission"), caught.value.data
    assert caught.value.access_denied_detail["AuthAction"] == ACTION
    return str(caught.value.access_denied_detail["NoPermissionType"])


@pytest.mark.parametrize("extra", SIGNING)
def test_a_deny_limited_to_the_caller_s_network_applies(world: World, sdk: Sdk, extra: dict[str, str]) -> None:
    here = world.user(document(ALL_RM, conditioned("Deny", {"IpAddress": {"acs:SourceIp": "127.0.0.0/8"}})))
    elsewhere = world.user(document(ALL_RM, conditioned("Deny", {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}})))
    assert outcome(sdk, here, extra) == "ExplicitDeny"
    assert outcome(sdk, elsewhere, extra) == "allowed"


def test_not_ip_address_applies_outside_the_ranges(world: World, sdk: Sdk) -> None:
    outside = world.user(document(ALL_RM, conditioned("Deny", {"NotIpAddress": {"acs:SourceIp": "10.0.0.0/8"}})))
    assert outcome(sdk, outside) == "ExplicitDeny"


def test_an_allow_until_a_date_follows_the_emulator_clock(
    world: World, sdk: Sdk, advanced_clock: Callable[..., dict[str, Any]]
) -> None:
    until = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    user = world.user(document(conditioned("Allow", {"DateLessThan": {"acs:CurrentTime": until}})))
    assert outcome(sdk, user) == "allowed"
    advanced_clock(advance_seconds=2 * 86400)
    assert outcome(sdk, user) == "ImplicitDeny"


def test_secure_transport_is_false_over_http(world: World, sdk: Sdk) -> None:
    tls_only = world.user(document(conditioned("Allow", {"Bool": {"acs:SecureTransport": "true"}})))
    plain_ok = world.user(document(conditioned("Allow", {"Bool": {"acs:SecureTransport": "false"}})))
    assert outcome(sdk, tls_only) == "ImplicitDeny"
    assert outcome(sdk, plain_ok) == "allowed"


def test_principal_keys_name_the_caller(world: World, sdk: Sdk) -> None:
    account = world.root()
    arn = f"acs:ram::{account.account_id}:user/named-one"
    named = world.user(
        document(conditioned("Allow", {"StringEquals": {"acs:PrincipalARN": arn}})), account=account, name="named-one"
    )
    other = world.user(document(conditioned("Allow", {"StringEquals": {"acs:PrincipalARN": arn}})), account=account)
    mine = world.user(
        document(conditioned("Allow", {"StringEquals": {"acs:PrincipalAccount": account.account_id}})),
        account=account,
    )
    assert outcome(sdk, named) == "allowed"
    assert outcome(sdk, other) == "ImplicitDeny"
    assert outcome(sdk, mine) == "allowed"


def test_a_key_openrd_does_not_set_makes_its_condition_false(world: World, sdk: Sdk) -> None:
    """Even for a ``Not…`` operator: the Deny does not apply, the Allow does not grant."""
    deny = world.user(document(ALL_RM, conditioned("Deny", {"StringNotEquals": {"acs:SomethingElse": "x"}})))
    allow = world.user(document(conditioned("Allow", {"StringNotEquals": {"acs:SomethingElse": "x"}})))
    assert outcome(sdk, deny) == "allowed"
    assert outcome(sdk, allow) == "ImplicitDeny"


def test_a_role_session_is_matched_by_its_role_s_arn(world: World, sdk: Sdk) -> None:
    account = world.root()
    role_arn = f"acs:ram::{account.account_id}:role/deployer"
    role = world.role(
        document(conditioned("Allow", {"StringEquals": {"acs:PrincipalARN": role_arn}})),
        account=account,
        name="deployer",
    )
    assert outcome(sdk, world.session(role=role)) == "allowed"


@pytest.mark.parametrize(
    ("condition", "says"),
    [
        ({"IpAddress": {"acs:SourceIp": "10.0.0.0/33"}}, "Condition"),
        ({"StringEqualz": {"acs:SourceIp": "x"}}, "StringEqualz"),
        ({"DateLessThan": {"acs:CurrentTime": "yesterday"}}, "Condition"),
        ({"Bool": {"acs:SecureTransport": "maybe"}}, "Condition"),
    ],
)
def test_a_condition_openrd_cannot_evaluate_is_refused_at_the_control_api(
    server: LiveServer, world: World, condition: dict[str, Any], says: str
) -> None:
    account = world.root()
    body = {"name": "guarded", "policies": [document(ALL_RM, conditioned("Deny", condition))]}
    response = server.control("POST", f"/accounts/{account.account_id}/ram-users", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid"
    assert says in response.json()["message"]


def test_a_document_over_6144_characters_is_refused_at_the_control_api(server: LiveServer, world: World) -> None:
    account = world.root()
    actions = [f"resourcemanager:Get{'X' * 40}{n}" for n in range(140)]
    big = document({"Effect": "Deny", "Action": actions, "Resource": "*"}, ALL_RM)
    body = {"name": "big", "policies": [big]}
    response = server.control("POST", f"/accounts/{account.account_id}/ram-users", json=body)
    assert response.status_code == 400, response.text
    assert "6144" in response.json()["message"]


def test_a_backtracking_pattern_does_not_stall_the_server(world: World, sdk: Sdk) -> None:
    """A pattern that took a backtracking matcher seconds per call is answered at once (no timing asserted:
    the SDK's own read timeout would fail the test if the server stalled)."""
    pattern = "resourcemanager:" + "*a" * 80 + "b"
    user = world.user(document(ALL_RM, {"Effect": "Deny", "Action": pattern, "Resource": "*"}))
    for _ in range(3):
        assert outcome(sdk, user, {"read_timeout": 5000}) == "allowed"
