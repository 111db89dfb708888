"""A role session ends for every ``openrd serve`` process on the store at once (docs/sts.md#the-session): when its
role is deleted through one process, and when the emulator clock, moved through one, passes its expiry. Two
processes on one SQLite file and on one PostgreSQL database."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

import pytest
from alibabacloud_ram20150501 import models as ram
from alibabacloud_sts20150401 import models as sts
from alibabacloud_sts20150401.client import Client as StsClient

from openrd.testing.client import OpenRD
from openrd.testing.process import ServerProcess
from support.api import Creds
from support.reliability import TWO_PROCESSES, Api, outcome, ram_client, sdk_config, two_servers


@pytest.fixture(scope="module", params=TWO_PROCESSES)
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    with two_servers(request.param, tmp_path_factory.mktemp(f"sessions-{request.param}"), "openrd_sessions") as started:
        yield started


def _session(first: ServerProcess, duration: int = 3600) -> tuple[Creds, Creds, str, str]:
    """An account's root, and a session of a new role of it assumed through ``first`` by a RAM user."""
    api = Api(first.endpoint)
    root = api.account()
    role = f"r-{secrets.token_hex(3)}"
    statement = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"RAM": [f"acs:ram::{root.account_id}:root"]},
    }
    trust = json.dumps({"Version": "1", "Statement": [statement]})
    ram_client(first, root).create_role(ram.CreateRoleRequest(role_name=role, assume_role_policy_document=trust))
    user = api.ram_user(root.account_id, "AliyunSTSAssumeRoleAccess")
    request = sts.AssumeRoleRequest(
        role_arn=f"acs:ram::{root.account_id}:role/{role}", role_session_name="ops", duration_seconds=duration
    )
    made = StsClient(sdk_config(first, user)).assume_role(request).body.credentials
    return root, Creds(made.access_key_id, made.access_key_secret, root.account_id), made.security_token, role


def _who(server: ServerProcess, creds: Creds, token: str) -> str:
    return outcome(lambda: StsClient(sdk_config(server, creds, token)).get_caller_identity())


def test_a_deleted_role_s_session_is_refused_by_every_process(servers: list[ServerProcess]) -> None:
    first, second = servers
    root, session, token, role = _session(first)
    assert _who(second, session, token) == "ok"
    ram_client(first, root).delete_role(ram.DeleteRoleRequest(role_name=role))
    # DeleteRole takes the sessions' AccessKeys with it.
    assert _who(second, session, token) == "404 InvalidAccessKeyId.NotFound"
    assert _who(first, session, token) == "404 InvalidAccessKeyId.NotFound"


def test_an_expired_session_is_refused_by_every_process(servers: list[ServerProcess]) -> None:
    first, second = servers
    _, session, token, _ = _session(first, duration=900)
    assert _who(second, session, token) == "ok"
    control = OpenRD(f"http://{first.endpoint}", keep_alive=False)
    try:
        control.advance(901)
        assert _who(second, session, token) == "400 InvalidSecurityToken.Expired"
        assert _who(first, session, token) == "400 InvalidSecurityToken.Expired"
    finally:
        control.set_clock_offset(0)
        control.close()
