"""``@alicloud/credentials``' RAM-role provider from npm against the TLS listener: it assumes a member account's
ResourceDirectoryAccountAccessRole over HTTPS (trusting openrd's CA through ``NODE_EXTRA_CA_CERTS``, its only
transport), and the typed STS client signs GetCallerIdentity with the session it got (docs/https.md)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from support.directory import World, unique
from support.node import NO_NODE, NODE, NodeSdk, install
from support.servers import LiveServer, start_server
from support.store import Store

ROLE = "ResourceDirectoryAccountAccessRole"


@pytest.fixture(scope="module")
def server(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(store.env(tmp_path_factory.mktemp("openrd")), tls=True)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def node(server: LiveServer) -> NodeSdk:
    if NODE is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Node.js SDK tests: {NO_NODE}")
        pytest.skip(NO_NODE)
    install()
    return NodeSdk(NODE, server.endpoint, env={"NODE_EXTRA_CA_CERTS": str(server.ca_file)})


def operator(server: LiveServer, account_id: str) -> dict[str, str]:
    made = server.rd.create_ram_user(account_id, unique("node-ops"), ["AliyunSTSAssumeRoleAccess"])
    return {"accessKeyId": made["access_key_id"], "accessKeySecret": made["access_key_secret"]}


def test_the_ram_role_provider_steps_into_a_member(server: LiveServer, node: NodeSdk) -> None:
    org = World(server).org()
    member = org.resource_account()
    answer = node.ok(
        "credentials",
        **operator(server, org.account_id),
        roleArn=f"acs:ram::{member}:role/{ROLE}",
        roleSessionName="node-lz",
        stsEndpoint=server.tls_endpoint,
    )
    assert answer["accessKeyId"].startswith("STS.")
    assert answer["type"] == "ram_role_arn"
    identity = answer["identity"]
    assert (identity["AccountId"], identity["IdentityType"]) == (member, "AssumedRoleUser")
    assert identity["Arn"] == f"acs:ram::{member}:assumed-role/{ROLE}/node-lz"


def test_a_refused_assume_role_surfaces_as_the_provider_s_error(server: LiveServer, node: NodeSdk) -> None:
    org = World(server).org()
    member = org.resource_account()
    outsider = World(server).account()
    answer = node.run(
        "credentials",
        **operator(server, outsider.account_id),
        roleArn=f"acs:ram::{member}:role/{ROLE}",
        roleSessionName="node-lz",
        stsEndpoint=server.tls_endpoint,
    )
    assert not answer["ok"], answer
    assert answer["error"]["message"].startswith("refresh session token failed:")  # the provider's own words
    assert '"Code":"NoPermission"' in answer["error"]["message"]
