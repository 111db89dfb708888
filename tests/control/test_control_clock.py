"""The emulator clock (docs/behaviour.md#clock-and-reset): GET, POST advance and offset, validation, reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.control import JSON, assert_error, parse_rfc3339_z

TOLERANCE = timedelta(seconds=30)


def _clock(live: Any, **body: Any) -> dict[str, Any]:
    response = live.control("POST", "/clock", json=body) if body else live.control("GET", "/clock")
    assert response.status_code == 200, response.text
    data = dict(response.json())
    assert set(data) == {"now", "offset_seconds"}
    return data


def _close_to(value: str, offset_seconds: int) -> bool:
    return abs(parse_rfc3339_z(value) - (datetime.now(UTC) + timedelta(seconds=offset_seconds))) < TOLERANCE


def test_get_clock_starts_at_real_time(live: Any) -> None:
    data = _clock(live)
    assert data["offset_seconds"] == 0
    assert _close_to(data["now"], 0)


def test_advance_accumulates(live: Any) -> None:
    assert _clock(live, advance_seconds=60)["offset_seconds"] == 60
    data = _clock(live, advance_seconds=3600)
    assert data["offset_seconds"] == 3660
    assert _close_to(data["now"], 3660)
    assert _clock(live, advance_seconds=-4000)["offset_seconds"] == -340
    assert _clock(live)["offset_seconds"] == -340


def test_whole_seconds_written_with_a_fraction_count_as_integers(live: Any) -> None:
    """JSON Schema counts 60.0 as an integer, and ``timedelta.total_seconds()`` gives a client floats."""
    assert _clock(live, offset_seconds=timedelta(minutes=2).total_seconds())["offset_seconds"] == 120
    data = _clock(live, advance_seconds=60.0)
    assert data["offset_seconds"] == 180
    assert isinstance(data["offset_seconds"], int)


def test_offset_is_absolute(live: Any) -> None:
    _clock(live, advance_seconds=500)
    data = _clock(live, offset_seconds=86400)
    assert data["offset_seconds"] == 86400
    assert _close_to(data["now"], 86400)
    assert _clock(live, offset_seconds=-7200)["offset_seconds"] == -7200
    assert _clock(live, offset_seconds=0)["offset_seconds"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"advance_seconds": 1, "offset_seconds": 1},
        {"advance_seconds": None, "offset_seconds": None},
        {"advance_seconds": 1.5},
        {"advance_seconds": "60"},
        {"advance_seconds": True},
        {"offset_seconds": 60.5},
        {"offset_seconds": 1e300},  # a whole number, but centuries away
        {"offset_seconds": [60]},
        {"offset_seconds": 10**12},
        {"other": 1},
    ],
)
def test_invalid_clock_changes(live: Any, body: dict[str, Any]) -> None:
    _clock(live, offset_seconds=120)
    assert_error(live.control("POST", "/clock", json=body), 400, "invalid")
    assert _clock(live)["offset_seconds"] == 120


def test_clock_body_must_be_a_json_object(live: Any) -> None:
    assert_error(live.control("POST", "/clock", content=b"60", headers=JSON), 400, "invalid")


def test_reset_zeroes_the_offset(live: Any) -> None:
    _clock(live, offset_seconds=-3600)
    assert live.control("POST", "/reset").status_code == 204
    data = _clock(live)
    assert data["offset_seconds"] == 0
    assert _close_to(data["now"], 0)
