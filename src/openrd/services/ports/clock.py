"""The business clock services tell the time by."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable


class Clock(Protocol):
    """The business clock: code expiry, quotas, throttles, STS expiry, times in responses."""

    def now(self) -> datetime: ...


@runtime_checkable
class StoredOffsetClock(Clock, Protocol):
    """A business clock that is real time plus an offset kept in the store: a call that read the offset with its
    first lookup can tell the time without reading it again."""

    def at_offset(self, offset_seconds: int) -> datetime: ...
