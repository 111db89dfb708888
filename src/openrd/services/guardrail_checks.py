"""Control policies enforced (docs/guardrails.md#evaluation): the RAM users and role sessions of member accounts
are bounded by the policies of every level from their account up to the root folder, on every action openrd serves.

Called by authorization with what the caller lookup found (``Guardrail``); a directory with control policies
disabled never reaches here. When they are enabled, one prepared, indexed statement reads every level's policies;
nothing is cached between calls, so a detach or an update is honoured by the next request of every process.
"""

from __future__ import annotations

from openrd import errors
from openrd.domain.control_policies import Guardrail, Verdict, evaluate_levels, levels_of, settled_verdict
from openrd.domain.identity import Principal
from openrd.domain.policy import ContextSource, Decision, ResourceSource
from openrd.services.ports import UnitOfWork


def verdict(
    uow: UnitOfWork,
    principal: Principal,
    guardrail: Guardrail,
    action: str,
    *,
    resource: ResourceSource,
    context: ContextSource,
) -> Verdict:
    """The guardrails' decision on ``action`` for a RAM identity of a bounded member account: one statement reads
    every level's attachments; policies that decide on the action alone are decided once per content
    (docs/guardrails.md#evaluation)."""
    targets = guardrail.levels(principal.account_id)
    attached = tuple(uow.directory.guardrail_levels(targets))
    settled = settled_verdict(targets, attached, action)
    if settled is not None:
        return settled
    return evaluate_levels(levels_of(targets, attached), action=action, resource=resource, context=context)


def enforce(
    uow: UnitOfWork,
    principal: Principal,
    guardrail: Guardrail,
    action: str,
    *,
    now_ms: int | None,
    resource: ResourceSource,
    context: ContextSource,
) -> None:
    """Refuse with 403 NoPermission (``PolicyType`` ``ControlPolicy``) what the guardrails do not allow."""
    if not principal.is_ram_identity or not guardrail.enforced_on(principal.account_id, now_ms):
        return
    decided = verdict(uow, principal, guardrail, action, resource=resource, context=context)
    if decided.decision is Decision.ALLOW:
        return
    raise errors.NoPermission(
        {
            "PolicyType": "ControlPolicy",
            "AuthPrincipalOwnerId": principal.account_id,
            "AuthPrincipalType": principal.auth_principal_type,
            "AuthPrincipalDisplayName": principal.display_name,
            "NoPermissionType": decided.decision.value,
            "AuthAction": action,
        },
        deciding=decided.deciding,
    )
