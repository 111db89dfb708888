"""Where the server runs OpenAPI calls: on PostgreSQL on threads of their own, which end with the app; on SQLite on
the event loop (api/app.py, bootstrap.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from openrd.testing.server import start_server


def _call_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("openrd-call")}


def _serve_one_call(database_url: str, tmp_path: Path) -> tuple[int, str, set[str]]:
    env = {
        "HOME": str(tmp_path),
        "OPENRD_DATA_DIR": str(tmp_path / "data"),
        "OPENRD_SECRET_KEY": "call-threads",
        "OPENRD_DATABASE_URL": database_url,
    }
    live = start_server(env)  # uvicorn, with the app's start-up and shutdown
    try:
        params = {"Action": "GetAccount", "Version": "2020-03-31", "Format": "JSON"}
        answer = httpx.get(live.url + "/", params=params, timeout=30)
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
