"""Times as openrd stores and shows them: stored as epoch milliseconds, shown as RFC 3339 in UTC with
milliseconds and a ``Z`` (the OpenAPI's answers, the control API, the console, the logs)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@lru_cache(maxsize=16384)
def rfc3339_ms(moment_ms: int) -> str:
    """A stored time. Memoised: a page of 100 accounts formats 200 stored times, the same ones call after call."""
    seconds, millis = divmod(moment_ms, 1000)
    return f"{_rfc3339_second(seconds)}.{millis:03d}Z"


@lru_cache(maxsize=4096)
def _rfc3339_second(seconds: int) -> str:
    """Memoised by second too: fresh times (a new code's expiry) mostly share a few seconds."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def rfc3339_s(moment_ms: int) -> str:
    """A stored time to the second, as RAM shows its times (``2026-12-07T06:30:00Z``)."""
    return f"{_rfc3339_second(moment_ms // 1000)}Z"


def rfc3339(moment: datetime) -> str:
    """A moment that is not stored (the clock's now, a credential's expiry, a log record's time); not memoised."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def rfc3339_seconds(moment_ms: int) -> str:
    """A stored time as RAM shows it: whole seconds and a ``Z`` (``2026-12-07T06:30:00Z``)."""
    return f"{_rfc3339_second(moment_ms // 1000)}Z"
