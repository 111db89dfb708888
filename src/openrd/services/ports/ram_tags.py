"""RAM's own tags on roles (by role id) and policies (by name)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class RamTagRepository(Protocol):
    def tags_of(self, account_id: str, resource_type: str, resource_ids: Sequence[str]) -> Mapping[str, dict[str, str]]:
        """Each resource's tags (absent: it has none)."""
        ...

    def put(self, account_id: str, resource_type: str, resource_id: str, tags: Sequence[tuple[str, str]]) -> None:
        """Add the tags; a key the resource has takes the new value."""
        ...

    def remove(self, account_id: str, resource_type: str, resource_id: str, keys: Sequence[str] | None) -> None:
        """Those keys, or every tag when ``keys`` is None."""
        ...

    def rows(
        self,
        account_id: str,
        resource_type: str,
        *,
        resource_ids: Sequence[str],
        filters: Sequence[tuple[str, str]],
        after: tuple[str, str] | None,
        limit: int,
    ) -> Sequence[tuple[str, str, str]]:
        """``(resource id, key, value)`` by resource id then key, after ``after``; only the given resources when
        ``resource_ids`` is not empty, only tags matching one filter (an empty value: any value) when given."""
        ...

    def tagged_with_all(self, account_id: str, resource_type: str, tags: Sequence[tuple[str, str]]) -> set[str]:
        """The resources carrying every one of the tags (an empty value: the key with any value)."""
        ...
