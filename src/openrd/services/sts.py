"""STS AssumeRole: a RAM user or role session steps into a role, of its own account or another (docs/sts.md).

The checks after the parameter stage, in their documented order (docs/sts.md#order-of-checks): the caller is not an
account's root identity → its own ``sts:AssumeRole`` on the role's ARN (the registry's authorization, before this
runs) → the role exists → its trust policy admits the caller → ``DurationSeconds`` is within the role's
``MaxSessionDuration``. Then a session is issued: an ``STS.`` AccessKey, a token stored only as a keyed hash, an
expiry on the emulator clock, and the inline session policy that narrows the role's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from openrd import errors
from openrd.domain.identity import AccessKey, AccessKeyStatus, Principal, PrincipalKind, RamRole, StsSession
from openrd.domain.policy import Decision
from openrd.domain.role_trust import ASSUME_ROLE, trust_decision
from openrd.domain.times import epoch_ms
from openrd.services import authentication as authn
from openrd.services.context import Deps
from openrd.services.ports import UnitOfWork

DEFAULT_SESSION_SECONDS = 3600


@dataclass(frozen=True)
class StsCredentials:
    access_key_id: str
    access_key_secret: str
    security_token: str
    expiration: datetime


@dataclass(frozen=True)
class AssumeRoleRequest:
    role_account_id: str
    role_name: str
    session_name: str
    duration_seconds: int | None = None
    policy: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class AssumedRole:
    role: RamRole
    session_name: str
    credentials: StsCredentials


def assume_role(deps: Deps, *, caller: Principal, request: AssumeRoleRequest, facts: authn.RequestFacts) -> AssumedRole:
    if caller.kind is PrincipalKind.ROOT:
        # Documented: an Alibaba Cloud account's own identity cannot assume a role, only its RAM users and roles.
        raise errors.NoPermission(_detail(caller, "AccountLevelIdentityBasedPolicy", Decision.IMPLICIT_DENY))
    with deps.uow() as uow:
        role = uow.identity.find_role(request.role_account_id, request.role_name)
        if role is None:
            raise errors.StsEntityNotExistRole()
        context = authn.request_context(uow, caller, facts, deps.clock, external_id=request.external_id)
        decision = trust_decision(role.trust_document, caller, context)
        if decision is not Decision.ALLOW:
            raise errors.NoPermission(_detail(caller, "AssumeRolePolicy", decision))
        duration = request.duration_seconds or DEFAULT_SESSION_SECONDS
        if duration > role.max_session_duration:
            raise errors.InvalidParameterDurationSeconds()
        credentials = issue_session(
            uow, deps, role, session_name=request.session_name, duration_seconds=duration, policy=request.policy
        )
    return AssumedRole(role, request.session_name, credentials)


def issue_session(
    uow: UnitOfWork, deps: Deps, role: RamRole, *, session_name: str, duration_seconds: int, policy: str | None
) -> StsCredentials:
    """A new session of ``role``, expiring ``duration_seconds`` after the emulator clock's now; the token is kept
    only as a keyed hash, the secret encrypted."""
    rng = deps.rng
    expiration = deps.clock.now() + timedelta(seconds=duration_seconds)
    access_key_id, secret = "STS." + rng.alnum(24), rng.alnum(30)
    token = "CAIS" + rng.token(96)
    session = StsSession(
        session_id=rng.alnum(24),
        account_id=role.account_id,
        role_id=role.role_id,
        role_name=role.name,
        session_name=session_name,
        access_key_id=access_key_id,
        expires_ms=epoch_ms(expiration),
        policy=policy,
    )
    uow.identity.add_session(session, token_hash=deps.box.keyed_hash("sts-token", token))
    uow.identity.add_access_key(
        AccessKey(access_key_id, secret, role.account_id, AccessKeyStatus.ACTIVE, session_id=session.session_id)
    )
    return StsCredentials(access_key_id, secret, token, expiration)


def _detail(caller: Principal, policy_type: str, decision: Decision) -> dict[str, str]:
    return {
        "PolicyType": policy_type,
        "AuthPrincipalOwnerId": caller.account_id,
        "AuthPrincipalType": "Account" if caller.kind is PrincipalKind.ROOT else caller.auth_principal_type,
        "AuthPrincipalDisplayName": caller.account_id if caller.kind is PrincipalKind.ROOT else caller.display_name,
        "NoPermissionType": decision.value,
        "AuthAction": ASSUME_ROLE,
    }
