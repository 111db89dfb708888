"""The sockets ``openrd serve`` and the in-process test server listen on: plain HTTP, and TLS beside it when asked.

One uvicorn server, one app, one set of connections and limits: the TLS listener is a second asyncio server on the
same protocol factory, so a call over HTTPS runs exactly as one over HTTP, with ``scheme`` ``https`` (which
``acs:SecureTransport`` reads). uvicorn's own TLS would make the whole server TLS-only.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from openrd.adapters import tls
from openrd.config import Settings

TLS_REFRESH_TICKS = 36_000  # uvicorn ticks every 0.1 s: look at the certificate once an hour


@dataclass
class TlsListener:
    """The TLS side's certificate and context. ``files.ca_file`` is the local CA clients trust (None when the
    operator gave a certificate of their own)."""

    files: tls.TlsFiles
    data_dir: Path | None  # set when the certificate is the local CA's, which openrd renews
    handshake_timeout: float
    context: ssl.SSLContext = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.context = tls.load_context(self.files)

    @classmethod
    def from_settings(cls, settings: Settings) -> TlsListener:
        given = settings.tls
        timeout = settings.request_read_timeout_seconds
        if given.cert_file is not None and given.key_file is not None:
            return cls(tls.TlsFiles(given.cert_file, given.key_file), None, timeout)
        return cls(tls.ensure_local_tls(settings.data_dir), settings.data_dir, timeout)

    def refresh(self) -> None:
        """Renew the local CA's certificate if it is due (here or by another process) and present it from now on."""
        if self.data_dir is not None:
            self.files = tls.ensure_local_tls(self.data_dir)
        tls.load_context(self.files, self.context)


def trust_lines(files: tls.TlsFiles) -> list[str]:
    """What a client needs to trust the TLS listener: the local CA and the environment lines that name it."""
    if files.ca_file is None:
        return [f"  tls:     certificate {files.cert_file} (OPENRD_TLS_CERT_FILE)"]
    return [
        f"  tls:     local CA {files.ca_file}; clients trust it with:",
        f"export SSL_CERT_FILE={files.ca_file}",
        f"export REQUESTS_CA_BUNDLE={files.ca_file}",
        f"export NODE_EXTRA_CA_CERTS={files.ca_file}",
    ]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one), bound before the server starts so its port is known
    and no other process can take it in between."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=2048)


class Listeners(uvicorn.Server):
    """uvicorn's server over ``sockets[0]`` (plain HTTP) and, with ``tls``, ``sockets[1]`` over TLS."""

    def __init__(self, config: uvicorn.Config, tls_listener: TlsListener | None = None) -> None:
        super().__init__(config)
        self.tls = tls_listener

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        plain, secure = (sockets[:1], sockets[1:]) if sockets is not None else (None, [])
        await super().startup(sockets=plain)
        if not self.started or self.tls is None or not secure:
            return
        config = self.config

        def create_protocol(_loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Protocol:
            # What uvicorn's own startup builds for each of its sockets: the same state, the same connections.
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state, _loop=_loop
            )

        server = await asyncio.get_running_loop().create_server(
            create_protocol,
            sock=secure[0],
            ssl=self.tls.context,
            backlog=config.backlog,
            # A client that opens a connection and never finishes the handshake is dropped like a slow request.
            ssl_handshake_timeout=self.tls.handshake_timeout,
        )
        self.servers.append(server)

    async def on_tick(self, counter: int) -> bool:
        if self.tls is not None and counter and counter % TLS_REFRESH_TICKS == 0:
            await asyncio.to_thread(self.tls.refresh)
        return await super().on_tick(counter)
