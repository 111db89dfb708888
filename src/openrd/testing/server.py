"""Run a real openrd server in a background thread on a free loopback port (and, when asked, a TLS port)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import uvicorn

from openrd.api.limits import uvicorn_options
from openrd.bootstrap import Runtime, build_app, build_runtime
from openrd.config import load_settings
from openrd.listeners import Listeners, TlsListener, bind


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    runtime: Runtime
    port: int
    uvicorn_server: Listeners = field(repr=False)
    thread: threading.Thread = field(repr=False)
    tls_port: int | None = None
    ca_file: Path | None = None  # the local CA that signed the TLS listener's certificate

    @property
    def endpoint(self) -> str:
        """What the SDKs take as ``endpoint`` (host:port; use ``protocol='http'``)."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def tls_endpoint(self) -> str:
        """host:port of the TLS listener (``protocol='https'``, trusting :attr:`ca_file`)."""
        if self.tls_port is None:
            raise RuntimeError("this server was started without its TLS listener (start_server(..., tls=True))")
        return f"127.0.0.1:{self.tls_port}"

    def stop(self) -> None:
        self.uvicorn_server.should_exit = True
        self.thread.join(timeout=15)
        self.runtime.close()


def start_server(env: Mapping[str, str], *, timeout: float = 20.0, tls: bool = False) -> LiveServer:
    """Start a server whose settings come from ``env`` (the OPENRD_* variables); migrations are applied.

    ``tls`` (or ``OPENRD_TLS_PORT`` in ``env``, 0 for a free port) also starts the TLS listener, with the
    certificate files ``env`` names or the local CA of its data directory.
    """
    settings = load_settings(env)
    if tls and settings.tls.port is None:
        settings = replace(settings, tls=replace(settings.tls, port=0))
    tls_listener = TlsListener.from_settings(settings) if settings.tls.port is not None else None
    sockets = [bind("127.0.0.1", 0)]
    if settings.tls.port is not None:
        sockets.append(bind("127.0.0.1", settings.tls.port))
    runtime = build_runtime(settings)
    port = sockets[0].getsockname()[1]
    # No access log: query strings carry verification codes and phone numbers.
    config = uvicorn.Config(
        build_app(runtime),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        **uvicorn_options(runtime.deps.settings, in_process=True),
    )
    server = Listeners(config, tls_listener)
    thread = threading.Thread(target=server.run, args=(sockets,), name=f"openrd-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("the openrd server did not start")
        time.sleep(0.02)
    tls_port = sockets[1].getsockname()[1] if len(sockets) > 1 else None
    ca_file = tls_listener.files.ca_file if tls_listener is not None else None
    return LiveServer(runtime, port, server, thread, tls_port, ca_file)
