"""Emulator-wide operations: the controllable clock's offset and the state reset (docs/behaviour.md#control-api)."""

from __future__ import annotations

from datetime import datetime

from openrd.services import errors as service_errors
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork

CLOCK_OFFSET_KEY = "clock_offset_seconds"
MAX_OFFSET_SECONDS = 100 * 365 * 86400


def clock_offset(uow: UnitOfWork) -> int:
    value = uow.state.get(CLOCK_OFFSET_KEY)
    return int(value) if value else 0


def read_clock_offset(deps: Deps) -> int:
    with deps.uow(write=False) as uow:
        return clock_offset(uow)


def set_clock(
    deps: Deps,
    *,
    advance_seconds: int | None = None,
    offset_seconds: int | None = None,
    now: datetime | None = None,
) -> int:
    """Move the emulator clock: relative (``advance_seconds``), absolute (``offset_seconds``), or so that it reads
    ``now`` at this moment (whole seconds); exactly one of them. Returns the new offset."""
    if sum(given is not None for given in (advance_seconds, offset_seconds, now)) != 1:
        raise service_errors.InvalidClock("give exactly one of advance_seconds, offset_seconds or now")
    if now is not None:
        if now.tzinfo is None:
            raise service_errors.InvalidClock("now needs a time zone (Z for UTC)")
        offset_seconds = round((now - deps.wall_clock.now()).total_seconds())
    with deps.uow() as uow:
        offset = offset_seconds if offset_seconds is not None else clock_offset(uow) + (advance_seconds or 0)
        if abs(offset) > MAX_OFFSET_SECONDS:
            raise service_errors.InvalidClock("the clock offset must stay within 100 years")
        uow.state.put(CLOCK_OFFSET_KEY, str(offset))
    return offset


def parse_moment(text: str) -> datetime:
    """An RFC 3339 time as configured (``OPENRD_CLOCK_START``), for ``set_clock(now=...)``."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise service_errors.InvalidClock("now must be an RFC 3339 time such as 2026-01-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise service_errors.InvalidClock("now needs a time zone (Z for UTC)")
    return moment


def reset(deps: Deps) -> None:
    """Wipe every table, the clock offset included."""
    deps.store.reset()
