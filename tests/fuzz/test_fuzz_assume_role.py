"""Hostile AssumeRole parameters past the signature: signed V1 requests from a RAM user allowed to assume every
role of its account, each parameter drawn from hostile text and from values that pass. Every answer is a
well-formed envelope or a session, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openrd.api.actions import ACTIONS
from openrd.api.registry import STS
from support.compat import FULL, Creds, World
from support.servers import LiveServer
from support.wire import Wire

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
POLICY = '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'


@pytest.fixture(scope="module")
def signer(server: LiveServer) -> Iterator[tuple[Wire, Creds, str]]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        world = World(server, http)
        root = world.root()
        role = world.role(FULL, account=root)
        grant = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
        yield Wire(server, http), world.user(grant, account=root), role["arn"]


def samples(role_arn: str) -> dict[str, list[str]]:
    return {
        "RoleArn": [role_arn, role_arn.lower(), role_arn + "x", "acs:ram::1:role/", "acs:ram::" + "9" * 16 + ":role/a"],
        "RoleSessionName": ["ci", "a", "x" * 64, "x" * 65, "a b", "名字"],
        "DurationSeconds": ["900", "3600", "3601", "899", "-1", "1e3", "99999999999"],
        "Policy": [POLICY, "{", "[]", POLICY.replace("Allow", "Maybe"), "x" * 3000, '{"Version": "1"}\n'],
        "ExternalId": ["abcd1234", "a", "a b", "x" * 1225, "urn:a/b=c,d@e+f"],
    }


@FUZZ
@given(data=st.data())
def test_fuzzed_parameters_get_an_answer(signer: tuple[Wire, Creds, str], data: st.DataObject) -> None:
    wire, creds, role_arn = signer
    [row] = [a for a in ACTIONS if a.name == "AssumeRole" and STS in a.versions]
    choices = samples(role_arn)
    params: dict[str, str | None] = {}
    for param in row.params:
        drawn = data.draw(st.one_of(st.none(), st.sampled_from(choices[param.wire]), st.text(max_size=40)))
        params[param.wire] = drawn or None
    response = wire.send(wire.v1(creds, "AssumeRole", STS, **params))
    assert response.status_code < 500, response.text
    body = response.json()
    assert body.get("RequestId"), body
    if response.status_code == 200:
        assert body["Credentials"]["AccessKeyId"].startswith("STS."), body
    else:
        assert body.get("Code"), body
        assert body.get("Message"), body
