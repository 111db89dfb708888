"""The transitions service (services/transitions.py) on a real runtime: due times from the delay set when a
transition starts, settling against the emulator clock, refusals, and the defaults after a reset."""

from __future__ import annotations

from datetime import timedelta

import pytest

from openrd.domain.times import epoch_ms
from openrd.domain.transitions import KINDS, TransitionKind
from openrd.services import emulator, transitions
from openrd.services import errors as service_errors
from openrd.services.context import Deps

KIND = TransitionKind.RESOURCE_GROUP_CREATE


def test_a_transition_takes_the_delay_set_when_it_starts(deps: Deps) -> None:
    transitions.set_delays(deps, {KIND: 30})
    start = deps.clock.now()
    with deps.uow(write=False) as uow:
        due = transitions.due_at(uow, KIND, start)
    assert due == epoch_ms(start) + 30_000
    transitions.set_delays(deps, {KIND: 0})  # later changes do not touch a due time already stored
    assert not transitions.is_settled(due, start + timedelta(seconds=29))
    assert transitions.is_settled(due, start + timedelta(seconds=30))
    assert transitions.is_settled(None, start)


def test_with_the_default_delay_the_next_read_sees_the_final_state(deps: Deps) -> None:
    start = deps.clock.now()
    with deps.uow(write=False) as uow:
        due = transitions.due_at(uow, TransitionKind.ACCOUNT_DELETION, start)
    assert transitions.is_settled(due, deps.clock.now())


def test_advancing_the_emulator_clock_settles_a_pending_transition(deps: Deps) -> None:
    transitions.set_delays(deps, {KIND: 600})
    with deps.uow(write=False) as uow:
        due = transitions.due_at(uow, KIND, deps.clock.now())
    assert not transitions.is_settled(due, deps.clock.now())
    emulator.set_clock(deps, advance_seconds=600)
    assert transitions.is_settled(due, deps.clock.now())


@pytest.mark.parametrize("seconds", [-1, 10 * 365 * 86400 + 1, True])
def test_a_bad_delay_changes_nothing(deps: Deps, seconds: int) -> None:
    transitions.set_delays(deps, {KIND: 3})
    with pytest.raises(service_errors.InvalidTransition):
        transitions.set_delays(deps, {TransitionKind.CONTROL_POLICY: 1, KIND: seconds})
    assert transitions.read_delays(deps) == {kind: 3 if kind is KIND else 0 for kind in KINDS}


def test_reset_restores_the_defaults(deps: Deps) -> None:
    transitions.set_delays(deps, dict.fromkeys(KINDS, 9))
    emulator.reset(deps)
    assert transitions.read_delays(deps) == dict.fromkeys(KINDS, 0)
