"""What a handler knows about the call it serves."""

from __future__ import annotations

from dataclasses import dataclass, field

from openrd.domain.identity import Principal
from openrd.services.authentication import RequestFacts
from openrd.services.context import Deps


@dataclass(frozen=True)
class CallContext:
    principal: Principal
    request_id: str
    action: str
    version: str
    deps: Deps
    request: RequestFacts = field(
        default_factory=RequestFacts
    )  # what conditions may test of the request (its peer, its transport)
