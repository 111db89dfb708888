"""The console's server-sent event stream: poll a cheap marker, push a snapshot when the page would change.

Each open page costs one tiny read transaction every ``poll`` seconds; the full snapshot is read only when the
marker moves, or every ``full_check`` seconds to catch edits that leave no marker (control-API seeding). The
event id is the snapshot's fingerprint, so a browser that reconnects (``Last-Event-ID``) is sent nothing it
already shows.

A stream ends after ``lifetime`` seconds and the browser reconnects by itself: uvicorn waits for open
responses before it shuts down, so an open console tab must not hold a server's shutdown for long.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("openrd.console")


@dataclass(frozen=True)
class StreamTiming:
    poll: float = 0.5
    full_check: float = 5.0
    keepalive: float = 15.0
    lifetime: float = 30.0
    retry_ms: int = 1000  # how soon the browser reconnects after a stream ends


def sse_event(event: str, data: dict[str, Any], *, event_id: str) -> str:
    # json.dumps never emits a raw newline, so the payload fits one ``data:`` line.
    return f"event: {event}\nid: {event_id}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def snapshot_events(
    *,
    read_marker: Callable[[], Awaitable[str]],
    read_payload: Callable[[], Awaitable[dict[str, Any]]],
    last_event_id: str | None,
    timing: StreamTiming = StreamTiming(),
    monotonic: Callable[[], float] = time.monotonic,
) -> AsyncIterator[str]:
    yield f"retry: {timing.retry_ms}\n\n"
    shown = last_event_id
    marker: str | None = None
    checked = quiet_since = started = monotonic()
    checked -= timing.full_check  # read the snapshot on the first round
    while monotonic() - started < timing.lifetime:
        now = monotonic()
        try:
            current = await read_marker()
            if current != marker or now - checked >= timing.full_check:
                marker, checked = current, now
                payload = await read_payload()
                if payload["fingerprint"] != shown:
                    shown = payload["fingerprint"]
                    yield sse_event("snapshot", payload, event_id=payload["fingerprint"])
                    quiet_since = now
        except Exception:  # the store hiccupped: end this stream, the browser reconnects after retry_ms
            log.exception("console stream: could not read the snapshot")
            return
        if now - quiet_since >= timing.keepalive:
            yield ": keep-alive\n\n"
            quiet_since = now
        await asyncio.sleep(timing.poll)
