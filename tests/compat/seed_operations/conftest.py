"""Seed-operation fixtures: ``seed`` (a :class:`~support.seed_operations.Seed` on the module's shared ``server``),
the clock, and ``configured``: a server with a daily quota of 2 codes and a ``jp`` site profile that disallows the
bind operations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from support.seed_operations import Seed
from support.servers import LiveServer, start_server
from support.store import Store, own_store


@pytest.fixture
def seed(server: LiveServer) -> Seed:
    return Seed(server)


@pytest.fixture
def clock(seed: Seed) -> Iterator[Callable[..., dict[str, Any]]]:
    """Moves the emulator clock; puts the offset back to 0 afterwards (the module's server is shared)."""
    try:
        yield seed.clock
    finally:
        seed.clock(offset_seconds=0)


# ----------------------------------------------------------------------------------- servers with custom settings
JP_SITE = """
[sites.jp]
country_codes = ["81"]
disallowed_actions = ["SendVerificationCodeForBindSecureMobilePhone", "BindSecureMobilePhone"]
quota_time_zone = "Asia/Tokyo"
language = "en"
"""


@pytest.fixture(scope="module")
def configured(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own (own database) with OPENRD_DAILY_CODE_QUOTA=2 and a ``jp`` site profile."""
    tmp = tmp_path_factory.mktemp("openrd-configured")
    sites = tmp / "sites.toml"
    sites.write_text(JP_SITE, encoding="utf-8")
    with own_store(store.kind, "openrd_seed") as own:
        live = start_server(own.env(tmp, OPENRD_DAILY_CODE_QUOTA="2", OPENRD_SITES_FILE=str(sites)))
        try:
            yield live
        finally:
            live.stop()


@pytest.fixture
def configured_seed(configured: LiveServer) -> Seed:
    return Seed(configured)
