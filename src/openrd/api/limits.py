"""A cap on the request line and headers, enforced while they arrive.

uvicorn's httptools protocol buffers a request head of any size before the application sees it (a 20 MB header
was accepted whole), so the cap must live in the protocol: bytes are counted until the head is complete, and a
request whose head passes the cap is answered with the Alibaba envelope (``InvalidParameter.RequestTooLarge``,
400, like an oversized body) and its connection closed, before the rest of it is read.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from openrd import errors
from openrd.api.protocol import Format, render_error
from openrd.config import load_settings


def head_too_large(limit: int) -> bytes:
    error = errors.RequestTooLarge(f"The request line and headers are too large (more than {limit} bytes).")
    wire = render_error(
        error, request_id=str(uuid.uuid4()).upper(), host="", product="ResourceManager", fmt=Format.JSON
    )
    head = [
        f"HTTP/1.1 {wire.status} Bad Request",
        f"content-type: {wire.content_type}",
        f"content-length: {len(wire.body)}",
        "connection: close",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + wire.body


class HeaderLimitedHttpTools(HttpToolsProtocol):
    """httptools with ``OPENRD_MAX_HEADER_BYTES``; a subclass may set ``max_header_bytes`` instead (tests)."""

    max_header_bytes: ClassVar[int] = 0  # 0: read from the environment, as every worker process can

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit = self.max_header_bytes or load_settings(os.environ).max_header_bytes
        self._in_head = True
        self._received = 0  # bytes received while the head is incomplete: a head arriving in many pieces
        self._parsed = 0  # the URL and headers the parser handed over: a head arriving in one piece
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            self._received += len(data)
        super().data_received(data)
        if self._refused or (self._in_head and self._received > self._limit):
            self._refused = True
            self.transport.write(head_too_large(self._limit))
            self.transport.close()

    def on_url(self, url: bytes) -> None:
        self._parsed += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._parsed += len(name) + len(value) + 4  # ": " and CRLF, as on the wire
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        if self._parsed > self._limit:
            self._refused = True  # no ASGI cycle starts; data_received answers once the parser returns
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._in_head, self._received, self._parsed = True, 0, 0  # a kept-alive connection's next request
        super().on_message_complete()


def header_limited(max_header_bytes: int) -> type[HeaderLimitedHttpTools]:
    """The protocol class for one in-process server (the class attribute carries the limit)."""
    return type("HeaderLimitedHttpTools", (HeaderLimitedHttpTools,), {"max_header_bytes": max_header_bytes})
