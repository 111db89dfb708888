"""Control policies across server processes (docs/guardrails.md#evaluation): two ``openrd serve`` processes on one
store, a policy attached or detached through one and the next request through the other bounded accordingly — no
process keeps what it read of the policies between requests."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alibabacloud_resourcemanager20200331 import models as rm

from support.api import Creds
from support.reliability import Api, cluster, database, outcome, store_env

DENY = json.dumps(
    {
        "Version": "1",
        "Statement": [{"Effect": "Deny", "Action": "resourcemanager:GetResourceDirectory", "Resource": "*"}],
    }
)
STORES = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=STORES)
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Api]]:
    root = tmp_path_factory.mktemp(f"guardrails-{request.param}")
    with (
        database(request.param, root, "openrd_guardrails") as database_url,
        cluster(store_env(root, database_url), root, 2) as processes,
    ):
        yield [Api(process.endpoint) for process in processes]


def test_a_detach_in_one_process_is_honoured_by_the_other(servers: list[Api]) -> None:
    first, second = servers
    master = first.account()
    assert outcome(lambda: first.enable_current(master)) == "ok"
    client = first.rm(master)
    folder = client.create_folder(rm.CreateFolderRequest(folder_name="guarded")).body.folder.folder_id
    request = rm.CreateResourceAccountRequest(display_name="guarded-member", parent_folder_id=folder)
    member = client.create_resource_account(request).body.account.account_id
    client.enable_control_policy()
    create = rm.CreateControlPolicyRequest(policy_name="no-read", effect_scope="RAM", policy_document=DENY)
    policy = client.create_control_policy(create).body.control_policy.policy_id
    user: Creds = first.ram_user(member, "AdministratorAccess")
    reads = lambda: second.rm(user).get_resource_directory()  # noqa: E731 - through the other process
    assert outcome(reads) == "ok"
    client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=policy, target_id=folder))
    assert outcome(reads) == "403 NoPermission"
    client.detach_control_policy(rm.DetachControlPolicyRequest(policy_id=policy, target_id=folder))
    assert outcome(reads) == "ok"
    client.attach_control_policy(rm.AttachControlPolicyRequest(policy_id=policy, target_id=member))
    assert outcome(reads) == "403 NoPermission"
    client.disable_control_policy()
    assert outcome(reads) == "ok"
