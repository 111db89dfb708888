"""Who is calling, and may they: AccessKey lookup, replay protection, STS tokens, RAM authorization
(docs/behaviour.md#authentication, #authorization).

The wire layer (api/auth.py) verifies the signature itself; it calls these in the documented order
(docs/behaviour.md#order-of-checks).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from openrd import errors
from openrd.domain.control_policies import once
from openrd.domain.directory import FOLDER_ID, Directory
from openrd.domain.identity import (
    ACCOUNT_ID,
    AccessKey,
    AccessKeyStatus,
    Caller,
    Principal,
    PrincipalKind,
    RamUser,
    StsSession,
    role_arn,
)
from openrd.domain.policy import (
    Decision,
    Policy,
    PolicyDocumentError,
    Statement,
    evaluate,
    parse_policy_document,
)
from openrd.domain.request_context import RequestContext
from openrd.domain.resources import RAM_KINDS, ResourceKind, Target, account_arn, folder_arn, ram_arn, service_arn
from openrd.domain.system_policies import system_policy
from openrd.domain.times import epoch_ms
from openrd.services import guardrail_checks
from openrd.services.ports import Clock, SecretBox, UnitOfWork
from openrd.services.standing import directory_of

log = logging.getLogger("openrd.auth")


def load_caller(uow: UnitOfWork, access_key_id: str, *, nonce: str, nonce_since_ms: int) -> Caller:
    """The key (it must exist and be active), its user and whether ``nonce`` was seen: a signed call's first lookup.
    The caller raises SignatureNonceUsed for a seen nonce at its place in the order of checks
    (docs/behaviour.md#order-of-checks)."""
    caller = uow.identity.caller(access_key_id, nonce=nonce, nonce_since_ms=nonce_since_ms)
    _usable(caller.key if caller else None)
    assert caller is not None
    return caller


def _usable(key: AccessKey | None) -> AccessKey:
    if key is None:
        raise errors.InvalidAccessKeyIdNotFound()
    if key.status is not AccessKeyStatus.ACTIVE:
        raise errors.InvalidAccessKeyIdInactive()
    return key


def remember_nonce(
    uow: UnitOfWork, *, access_key_id: str, nonce: str, wall_now_ms: int, window_ms: int, stamped_ms: int | None = None
) -> None:
    if not uow.nonces.remember(access_key_id, nonce, now_ms=wall_now_ms, window_ms=window_ms, stamped_ms=stamped_ms):
        raise errors.SignatureNonceUsed()


def resolve_principal(
    uow: UnitOfWork,
    *,
    key: AccessKey,
    security_token: str | None,
    box: SecretBox,
    clock: Clock,
    user: RamUser | None = None,
    caller: Caller | None = None,
) -> Principal:
    """The principal behind a verified AccessKey; STS keys must come with their own, unexpired token. ``user``:
    the key's RAM user when it was looked up with the key (load_caller); otherwise it is read here. ``caller``: that
    lookup, whose session (an STS key's, while its role exists) saves a second one when the token is its own."""
    if security_token is not None:
        token_hash = box.keyed_hash("sts-token", security_token)
        if caller is not None and caller.session is not None and caller.session_token_hash == token_hash:
            session: StsSession | None = caller.session
        else:  # another key's token, an unknown one, or a session whose role is gone: which of them, read here
            session = uow.identity.session_by_token_hash(token_hash)
        if session is None:
            raise errors.InvalidSecurityTokenMalformed()
        if session.access_key_id != key.access_key_id:
            raise errors.InvalidSecurityTokenMismatch()
        if session.expires_ms <= epoch_ms(clock.now()):  # read the clock only when a token needs it
            raise errors.InvalidSecurityTokenExpired()
        return Principal(
            PrincipalKind.ROLE_SESSION,
            session.account_id,
            session.role_id,
            name=session.role_name,
            session_name=session.session_name,
            session_policy=session.policy,
        )
    if key.is_sts:
        raise errors.MissingSecurityToken()
    if key.user_id is not None:
        if user is None or user.user_id != key.user_id:
            user = uow.identity.get_user(key.user_id)
        if user is None:  # the user was deleted under its key
            raise errors.InvalidAccessKeyIdNotFound()
        return Principal(PrincipalKind.USER, key.account_id, user.user_id, name=user.name)
    return Principal(PrincipalKind.ROOT, key.account_id, key.account_id)


_DENY_ALL = Policy(name="unreadable", statements=(Statement(effect="Deny", actions=("*",), resources=("*",)),))


@lru_cache(maxsize=1024)
def _parsed(name: str | None, document: str | None) -> Policy:
    """Pure memoisation of document parsing; documents were validated when they were attached."""
    if name is not None:
        policy = system_policy(name)
        if policy is not None:
            return policy
        return Policy(name=name, statements=())
    try:
        return parse_policy_document(document or "{}", name="custom")
    except PolicyDocumentError:
        # Stored before a stricter grammar (a condition value now refused): read as denying everything, since
        # treating it as empty could drop a Deny.
        log.warning("a stored policy document no longer parses; it denies every action until replaced")
        return _DENY_ALL


def policies_for(uow: UnitOfWork, principal: Principal, caller: Caller | None = None) -> Sequence[Policy]:
    """The principal's policies; a user's, or a session's role's, come with its ``caller`` lookup when that found the
    same user or role."""
    kind = "user" if principal.kind is PrincipalKind.USER else "role"
    rows: Sequence[tuple[str | None, str | None]] | None = None
    if caller is not None and caller.user is not None and kind == "user":
        rows = caller.user_policies if caller.user.user_id == principal.principal_id else None
    elif caller is not None and caller.session is not None and kind == "role":
        rows = caller.role_policies if caller.session.role_id == principal.principal_id else None
    if rows is None:
        rows = uow.identity.policies_of(kind, principal.principal_id)
    return [_parsed(name, doc) for name, doc in rows]


def authorize(
    uow: UnitOfWork,
    principal: Principal,
    ram_action: str | None,
    *,
    caller: Caller | None = None,
    target: Target | None = None,
    request: RequestFacts | None = None,
    clock: Clock | None = None,
) -> None:
    """Root may do everything in its own account; RAM identities what their policies allow (explicit deny wins),
    for ``ram_action`` on the resource ``target`` names (docs/behaviour.md#resources-of-an-action), with the
    conditions of their statements tested against the request (docs/behaviour.md#policy-conditions)."""
    if ram_action is None or principal.kind is PrincipalKind.ROOT:
        return
    resource = once(lambda: resource_arn(uow, principal, ram_action, target))
    context = once(lambda: request_context(uow, principal, request or RequestFacts(), clock))
    guardrail = caller.guardrail if caller is not None else uow.directory.guardrail_of(principal.account_id)
    if guardrail is not None:  # control policies are on, or switching, in the account's directory
        now_ms = epoch_ms(clock.now()) if clock is not None else None
        guardrail_checks.enforce(
            uow, principal, guardrail, ram_action, now_ms=now_ms, resource=resource, context=context
        )
    decision = evaluate(policies_for(uow, principal, caller), action=ram_action, resource=resource, context=context)
    policy_type = "AccountLevelIdentityBasedPolicy"
    if decision is Decision.ALLOW and principal.session_policy is not None:
        # A session's inline policy narrows its role's: both must allow (docs/sts.md#the-session).
        decision = evaluate(
            (_parsed(None, principal.session_policy),), action=ram_action, resource=resource, context=context
        )
        policy_type = "SessionPolicy"
    if decision is Decision.ALLOW:
        return
    raise errors.NoPermission(
        {
            "PolicyType": policy_type,
            "AuthPrincipalOwnerId": principal.account_id,
            "AuthPrincipalType": principal.auth_principal_type,
            "AuthPrincipalDisplayName": principal.display_name,
            "NoPermissionType": decision.value,
            "AuthAction": ram_action,
        }
    )


def resource_arn(uow: UnitOfWork, principal: Principal, ram_action: str, target: Target | None) -> str | None:
    """The ARN of what the call acts on, or ``None`` when the caller named a member or folder its directory does not
    have: such a call fails later anyway, and an unknown resource must never slip past a Deny that names resources
    (policy evaluation treats ``None`` as "any resource a Deny names, none an Allow names")."""
    if target is None:
        return service_arn(ram_action.partition(":")[0], principal.account_id)
    if target.kind in RAM_KINDS:
        account_id = target.account_id or principal.account_id
        name = target.id
        if name is None and target.callers_own and principal.kind is PrincipalKind.USER:
            name = principal.name  # CreateAccessKey without UserName: the caller's own keys
        if target.kind is ResourceKind.RAM_ROLE and name is not None:
            # Role names match case-insensitively: a policy names the role as it was created.
            role = uow.identity.find_role(account_id, name)
            name = role.name if role is not None else name
        return ram_arn(account_id, target.kind, name)
    directory = directory_of(uow, principal.account_id)
    if directory is None:
        return None
    owner = directory.master_account_id
    if target.kind is ResourceKind.FOLDER:
        folder_id = target.id or directory.root_folder_id
        if FOLDER_ID.fullmatch(folder_id) is None:  # not storable, not a folder: no lookup
            return None
        folder = uow.directory.get_folder(folder_id)
        if folder is None or folder.directory_id != directory.directory_id:
            return None
        return folder_arn(owner, folder.path)
    if target.id is None or ACCOUNT_ID.fullmatch(target.id) is None:
        return None
    member = uow.directory.get_member(target.id)
    if member is None or member.directory_id != directory.directory_id:
        return None
    path = _folder_path(uow, directory, member.folder_id)
    return account_arn(owner, path, member.account_id) if path is not None else None


@dataclass(frozen=True)
class RequestFacts:
    """What the wire knows of a request that conditions may test."""

    source_ip: str | None = None
    secure_transport: bool = False


def request_context(
    uow: UnitOfWork, principal: Principal, request: RequestFacts, clock: Clock | None, *, external_id: str | None = None
) -> RequestContext:
    """The condition keys of one call; built only when a statement carries a Condition. A role session's
    ``acs:PrincipalARN`` is its role's ARN, so one policy can name the role whatever the session is called.
    ``external_id``: AssumeRole's ``ExternalId``, the ``sts:ExternalId`` a trust policy may test."""
    arn = (
        role_arn(principal.account_id, principal.name)
        if principal.kind is PrincipalKind.ROLE_SESSION
        else principal.arn
    )
    # The directory keys cost lookups and the clock a reading: each is computed when a condition first reads it.
    where = once(lambda: _directory_keys(uow, principal.account_id))
    return RequestContext(
        secure_transport=request.secure_transport,
        principal_arn=arn,
        principal_account=principal.account_id,
        external_id=external_id,
        deferred={
            "acs:currenttime": (lambda: clock.now()) if clock is not None else _absent,
            "acs:sourceip": lambda: request.source_ip,
            "acs:principalrdid": lambda: where()[0],
            "acs:principalrdpath": lambda: where()[1],
        },
    )


def _absent() -> None:
    return None


def _directory_keys(uow: UnitOfWork, account_id: str) -> tuple[str | None, str | None]:
    """``acs:PrincipalRDId`` and ``acs:PrincipalRDPath`` of an account; None for one in no directory."""
    directory = directory_of(uow, account_id)
    if directory is None:
        return None, None
    member = uow.directory.get_member(account_id)
    folder_path = _folder_path(uow, directory, member.folder_id) if member is not None else directory.root_path
    return directory.directory_id, f"{folder_path}/{account_id}/" if folder_path is not None else None


def _folder_path(uow: UnitOfWork, directory: Directory, folder_id: str) -> str | None:
    if folder_id == directory.root_folder_id:
        return directory.root_path
    folder = uow.directory.get_folder(folder_id)
    return folder.path if folder is not None else None
