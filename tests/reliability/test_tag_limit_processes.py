"""The 20-tags-per-resource limit holds under two ``openrd serve`` processes tagging one account at once, on one
PostgreSQL database and on one SQLite file (docs/tags.md#limits): of 32 concurrent TagResources calls, each adding
a key of its own to an account carrying 4, exactly 16 succeed and the rest answer 409 LimitExceeded.Tag."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models

from support.reliability import Api, cluster, outcome, sql, store_env
from support.reliability import database as store_database

CARRIED, CALLS = 4, 32
STORES = [pytest.param("postgresql", marks=pytest.mark.postgres), pytest.param("sqlite")]


@pytest.fixture(params=STORES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with store_database(request.param, tmp_path, "openrd_tags") as url:
        yield url


def _request(account_id: str, pairs: dict[str, str]) -> models.TagResourcesRequest:
    return models.TagResourcesRequest(
        resource_id=[account_id],
        resource_type="Account",
        tag=[models.TagResourcesRequestTag(key=k, value=v) for k, v in pairs.items()],
    )


def test_the_limit_is_exact_across_two_processes(database: str, tmp_path: Path) -> None:
    with cluster(store_env(tmp_path, database), tmp_path, 2) as servers:
        apis = [Api(s.endpoint) for s in servers]
        master = apis[0].account()
        assert outcome(lambda: apis[0].enable_current(master)) == "ok"
        member = apis[0].create_member(master, "tagged-member")
        first = _request(member, {f"base{i:02d}": "v" for i in range(CARRIED)})
        assert outcome(lambda: apis[0].rm(master).tag_resources_with_options(first, Api._once())) == "ok"

        # Clients and requests are made before the gate, so the calls leave as close together as they can.
        calls = [(apis[i % 2].rm(master), _request(member, {f"new{i:02d}": "v"})) for i in range(CALLS)]
        gate = threading.Barrier(CALLS)

        def run(call: tuple[Any, models.TagResourcesRequest]) -> str:
            client, request = call
            gate.wait(60)
            return outcome(lambda: client.tag_resources_with_options(request, Api._once()))

        with ThreadPoolExecutor(CALLS) as pool:
            results = list(pool.map(run, calls))

        free = 20 - CARRIED
        assert Counter(results) == Counter({"ok": free, "409 LimitExceeded.Tag": CALLS - free}), results
        stored = sql(database, "SELECT count(*) FROM resource_tags WHERE resource_id = ?", member)
        assert stored == [(20,)]
        for server in servers:
            assert "Traceback" not in server.log_text()
