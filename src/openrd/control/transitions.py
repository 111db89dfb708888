"""``/_openrd/transitions``: the delay of each kind of transition, and finishing pending ones (docs/lifecycle.md).

Every refusal here is 400 ``invalid_transition``, a body that is not a JSON object included, so a client tells a
bad delay from any other refusal by one code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openrd import errors
from openrd.control.fields import Body, Field
from openrd.control.http import call, json_body
from openrd.control.routing import Table
from openrd.domain.transitions import KINDS, MAX_DELAY_SECONDS, TransitionKind
from openrd.services import transitions
from openrd.services.context import Deps

T = TypeVar("T")
DELAY_INVALID = f"{{name}} must be whole seconds from 0 to {MAX_DELAY_SECONDS}"


@dataclass(frozen=True)
class Completion:
    kind: TransitionKind | None  # None: every kind


TRANSITION_DELAYS: Body[dict[TransitionKind, int]] = Body(
    "TransitionDelays",
    tuple(
        Field(kind.value, "integer", "seconds", minimum=0, maximum=MAX_DELAY_SECONDS, invalid=DELAY_INVALID)
        for kind in KINDS
    ),
    lambda values: {TransitionKind(name): seconds for name, seconds in values.items()},
    patch=True,  # a subset merges; an unknown kind is refused
    doc="Seconds each kind's transitions take from now on; the kinds not given keep theirs.",
)
TRANSITION_COMPLETION: Body[Completion] = Body(
    "TransitionCompletion",
    (Field("kind", "string", "the kind to finish; absent: every kind", choices=tuple(k.value for k in KINDS)),),
    lambda values: Completion(TransitionKind(values["kind"]) if values["kind"] else None),
    doc="Which pending transitions to finish now.",
)


def delays_body(delays: dict[TransitionKind, int]) -> dict[str, int]:
    return {kind.value: seconds for kind, seconds in delays.items()}


async def _parse(request: Request, body: Body[T]) -> T:
    try:
        return body.parse(await json_body(request))
    except errors.ControlInvalid as refused:
        raise errors.ControlInvalidTransition(refused.text) from None


def transition_routes(deps: Deps) -> Table:
    async def delays(request: Request) -> Response:
        if request.method == "POST":
            changes = await _parse(request, TRANSITION_DELAYS)
            return JSONResponse(delays_body(await call(transitions.set_delays, deps, changes)))
        return JSONResponse(delays_body(await call(transitions.read_delays, deps)))

    async def complete(request: Request) -> Response:
        completion = await _parse(request, TRANSITION_COMPLETION)
        return JSONResponse({"completed": await call(transitions.complete, deps, completion.kind)})

    return [
        ("/_openrd/transitions", {"GET": delays, "POST": delays}),
        ("/_openrd/transitions/complete", {"POST": complete}),
    ]
