"""The action registry (docs/behaviour.md#products-and-routing): every action the front door answers, gathered from the
handler modules.

It drives dispatch, the API reference in docs/ and the check that every action has an SDK round trip.
"""

from __future__ import annotations

from openrd import errors
from openrd.api.handlers import (
    account_deletion,
    accounts,
    control_policies,
    delegation,
    enablement,
    folders,
    guardrails,
    handshakes,
    members,
    ram_access_keys,
    ram_attachments,
    ram_groups,
    ram_policies,
    ram_roles,
    ram_tags,
    ram_users,
    resource_groups,
    secure_phone,
    settings,
    sts,
    tags,
)
from openrd.api.registry import Action

ACTIONS: tuple[Action, ...] = (
    *sts.ROWS,
    *enablement.ROWS,
    *secure_phone.ROWS,
    *accounts.ROWS,
    *members.ROWS,
    *folders.ROWS,
    *handshakes.ROWS,
    *delegation.ROWS,
    *guardrails.ROWS,
    *control_policies.ROWS,
    *ram_policies.ROWS,
    *tags.ROWS,
    *account_deletion.ROWS,
    *ram_attachments.ROWS,
    *ram_tags.ROWS,
    *ram_users.ROWS,
    *ram_access_keys.ROWS,
    *resource_groups.ROWS,
    *settings.ROWS,
    *ram_roles.ROWS,
    *ram_groups.ROWS,
)

VERSIONS = frozenset(v for action in ACTIONS for v in action.versions)
_BY_KEY = {(version, action.name): action for action in ACTIONS for version in action.versions}


def lookup(version: str, name: str) -> Action:
    if version not in VERSIONS:
        raise errors.InvalidVersion()
    action = _BY_KEY.get((version, name))
    if action is None:
        raise errors.InvalidApiNotFound()
    return action
