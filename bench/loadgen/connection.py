"""One keep-alive HTTP/1.1 connection of a client process."""

from __future__ import annotations

import asyncio
import socket


class HttpConnection(asyncio.Protocol):
    """One keep-alive connection, one request in flight; parses just enough of the answer to frame it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.sent_ns = 0
        self.lost = False
        self.close_after = False
        self._reset()

    def _reset(self) -> None:
        self.head_end = -1
        self.need = -1
        self.status = 0
        self.chunked = False
        self.until_close = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._parse()

    def _parse(self) -> None:
        buf = self.buf
        if self.head_end < 0:
            i = buf.find(b"\r\n\r\n")
            if i < 0:
                return
            head = bytes(buf[:i]).lower()
            try:
                self.status = int(head[9:12])
            except ValueError:
                self.status = 0
            self.head_end = i + 4
            j = head.find(b"\r\ncontent-length:")
            if j >= 0:
                k = head.find(b"\r\n", j + 17)
                self.need = self.head_end + int(head[j + 17 : k if k >= 0 else len(head)])
            elif b"\r\ntransfer-encoding: chunked" in head:
                self.chunked = True
            elif self.status in (204, 304):
                self.need = self.head_end
            else:
                self.until_close = True
            self.close_after = b"\r\nconnection: close" in head or (
                head.startswith(b"http/1.0") and b"\r\nconnection: keep-alive" not in head
            )
        if self.until_close:
            return  # framed by connection_lost
        if self.chunked:
            e = buf.find(b"0\r\n\r\n", self.head_end)
            if e < 0:
                return
            end = e + 5
        else:
            if len(buf) < self.need:
                return
            end = self.need
        body = bytes(buf[self.head_end : end]) if self.status != 200 else b""
        status = self.status
        del buf[:end]
        self._reset()
        self._finish(status, body)

    def _finish(self, status: int, body: bytes) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.until_close and self.head_end >= 0:
            self._finish(self.status, bytes(self.buf[self.head_end :]))
            return
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionResetError(f"connection closed: {exc!r}"))
