"""Shared fixtures: a real openrd server on a free port, on SQLite and (where it answers) PostgreSQL."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn

from openrd.bootstrap import Runtime
from openrd.testing.server import LiveServer as TestingServer
from openrd.testing.server import start_server as start_testing_server

pytest_plugins = ["sdk_coverage"]  # fails the whole suite when an action lacks an official-SDK test

POSTGRES_ADMIN_URL = os.environ.get("OPENRD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_reason() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"no PostgreSQL answers at {POSTGRES_ADMIN_URL} ({exc.__class__.__name__}); set OPENRD_TEST_POSTGRES_URL"


POSTGRES_SKIP = _postgres_reason()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end."""
    if POSTGRES_SKIP:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {POSTGRES_SKIP}")
        pytest.skip(POSTGRES_SKIP)
    name = f"openrd_test_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LiveServer:
    """openrd.testing's server plus the control-API shortcuts these tests use."""

    live: TestingServer

    @property
    def runtime(self) -> Runtime:
        return self.live.runtime

    @property
    def port(self) -> int:
        return self.live.port

    @property
    def endpoint(self) -> str:
        return self.live.endpoint

    @property
    def url(self) -> str:
        return self.live.url

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, f"{self.url}/_openrd{path}", timeout=30, **kwargs)

    def make_account(self, **fields: Any) -> dict[str, Any]:
        fields.setdefault("display_name", f"acct-{secrets.token_hex(3)}")
        response = self.control("POST", "/accounts", json=fields)
        assert response.status_code == 201, response.text
        return dict(response.json())


def start_server(env: dict[str, str]) -> tuple[LiveServer, uvicorn.Server, threading.Thread]:
    live = start_testing_server(env)
    return LiveServer(live), live.uvicorn_server, live.thread


def _store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    env = {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "test-master-key", "HOME": str(tmp_path)}
    if request.param == "postgresql":
        env["OPENRD_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    return env


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server per test module and store; tests that need a clean world call ``reset``."""
    env = _store_env(request, tmp_path_factory.mktemp("openrd"))
    live, _, _ = start_server(env)
    live.control("POST", "/reset")
    yield live
    live.live.stop()


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[LiveServer]:
    env = {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "test-master-key", "HOME": str(tmp_path)}
    live, _, _ = start_server(env)
    yield live
    live.live.stop()


# ---------------------------------------------------------------- every action has an SDK round trip
# The servers log "call" for each successful action; an SDK test that reaches the handler and gets 200 counts.
SUCCEEDED_ACTIONS: set[str] = set()


class _ActionRecorder(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "call" and getattr(record, "status", None) == 200:
            SUCCEEDED_ACTIONS.add(str(getattr(record, "action", "")))


def pytest_configure(config: pytest.Config) -> None:
    api_log = logging.getLogger("openrd.api")
    api_log.addHandler(_ActionRecorder())
    api_log.setLevel(logging.INFO)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On a run of the whole suite, fail if some registered action never succeeded in any test."""
    from openrd.api.actions import ACTIONS

    config = session.config
    tests_dir = Path(config.rootpath, "tests").resolve()
    whole_suite = (
        not config.option.keyword
        and not config.option.markexpr
        and all(Path(config.invocation_params.dir, arg).resolve() == tests_dir for arg in config.args)
    )
    if not whole_suite or exitstatus != 0 or session.testsfailed:
        return
    missing = sorted({a.name for a in ACTIONS} - SUCCEEDED_ACTIONS)
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"actions without a successful SDK round trip in the suite: {', '.join(missing)}", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
