"""The emulator's own JSON API under ``/_openrd`` (docs/behaviour.md#control-api): the routes of every noun.

The SMS inbox (sms.py), the audit trail (audit.py) and the operations endpoints (ops.py) register their own.
"""

from __future__ import annotations

from starlette.routing import Route

from openrd.control.accounts import account_routes
from openrd.control.emulator import emulator_routes
from openrd.control.identity import identity_routes
from openrd.control.routing import routes
from openrd.control.transitions import transition_routes
from openrd.services.context import Deps


def control_routes(deps: Deps) -> list[Route]:
    return routes(
        deps, [*emulator_routes(deps), *account_routes(deps), *identity_routes(deps), *transition_routes(deps)]
    )
