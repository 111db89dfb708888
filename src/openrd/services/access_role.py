"""ResourceDirectoryAccountAccessRole: the role every account CreateResourceAccount makes is born with, so the
management account can step into it (docs/sts.md#resourcedirectoryaccountaccessrole).

It trusts the management account's root (every RAM user and role of the management account that has
``sts:AssumeRole`` may assume it), has ``AdministratorAccess`` attached and a ``MaxSessionDuration`` of 3600. An
invited cloud account does not get one: its owner makes it, as in the real cloud.
"""

from __future__ import annotations

import json
from typing import Final

from openrd.domain.account_deletion import ACCESS_ROLE
from openrd.domain.identity import RamRole
from openrd.services.attachments import attach_given
from openrd.services.identity import new_role_id
from openrd.services.ports import RandomSource, UnitOfWork

ACCESS_ROLE_POLICY: Final = "AdministratorAccess"
ACCESS_ROLE_SESSION_SECONDS: Final = 3600
ACCESS_ROLE_DESCRIPTION: Final = "The role the resource directory's management account assumes in this account."


def access_role_trust(management_account_id: str) -> str:
    statement = {
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"RAM": [f"acs:ram::{management_account_id}:root"]},
    }
    return json.dumps({"Statement": [statement], "Version": "1"}, separators=(",", ":"))


def add_access_role(
    uow: UnitOfWork, rng: RandomSource, *, account_id: str, management_account_id: str, now_ms: int
) -> RamRole:
    """Create the role in the new account ``account_id``, inside the caller's unit of work."""
    role = RamRole(
        new_role_id(rng),
        account_id,
        ACCESS_ROLE,
        description=ACCESS_ROLE_DESCRIPTION,
        trust_policy=access_role_trust(management_account_id),
        max_session_duration=ACCESS_ROLE_SESSION_SECONDS,
        created_ms=now_ms,
        updated_ms=now_ms,
    )
    uow.identity.add_role(role)
    attach_given(uow, account_id, "role", role.role_id, role.name, [(ACCESS_ROLE_POLICY, None)], now_ms=now_ms)
    return role
