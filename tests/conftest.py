"""Shared fixtures: a real openrd server on a free port, on SQLite and (where it answers) PostgreSQL."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

pytest.register_assert_rewrite("support")

from support.codes import Servers  # noqa: E402  (after the rewrite hook: the helpers assert)
from support.servers import LiveServer, start_server  # noqa: E402
from support.store import POSTGRES_ADMIN_URL, STORES, Store, require_postgres  # noqa: E402


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end."""
    require_postgres()
    name = f"openrd_test_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=STORES)
def store(request: pytest.FixtureRequest) -> Store:
    """The store a module's servers run on: SQLite, or the session's PostgreSQL database."""
    if request.param == "postgresql":
        return Store("postgresql", request.getfixturevalue("postgres_url"))
    return Store("sqlite")


@pytest.fixture(scope="module")
def server(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server per test module and store; tests that need a clean world call ``reset``."""
    live = start_server(store.env(tmp_path_factory.mktemp("openrd")))
    live.rd.reset()
    yield live
    live.stop()


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[LiveServer]:
    live = start_server(Store("sqlite").env(tmp_path))
    yield live
    live.stop()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    """In-process servers with any settings, started by the test and stopped at its end."""
    manager = Servers(tmp_path)
    yield manager
    manager.stop_all()


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
