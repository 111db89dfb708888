"""The directory's control policies and their attachments, on the directory's connection (``uow.directory``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from openrd.domain.control_policies import Attachment, ControlPolicy, Guardrail


class ControlPolicyRepository(Protocol):
    def set_control_policy_status(self, directory_id: str, status: str, *, due_ms: int | None) -> None: ...

    def add_control_policy(self, policy: ControlPolicy) -> None: ...

    def get_control_policy(self, policy_id: str) -> ControlPolicy | None: ...

    def update_control_policy(self, policy: ControlPolicy) -> None: ...

    def delete_control_policy(self, policy_id: str) -> None: ...

    def count_control_policies(self, directory_id: str) -> int: ...

    def control_policy_page(self, directory_id: str, *, limit: int, offset: int) -> tuple[Sequence[ControlPolicy], int]:
        """The directory's custom policies, oldest first, and how many it has."""
        ...

    def attachment_counts(self, directory_id: str, policy_ids: Iterable[str]) -> dict[str, int]:
        """How many targets of the directory each policy is attached to (absent: none)."""
        ...

    def attach(self, attachment: Attachment) -> None: ...

    def attach_system_everywhere(self, directory_id: str, root_folder_id: str, master_id: str, *, now_ms: int) -> None:
        """The system policy on the root, every folder and every member but the management account."""
        ...

    def detach(self, policy_id: str, target_id: str) -> bool: ...

    def detach_target(self, target_id: str) -> None:
        """Every attachment of one target (a folder or member that leaves)."""
        ...

    def detach_directory(self, directory_id: str) -> None: ...

    def attachments_of(self, target_id: str) -> Sequence[tuple[Attachment, ControlPolicy | None]]:
        """The target's attachments, oldest first, each with its custom policy (None: the system policy)."""
        ...

    def target_page(
        self, policy_id: str, directory_id: str, *, limit: int, offset: int
    ) -> tuple[Sequence[tuple[Attachment, str]], int]:
        """The targets a policy is attached to, oldest first, each with its name, and how many there are."""
        ...

    def directory_attachments(self, directory_id: str) -> dict[str, tuple[str, ...]]:
        """Every target of the directory with the names of its policies, oldest attachment first (the console)."""
        ...

    def guardrail_of(self, account_id: str) -> Guardrail | None:
        """Where the account stands for control policies (None: in no directory, or they are disabled there)."""
        ...

    def guardrail_levels(self, target_ids: Sequence[str]) -> Sequence[tuple[str, str, str | None]]:
        """(target ID, policy ID, custom document or None) of every attachment of those targets: one statement."""
        ...
