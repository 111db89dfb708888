"""A request stamped ahead of the clock stays a replay for as long as its timestamp is accepted: its nonce is kept a
window past the later of its first use and its own timestamp (docs/behaviour.md#replay-protection).

The window is set to a few seconds here so the test can outlive a first sighting's window without waiting 15
minutes; the stamps are real wall-clock times, as clients send them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from support.compat import World
from support.servers import LiveServer, start_server
from support.store import Store
from support.wire import Wire

WINDOW = 3


@pytest.fixture(scope="module")
def server(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's own server, with a short timestamp window (it overrides the shared one)."""
    env = store.env(tmp_path_factory.mktemp("openrd"), OPENRD_TIMESTAMP_WINDOW_SECONDS=str(WINDOW))
    live = start_server(env)
    yield live
    live.stop()


@pytest.mark.parametrize("action", ["GetResourceDirectory", "InitResourceDirectory"], ids=["read", "write"])
def test_a_future_stamped_request_cannot_be_replayed_after_its_first_sighting_s_window(
    world: World, wire: Wire, stamps: Callable[[int], str], action: str
) -> None:
    creds = world.root()
    prepared = wire.v1(creds, action, Timestamp=stamps(WINDOW))
    first = wire.send(prepared)
    assert first.json().get("Code") != "SignatureNonceUsed", first.text
    time.sleep(WINDOW + 0.5)  # the first sighting has left the window; the request's own stamp has not
    replay = wire.send(prepared)
    assert replay.status_code == 400, replay.text
    assert replay.json()["Code"] == "SignatureNonceUsed"
