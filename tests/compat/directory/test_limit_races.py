"""Limits under concurrent calls, on both stores: creates racing for an account's last resource-group places and
registrations racing for a trusted service's last delegated-administrator places never pass the limit, and every
refused call answers the documented code."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_tea_openapi.exceptions import ClientException

from openrd.domain.resource_groups import MAX_GROUPS
from support.directory import World

THREADS = 8


def _outcome(call: Any) -> str:
    try:
        call()
    except ClientException as error:
        return str(error.code)
    return "OK"


def test_racing_creates_stop_at_the_group_limit(world: World) -> None:
    account = world.account()
    clients = [account.rm() for _ in range(THREADS)]
    for index in range(MAX_GROUPS - 1 - 4):  # the default group and these leave four places
        account.client.create_resource_group(rm.CreateResourceGroupRequest(name=f"g{index}", display_name="g"))

    def attempt(index: int) -> str:
        request = rm.CreateResourceGroupRequest(name=f"race{index}", display_name="race")
        return _outcome(lambda: clients[index].create_resource_group(request))

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = Counter(pool.map(attempt, range(THREADS)))
    assert outcomes == Counter({"OK": 4, "LimitExceeded.ResourceGroup": THREADS - 4})
    listed = account.client.list_resource_groups(rm.ListResourceGroupsRequest(page_size=100)).body
    assert listed.total_count == MAX_GROUPS


def test_racing_registrations_stop_at_the_service_limit(world: World) -> None:
    org = world.org()
    members = [org.resource_account() for _ in range(THREADS)]
    clients = [org.rm() for _ in range(THREADS)]
    service = "resourcecenter.aliyuncs.com"  # five delegated administrators at most

    def attempt(index: int) -> str:
        request = rm.RegisterDelegatedAdministratorRequest(account_id=members[index], service_principal=service)
        return _outcome(lambda: clients[index].register_delegated_administrator(request))

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = Counter(pool.map(attempt, range(THREADS)))
    assert outcomes == Counter({"OK": 5, "DelegatedAccountNumberExceeded": THREADS - 5})
    request = rm.ListDelegatedAdministratorsRequest(service_principal=service)
    assert org.client.list_delegated_administrators(request).body.total_count == 5
