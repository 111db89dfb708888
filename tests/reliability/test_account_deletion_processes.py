"""Account deletion across ``openrd serve`` processes on one store (a SQLite file, a PostgreSQL database): a
deletion made through one process takes every credential of the account (root and RAM user AccessKeys, an STS
session) and the account itself away from the next request through the other; concurrent DeleteAccount calls
spread over both delete the account once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.utils_models import Config

from openrd.testing.process import ServerProcess
from support.api import Creds
from support.reliability import Api, cluster, database, outcome, sql, store_env

STORES = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
WAIVE = ["RAM_USERS", "RAM_ROLES"]


@dataclass
class Pair:
    servers: list[ServerProcess]
    database_url: str
    deleter: Creds  # a RAM user of a management account whose directory allows member deletion

    def api(self, i: int) -> Api:
        return Api(self.servers[i % len(self.servers)].endpoint)


@pytest.fixture(scope="module", params=STORES)
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    root = tmp_path_factory.mktemp(f"deletion-{request.param}")
    with (
        database(request.param, root, "openrd_deletion") as database_url,
        cluster(store_env(root, database_url), root, 2) as servers,
    ):
        api = Api(servers[0].endpoint)
        master = api.account()
        assert outcome(lambda: api.enable_current(master)) == "ok"
        request = rm.SetMemberDeletionPermissionRequest(status="Enabled")
        api.rm(master).set_member_deletion_permission(request)  # through one process, read by both
        yield Pair(servers, database_url, api.ram_user(master.account_id))
        for server in servers:
            assert "Traceback" not in server.log_text()


def _identity(endpoint: str, key: str, secret: str, token: str | None = None) -> Callable[[], Any]:
    config = Config(access_key_id=key, access_key_secret=secret, security_token=token, endpoint=endpoint)
    config.protocol = "http"
    return lambda: StsClient(config).get_caller_identity()


def _delete(api: Api, creds: Creds, account_id: str) -> Any:
    request = rm.DeleteAccountRequest(account_id=account_id, abandonable_check_id=WAIVE)
    return api.rm(creds).delete_account_with_options(request, api._once())


def test_a_deletion_through_one_process_holds_in_the_other(pair: Pair) -> None:
    first, second = pair.api(0), pair.api(1)
    member = first.create_member(pair.deleter, "doomed")
    user = first.rd.create_ram_user(member, "app", ["AliyunResourceDirectoryReadOnlyAccess"])
    role = first.rd.create_ram_role(member, "ops", ["AliyunResourceDirectoryReadOnlyAccess"])
    session = first.rd.assume_role(role["arn"], "before")
    root = first.rd.create_access_key(member)
    endpoint = pair.servers[1].endpoint
    calls = [
        _identity(endpoint, root["access_key_id"], root["access_key_secret"]),
        _identity(endpoint, user["access_key_id"], user["access_key_secret"]),
        _identity(endpoint, session["access_key_id"], session["access_key_secret"], session["security_token"]),
    ]
    assert [outcome(call) for call in calls] == ["ok"] * 3  # the second process has seen them all
    assert outcome(lambda: _delete(first, pair.deleter, member)) == "ok"
    assert [outcome(call) for call in calls] == ["404 InvalidAccessKeyId.NotFound"] * 3
    get = rm.GetAccountRequest(account_id=member)
    assert outcome(lambda: second.rm(pair.deleter).get_account(get)) == "404 EntityNotExists.Account"
    status = second.rm(pair.deleter).get_account_deletion_status(rm.GetAccountDeletionStatusRequest(account_id=member))
    assert status.body.rd_account_deletion_status.status == "Success"


def test_concurrent_deletions_delete_once(pair: Pair) -> None:
    member = pair.api(0).create_member(pair.deleter, "contested")
    gate = threading.Barrier(8)

    def attempt(i: int) -> str:
        gate.wait(60)
        return outcome(lambda: _delete(pair.api(i), pair.deleter, member))

    with ThreadPoolExecutor(8) as pool:
        results = Counter(pool.map(attempt, range(8)))
    assert results["ok"] == 1, results
    assert set(results) <= {"ok", "409 AccountNotExist.DeleteAccount", "409 NotSupportedOperation.DeletingAccount"}
    assert sql(pair.database_url, "SELECT COUNT(*) FROM account_deletions WHERE account_id = ?", member) == [(1,)]
    assert sql(pair.database_url, "SELECT COUNT(*) FROM accounts WHERE account_id = ?", member) == [(0,)]
