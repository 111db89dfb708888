"""Transitions (docs/lifecycle.md): the delay of each kind, the due time of a transition that starts now, whether a
stored due time has passed, and finishing pending transitions at once.

The delays live in the store's key-value state (``transition_delay.<kind>``), read in the caller's unit of work, so
every process uses the delay set last and a reset restores the defaults. An area that starts a transition stores
``due_at(uow, kind, now)`` in a ``*_due_ms`` column of its own and settles it on read with ``is_settled``; it
registers that column with the store (adapters/db/transitions.py) so ``complete`` can finish it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from openrd.domain import transitions as domain
from openrd.domain.times import epoch_ms
from openrd.domain.transitions import KINDS, TransitionKind
from openrd.services import errors as service_errors
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork

DELAY_KEY = "transition_delay."


def delay(uow: UnitOfWork, kind: TransitionKind) -> int:
    """The delay, in seconds, a transition of ``kind`` starting now gets."""
    value = uow.state.get(DELAY_KEY + kind.value)
    return int(value) if value else domain.DEFAULT_DELAY_SECONDS


def due_at(uow: UnitOfWork, kind: TransitionKind, now: datetime) -> int:
    """The due time (epoch ms) of a transition of ``kind`` that starts at ``now``: store it with the pending state.
    It keeps this delay even if the kind's delay changes before it falls due."""
    return domain.due_ms(epoch_ms(now), delay(uow, kind))


def is_settled(due_ms: int | None, now: datetime) -> bool:
    """Whether the transition due at ``due_ms`` has reached its final state at ``now`` (None: nothing pending)."""
    return domain.is_settled(due_ms, epoch_ms(now))


def delays(uow: UnitOfWork) -> dict[TransitionKind, int]:
    return {kind: delay(uow, kind) for kind in KINDS}


def read_delays(deps: Deps) -> dict[TransitionKind, int]:
    with deps.uow(write=False) as uow:
        return delays(uow)


def set_delays(deps: Deps, changes: Mapping[TransitionKind, int]) -> dict[TransitionKind, int]:
    """Merge ``changes`` into the delays; the whole mapping after it. Pending transitions keep their due times."""
    for kind, seconds in changes.items():
        if not isinstance(kind, TransitionKind):
            raise service_errors.InvalidTransition(f"{kind!r} is not a transition kind")
        if not domain.valid_delay(seconds):
            raise service_errors.InvalidTransition(
                f"the delay of {kind.value} must be whole seconds from 0 to {domain.MAX_DELAY_SECONDS}"
            )
    with deps.uow() as uow:
        for kind, seconds in changes.items():
            uow.state.put(DELAY_KEY + kind.value, str(seconds))
        return delays(uow)


def complete(deps: Deps, kind: TransitionKind | None = None) -> int:
    """Finish the pending transitions of ``kind`` (every kind if None) now, without moving the clock: each becomes
    due at the emulator's now. Returns how many were pending."""
    kinds = KINDS if kind is None else (kind,)
    return deps.store.complete_transitions(kinds, epoch_ms(deps.clock.now()))
