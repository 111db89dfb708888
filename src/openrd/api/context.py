"""What a handler knows about the call it serves."""

from __future__ import annotations

from dataclasses import dataclass

from openrd.domain.identity import Principal
from openrd.services.context import Deps


@dataclass(frozen=True)
class CallContext:
    principal: Principal
    request_id: str
    action: str
    version: str
    deps: Deps
