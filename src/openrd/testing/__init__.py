"""openrd for your own tests: an in-process server and a pytest plugin (fixture ``openrd_server``)."""

import warnings
from typing import Any

from openrd.testing.client import ControlApiError, OpenRD
from openrd.testing.server import LiveServer, start_server

__all__ = ["ControlApiError", "LiveServer", "OpenRD", "start_server"]


def __getattr__(name: str) -> Any:
    if name == "OpenRDError":  # the old name of ControlApiError, kept for existing tests
        warnings.warn(
            "openrd.testing.OpenRDError is deprecated; use openrd.testing.ControlApiError",
            DeprecationWarning,
            stacklevel=2,
        )
        return ControlApiError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
