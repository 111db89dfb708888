"""``/_openrd/transitions`` (docs/lifecycle.md): every kind's delay, merging a subset, refusals, finishing pending
transitions, the reset, and two server processes on one store agreeing on the delays."""

from __future__ import annotations

from typing import Any

import pytest

from openrd.domain.transitions import MAX_DELAY_SECONDS
from support.codes import Servers
from support.control import JSON, assert_error
from support.servers import LiveServer

DEFAULTS = {
    "control_policy": 0,
    "account_deletion_check": 0,
    "account_deletion": 0,
    "resource_group_create": 0,
    "resource_group_delete": 0,
}


def test_every_kind_starts_at_zero_seconds(live: LiveServer) -> None:
    response = live.control("GET", "/transitions")
    assert response.status_code == 200
    assert response.json() == DEFAULTS
    assert live.rd.transitions() == DEFAULTS


def test_a_subset_merges_and_the_answer_is_every_kind(live: LiveServer) -> None:
    assert live.rd.set_transitions(control_policy=30) == DEFAULTS | {"control_policy": 30}
    response = live.control("POST", "/transitions", json={"account_deletion": 5, "resource_group_delete": 259200.0})
    assert response.status_code == 200
    after = response.json()
    assert after == DEFAULTS | {"control_policy": 30, "account_deletion": 5, "resource_group_delete": 259200}
    assert live.rd.transitions() == after
    assert live.rd.set_transitions() == after  # an empty body changes nothing
    assert live.rd.set_transitions(control_policy=0)["control_policy"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"unknown_kind": 1},
        {"control_policy": 5, "Control_Policy": 5},  # kinds are spelled exactly; nothing of the call is kept
        {"control_policy": -1},
        {"control_policy": 1.5},
        {"control_policy": "30"},
        {"control_policy": True},
        {"control_policy": None},
        {"control_policy": [30]},
        {"control_policy": MAX_DELAY_SECONDS + 1},
        {"control_policy": 1e300},
    ],
)
def test_an_unknown_kind_or_a_bad_delay_is_refused_whole(live: LiveServer, body: dict[str, Any]) -> None:
    live.rd.set_transitions(account_deletion=7)
    assert_error(live.control("POST", "/transitions", json=body), 400, "invalid_transition")
    assert live.rd.transitions() == DEFAULTS | {"account_deletion": 7}


@pytest.mark.parametrize("raw", [b"[1, 2]", b"not json", b'"control_policy"'])
def test_a_body_that_is_not_an_object_is_an_invalid_transition(live: LiveServer, raw: bytes) -> None:
    assert_error(live.control("POST", "/transitions", content=raw, headers=JSON), 400, "invalid_transition")
    response = live.control("POST", "/transitions/complete", content=raw, headers=JSON)
    assert_error(response, 400, "invalid_transition")


def test_complete_takes_one_kind_or_every_kind(live: LiveServer) -> None:
    assert live.rd.complete_transitions() == 0
    assert live.rd.complete_transitions("account_deletion") == 0
    response = live.control("POST", "/transitions/complete", json={"kind": None})
    assert response.status_code == 200
    assert response.json() == {"completed": 0}


@pytest.mark.parametrize("kind", ["nope", "", 3, ["control_policy"]])
def test_complete_refuses_an_unknown_kind(live: LiveServer, kind: Any) -> None:
    assert_error(live.control("POST", "/transitions/complete", json={"kind": kind}), 400, "invalid_transition")


def test_complete_does_not_move_the_clock(live: LiveServer) -> None:
    live.rd.set_clock_offset(120)
    live.rd.complete_transitions()
    assert live.rd.clock()["offset_seconds"] == 120


def test_reset_restores_the_defaults(live: LiveServer) -> None:
    live.rd.set_transitions(control_policy=30, resource_group_create=2)
    live.rd.reset()
    assert live.rd.transitions() == DEFAULTS


def test_two_processes_on_one_store_agree(servers: Servers) -> None:
    first, _ = servers.start(servers.env())
    second, _ = servers.start(servers.env())
    first.rd.set_transitions(account_deletion_check=45)
    assert second.rd.transitions()["account_deletion_check"] == 45
    second.rd.set_transitions(account_deletion_check=0)
    assert first.rd.transitions() == DEFAULTS
