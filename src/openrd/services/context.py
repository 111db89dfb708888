"""What every use case may need, wired once by bootstrap.py and handed to the entry points."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from openrd.config import Settings
from openrd.domain.sites import SiteProfile
from openrd.domain.verification import CodePolicy
from openrd.services.ports import (
    Clock,
    NonceRecorder,
    RandomSource,
    SecretBox,
    SmsSender,
    Store,
    UnitOfWorkFactory,
)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    uow: UnitOfWorkFactory
    store: Store
    clock: Clock  # business clock: the emulator clock (real time + offset)
    wall_clock: Clock  # real time: signature timestamps and nonce windows (docs/behaviour.md#the-two-clocks)
    rng: RandomSource
    box: SecretBox
    sites: Mapping[str, SiteProfile]
    code_policy: CodePolicy
    sender: SmsSender
    wake_dispatcher: Callable[[], None]  # called after a transaction that queued an SMS commits
    record_nonce: NonceRecorder  # a signed read's nonce, recorded after its call (api/auth.py)

    def evolve(self, **changes: Any) -> Deps:
        """``dataclasses.replace`` without its cost (docs/architecture.md#smaller-fast-paths): every signed call makes
        two of these (api/auth.py). Same fields, no re-validation: Deps has no ``__post_init__``."""
        unknown = changes.keys() - _FIELDS
        if unknown:
            raise TypeError(f"Deps has no field {', '.join(sorted(unknown))}")
        new = object.__new__(Deps)
        new.__dict__.update(self.__dict__, **changes)
        return new


_FIELDS = frozenset(f.name for f in fields(Deps))
