"""Resource groups of an account (docs/resource-groups.md): ``uow.resource_groups``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from openrd.domain.resource_groups import GroupStatus, ResourceGroup
from openrd.services.ports.store import KeyLock


@dataclass(frozen=True)
class GroupFilter:
    """ListResourceGroups' filters; every one given must hold. ``ids`` wins over ``resource_group_id``."""

    name: str | None = None  # part of the name
    display_name: str | None = None  # part of the display name
    resource_group_id: str | None = None
    ids: Sequence[str] = ()
    status: GroupStatus | None = None
    tags: Sequence[tuple[str, str]] = ()  # carried, each: a value of "" asks for the key alone


class ResourceGroupRepository(KeyLock, Protocol):
    def add_group(self, group: ResourceGroup) -> None: ...

    def get_group(self, resource_group_id: str) -> ResourceGroup | None:
        """The group, whatever its status (gone ones too: the caller settles the status)."""
        ...

    def update_group(self, group: ResourceGroup) -> None:
        """Its name, display name and due times."""
        ...

    def name_taken(self, account_id: str, name: str) -> bool: ...

    def count_groups(self, account_id: str, *, now_ms: int) -> int:
        """The account's groups that are not gone at ``now_ms`` (pending deletion ones count)."""
        ...

    def group_page(
        self, account_id: str, *, now_ms: int, where: GroupFilter, limit: int, offset: int
    ) -> tuple[Sequence[ResourceGroup], int]:
        """The account's groups that are not gone at ``now_ms`` and match, oldest first, and how many match."""
        ...
