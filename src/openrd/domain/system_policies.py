"""The system policy catalogue, as data: every built-in RAM policy with its type, description, document and its one
version ``v1`` (docs/policies.md#system-policies).

System policies are read-only and the same in every account; they are listed beside an account's custom policies
and attached like them, by name (exact spelling).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from openrd.domain.policy import Policy, parse_policy_document

__all__ = ["CATALOGUE", "SYSTEM_CREATED_MS", "SYSTEM_POLICIES", "SystemPolicy", "system_policy"]

# When the catalogue's policies were "created": one fixed moment, so their answers never change between runs.
SYSTEM_CREATED_MS: Final = 1_430_179_200_000  # 2015-04-28T00:00:00Z


@dataclass(frozen=True)
class SystemPolicy:
    name: str
    description: str
    document: str
    version_id: str = "v1"
    policy: Policy = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "policy", parse_policy_document(self.document, name=self.name))


def _allow(name: str, description: str, *actions: str) -> SystemPolicy:
    statement = {"Effect": "Allow", "Action": list(actions) if len(actions) > 1 else actions[0], "Resource": "*"}
    return SystemPolicy(name, description, json.dumps({"Version": "1", "Statement": [statement]}, indent=4))


_ENTRIES: Final = (
    _allow("AdministratorAccess", "Provides full access to Alibaba Cloud services and resources.", "*"),
    _allow(
        "ReadOnlyAccess",
        "Provides read-only access to Alibaba Cloud services and resources.",
        "*:Describe*",
        "*:List*",
        "*:Get*",
        "*:BatchGet*",
        "*:Query*",
        "*:BatchQuery*",
    ),
    _allow("AliyunRAMFullAccess", "Provides full access to Resource Access Management (RAM).", "ram:*"),
    _allow(
        "AliyunRAMReadOnlyAccess",
        "Provides read-only access to Resource Access Management (RAM).",
        "ram:Get*",
        "ram:List*",
    ),
    _allow(
        "AliyunSTSAssumeRoleAccess",
        "Provides access to call Security Token Service (STS) AssumeRole API.",
        "sts:AssumeRole",
    ),
    _allow(
        "AliyunResourceDirectoryFullAccess",
        "Provides full access to Resource Directory.",
        "resourcemanager:*",
    ),
    _allow(
        "AliyunResourceDirectoryReadOnlyAccess",
        "Provides read-only access to Resource Directory.",
        "resourcemanager:Get*",
        "resourcemanager:List*",
    ),
)

# By name, in name order (the order ListPolicies shows them in).
CATALOGUE: Final[Mapping[str, SystemPolicy]] = MappingProxyType(
    {p.name: p for p in sorted(_ENTRIES, key=lambda p: p.name)}
)
SYSTEM_POLICIES: Final[Mapping[str, Policy]] = MappingProxyType({n: p.policy for n, p in CATALOGUE.items()})


def system_policy(name: str) -> Policy | None:
    """The built-in system policy called ``name`` (exact spelling), parsed, or ``None``."""
    return SYSTEM_POLICIES.get(name)
