"""Reading the console the way a client does: the page as an element list, the event stream as events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

ADMIN_TOKEN = "console-test-token"
PAGE = "/_openrd/console"
EVENTS = "/_openrd/console/events"


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parents: tuple[str, ...]  # ids of the enclosing elements that have one, outermost first
    text: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """A flat list of elements with their attributes, enclosing ids and direct text."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "source", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.texts: list[tuple[str, tuple[str, ...]]] = []  # document order, with the ids of the open elements
        self._open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parents = tuple(e.attrs["id"] for e in self._open if "id" in e.attrs)
        element = Element(tag, {k: v or "" for k, v in attrs}, parents)
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].text.append(data)
            self.texts.append((data, tuple(e.attrs["id"] for e in self._open if "id" in e.attrs)))

    def text(self, element_id: str) -> str:
        """All text inside the element, in document order, whitespace collapsed."""
        return " ".join("".join(data for data, ids in self.texts if element_id in ids).split())

    def find(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag) and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> Element:
        (found,) = self.find(id=element_id)
        return found

    def inside(self, element_id: str, tag: str | None = None) -> list[Element]:
        return [e for e in self.elements if element_id in e.parents and (tag is None or e.tag == tag)]


def server_env(tmp: Path, **extra: str) -> dict[str, str]:
    return {"OPENRD_DATA_DIR": str(tmp / "data"), "OPENRD_SECRET_KEY": "k", "HOME": str(tmp), **extra}


@dataclass(frozen=True)
class Event:
    event: str  # "snapshot", or "comment" for a ": ..." line
    id: str | None
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


def sse_events(response: httpx.Response) -> Iterator[Event]:
    """Parse ``text/event-stream`` blocks; comments come through as ``Event("comment", None, text)``."""
    name: str = "message"
    event_id: str | None = None
    data: list[str] = []
    for line in response.iter_lines():
        if line.startswith(":"):
            yield Event("comment", None, line[1:].strip())
        elif line == "":
            if data:
                yield Event(name, event_id, "\n".join(data))
            name, event_id, data = "message", None, []
        else:
            key, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if key == "event":
                name = value
            elif key == "id":
                event_id = value
            elif key == "data":
                data.append(value)


def next_snapshot(events: Iterator[Event]) -> Event:
    for event in events:
        if event.event == "snapshot":
            return event
    raise AssertionError("the stream ended without a snapshot")


@dataclass(frozen=True)
class World:
    directory_id: str
    master_id: str
    master_phone: str
    folder_id: str
    resource_id: str  # in the folder, its phone bound through BindSecureMobilePhone
    resource_phone: str
    outsider_id: str  # in no directory; asked for an EnableRD code
    outsider_phone: str
    codes: tuple[str, ...]  # every code sent, newest first
