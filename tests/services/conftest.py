"""A real runtime (SQLite in tmp_path) for the identity and authentication services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openrd.bootstrap import Runtime, build_runtime
from openrd.config import load_settings
from openrd.services.context import Deps


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    env = {"OPENRD_DATA_DIR": str(tmp_path / "data"), "OPENRD_SECRET_KEY": "services-test-key", "HOME": str(tmp_path)}
    rt = build_runtime(load_settings(env))
    yield rt
    rt.close()


@pytest.fixture
def deps(runtime: Runtime) -> Deps:
    return runtime.deps
