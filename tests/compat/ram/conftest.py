"""RAM test fixtures: the official RAM client for principals of the module's shared ``server``; every test makes
its own accounts."""

from __future__ import annotations

import pytest

from support.compat import World
from support.ram import Ram


@pytest.fixture
def ram(world: World) -> Ram:
    return Ram(world)
