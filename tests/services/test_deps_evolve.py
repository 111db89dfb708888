"""Deps.evolve: the cheap dataclasses.replace every signed call uses (api/auth.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from openrd.services.context import Deps

NAMES = [f.name for f in dataclasses.fields(Deps)]


def _deps() -> Deps:
    fields: dict[str, Any] = {name: object() for name in NAMES}
    return Deps(**fields)


def test_evolve_changes_only_the_named_fields_and_leaves_the_original_alone() -> None:
    deps = _deps()
    clock, uow = object(), object()
    evolved = deps.evolve(clock=clock, uow=uow)
    assert evolved is not deps
    assert type(evolved) is Deps
    assert evolved.clock is clock
    assert evolved.uow is uow
    assert deps.clock is not clock
    assert deps.uow is not uow
    for name in set(NAMES) - {"clock", "uow"}:
        assert getattr(evolved, name) is getattr(deps, name)
    assert evolved == dataclasses.replace(deps, clock=clock, uow=uow)


def test_evolved_deps_stay_frozen() -> None:
    evolved = _deps().evolve(clock=object())
    with pytest.raises(dataclasses.FrozenInstanceError):
        evolved.clock = object()  # type: ignore[misc, assignment]


def test_evolve_refuses_a_field_deps_does_not_have() -> None:
    with pytest.raises(TypeError, match="clok"):
        _deps().evolve(clok=object())
