"""Control policies enforced (docs/guardrails.md#evaluation): the RAM users and role sessions of member accounts
are bounded by the policies of every level from their account up to the root folder, on every action openrd serves.

Called by authorization with what the caller lookup found (``Guardrail``); a directory with control policies
disabled never reaches here. When they are enabled, one prepared, indexed statement reads every level's policies;
nothing is cached between calls, so a detach or an update is honoured by the next request of every process.
"""

from __future__ import annotations

from openrd import errors
from openrd.domain.control_policies import Guardrail, Level, Verdict, evaluate_levels, stored_policy
from openrd.domain.identity import Principal
from openrd.domain.policy import ContextSource, Decision, Policy, ResourceSource
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
    """The guardrails' decision on ``action`` for a RAM identity of a bounded member account."""
    targets = guardrail.levels(principal.account_id)
    found: dict[str, list[tuple[str, Policy]]] = {target: [] for target in targets}
    for target_id, policy_id, document in uow.directory.guardrail_levels(targets):
        found[target_id].append((policy_id, stored_policy(document)))
    levels: list[Level] = [(target, found[target]) for target in targets]
    return evaluate_levels(levels, action=action, resource=resource, context=context)


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
