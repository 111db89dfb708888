"""openrd for your own tests: an in-process server and a pytest plugin (fixture ``openrd_server``)."""

from openrd.testing.client import OpenRD
from openrd.testing.server import LiveServer, start_server

__all__ = ["LiveServer", "OpenRD", "start_server"]
