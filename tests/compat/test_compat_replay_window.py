"""A request stamped ahead of the clock stays a replay for as long as its timestamp is accepted: its nonce is kept a
window past the later of its first use and its own timestamp (docs/behaviour.md#replay-protection).

The window is set to a few seconds here so the test can outlive a first sighting's window without waiting 15
minutes; the stamps are real wall-clock times, as clients send them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openrd.testing.server import start_server

WINDOW = 3


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """This module's own server, with a short timestamp window (it overrides the shared one)."""
    home: Path = tmp_path_factory.mktemp("openrd")
    env = {
        "OPENRD_DATA_DIR": str(home / "data"),
        "OPENRD_SECRET_KEY": "test-master-key",
        "HOME": str(home),
        "OPENRD_TIMESTAMP_WINDOW_SECONDS": str(WINDOW),
    }
    if request.param == "postgresql":
        env["OPENRD_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    live = start_server(env)
    yield live
    live.stop()


@pytest.mark.parametrize("action", ["GetResourceDirectory", "InitResourceDirectory"], ids=["read", "write"])
def test_a_future_stamped_request_cannot_be_replayed_after_its_first_sighting_s_window(
    world: Any, wire: Any, stamps: Any, action: str
) -> None:
    creds = world.root()
    prepared = wire.v1(creds, action, Timestamp=stamps(WINDOW))
    first = wire.send(prepared)
    assert first.json().get("Code") != "SignatureNonceUsed", first.text
    time.sleep(WINDOW + 0.5)  # the first sighting has left the window; the request's own stamp has not
    replay = wire.send(prepared)
    assert replay.status_code == 400, replay.text
    assert replay.json()["Code"] == "SignatureNonceUsed"
