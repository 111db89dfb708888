"""ResourceDirectoryAccountAccessRole: every account CreateResourceAccount makes has it, trusting the management
account; the management account's RAM identities step into the member through STS (docs/sts.md)."""

from __future__ import annotations

import pytest
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_resourcemanager20200331 import models as rm_models
from alibabacloud_sts20150401 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from support.compat import STS, Creds, Sdk
from support.directory import Org, World, unique
from support.servers import LiveServer
from support.wire import Envelope

SIGNING = [pytest.param({}, id="v3"), pytest.param({"signature_algorithm": "v2"}, id="v1")]
ROLE = "ResourceDirectoryAccountAccessRole"


@pytest.fixture
def sdk(server: LiveServer) -> Sdk:
    return Sdk(server)


@pytest.fixture
def envelope(server: LiveServer) -> Envelope:
    return Envelope(server)


def operator(server: LiveServer, account_id: str, policy: str = "AliyunSTSAssumeRoleAccess") -> Creds:
    """A RAM user of ``account_id`` allowed to assume roles."""
    made = server.rd.create_ram_user(account_id, unique("ops"), [policy])
    return Creds(made["access_key_id"], made["access_key_secret"], account_id, kind="user")


def step_in(sdk: Sdk, caller: Creds, member: str, extra: dict[str, str], **fields: object) -> Creds:
    request = models.AssumeRoleRequest(
        role_arn=f"acs:ram::{member}:role/{ROLE.lower()}", role_session_name="landing-zone", **fields
    )
    body = sdk.sts(caller, **extra).assume_role(request).body
    c = body.credentials
    assert body.assumed_role_user.arn == f"acs:ram::{member}:role/{ROLE}/landing-zone"
    return Creds(c.access_key_id, c.access_key_secret, member, token=c.security_token, kind="session")


def refused(sdk: Sdk, caller: Creds, member: str, extra: dict[str, str]) -> ClientException:
    request = models.AssumeRoleRequest(role_arn=f"acs:ram::{member}:role/{ROLE}", role_session_name="landing-zone")
    with pytest.raises(ClientException) as caught:
        sdk.sts(caller, **extra).assume_role(request)
    return caught.value


@pytest.mark.parametrize("extra", SIGNING)
def test_the_management_account_steps_into_a_new_resource_account(
    server: LiveServer, world: World, sdk: Sdk, extra: dict[str, str]
) -> None:
    org = world.org()
    member = org.resource_account()
    session = step_in(sdk, operator(server, org.account_id), member, extra)
    identity = sdk.sts(session, **extra).get_caller_identity().body
    assert (identity.account_id, identity.identity_type) == (member, "AssumedRoleUser")
    assert identity.arn == f"acs:ram::{member}:assumed-role/{ROLE}/landing-zone"
    # AdministratorAccess: the member's own view of its directory, and the role as RAM shows it.
    directory = sdk.rm(session, **extra).get_resource_directory().body.resource_directory
    assert directory.resource_directory_id == org.directory_id
    ram = sdk.ram(session, **extra)
    attached = ram.list_policies_for_role(ram_models.ListPoliciesForRoleRequest(role_name=ROLE)).body
    assert [(p.policy_name, p.policy_type) for p in attached.policies.policy] == [("AdministratorAccess", "System")]


def test_a_session_of_the_management_account_may_step_in_too(server: LiveServer, world: World, sdk: Sdk) -> None:
    """The trust names the management account's root: its role sessions are its RAM identities too."""
    org = world.org()
    member = org.resource_account()
    hop = server.rd.create_ram_role(org.account_id, unique("pipeline"), ["AliyunSTSAssumeRoleAccess"])
    made = server.rd.assume_role(hop["arn"], "pipeline")
    pipeline = Creds(made["access_key_id"], made["access_key_secret"], org.account_id, token=made["security_token"])
    session = step_in(sdk, pipeline, member, {})
    assert sdk.sts(session).get_caller_identity().body.account_id == member


def test_the_access_role_allows_an_hour_at_most(server: LiveServer, world: World, sdk: Sdk, envelope: Envelope) -> None:
    org = world.org()
    member = org.resource_account()
    caller = operator(server, org.account_id)
    step_in(sdk, caller, member, {}, duration_seconds=3600)
    with pytest.raises(ClientException) as caught:
        step_in(sdk, caller, member, {}, duration_seconds=3601)
    envelope.tea(caught.value, 400, "InvalidParameter.DurationSeconds", version=STS)


@pytest.mark.parametrize("extra", SIGNING)
def test_another_account_may_not_step_in(
    server: LiveServer, world: World, sdk: Sdk, envelope: Envelope, extra: dict[str, str]
) -> None:
    org = world.org()
    member = org.resource_account()
    outsider = operator(server, world.account().account_id)
    body = envelope.tea(refused(sdk, outsider, member, extra), 403, "NoPermission", version=STS)
    assert body["AccessDeniedDetail"]["PolicyType"] == "AssumeRolePolicy"
    sibling = operator(server, org.resource_account())  # another member of the same directory
    envelope.tea(refused(sdk, sibling, member, extra), 403, "NoPermission", version=STS)


def test_the_management_account_s_root_identity_is_refused(world: World, sdk: Sdk, envelope: Envelope) -> None:
    org = world.org()
    member = org.resource_account()
    root = Creds(org.access_key_id, org.secret, org.account_id)
    envelope.tea(refused(sdk, root, member, {}), 403, "NoPermission", version=STS)


def test_an_invited_account_has_no_access_role(server: LiveServer, world: World, sdk: Sdk, envelope: Envelope) -> None:
    org: Org = world.org()
    invited = world.account()
    org.adopt(invited)
    listed = org.client.list_accounts(rm_models.ListAccountsRequest()).body.accounts.account
    assert invited.account_id in {a.account_id for a in listed}
    body = envelope.tea(
        refused(sdk, operator(server, org.account_id), invited.account_id, {}), 404, "EntityNotExist.Role", version=STS
    )
    assert body["Message"] == "The specified Role not exists ."
