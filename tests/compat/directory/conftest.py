"""Directory test fixtures: a world of accounts on the module's shared ``server``, the clock, and the checks; for
the Terraform replays, a management account (``org``) and the provider configured with its key (``tf``).

Every test makes its own accounts and directories, so tests share the module's server without resets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from support.directory import Checks, Org, World
from support.servers import LiveServer
from support.terraform import Provider


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


@pytest.fixture
def org(world: World) -> Org:
    return world.org()


@pytest.fixture
def tf(server: LiveServer, org: Org) -> Iterator[Provider]:
    with Provider(server.endpoint, org.access_key_id, org.secret) as provider:
        yield provider
