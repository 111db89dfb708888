"""Control API fixtures: the shared ``server`` (SQLite and PostgreSQL), reset before each test."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import pytest
import uvicorn

from support import servers
from support.servers import LiveServer
from support.store import Store

StartServer = Callable[[Mapping[str, str]], tuple[LiveServer, uvicorn.Server, threading.Thread]]


@pytest.fixture
def live(server: LiveServer) -> LiveServer:
    """The module's server with a clean world (no accounts, clock offset 0)."""
    server.rd.reset()
    return server


@pytest.fixture
def store_name(store: Store) -> str:
    """Which store the ``server`` fixture runs on."""
    return store.kind


@pytest.fixture(scope="session")
def start_server() -> StartServer:
    """``start_server(env)``: a server of the test's own, with the uvicorn server and thread that stop it."""

    def start(env: Mapping[str, str]) -> tuple[LiveServer, uvicorn.Server, threading.Thread]:
        live = servers.start_server(env)
        return live, live.live.uvicorn_server, live.live.thread

    return start
