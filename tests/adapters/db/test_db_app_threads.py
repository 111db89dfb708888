"""Where the server runs OpenAPI calls: on PostgreSQL on threads of their own, which end with the app; on SQLite on
the event loop, unless another writer holds the writer lock (api/app.py, bootstrap.py)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
from pathlib import Path

import httpx

from openrd.testing.server import start_server


def _call_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("openrd-call")}


PARAMS = {"Action": "GetAccount", "Version": "2020-03-31", "Format": "JSON"}


def _env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "HOME": str(tmp_path),
        "OPENRD_DATA_DIR": str(tmp_path / "data"),
        "OPENRD_SECRET_KEY": "call-threads",
        "OPENRD_DATABASE_URL": database_url,
    }
    return env | extra


def _serve_one_call(database_url: str, tmp_path: Path) -> tuple[int, str, set[str]]:
    live = start_server(_env(database_url, tmp_path))  # uvicorn, with the app's start-up and shutdown
    try:
        answer = httpx.get(live.url + "/", params=PARAMS, timeout=30)
        during = _call_threads()
    finally:
        live.stop()
    return answer.status_code, answer.json()["Code"], during


def test_on_postgresql_calls_run_on_call_threads_that_end_with_the_app(fresh_pg_url: str, tmp_path: Path) -> None:
    before = _call_threads()

    status, code, during = _serve_one_call(fresh_pg_url, tmp_path)

    assert (status, code) == (400, "MissingParameter")  # dispatched: the call's own answer
    assert during - before  # the call ran on one
    assert _call_threads() == before  # the app's shutdown ended them


def test_on_sqlite_calls_run_on_the_event_loop(tmp_path: Path) -> None:
    before = _call_threads()

    status, code, during = _serve_one_call(f"sqlite:///{tmp_path / 'openrd.db'}", tmp_path)

    assert (status, code) == (400, "MissingParameter")
    assert during == before


def test_on_sqlite_a_call_that_finds_the_writer_lock_held_runs_on_a_call_thread(tmp_path: Path) -> None:
    before = _call_threads()
    live = start_server(_env(f"sqlite:///{tmp_path / 'openrd.db'}", tmp_path))
    # Another open file description of the lock file: flock sees another writer, as it would another process.
    holder = os.open(tmp_path / "openrd.db-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        answer = httpx.get(live.url + "/", params=PARAMS, timeout=30)
        during = _call_threads()
    finally:
        os.close(holder)
        live.stop()

    assert (answer.status_code, answer.json()["Code"]) == (400, "MissingParameter")
    assert during - before  # off the loop
    assert _call_threads() == before


def test_on_postgresql_calls_run_on_as_many_threads_as_configured(fresh_pg_url: str, tmp_path: Path) -> None:
    before = _call_threads()
    live = start_server(_env(fresh_pg_url, tmp_path, OPENRD_CALL_THREADS="2"))
    seen: set[str] = set()
    try:

        async def many_at_once() -> list[int]:
            async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
                answers = await asyncio.gather(*(client.get("/", params=PARAMS) for _ in range(40)))
            return [answer.status_code for answer in answers]

        for _ in range(3):  # the executor starts a thread per call while none is idle, up to its size
            assert asyncio.run(many_at_once()) == [400] * 40
            seen |= _call_threads() - before
    finally:
        live.stop()
    assert len(seen) == 2  # forty calls at once, on the two threads OPENRD_CALL_THREADS allows
