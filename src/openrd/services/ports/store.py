"""The store as a whole: locks on keys, the key-value state, and the operations on the whole store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from openrd.domain.transitions import TransitionKind


class KeyLock(Protocol):
    def lock(self, key: str) -> None:
        """Serialise the writers of ``key`` until the unit of work ends."""
        ...


class StateRepository(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


class Store(Protocol):
    """Whole-store operations used by the control API and health checks."""

    kind: str

    def reset(self) -> None: ...

    def complete_transitions(self, kinds: Sequence[TransitionKind], now_ms: int) -> int:
        """Make every transition of ``kinds`` still pending at ``now_ms`` due at ``now_ms``, in one transaction;
        how many there were (docs/lifecycle.md)."""
        ...

    def ping(self) -> bool: ...
