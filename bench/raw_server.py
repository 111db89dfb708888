"""A trivial HTTP/1.1 server (one uvloop protocol, no framework): the load generator's own capacity check.

It answers every request head with the same fixed bytes and does nothing else, so what the load generator measures
against it is (close to) the client's own limit on this machine; that number must be well above what the ceiling
app answers, or the client would be the bottleneck. Requests must carry no body (every benchmark request has
``Content-Length: 0``). Usage: ``python raw_server.py PORT``.
"""

from __future__ import annotations

import asyncio
import sys

import uvloop

BODY = b'{"RequestId":"6A6C3E0B-3F2B-4E43-9C55-000000000000","ok":true}'
RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(BODY) + BODY


class Answer(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buf = b""

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data
        heads = buf.count(b"\r\n\r\n")
        if heads:
            self.transport.write(RESPONSE * heads)
            buf = buf[buf.rfind(b"\r\n\r\n") + 4 :]
        self.buf = buf


async def main(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    uvloop.run(main(int(sys.argv[1])))
