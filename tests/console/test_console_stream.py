"""The live stream: a real server pushes a snapshot after each change; the loop's timing rules, driven fast."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alibabacloud_resourcemanager20200331 import models

from openrd.console.stream import StreamTiming, snapshot_events
from openrd.testing.client import OpenRD
from openrd.testing.server import start_server
from support.console import EVENTS, PAGE, Page, next_snapshot, server_env, sse_events

PHONE = "86-13900004444"


def open_stream(rd: OpenRD, *, headers: dict[str, str] | None = None, query: str = "") -> Any:
    # The read timeout bounds every wait for the next line: a missing event fails the test in 10 s.
    return httpx.stream("GET", f"{rd.url}{EVENTS}{query}", headers=headers, timeout=httpx.Timeout(10.0))


def test_the_stream_sends_the_state_then_each_change(rd: OpenRD) -> None:
    with open_stream(rd) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"
        events = sse_events(response)
        first = next_snapshot(events)
        assert first.json()["offset_seconds"] == 0
        assert first.id == first.json()["fingerprint"]

        started = time.monotonic()
        rd.advance(120)
        moved = next_snapshot(events).json()
        assert moved["offset_seconds"] == 120
        assert moved["offset_text"] == "+2 min"
        assert time.monotonic() - started < 3  # the marker is polled every 0.5 s


def test_a_code_sent_through_the_sdk_is_pushed_with_the_phone_masked(rd: OpenRD) -> None:
    page = Page(httpx.get(rd.url + PAGE, timeout=10).text)
    fingerprint = page.find("body")[0].attrs["data-fingerprint"]
    account = rd.make_account("buyer", site="cn", secure_mobile_phone=PHONE, enterprise_name="Acme")
    with open_stream(rd, query=f"?since={fingerprint}") as response:
        events = sse_events(response)
        # The new account is not in the page's snapshot: the stream sends the difference at once.
        assert "buyer" in next_snapshot(events).json()["directory_html"]
        rd.tea_client(account).send_verification_code_for_enable_rd(models.SendVerificationCodeForEnableRDRequest())
        code = rd.latest_code(PHONE)
        pushed = next_snapshot(events).json()
    (message,) = pushed["messages"]
    assert (message["code"], message["phone"], message["purpose"]) == (code, "86-139****4444", "EnableRD")
    assert code in pushed["inbox_html"]
    assert "SendVerificationCodeForEnableRD" in pushed["audit_html"]
    assert "13900004444" not in str(pushed)


def test_a_reconnect_is_not_sent_what_the_browser_already_shows(rd: OpenRD) -> None:
    with open_stream(rd) as response:
        shown = next_snapshot(sse_events(response)).id
    assert shown
    with open_stream(rd, headers={"Last-Event-ID": shown}, query="?since=stale") as response:
        events = sse_events(response)
        rd.advance(60)
        # Had the stream resent the current state first, this would be offset 0.
        assert next_snapshot(events).json()["offset_seconds"] == 60


def test_a_closed_stream_does_not_hold_the_server_s_shutdown(tmp_path: Path) -> None:
    server = start_server(server_env(tmp_path))
    with httpx.stream("GET", server.url + EVENTS, timeout=10) as response:
        next_snapshot(sse_events(response))
    started = time.monotonic()
    server.stop()  # uvicorn waits for open responses: a stream still polling would hold this for its lifetime
    assert time.monotonic() - started < 5


# ------------------------------------------------------------------------------------------- the loop's rules
class FakeTime:
    """A monotonic clock that moves ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


async def collect(stream: AsyncIterator[str]) -> list[str]:
    return [chunk async for chunk in stream]


def run_stream(markers: list[str], payloads: list[str], *, step: float, **timing: Any) -> tuple[list[str], int]:
    reads = {"payload": 0}

    async def read_marker() -> str:
        return markers.pop(0) if len(markers) > 1 else markers[0]

    async def read_payload() -> dict[str, Any]:
        reads["payload"] += 1
        return {"fingerprint": payloads.pop(0) if len(payloads) > 1 else payloads[0]}

    stream = snapshot_events(
        read_marker=read_marker,
        read_payload=read_payload,
        last_event_id=None,
        timing=StreamTiming(poll=0, **timing),
        monotonic=FakeTime(step),
    )
    return asyncio.run(collect(stream)), reads["payload"]


def snapshot_ids(chunks: list[str]) -> list[str]:
    return [c.split("\n")[1].removeprefix("id: ") for c in chunks if c.startswith("event: snapshot")]


def test_the_loop_reads_snapshots_only_when_the_marker_moves_or_the_full_check_is_due() -> None:
    chunks, reads = run_stream(["a", "a", "a", "b", "b"], ["s1", "s2"], step=0.1, full_check=100, lifetime=3)
    assert chunks[0] == "retry: 1000\n\n"
    assert snapshot_ids(chunks) == ["s1", "s2"]
    assert reads == 2  # the first round, then marker a→b; never again while the marker stays b

    # A moved marker with an unchanged snapshot sends nothing.
    chunks, reads = run_stream(["a", "b", "c"], ["s1"], step=0.1, full_check=100, lifetime=3)
    assert (snapshot_ids(chunks), reads) == (["s1"], 3)

    _, reads = run_stream(["a"], ["s1"], step=1, full_check=5, lifetime=30, keepalive=1000)
    assert 4 <= reads <= 6  # a full check every 5 of the 30 seconds


def test_the_loop_keeps_alive_and_ends_after_its_lifetime() -> None:
    chunks, _ = run_stream(["a"], ["s1"], step=1, full_check=1000, keepalive=15, lifetime=100)
    keepalives = [c for c in chunks if c == ": keep-alive\n\n"]
    assert 5 <= len(keepalives) <= 7


def test_the_loop_ends_quietly_when_the_store_fails(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> str:
        raise RuntimeError("database is gone")

    async def payload() -> dict[str, Any]:
        raise AssertionError("not reached")

    stream = snapshot_events(read_marker=broken, read_payload=payload, last_event_id=None, timing=StreamTiming(poll=0))
    assert asyncio.run(collect(stream)) == ["retry: 1000\n\n"]
    assert "could not read the snapshot" in caplog.text
