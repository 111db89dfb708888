"""RAM custom policies, their versions, and the attachments of system and custom policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from openrd.domain.ram_policies import AttachedPolicy, PolicyRecord, PolicyType, PolicyVersion


class PolicyRepository(Protocol):
    def lock(self, account_id: str) -> None:
        """Serialise the changes of the account's policies and attachments until the unit of work ends."""
        ...

    def add(self, account_id: str, *, name: str, description: str, document: str, now_ms: int) -> None:
        """A custom policy with its first version ``v1`` as the default."""
        ...

    def get(self, account_id: str, name: str) -> PolicyRecord | None:
        """A custom policy of the account, with the count of its attachments."""
        ...

    def count(self, account_id: str) -> int: ...

    def page(
        self, account_id: str, *, offset: int, limit: int, names: set[str] | None = None
    ) -> Sequence[PolicyRecord]:
        """The account's custom policies in name order (only those ``names`` when given), with their attachment
        counts."""
        ...

    def attachment_counts(self, account_id: str, policy_type: PolicyType) -> Mapping[str, int]:
        """How often each policy of that type is attached in the account (absent: never)."""
        ...

    def set_description(self, account_id: str, name: str, description: str, *, now_ms: int) -> None: ...

    def delete(self, account_id: str, name: str) -> None:
        """The policy and every version of it."""
        ...

    def versions(self, account_id: str, name: str) -> Sequence[PolicyVersion]:
        """Oldest first."""
        ...

    def add_version(self, account_id: str, name: str, document: str, *, now_ms: int, default: bool) -> PolicyVersion:
        """The policy's next version number, never one issued before."""
        ...

    def delete_version(self, account_id: str, name: str, number: int) -> None: ...

    def set_default(self, account_id: str, name: str, number: int, *, now_ms: int) -> None: ...

    def attach(
        self, account_id: str, principal_type: str, principal_id: str, policy: PolicyRecord, *, now_ms: int
    ) -> None: ...

    def detach(self, principal_type: str, principal_id: str, policy_type: PolicyType, name: str) -> bool:
        """False when that policy was not attached."""
        ...

    def attached_to(self, principal_type: str, principal_id: str) -> Sequence[AttachedPolicy]:
        """The policies attached to one user, group or role, in the order they were attached."""
        ...

    def has_attachments(self, principal_type: str, principal_id: str) -> bool:
        """Whether any policy is attached to the user, group or role (deleting it is then a conflict)."""
        ...

    def entities_for(self, account_id: str, policy_type: PolicyType, name: str) -> Sequence[tuple[str, str, int]]:
        """``(principal_type, principal_id, attached_ms)`` of every attachment of one policy in the account."""
        ...
