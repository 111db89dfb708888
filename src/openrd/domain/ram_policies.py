"""RAM policies as records: names, versions and the limits on them (docs/policies.md).

A policy is ``System`` (the catalogue's, the same in every account) or ``Custom`` (an account's own, with up to five
versions ``v1``, ``v2``, … of which one is the default). Version numbers only grow: a deleted version's number is
never issued again.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "MAX_ATTACHED",
    "MAX_CUSTOM_POLICIES",
    "MAX_DESCRIPTION",
    "MAX_POLICY_NAME",
    "MAX_VERSIONS",
    "POLICY_NAME",
    "AttachedPolicy",
    "PolicyRecord",
    "PolicyType",
    "PolicyVersion",
    "RotateStrategy",
    "inline_policy_name",
    "parse_version_id",
    "version_id",
]

MAX_POLICY_NAME: Final = 128
POLICY_NAME: Final = re.compile(r"[A-Za-z0-9-]+", re.ASCII)
MAX_DESCRIPTION: Final = 1024
MAX_VERSIONS: Final = 5
MAX_CUSTOM_POLICIES: Final = 1500  # per account
_VERSION_ID: Final = re.compile(r"v([1-9][0-9]{0,8})", re.ASCII)


class PolicyType(enum.StrEnum):
    SYSTEM = "System"
    CUSTOM = "Custom"


# How many policies of each type one user, group or role may have attached.
MAX_ATTACHED: Final = {PolicyType.SYSTEM: 20, PolicyType.CUSTOM: 10}


class RotateStrategy(enum.StrEnum):
    NONE = "None"
    DELETE_OLDEST = "DeleteOldestNonDefaultVersionWhenLimitExceeded"


def version_id(number: int) -> str:
    return f"v{number}"


def parse_version_id(raw: str) -> int:
    """``v<N>`` → N; anything else raises ValueError."""
    match = _VERSION_ID.fullmatch(raw)
    if match is None:
        raise ValueError(raw)
    return int(match[1])


@dataclass(frozen=True)
class PolicyRecord:
    """A policy as the RAM API shows it; ``attachment_count`` counts its attachments in the asking account."""

    name: str
    policy_type: PolicyType
    description: str
    default_version: int
    created_ms: int
    updated_ms: int
    attachment_count: int = 0

    @property
    def default_version_id(self) -> str:
        return version_id(self.default_version)


@dataclass(frozen=True)
class PolicyVersion:
    number: int
    document: str
    created_ms: int
    is_default: bool

    @property
    def version_id(self) -> str:
        return version_id(self.number)


@dataclass(frozen=True)
class AttachedPolicy:
    """One policy attached to a user, group or role, as ListPoliciesFor* show it."""

    policy: PolicyRecord
    attached_ms: int


_NOT_IN_A_POLICY_NAME: Final = re.compile(r"[^A-Za-z0-9-]", re.ASCII)


def inline_policy_name(principal_name: str, number: int) -> str:
    """The custom policy a document given to the control API becomes: ``inline-<user or role name>-<n>``, with the
    characters a policy name cannot hold (``.``, ``_``) as ``-``."""
    return f"inline-{_NOT_IN_A_POLICY_NAME.sub('-', principal_name)}-{number}"
