"""Principals (account root, RAM user, assumed-role session) and their ARNs (docs/behaviour.md#principals-and-arns,
#getcalleridentity)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from openrd.domain.control_policies import Guardrail

ACCOUNT_ID = re.compile(r"^[0-9]{16}$", re.ASCII)
# RAM names: 1-64 of letters, digits, '.', '_', '-' (RAM's documented user/role name rule).
RAM_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$", re.ASCII)
# STS RoleSessionName: 2-64 of letters, digits, '.', '@', '-', '_'.
SESSION_NAME = re.compile(r"^[A-Za-z0-9.@_-]{2,64}$", re.ASCII)
ROLE_ARN = re.compile(r"^acs:ram::(?P<account>[0-9]{16}):role/(?P<name>[A-Za-z0-9._-]{1,64})$", re.ASCII)
MIN_SESSION_SECONDS, MAX_SESSION_SECONDS = 900, 43200


class PrincipalKind(enum.StrEnum):
    ROOT = "root"
    USER = "user"
    ROLE_SESSION = "role_session"


@dataclass(frozen=True)
class Principal:
    """Who signed the request. ``principal_id`` is the account, user or role ID."""

    kind: PrincipalKind
    account_id: str
    principal_id: str
    name: str = ""  # user or role name; empty for the root
    session_name: str = ""
    session_policy: str | None = None  # a role session's inline Policy: it narrows the role's own policies

    @property
    def arn(self) -> str:
        if self.kind is PrincipalKind.ROOT:
            return f"acs:ram::{self.account_id}:root"
        if self.kind is PrincipalKind.USER:
            return f"acs:ram::{self.account_id}:user/{self.name}"
        return f"acs:ram::{self.account_id}:assumed-role/{self.name}/{self.session_name}"

    @property
    def identity_type(self) -> str:
        return {PrincipalKind.ROOT: "Account", PrincipalKind.USER: "RAMUser"}.get(self.kind, "AssumedRoleUser")

    @property
    def user_id(self) -> str:
        """GetCallerIdentity's UserId / PrincipalId: the role session form is ``<roleId>:<session>``."""
        if self.kind is PrincipalKind.ROLE_SESSION:
            return f"{self.principal_id}:{self.session_name}"
        return self.principal_id

    @property
    def is_ram_identity(self) -> bool:
        return self.kind is not PrincipalKind.ROOT

    @property
    def auth_principal_type(self) -> str:
        return "SubUser" if self.kind is PrincipalKind.USER else "AssumedRoleUser"

    @property
    def display_name(self) -> str:
        return self.name if self.kind is PrincipalKind.USER else f"{self.name}:{self.session_name}"


def role_arn(account_id: str, role_name: str) -> str:
    return f"acs:ram::{account_id}:role/{role_name}"


def user_arn(account_id: str, user_name: str) -> str:
    return f"acs:ram::{account_id}:user/{user_name}"


def parse_role_arn(arn: str) -> tuple[str, str] | None:
    """``acs:ram::<account>:role/<name>`` → (account, name); role names compare case-insensitively in RAM."""
    match = ROLE_ARN.fullmatch(arn)
    return (match["account"], match["name"]) if match else None


class AccessKeyStatus(enum.StrEnum):
    ACTIVE = "Active"
    INACTIVE = "Inactive"


@dataclass(frozen=True)
class AccessKey:
    """An AccessKey as stored; ``secret`` is the decrypted secret (the store keeps only ciphertext)."""

    access_key_id: str
    secret: str
    account_id: str
    status: AccessKeyStatus
    user_id: str | None = None  # RAM user; None for root keys and STS keys
    session_id: str | None = None  # STS session; None otherwise
    created_ms: int = 0  # 0: made before creation times were kept

    @property
    def is_sts(self) -> bool:
        return self.session_id is not None


@dataclass(frozen=True)
class RamUser:
    """A RAM user; the profile fields are empty where none was given (a user the control API made)."""

    user_id: str
    account_id: str
    name: str
    display_name: str = ""
    comments: str = ""
    email: str = ""
    mobile_phone: str = ""
    created_ms: int = 0  # 0: made before creation times were kept
    updated_ms: int = 0


@dataclass(frozen=True)
class Caller:
    """A request's AccessKey with what authenticating it needs next, looked up together: the key's RAM user (a
    user's key) with its attached policies (system policy name, or custom document), and whether the request's
    nonce was seen within the replay window."""

    key: AccessKey
    user: RamUser | None
    nonce_seen: bool
    user_policies: tuple[tuple[str | None, str | None], ...] | None = None  # None: not looked up
    # The emulator clock's offset (docs/behaviour.md#the-two-clocks) as the lookup saw it
    clock_offset_seconds: int | None = None
    # The key's account's place for control policies; None: in no directory, or its directory has them disabled
    guardrail: Guardrail | None = None
    # An STS key's session while its role exists, with its token's keyed hash and the role's policies
    session: StsSession | None = None
    session_token_hash: str | None = None
    role_policies: tuple[tuple[str | None, str | None], ...] | None = None  # None: not looked up


@dataclass(frozen=True)
class RamRole:
    """A RAM role. ``trust_policy`` is its AssumeRolePolicyDocument; ``None`` for a role stored before trust
    policies were: such a role trusts its own account (``trust_document``)."""

    role_id: str
    account_id: str
    name: str
    description: str = ""
    trust_policy: str | None = None
    max_session_duration: int = 3600
    created_ms: int = 0
    updated_ms: int = 0

    @property
    def arn(self) -> str:
        return role_arn(self.account_id, self.name)

    @property
    def trust_document(self) -> str:
        return self.trust_policy if self.trust_policy is not None else own_account_trust(self.account_id)


def own_account_trust(account_id: str) -> str:
    """The trust policy of a role the control API makes: any RAM identity of its own account may assume it."""
    return (
        '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",'
        f'"Principal":{{"RAM":["acs:ram::{account_id}:root"]}}}}],"Version":"1"}}'
    )


@dataclass(frozen=True)
class StsSession:
    session_id: str
    account_id: str
    role_id: str
    role_name: str
    session_name: str
    access_key_id: str
    expires_ms: int
    policy: str | None = None  # the inline session policy AssumeRole was given
