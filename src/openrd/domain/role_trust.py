"""Whether a role's trust policy (``AssumeRolePolicyDocument``) lets a caller assume the role (docs/sts.md).

Pure logic, no I/O. The document is read by the one trust-policy grammar (domain/trust.py, which also says what a
stored document that does not fit it yields). A statement applies to a caller when its ``Action`` covers
``sts:AssumeRole``, its ``Principal`` names the caller and every ``Condition`` holds in the request
(``sts:ExternalId`` included). As in identity policies, an applicable ``Deny`` wins over any ``Allow``, and nothing
applicable is an implicit deny.

``Principal.RAM`` entries: ``acs:ram::<account>:root`` names every RAM user and role session of that account (the
account's own root AccessKey never gets this far: STS refuses root callers first); ``…:user/<name>`` one RAM user;
``…:role/<name>`` the sessions of one role (chaining). Names compare case-insensitively, as RAM's names are unique
without regard to case. ``Principal.Service`` and ``Principal.Federated`` name cloud services and identity
providers, never a user or a session, so they never match here.
"""

from __future__ import annotations

from openrd.domain.conditions import conditions_hold
from openrd.domain.identity import Principal, PrincipalKind
from openrd.domain.policy import Decision
from openrd.domain.request_context import RequestContext
from openrd.domain.trust import ASSUME_ROLE, TrustStatement, read_trust_policy

__all__ = ["ASSUME_ROLE", "names_caller", "trust_decision"]


def names_caller(statement: TrustStatement, caller: Principal) -> bool:
    """Whether the statement's ``Principal.RAM`` names ``caller``."""
    for entry in statement.ram_entries:
        if entry.account != caller.account_id:
            continue
        if entry.kind == "root" and caller.kind is not PrincipalKind.ROOT:
            return True
        wanted = PrincipalKind.USER if entry.kind == "user" else PrincipalKind.ROLE_SESSION
        if caller.kind is wanted and caller.name.lower() == entry.name:
            return True
    return False


def trust_decision(document: str, caller: Principal, context: RequestContext) -> Decision:
    """Allow, ImplicitDeny or ExplicitDeny for ``caller`` assuming the role whose trust policy is ``document``."""
    policy = read_trust_policy(document)
    if policy.unreadable_deny:
        return Decision.EXPLICIT_DENY
    allowed = False
    for statement in policy.statements:
        if not statement.covers_assume_role() or not names_caller(statement, caller):
            continue
        if not conditions_hold(statement.conditions, context):
            continue
        if statement.effect == "Deny":
            return Decision.EXPLICIT_DENY
        allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY
