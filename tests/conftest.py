"""Shared fixtures: a real openrd server on a free port, on SQLite and (where it answers) PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

pytest.register_assert_rewrite("support")

from support.codes import Servers  # noqa: E402  (after the rewrite hook: the helpers assert)
from support.servers import LiveServer, start_server  # noqa: E402
from support.store import POSTGRES_ADMIN_URL, STORES, Store, require_postgres  # noqa: E402

pytest_plugins = ["sdk_coverage"]  # fails the whole suite when an action lacks an official-SDK test


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
