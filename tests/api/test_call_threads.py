"""The threads the OpenAPI front door runs calls on when the store waits on the network (``api.app.CallThreads``)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from openrd.api.app import CallThreads


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("openrd-call")}


def test_calls_run_on_threads_of_their_own_and_overlap() -> None:
    threads = CallThreads(size=4)
    together = threading.Barrier(4)  # each call waits for the three others: they must run at once

    def call(raw: Any, deps: Any) -> Any:
        together.wait(timeout=10)
        return (raw, deps, threading.current_thread().name)

    async def four_calls() -> list[Any]:
        return list(await asyncio.gather(*(threads.run(call, n, "deps") for n in range(4))))  # type: ignore[arg-type]

    try:
        answers = asyncio.run(four_calls())
    finally:
        threads.close()
    assert [(raw, deps) for raw, deps, _ in answers] == [(n, "deps") for n in range(4)]
    names = {name for _, _, name in answers}
    assert len(names) == 4
    assert all(name.startswith("openrd-call") for name in names)
    assert threading.current_thread().name not in names


def test_close_waits_for_the_running_call_ends_the_threads_and_a_later_call_starts_them_again() -> None:
    threads = CallThreads(size=2)
    started, release = threading.Event(), threading.Event()
    finished: list[str] = []

    def slow(raw: Any, deps: Any) -> Any:
        started.set()
        release.wait(timeout=10)
        finished.append(raw)
        return raw

    async def one(raw: str) -> Any:
        return await threads.run(slow, raw, None)  # type: ignore[arg-type]

    before = _threads()
    runner = threading.Thread(target=lambda: asyncio.run(one("first")))
    runner.start()
    assert started.wait(timeout=10)
    closer = threading.Thread(target=threads.close)
    closer.start()
    closer.join(timeout=0.3)
    assert closer.is_alive()  # waiting for the call in flight
    release.set()
    closer.join(timeout=10)
    runner.join(timeout=10)
    assert finished == ["first"]
    assert _threads() == before

    try:
        assert asyncio.run(one("second")) == "second"
    finally:
        threads.close()
    assert finished == ["first", "second"]
