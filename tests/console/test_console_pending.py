"""The console shows pending transitions where it shows the entity: a member whose deletion pre-check runs carries
a PreChecking badge, an account being deleted is listed under its directory with a Deleting badge, and both go once
their transitions finish."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from openrd.testing import server as testing
from openrd.testing.client import OpenRD
from support.console import PAGE, Page
from support.deletion import Deleting, deleting
from support.directory import World
from support.servers import LiveServer


@pytest.fixture
def rd(console_server: testing.LiveServer) -> Iterator[Deleting]:
    server = LiveServer(console_server)
    server.rd.reset()
    server.rd.set_transitions(account_deletion_check=600, account_deletion=600)
    yield deleting(World(server))
    server.rd.reset()
    server.rd.close()


def _badges(client: OpenRD) -> list[str]:
    response = httpx.get(f"{client.url}{PAGE}", timeout=10)
    assert response.status_code == 200, response.text
    page = Page(response.text)
    return ["".join(e.text) for e in page.find("span") if "pending" in e.attrs.get("class", "").split()]


def test_pending_deletion_states_show_as_badges(rd: Deleting) -> None:
    client = rd.world.server.rd
    checked, deleted = rd.member(), rd.member()
    assert _badges(client) == []
    rd.check(checked)
    assert _badges(client) == ["PreChecking"]
    rd.delete(deleted)
    assert sorted(_badges(client)) == ["Deleting", "PreChecking"]
    page = httpx.get(f"{client.url}{PAGE}", timeout=10).text
    assert deleted in page
    client.complete_transitions()
    assert _badges(client) == []
