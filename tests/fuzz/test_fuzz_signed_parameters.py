"""Hostile parameter values past the signature: signed V1 requests from a management account with a directory, a
member and a resource group, with fuzzed values for each declared parameter of the delegation and resource-group
actions. Every answer is a well-formed envelope or a success, never a 500; the parameter stage and the business
checks both get reached."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openrd.api.registry import RM
from support.compat import Creds
from support.directory import World
from support.fuzz import assert_envelope, wire_names
from support.servers import LiveServer
from support.wire import Wire

FUZZED = (
    "RegisterDelegatedAdministrator",
    "DeregisterDelegatedAdministrator",
    "ListDelegatedAdministrators",
    "ListDelegatedServicesForAccount",
    "ListTrustedServiceStatus",
    "CreateResourceGroup",
    "GetResourceGroup",
    "UpdateResourceGroup",
    "DeleteResourceGroup",
    "ListResourceGroups",
    "ListResources",
    "GetResourceGroupResourceCounts",
)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
SAMPLES = ["", "0", "1", "-1", "100", "101", "True", "OK", "cloudfw.aliyuncs.com", "rg-abc", "r-abc", "中文", "a" * 200]


@pytest.fixture(scope="module")
def signer(server: LiveServer) -> Iterator[tuple[Wire, Creds, str, str]]:
    world = World(server)
    org = world.org()
    member = org.resource_account()
    group = org.client.create_resource_group(rm.CreateResourceGroupRequest(name="fuzz", display_name="Fuzz"))
    org.client.register_delegated_administrator(
        rm.RegisterDelegatedAdministratorRequest(account_id=member, service_principal="tag.aliyuncs.com")
    )
    with httpx.Client(base_url=server.url) as http:
        yield (
            Wire(server, http),
            Creds(org.access_key_id, org.secret, org.account_id),
            member,
            group.body.resource_group.id,
        )


values = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=40))


@FUZZ
@given(data=st.data(), action=st.sampled_from(FUZZED))
def test_fuzzed_parameters_get_an_answer(
    signer: tuple[Wire, Creds, str, str], data: st.DataObject, action: str
) -> None:
    wire, creds, member, group = signer
    known = st.sampled_from([member, group])
    params = {name: data.draw(st.one_of(values, known), label=name) for name in wire_names(action, {RM})}
    assert_envelope(wire.send(wire.v1(creds, action, RM, **params)))
