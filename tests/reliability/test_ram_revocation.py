"""RAM changes made through one ``openrd serve`` process hold at the next call to another on the same store
(docs/ram.md#revocation): an Inactive or deleted AccessKey is refused, a user's two-key limit is exact across
processes. Two processes on one SQLite file and on one PostgreSQL database."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from alibabacloud_ram20150501 import models as ram
from alibabacloud_sts20150401.client import Client as StsClient

from openrd.testing.process import ServerProcess
from support.api import Creds
from support.reliability import TWO_PROCESSES, Api, outcome, ram_client, sdk_config, two_servers


@pytest.fixture(scope="module", params=TWO_PROCESSES)
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    with two_servers(request.param, tmp_path_factory.mktemp(f"ram-{request.param}"), "openrd_ram") as started:
        yield started


def _who(server: ServerProcess, creds: Creds) -> str:
    return outcome(lambda: StsClient(sdk_config(server, creds)).get_caller_identity())


def test_a_key_changed_in_one_process_is_refused_by_the_other(servers: list[ServerProcess]) -> None:
    first, second = servers
    root = Api(first.endpoint).account()
    name = f"u-{secrets.token_hex(3)}"
    ram_client(first, root).create_user(ram.CreateUserRequest(user_name=name))
    made = ram_client(first, root).create_access_key(ram.CreateAccessKeyRequest(user_name=name)).body.access_key
    key = Creds(made.access_key_id, made.access_key_secret, root.account_id)
    assert _who(second, key) == "ok"

    inactive = ram.UpdateAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id, status="Inactive")
    ram_client(first, root).update_access_key(inactive)
    assert _who(second, key) == "400 InvalidAccessKeyId.Inactive"
    assert _who(first, key) == "400 InvalidAccessKeyId.Inactive"

    active = ram.UpdateAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id, status="Active")
    ram_client(second, root).update_access_key(active)
    assert _who(first, key) == "ok"

    ram_client(second, root).delete_access_key(
        ram.DeleteAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id)
    )
    assert _who(first, key) == "404 InvalidAccessKeyId.NotFound"
    ram_client(first, root).delete_user(ram.DeleteUserRequest(user_name=name))
    assert (
        outcome(lambda: ram_client(second, root).get_user(ram.GetUserRequest(user_name=name)))
        == "404 EntityNotExist.User"
    )


def test_two_keys_per_user_across_processes(servers: list[ServerProcess]) -> None:
    root = Api(servers[0].endpoint).account()
    name = f"u-{secrets.token_hex(3)}"
    ram_client(servers[0], root).create_user(ram.CreateUserRequest(user_name=name))
    gate = threading.Barrier(20)

    def create(i: int) -> str:
        client = ram_client(servers[i % 2], root)
        gate.wait(60)
        return outcome(lambda: client.create_access_key(ram.CreateAccessKeyRequest(user_name=name)))

    with ThreadPoolExecutor(20) as pool:
        results = Counter(pool.map(create, range(20)))
    assert results == {"ok": 2, "409 LimitExceeded.User.AccessKey": 18}
    listed = ram_client(servers[1], root).list_access_keys(ram.ListAccessKeysRequest(user_name=name)).body
    assert len(listed.access_keys.access_key) == 2
