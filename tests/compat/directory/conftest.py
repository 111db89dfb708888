"""Directory test fixtures: a world of accounts on the module's shared ``server``, the clock, and the checks.

Every test makes its own accounts and directories, so tests share the module's server without resets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from support.directory import Checks, World
from support.servers import LiveServer


@pytest.fixture
def world(server: LiveServer) -> World:
    return World(server)


@pytest.fixture
def clock(world: World) -> Iterator[Callable[..., None]]:
    """Moves the emulator clock; always puts it back (the module's server is shared)."""
    try:
        yield world.clock
    finally:
        world.clock(offset_seconds=0)


@pytest.fixture
def check() -> type[Checks]:
    return Checks
