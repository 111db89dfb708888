"""Helpers shared by the control API tests (a plain module: conftest modules are not for importing)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

JSON = {"content-type": "application/json"}  # what a raw body needs: the control API takes JSON only
RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def parse_rfc3339_z(value: str) -> datetime:
    assert RFC3339_Z.match(value), value
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"}, body
    assert body["error"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
