"""Fixtures for the verification-code and SMS tests: in-process servers with any OPENRD_* settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from codes_support import Api, store_env

ROOT_CONFTEST = Path(__file__).resolve().parent.parent / "conftest.py"


@pytest.fixture(scope="session")
def root_start_server(pytestconfig: pytest.Config) -> Callable[[dict[str, str]], Any]:
    """``start_server(env)`` from tests/conftest.py (module names of conftests collide, so fetch the plugin)."""
    for plugin in pytestconfig.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", "") or "").resolve() == ROOT_CONFTEST:
            return plugin.start_server  # type: ignore[no-any-return]
    raise RuntimeError("tests/conftest.py is not loaded")


class Servers:
    """Starts in-process servers (``start_server``) and stops them all at the end of the test."""

    def __init__(self, start: Callable[[dict[str, str]], Any], root: Path) -> None:
        self._start = start
        self.root = root
        self._running: list[tuple[Any, Any, Any]] = []

    def env(self, **extra: str) -> dict[str, str]:
        return store_env(self.root, **extra)

    def start(self, env: dict[str, str]) -> tuple[Any, Api]:
        live, uv, thread = self._start(env)
        self._running.append((live, uv, thread))
        return live, Api(live.endpoint)

    def stop(self, live: Any) -> None:
        for entry in list(self._running):
            if entry[0] is live:
                self._running.remove(entry)
                _stop(*entry)

    def stop_all(self) -> None:
        while self._running:
            _stop(*self._running.pop())


def _stop(live: Any, uv: Any, thread: Any) -> None:
    uv.should_exit = True
    thread.join(timeout=20)
    live.runtime.close()


@pytest.fixture
def servers(root_start_server: Callable[[dict[str, str]], Any], tmp_path: Path) -> Iterator[Servers]:
    manager = Servers(root_start_server, tmp_path)
    yield manager
    manager.stop_all()
