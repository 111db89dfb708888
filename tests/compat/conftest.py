"""SDK contract fixtures (``world``, ``sdk``, ``wire``, ``envelope``, ``stamps``) on the module's shared ``server``;
each test creates its own accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from support.compat import Sdk, World
from support.servers import LiveServer
from support.wire import Envelope, Wire, utc_stamp


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One client for the whole run: a fresh httpx client per request costs ~0.1 s (it builds an SSL context)."""
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def world(server: LiveServer, http: httpx.Client) -> World:
    return World(server, http)


@pytest.fixture
def sdk(server: LiveServer) -> Sdk:
    return Sdk(server)


@pytest.fixture
def wire(server: LiveServer, http: httpx.Client) -> Wire:
    return Wire(server, http)


@pytest.fixture
def envelope(server: LiveServer) -> Envelope:
    return Envelope(server)


@pytest.fixture
def advanced_clock(world: World) -> Iterator[Callable[..., dict[str, Any]]]:
    """Lets a test move the emulator clock; always puts it back (the module's server is shared)."""
    try:
        yield world.clock
    finally:
        world.clock(offset_seconds=0)


@pytest.fixture
def stamps() -> Callable[[int], str]:
    """Timestamps relative to the real wall clock (the signature window uses it)."""

    def at(delta_seconds: int) -> str:
        return utc_stamp(datetime.now(UTC) + timedelta(seconds=delta_seconds))

    return at
