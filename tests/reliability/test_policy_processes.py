"""RAM policy changes made through one ``openrd serve`` process hold at the next call to another on the same store
(docs/policies.md#attachments): an attachment, a detachment and a new default version; and the five-version limit
is exact when two processes create versions at once. Two processes on one SQLite file and on one PostgreSQL
database."""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from alibabacloud_ram20150501 import models as ram

from openrd.testing.process import ServerProcess
from support.api import Creds
from support.reliability import TWO_PROCESSES, Api, outcome, ram_client, two_servers

PROBE = ram.GetPolicyRequest(policy_name="AdministratorAccess", policy_type="System")


def _document(effect: str) -> str:
    return json.dumps({"Version": "1", "Statement": [{"Effect": effect, "Action": "ram:Get*", "Resource": "*"}]})


@pytest.fixture(scope="module", params=TWO_PROCESSES)
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    with two_servers(request.param, tmp_path_factory.mktemp(f"policies-{request.param}"), "openrd_policies") as started:
        yield started


def _user(server: ServerProcess, root: Creds) -> tuple[str, Creds]:
    name = f"u-{secrets.token_hex(3)}"
    ram_client(server, root).create_user(ram.CreateUserRequest(user_name=name))
    made = ram_client(server, root).create_access_key(ram.CreateAccessKeyRequest(user_name=name)).body.access_key
    return name, Creds(made.access_key_id, made.access_key_secret, root.account_id)


def test_attachments_and_versions_hold_in_the_other_process(servers: list[ServerProcess]) -> None:
    first, second = servers
    root = Api(first.endpoint).account()
    name, user = _user(first, root)
    policy = f"p-{secrets.token_hex(3)}"
    ram_client(first, root).create_policy(
        ram.CreatePolicyRequest(policy_name=policy, policy_document=_document("Allow"))
    )
    assert outcome(lambda: ram_client(second, user).get_policy(PROBE)) == "403 NoPermission"

    attach = ram.AttachPolicyToUserRequest(user_name=name, policy_name=policy, policy_type="Custom")
    ram_client(first, root).attach_policy_to_user(attach)
    assert outcome(lambda: ram_client(second, user).get_policy(PROBE)) == "ok"

    deny = ram.CreatePolicyVersionRequest(policy_name=policy, policy_document=_document("Deny"), set_as_default=True)
    ram_client(second, root).create_policy_version(deny)
    assert outcome(lambda: ram_client(first, user).get_policy(PROBE)) == "403 NoPermission"
    ram_client(first, root).set_default_policy_version(
        ram.SetDefaultPolicyVersionRequest(policy_name=policy, version_id="v1")
    )
    assert outcome(lambda: ram_client(second, user).get_policy(PROBE)) == "ok"

    detach = ram.DetachPolicyFromUserRequest(user_name=name, policy_name=policy, policy_type="Custom")
    ram_client(second, root).detach_policy_from_user(detach)
    assert outcome(lambda: ram_client(first, user).get_policy(PROBE)) == "403 NoPermission"


def test_five_versions_across_processes(servers: list[ServerProcess]) -> None:
    root = Api(servers[0].endpoint).account()
    policy = f"p-{secrets.token_hex(3)}"
    ram_client(servers[0], root).create_policy(
        ram.CreatePolicyRequest(policy_name=policy, policy_document=_document("Allow"))
    )
    gate = threading.Barrier(20)

    def create(i: int) -> str:
        client = ram_client(servers[i % 2], root)
        request = ram.CreatePolicyVersionRequest(policy_name=policy, policy_document=_document("Allow"))
        gate.wait(60)
        return outcome(lambda: client.create_policy_version(request))

    with ThreadPoolExecutor(20) as pool:
        results = Counter(pool.map(create, range(20)))
    assert results == {"ok": 4, "409 LimitExceeded.Policy.Version": 16}
    listed = ram_client(servers[1], root).list_policy_versions(
        ram.ListPolicyVersionsRequest(policy_name=policy, policy_type="Custom")
    )
    assert [v.version_id for v in listed.body.policy_versions.policy_version] == ["v1", "v2", "v3", "v4", "v5"]
