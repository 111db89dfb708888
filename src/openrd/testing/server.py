"""Run a real openrd server in a background thread on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import uvicorn

from openrd.api.limits import uvicorn_options
from openrd.bootstrap import Runtime, build_app, build_runtime
from openrd.config import load_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    runtime: Runtime
    port: int
    uvicorn_server: uvicorn.Server = field(repr=False)
    thread: threading.Thread = field(repr=False)

    @property
    def endpoint(self) -> str:
        """What the SDKs take as ``endpoint`` (host:port; use ``protocol='http'``)."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def stop(self) -> None:
        self.uvicorn_server.should_exit = True
        self.thread.join(timeout=15)
        self.runtime.close()


def start_server(env: Mapping[str, str], *, timeout: float = 20.0) -> LiveServer:
    """Start a server whose settings come from ``env`` (the OPENRD_* variables); migrations are applied."""
    runtime = build_runtime(load_settings(env))
    port = free_port()
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
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"openrd-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("the openrd server did not start")
        time.sleep(0.02)
    return LiveServer(runtime, port, server, thread)
