"""Delegation and resource groups across two ``openrd serve`` processes on one store (docs/delegation.md,
docs/resource-groups.md): a registration or deregistration made through one process decides the other's next
read, and creates racing through both processes stop exactly at an account's group limit. Two processes on one
SQLite file and on one PostgreSQL database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from alibabacloud_resourcemanager20200331 import models as rm

from openrd.domain.resource_groups import MAX_GROUPS
from openrd.testing.process import ServerProcess
from support.api import Creds
from support.reliability import TWO_PROCESSES, Api, outcome, two_servers

SERVICE = "cloudfw.aliyuncs.com"


@pytest.fixture(scope="module", params=TWO_PROCESSES)
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    with two_servers(
        request.param, tmp_path_factory.mktemp(f"delegation-{request.param}"), "openrd_delegation"
    ) as started:
        yield started


def test_a_deregistration_in_one_process_ends_reads_in_the_other(servers: list[ServerProcess]) -> None:
    first, second = (Api(server.endpoint) for server in servers)
    org = first.account()
    first.enable_current(org)
    member = first.create_member(org, "delegate")
    made = first.rd.create_access_key(member)
    admin = Creds(made["access_key_id"], made["access_key_secret"], member)
    get = rm.GetAccountRequest(account_id=member)
    assert outcome(lambda: second.rm(admin).get_account(get)) == "404 EntityNotExists.ResourceDirectory"

    register = rm.RegisterDelegatedAdministratorRequest(account_id=member, service_principal=SERVICE)
    first.rm(org).register_delegated_administrator(register)
    assert outcome(lambda: second.rm(admin).get_account(get)) == "ok"
    assert outcome(lambda: second.rm(org).register_delegated_administrator(register)) == "409 AccountAlreadyRegistered"

    deregister = rm.DeregisterDelegatedAdministratorRequest(account_id=member, service_principal=SERVICE)
    first.rm(org).deregister_delegated_administrator(deregister)
    assert outcome(lambda: second.rm(admin).get_account(get)) == "404 EntityNotExists.ResourceDirectory"
    assert outcome(lambda: first.rm(admin).get_account(get)) == "404 EntityNotExists.ResourceDirectory"


def test_creates_through_both_processes_stop_at_the_limit(servers: list[ServerProcess]) -> None:
    apis = [Api(server.endpoint) for server in servers]
    account = apis[0].account()
    for index in range(MAX_GROUPS - 1 - 3):  # with the default group, three places are left
        apis[index % 2].rm(account).create_resource_group(
            rm.CreateResourceGroupRequest(name=f"g{index}", display_name="g")
        )

    def attempt(index: int) -> str:
        request = rm.CreateResourceGroupRequest(name=f"race{index}", display_name="race")
        return outcome(lambda: apis[index % 2].rm(account).create_resource_group(request))

    with ThreadPoolExecutor(8) as pool:
        outcomes = Counter(pool.map(attempt, range(8)))
    assert outcomes == Counter({"ok": 3, "409 LimitExceeded.ResourceGroup": 5})
    listed = apis[1].rm(account).list_resource_groups(rm.ListResourceGroupsRequest(page_size=100)).body
    assert listed.total_count == MAX_GROUPS
