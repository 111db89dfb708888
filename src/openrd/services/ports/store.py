"""The store as a whole: locks on keys, the key-value state, and the operations on the whole store."""

from __future__ import annotations

from typing import Protocol


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

    def ping(self) -> bool: ...
