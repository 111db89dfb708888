"""Clocks: the real one, and the emulator's controllable clock (real time plus a stored offset,
docs/behaviour.md#the-two-clocks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class OffsetClock:
    """Real time plus an offset read from the store on every call, so every server process agrees on it."""

    def __init__(self, read_offset_seconds: Callable[[], int], base: Callable[[], datetime] | None = None) -> None:
        self._read_offset = read_offset_seconds
        self._base = base or SystemClock().now

    def now(self) -> datetime:
        return self.at_offset(self._read_offset())

    def at_offset(self, offset_seconds: int) -> datetime:
        """The time with an offset the caller already read from the store (in its own transaction)."""
        return self._base() + timedelta(seconds=offset_seconds)
