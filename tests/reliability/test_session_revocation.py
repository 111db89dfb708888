"""A role session ends for every ``openrd serve`` process on the store at once (docs/sts.md#the-session): when its
role is deleted through one process, and when the emulator clock, moved through one, passes its expiry. Two
processes on one SQLite file and on one PostgreSQL database."""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_sts20150401 import models as sts
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.utils_models import Config

from openrd.testing.client import OpenRD
from openrd.testing.process import ServerProcess
from support.api import Creds
from support.reliability import Api, cluster, outcome, store_env
from support.store import fresh_postgres_database, postgres_reason, sqlite_url

TOPOLOGIES = [
    pytest.param("postgresql", id="postgresql-x2", marks=pytest.mark.postgres),
    pytest.param("sqlite", id="sqlite-x2"),
]


@pytest.fixture(scope="module", params=TOPOLOGIES)
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    store = request.param
    root = tmp_path_factory.mktemp(f"sessions-{store}")
    if store == "sqlite":
        url_context: Any = contextlib.nullcontext(sqlite_url(root))
    else:
        reason = postgres_reason()
        if reason:
            pytest.skip(reason)
        url_context = fresh_postgres_database("openrd_sessions")
    with url_context as database_url, cluster(store_env(root, database_url), root, 2) as started:
        yield started
        for server in started:
            assert "Traceback" not in server.log_text()


def _config(server: ServerProcess, creds: Creds, token: str | None = None) -> Config:
    return Config(
        access_key_id=creds.access_key_id,
        access_key_secret=creds.secret,
        security_token=token,
        endpoint=server.endpoint,
        protocol="http",
        read_timeout=120_000,
    )


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
    RamClient(_config(first, root)).create_role(
        ram.CreateRoleRequest(role_name=role, assume_role_policy_document=trust)
    )
    user = api.ram_user(root.account_id, "AliyunSTSAssumeRoleAccess")
    request = sts.AssumeRoleRequest(
        role_arn=f"acs:ram::{root.account_id}:role/{role}", role_session_name="ops", duration_seconds=duration
    )
    made = StsClient(_config(first, user)).assume_role(request).body.credentials
    return root, Creds(made.access_key_id, made.access_key_secret, root.account_id), made.security_token, role


def _who(server: ServerProcess, creds: Creds, token: str) -> str:
    return outcome(lambda: StsClient(_config(server, creds, token)).get_caller_identity())


def test_a_deleted_role_s_session_is_refused_by_every_process(servers: list[ServerProcess]) -> None:
    first, second = servers
    root, session, token, role = _session(first)
    assert _who(second, session, token) == "ok"
    RamClient(_config(first, root)).delete_role(ram.DeleteRoleRequest(role_name=role))
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
