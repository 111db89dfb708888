"""AssumeRole against roles made through RAM's CreateRole, with the trust policies people write: one user, a role
of another account (chaining across accounts), a cloud service, an ExternalId; and the role's own
MaxSessionDuration (docs/sts.md#trust-policies)."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_sts20150401 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config

from support.compat import STS, Creds, Sdk, World
from support.servers import LiveServer
from support.wire import Envelope

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
MAY_ASSUME = "AliyunSTSAssumeRoleAccess"


def trust(principal: dict[str, Any], condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}
    if condition is not None:
        statement["Condition"] = condition
    return json.dumps({"Version": "1", "Statement": [statement]})


def make_role(server: LiveServer, owner: Creds, document: str, **fields: Any) -> str:
    """A role made through RAM's CreateRole by the owner's root; its ARN."""
    config = Config(
        access_key_id=owner.access_key_id, access_key_secret=owner.secret, endpoint=server.endpoint, protocol="http"
    )
    name = f"role-{secrets.token_hex(4)}"
    request = ram.CreateRoleRequest(role_name=name, assume_role_policy_document=document, **fields)
    return str(RamClient(config).create_role(request).body.role.arn)


def assume(sdk: Sdk, caller: Creds, role_arn: str, extra: dict[str, str] | None = None, **fields: Any) -> Creds:
    request = models.AssumeRoleRequest(role_arn=role_arn, role_session_name="trust-test", **fields)
    c = sdk.sts(caller, **(extra or {})).assume_role(request).body.credentials
    return Creds(c.access_key_id, c.access_key_secret, role_arn.split(":")[3], token=c.security_token)


def denied(sdk: Sdk, caller: Creds, role_arn: str, envelope: Envelope, **fields: Any) -> dict[str, Any]:
    with pytest.raises(ClientException) as caught:
        assume(sdk, caller, role_arn, **fields)
    body = envelope.tea(caught.value, 403, "NoPermission", version=STS)
    assert body["AccessDeniedDetail"]["PolicyType"] == "AssumeRolePolicy"
    return body


@pytest.mark.parametrize("extra", SIGNING)
def test_a_role_that_trusts_one_user_of_another_account(
    server: LiveServer, world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    owner, partner = world.root(), world.root()
    chosen = world.user(MAY_ASSUME, account=partner)
    other = world.user(MAY_ASSUME, account=partner)
    arn = make_role(server, owner, trust({"RAM": [f"acs:ram::{partner.account_id}:user/{chosen.name}"]}))
    session = assume(sdk, chosen, arn, extra)
    assert sdk.sts(session, **extra).get_caller_identity().body.account_id == owner.account_id
    denied(sdk, other, arn, envelope)
    denied(sdk, world.user(MAY_ASSUME, account=owner), arn, envelope)  # not even the owner's own users


def test_a_role_that_trusts_a_role_of_another_account(
    server: LiveServer, world: World, sdk: Sdk, envelope: Envelope
) -> None:
    owner, partner = world.root(), world.root()
    hop_arn = make_role(server, partner, trust({"RAM": [f"acs:ram::{partner.account_id}:root"]}))
    hop_name = hop_arn.rsplit("/", 1)[1]
    partner_config = Config(
        access_key_id=partner.access_key_id, access_key_secret=partner.secret, endpoint=server.endpoint,
        protocol="http",
    )  # fmt: skip
    RamClient(partner_config).attach_policy_to_role(
        ram.AttachPolicyToRoleRequest(policy_type="System", policy_name=MAY_ASSUME, role_name=hop_name)
    )
    target_arn = make_role(server, owner, trust({"RAM": [f"acs:ram::{partner.account_id}:role/{hop_name.upper()}"]}))
    hop = assume(sdk, world.user(MAY_ASSUME, account=partner), hop_arn)
    chained = assume(sdk, hop, target_arn)
    identity = sdk.sts(chained).get_caller_identity().body
    assert (identity.account_id, identity.identity_type) == (owner.account_id, "AssumedRoleUser")
    denied(sdk, world.user(MAY_ASSUME, account=partner), target_arn, envelope)  # the role, not its account


def test_a_service_trusting_role_is_not_for_users(
    server: LiveServer, world: World, sdk: Sdk, envelope: Envelope
) -> None:
    owner = world.root()
    arn = make_role(server, owner, trust({"Service": ["ecs.aliyuncs.com"]}))
    denied(sdk, world.user(MAY_ASSUME, account=owner), arn, envelope)


@pytest.mark.parametrize("extra", SIGNING)
def test_an_external_id_the_trust_policy_requires(
    server: LiveServer, world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    owner, partner = world.root(), world.root()
    condition = {"StringEquals": {"sts:ExternalId": "abcd1234"}}
    arn = make_role(server, owner, trust({"RAM": [f"acs:ram::{partner.account_id}:root"]}, condition))
    caller = world.user(MAY_ASSUME, account=partner)
    assert assume(sdk, caller, arn, extra, external_id="abcd1234").token
    denied(sdk, caller, arn, envelope, external_id="abcd12345")
    denied(sdk, caller, arn, envelope)  # none given


def test_the_role_s_own_max_session_duration(server: LiveServer, world: World, sdk: Sdk, envelope: Envelope) -> None:
    owner = world.root()
    arn = make_role(server, owner, trust({"RAM": [f"acs:ram::{owner.account_id}:root"]}), max_session_duration=7200)
    caller = world.user(MAY_ASSUME, account=owner)
    assert assume(sdk, caller, arn, duration_seconds=7200).token
    with pytest.raises(ClientException) as caught:
        assume(sdk, caller, arn, duration_seconds=7201)
    envelope.tea(caught.value, 400, "InvalidParameter.DurationSeconds", version=STS)
