"""pytest plugin (entry point ``pytest11: openrd``): the ``openrd_server`` fixture.

With ``OPENRD_URL`` set, the fixture talks to that server (and resets it before each test); otherwise it starts
an in-process server on a free port with a temporary SQLite store, once per test session, with its TLS listener
beside it: ``openrd_server.tls_endpoint`` and ``openrd_server.ca_file`` (the local CA to trust). Against a server
of your own, ``OPENRD_TLS_ENDPOINT`` and ``OPENRD_CA_FILE`` give them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from openrd.testing.client import OpenRD


@pytest.fixture(scope="session")
def _openrd_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenRD]:
    url = os.environ.get("OPENRD_URL")
    if url:
        client = OpenRD(
            url,
            admin_token=os.environ.get("OPENRD_ADMIN_TOKEN"),
            tls_endpoint=os.environ.get("OPENRD_TLS_ENDPOINT") or None,
            ca_file=os.environ.get("OPENRD_CA_FILE") or None,
        )
        yield client
        client.close()
        return
    from openrd.testing.server import start_server

    data_dir = tmp_path_factory.mktemp("openrd")
    server = start_server(
        {"OPENRD_DATA_DIR": str(data_dir), "OPENRD_SECRET_KEY": "openrd-pytest", "HOME": str(data_dir)}, tls=True
    )
    client = OpenRD(server.url, tls_endpoint=server.tls_endpoint, ca_file=server.ca_file)
    yield client
    client.close()
    server.stop()


@pytest.fixture
def openrd_server(_openrd_session: OpenRD) -> OpenRD:
    """A running openrd, reset to an empty world (clock included) for this test."""
    _openrd_session.reset()
    return _openrd_session
