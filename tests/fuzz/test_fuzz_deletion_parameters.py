"""Hostile parameter values past the signature for the account-deletion actions: signed V1 requests from a RAM
user of a management account that allows member deletion, with fuzzed ``AccountId`` and ``AbandonableCheckId``
values (the JSON array and the numbered form). Every answer is a well-formed envelope or a success, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openrd.api.registry import RM
from support.compat import Creds
from support.deletion import deleting
from support.directory import World
from support.fuzz import assert_envelope
from support.servers import LiveServer
from support.wire import Wire

FUZZED = ("CheckAccountDelete", "GetAccountDeletionCheckResult", "DeleteAccount", "GetAccountDeletionStatus")
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
SAMPLES = ["", "0", "1" * 16, "[]", '["RAM_USERS"]', '["RAM_USERS","RAM_ROLES"]', "[1]", "{}", "null", "[" * 300]


@pytest.fixture(scope="module")
def signer(server: LiveServer) -> Iterator[tuple[Wire, Creds, list[str]]]:
    rd = deleting(World(server))
    members = [rd.member() for _ in range(3)]
    server.rd.create_ram_user(members[0], "app", ["AdministratorAccess"])
    with httpx.Client(base_url=server.url) as http:
        yield Wire(server, http), Creds(rd.admin.access_key_id, rd.admin.secret, rd.admin.account_id), members


check_ids = st.lists(st.one_of(st.sampled_from(["RAM_USERS", "RAM_ROLES", "RAM_GROUPS"]), st.text(max_size=70)))
values = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=80), check_ids.map(json.dumps))


@FUZZ
@given(data=st.data(), action=st.sampled_from(FUZZED))
def test_fuzzed_parameters_get_an_answer(
    signer: tuple[Wire, Creds, list[str]], data: st.DataObject, action: str
) -> None:
    wire, creds, members = signer
    params = {"AccountId": data.draw(st.one_of(values, st.sampled_from(members)), label="AccountId")}
    if action == "DeleteAccount":
        name = data.draw(st.sampled_from(["AbandonableCheckId", "AbandonableCheckId.1", "AbandonableCheckId.51"]))
        params[name] = data.draw(values, label=name)
    assert_envelope(wire.send(wire.v1(creds, action, RM, **params)))
