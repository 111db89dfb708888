"""Control API fixtures: the shared ``server`` (SQLite and PostgreSQL), reset before each test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("control_helpers")


@pytest.fixture
def live(server: Any) -> Any:
    """The module's server with a clean world (no accounts, clock offset 0)."""
    response = server.control("POST", "/reset")
    assert response.status_code == 204, response.text
    return server


@pytest.fixture
def store_name(request: pytest.FixtureRequest) -> str:
    """Which store the ``server`` fixture runs on, straight from its parameter."""
    return str(request.node.callspec.params["server"])


@pytest.fixture(scope="session")
def start_server(pytestconfig: pytest.Config) -> Callable[[dict[str, str]], Any]:
    """``start_server(env)`` from tests/conftest.py (conftest modules are plugins, not importable modules)."""
    root = Path(__file__).resolve().parents[1] / "conftest.py"
    for plugin in pytestconfig.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", None) or "/").resolve() == root:
            return plugin.start_server  # type: ignore[no-any-return]
    raise LookupError(f"{root} is not loaded")
