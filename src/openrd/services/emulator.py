"""Emulator-wide operations: the controllable clock's offset and the state reset (docs/behaviour.md#clock-and-reset)."""

from __future__ import annotations

from datetime import datetime

from openrd import errors
from openrd.services.ports import Store, UnitOfWork, UnitOfWorkFactory

CLOCK_OFFSET_KEY = "clock_offset_seconds"
MAX_OFFSET_SECONDS = 100 * 365 * 86400


def clock_offset(uow: UnitOfWork) -> int:
    value = uow.state.get(CLOCK_OFFSET_KEY)
    return int(value) if value else 0


def read_clock_offset(*, uow_factory: UnitOfWorkFactory) -> int:
    with uow_factory(write=False) as uow:
        return clock_offset(uow)


def set_clock(*, uow: UnitOfWork, advance_seconds: int | None = None, offset_seconds: int | None = None) -> int:
    """Move the emulator clock: relative (``advance_seconds``) or absolute (``offset_seconds``); returns the offset."""
    if (advance_seconds is None) == (offset_seconds is None):
        raise errors.ControlInvalid("give exactly one of advance_seconds, offset_seconds or now")
    with uow:
        offset = offset_seconds if offset_seconds is not None else clock_offset(uow) + (advance_seconds or 0)
        if abs(offset) > MAX_OFFSET_SECONDS:
            raise errors.ControlInvalid("the clock offset must stay within 100 years")
        uow.state.put(CLOCK_OFFSET_KEY, str(offset))
    return offset


def offset_for(moment: str, *, real_now: datetime) -> int:
    """The offset that makes the emulator clock read ``moment`` (RFC 3339) now, in whole seconds."""
    try:
        target = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        raise errors.ControlInvalid("now must be an RFC 3339 time such as 2026-01-01T00:00:00Z") from None
    if target.tzinfo is None:
        raise errors.ControlInvalid("now needs a time zone (Z for UTC)")
    return round((target - real_now).total_seconds())


def reset(*, store: Store) -> None:
    """Wipe every table, the clock offset included."""
    store.reset()
