"""The connection cap stays below the open-file limit, so accepting a connection never runs out of descriptors."""

from __future__ import annotations

from pathlib import Path

from openrd.api.limits import FD_RESERVE, ConnectionLimits, connection_cap, open_file_limit
from openrd.config import load_settings


def test_the_cap_is_the_setting_when_descriptors_are_plenty() -> None:
    assert connection_cap(1000, None) == 1000
    assert connection_cap(1000, 1_048_576) == 1000


def test_the_cap_leaves_descriptors_for_the_rest_of_the_process() -> None:
    assert connection_cap(1000, 256) == 256 - FD_RESERVE
    assert connection_cap(1000, 1024) == 1024 - FD_RESERVE
    assert connection_cap(1000, 50) == 8  # a tiny limit still serves a few


def test_limits_come_from_the_settings(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "OPENRD_MAX_CONNECTIONS": "20", "OPENRD_REQUEST_READ_TIMEOUT_SECONDS": "3"}
    limits = ConnectionLimits.from_settings(load_settings(env))
    assert limits.read_timeout_seconds == 3.0
    assert limits.max_header_bytes == 32_768
    assert limits.max_connections == connection_cap(20, open_file_limit())
