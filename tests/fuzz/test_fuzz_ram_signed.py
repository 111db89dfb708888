"""Hostile parameters for every RAM 2015-05-01 action, signed by a real root key so they pass the front door and
reach the parameter stage and the services: the answer is a success or an Alibaba envelope, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openrd.api.actions import ACTIONS
from openrd.api.registry import RAM
from support.compat import Creds, World
from support.fuzz import assert_envelope
from support.servers import LiveServer
from support.wire import Wire

RAM_ACTIONS = sorted((a for a in ACTIONS if RAM in a.versions), key=lambda a: a.name)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_DOCUMENT = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ram:*", "Resource": "*"}]}
SAMPLES = [
    "", "p", "fuzz-policy", "AdministratorAccess", "System", "Custom", "v1", "v2", "v0", "v99999999999", "True",
    "false", "None", "DeleteOldestNonDefaultVersionWhenLimitExceeded", "role", "policy", "x" * 129, "x" * 1025,
    json.dumps(_DOCUMENT), json.dumps({"Version": "1", "Statement": []}), '["fuzz-policy"]',
    '[{"Key":"k","Value":"v"}]',
    '[{"Key":"acs:x"}]', "[" * 2000, "{" * 3000, "中文", "\u0000", "-1", "1001", "100",
    "Active", "Inactive", "fuzz-user", "x" * 65, "名" * 129, "a@b.cn", "86-13900001234", "3600", "43200",
]  # fmt: skip
values = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=40))


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def root(server: LiveServer, http: httpx.Client) -> Creds:
    return World(server, http).root()


@st.composite
def calls(draw: Any) -> tuple[str, dict[str, str]]:
    action = draw(st.sampled_from(RAM_ACTIONS))
    wires = [p.wire for p in action.params]
    chosen = draw(st.lists(st.sampled_from(wires), unique=True)) if wires else []
    return action.name, {wire: draw(values) for wire in chosen}


@FUZZ
@given(call=calls())
def test_signed_ram_calls_get_an_answer_or_an_envelope(
    server: LiveServer, http: httpx.Client, root: Creds, call: tuple[str, dict[str, str]]
) -> None:
    action, params = call
    wire = Wire(server, http)
    assert_envelope(wire.send(wire.v1(root, action, RAM, **params)))
