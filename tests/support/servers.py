"""In-process openrd servers for the tests, each with the plugin's control-API client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from openrd.bootstrap import Runtime
from openrd.testing.client import OpenRD
from openrd.testing.server import LiveServer as TestingServer
from openrd.testing.server import start_server as start_testing_server


@dataclass
class LiveServer:
    """openrd.testing's server and its control-API client (``rd``)."""

    live: TestingServer
    rd: OpenRD = field(init=False)

    def __post_init__(self) -> None:
        self.rd = OpenRD(self.live.url, keep_alive=False)

    @property
    def runtime(self) -> Runtime:
        return self.live.runtime

    @property
    def port(self) -> int:
        return self.live.port

    @property
    def endpoint(self) -> str:
        return self.live.endpoint

    @property
    def url(self) -> str:
        return self.live.url

    @property
    def tls_endpoint(self) -> str:
        return self.live.tls_endpoint

    @property
    def ca_file(self) -> Path:
        assert self.live.ca_file is not None, "the server's TLS listener has no local CA"
        return self.live.ca_file

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A raw control-API call (``path`` below ``/_openrd``), for tests of what the control API answers."""
        return self.rd.request(method, path, **kwargs)

    def make_account(self, **fields: Any) -> dict[str, Any]:
        return self.rd.create_account(**fields)

    def stop(self) -> None:
        self.rd.close()
        self.live.stop()


def start_server(env: Mapping[str, str], *, tls: bool = False) -> LiveServer:
    return LiveServer(start_testing_server(env, tls=tls))
