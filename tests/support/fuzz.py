"""What the signed parameter fuzz tests share (tests/fuzz): the wire names of a registry row's parameters and the
check every answer passes — a success or the Alibaba envelope, never a 500."""

from __future__ import annotations

from collections.abc import Collection

import httpx

from openrd.api.actions import ACTIONS
from openrd.api.params import TagListParam


def wire_names(action: str, versions: Collection[str]) -> list[str]:
    """The wire names of the parameters of ``action`` in one of ``versions`` (RAM and Resource Manager share some
    action names): a tag list as its first two tags' Key and Value, another list as its first two items."""
    [row] = [a for a in ACTIONS if a.name == action and not a.versions.isdisjoint(versions)]
    names: list[str] = []
    for p in row.params:
        if isinstance(p, TagListParam):
            names += [f"{p.wire}.{i}.{part}" for i in (1, 2) for part in ("Key", "Value")]
        elif p.kind == "list":
            names += [f"{p.wire}.1", f"{p.wire}.2"]
        else:
            names.append(p.wire)
    return names


def assert_envelope(response: httpx.Response) -> None:
    """A success, or an error in the Alibaba envelope (RequestId, Code, Message) with a status below 500."""
    assert response.status_code < 500, response.text
    body = response.json()
    assert body.get("RequestId"), body
    if response.status_code != 200:
        assert body.get("Code"), body
        assert body.get("Message"), body
