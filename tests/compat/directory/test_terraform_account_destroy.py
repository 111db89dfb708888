"""``alicloud_resource_manager_account`` destroyed the way the Terraform provider does it, replayed call for call
(V1 signatures, business parameters in a form body; tests/support/terraform.py): with ``force_delete`` the
pre-check first — CheckAccountDelete, GetAccountDeletionCheckResult polled until PreCheckComplete, its
AbandonableChecks' ids passed to DeleteAccount as a JSON array — then GetAccountDeletionStatus polled until
Success (or Deleting); without it DeleteAccount alone. Afterwards the provider's read (GetAccount) finds nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from support.deletion import Deleting, deleting
from support.directory import World
from support.servers import LiveServer
from support.terraform import RM, Provider, ProviderError

POLLS = 10
POLL_SECONDS = 5  # the provider's interval between reads of a pending state
Wait = Callable[[], object]


def _no_wait() -> None:
    """Time need not pass: with the default delays every state is final at the next read."""


@pytest.fixture
def rd(world: World) -> Deleting:
    return deleting(world)


@pytest.fixture
def provider(server: LiveServer, rd: Deleting) -> Iterator[Provider]:
    with Provider(server.endpoint, rd.admin.access_key_id, rd.admin.secret) as configured:
        yield configured


def _poll(
    provider: Provider, action: str, account_id: str, path: tuple[str, str], targets: set[str], wait: Wait = _no_wait
) -> Any:
    """BuildStateConf's loop: read until the state is a target, waiting between reads."""
    for _ in range(POLLS):
        answer = provider.call(RM, action, {"AccountId": account_id})
        state = answer[path[0]][path[1]]
        if state in targets:
            return answer[path[0]]
        wait()
    raise AssertionError(f"{action} never reached {targets}")


def _force_delete(provider: Provider, account_id: str, wait: Wait = _no_wait) -> dict[str, Any]:
    """resourceAliCloudResourceManagerAccountDelete with force_delete = true."""
    provider.call(RM, "CheckAccountDelete", {"AccountId": account_id})
    check = _poll(
        provider,
        "GetAccountDeletionCheckResult",
        account_id,
        ("AccountDeletionCheckResultInfo", "Status"),
        {"PreCheckComplete"},
        wait,
    )
    waived = [item["CheckId"] for item in check.get("AbandonableChecks") or []]
    answer = provider.call(RM, "DeleteAccount", {"AccountId": account_id, "AbandonableCheckId": json.dumps(waived)})
    _poll(
        provider,
        "GetAccountDeletionStatus",
        account_id,
        ("RdAccountDeletionStatus", "Status"),
        {"Success", "Deleting"},
        wait,
    )
    return answer


def test_force_delete_waives_what_the_pre_check_found(rd: Deleting, provider: Provider, server: LiveServer) -> None:
    member = rd.member()
    server.rd.create_ram_user(member, "deployer", ["AdministratorAccess"])
    # The member was born with ResourceDirectoryAccountAccessRole (AdministratorAccess attached) as well.
    assert _force_delete(provider, member)["DeletionType"] == "0"
    with pytest.raises(ProviderError) as gone:
        provider.call(RM, "GetAccount", {"AccountId": member})
    assert (gone.value.status, gone.value.code) == (404, "EntityNotExists.Account")
    assert provider.sent == [
        ("ResourceManager", "CheckAccountDelete"),
        ("ResourceManager", "GetAccountDeletionCheckResult"),
        ("ResourceManager", "DeleteAccount"),
        ("ResourceManager", "GetAccountDeletionStatus"),
        ("ResourceManager", "GetAccount"),
    ]


def test_force_delete_under_delays(rd: Deleting, provider: Provider, server: LiveServer) -> None:
    """Delays the provider waits out: each poll sees the pending state until the emulator clock, moved by the
    provider's interval between reads, reaches the due time."""
    member = rd.member()
    server.rd.set_transitions(account_deletion_check=30, account_deletion=30)
    try:
        _force_delete(provider, member, wait=lambda: server.rd.advance(POLL_SECONDS))
        reads = [action for _, action in provider.sent if action == "GetAccountDeletionCheckResult"]
        assert len(reads) == 30 // POLL_SECONDS + 1  # PreChecking until the delay has passed
        assert provider.sent[-1] == ("ResourceManager", "GetAccountDeletionStatus")  # Deleting is a target
    finally:
        server.rd.set_transitions(account_deletion_check=0, account_deletion=0)
        server.rd.set_clock_offset(0)


def test_delete_without_force(rd: Deleting, provider: Provider) -> None:
    member = rd.member()
    assert provider.call(RM, "DeleteAccount", {"AccountId": member})["DeletionType"] == "0"
    status = _poll(
        provider, "GetAccountDeletionStatus", member, ("RdAccountDeletionStatus", "Status"), {"Success", "Deleting"}
    )
    assert status["Status"] == "Success"


def test_a_blocked_deletion_is_the_providers_error(rd: Deleting, provider: Provider, server: LiveServer) -> None:
    """Without force_delete nothing is waived: the provider reports the code and stops; the account stays."""
    member = rd.member()
    server.rd.create_ram_user(member, "deployer", ["AdministratorAccess"])
    with pytest.raises(ProviderError) as blocked:
        provider.call(RM, "DeleteAccount", {"AccountId": member})
    assert (blocked.value.status, blocked.value.code) == (409, "SpBlock.DeleteAccount")
    assert provider.call(RM, "GetAccount", {"AccountId": member})["Account"]["AccountId"] == member
