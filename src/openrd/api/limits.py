"""What one connection may cost the server, enforced in the HTTP protocol as bytes arrive (docs/security.md).

- The request head is capped: uvicorn's httptools protocol buffers a head of any size before the application
  sees it (a 20 MB header was accepted whole), so bytes are counted until the head is complete, and a request
  whose head passes the cap is answered with the Alibaba envelope (``InvalidParameter.RequestTooLarge``, 400,
  like an oversized body) and its connection closed, before the rest of it is read.
- A request must arrive whole (line, headers and body) within ``OPENRD_REQUEST_READ_TIMEOUT_SECONDS`` of its first
  byte, or of the connection's opening: uvicorn has no such timeout, and a client sending a byte now and then
  held its connection for ever. Between requests uvicorn's keep-alive timeout closes idle connections.
- At most ``OPENRD_MAX_CONNECTIONS`` connections per process (and fewer than the open-file limit allows): one
  more closes the connection that has been waiting longest for a request, or, when every connection is busy
  with a request, is answered 503 and closed. Slow clients cannot crowd out a health check. (uvicorn's
  ``limit_concurrency`` answers 503 too, but only once a head is complete, and keeps accepting meanwhile.)
"""

from __future__ import annotations

import asyncio
import functools
import os
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from openrd import errors
from openrd.api.protocol import Format, render_error
from openrd.config import Settings, load_settings

FD_RESERVE = 64  # descriptors kept for the database, the log, the listening socket and the SMS sender
BUSY_LINGER_SECONDS = 1.0  # a connection refused with 503 stays open this long for the client to read it


@dataclass(frozen=True)
class ConnectionLimits:
    max_header_bytes: int
    read_timeout_seconds: float
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            settings.max_header_bytes,
            settings.request_read_timeout_seconds,
            connection_cap(settings.max_connections, open_file_limit()),
        )


def open_file_limit() -> int | None:
    """This process's soft limit on open files; None where there is none (or no way to ask)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


def connection_cap(configured: int, open_files: int | None) -> int:
    """The configured cap, lowered so that accepting a connection never fails for want of a file descriptor
    (the listening socket then errors on every accept, and nobody is answered)."""
    if open_files is None:
        return configured
    return max(8, min(configured, open_files - FD_RESERVE))


@functools.cache
def environment_limits() -> ConnectionLimits:
    """The limits of ``openrd serve``'s worker processes, read once per process from its environment."""
    return ConnectionLimits.from_settings(load_settings(os.environ))


def uvicorn_options(settings: Settings, *, in_process: bool) -> dict[str, Any]:
    """How ``openrd serve`` and the in-process test server configure uvicorn.

    Forwarding headers (``X-Forwarded-For``/``-Proto``) are believed only from ``OPENRD_FORWARDED_ALLOW_IPS``:
    uvicorn's own default trusts them from 127.0.0.1. ``in_process``: the limits ride on a class of their own
    (one server of several in a test process); worker processes read theirs from the environment.
    """
    http = connection_limited(ConnectionLimits.from_settings(settings)) if in_process else HeaderLimitedHttpTools
    return {
        "http": http,
        "timeout_keep_alive": settings.keep_alive_timeout_seconds,
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": list(settings.forwarded_allow_ips) or None,
    }


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


def server_busy() -> bytes:
    wire = render_error(
        errors.ServiceUnavailable(),
        request_id=str(uuid.uuid4()).upper(),
        host="",
        product="ResourceManager",
        fmt=Format.JSON,
    )
    head = [
        f"HTTP/1.1 {wire.status} Service Unavailable",
        f"content-type: {wire.content_type}",
        f"content-length: {len(wire.body)}",
        "retry-after: 1",
        "connection: close",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + wire.body


class HeaderLimitedHttpTools(HttpToolsProtocol):
    """httptools with the limits above; a subclass may set ``limits`` (tests), else the environment gives them."""

    limits: ClassVar[ConnectionLimits | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limits = self.limits or environment_limits()
        self._limit = self._limits.max_header_bytes
        self._in_head = True
        self._received = 0  # bytes received while the head is incomplete: a head arriving in many pieces
        self._parsed = 0  # the URL and headers the parser handed over: a head arriving in one piece
        self._refused = False
        self._read_timer: asyncio.TimerHandle | None = None
        self._waiting_since = 0.0  # when the connection last began to wait for a request

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._waiting_since = self.loop.time()
        self._start_read_timer()
        if len(self.connections) > self._limits.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_read_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            self._received += len(data)
            if self._read_timer is None:
                self._start_read_timer()  # the first bytes of a kept-alive connection's next request
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
        self._stop_read_timer()
        if self._refused:
            return
        self._in_head, self._received, self._parsed = True, 0, 0  # a kept-alive connection's next request
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._waiting_since = self.loop.time()
        super().on_response_complete()

    # -------------------------------------------------------------------------------- slow and idle clients
    def _start_read_timer(self) -> None:
        self._read_timer = self.loop.call_later(self._limits.read_timeout_seconds, self._read_timed_out)

    def _stop_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if not self.transport.is_closing():
            self.transport.close()  # an application reading the body sees http.disconnect

    def _idle(self) -> bool:
        """Waiting for a request (partway through its head, or between requests): nothing runs for it."""
        running = self.cycle is not None and not self.cycle.response_complete
        return self._in_head and not running and not self.pipeline and not self.transport.is_closing()

    def _make_room(self) -> None:
        idle = [c for c in self.connections if c is not self and isinstance(c, HeaderLimitedHttpTools) and c._idle()]
        if idle:
            min(idle, key=lambda c: c._waiting_since).transport.close()
            return
        # Answer, stop sending, and close a moment later: closing at once with the client's request unread would
        # reset the connection, and the client might never read the answer.
        self._stop_read_timer()
        self._refused = True
        self.transport.write(server_busy())
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(BUSY_LINGER_SECONDS, self.transport.close)


def connection_limited(limits: ConnectionLimits) -> type[HeaderLimitedHttpTools]:
    """The protocol class for one in-process server (the class attribute carries the limits)."""
    return type("HeaderLimitedHttpTools", (HeaderLimitedHttpTools,), {"limits": limits})
