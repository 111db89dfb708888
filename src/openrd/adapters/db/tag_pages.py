"""What the two tag tables (``resource_tags`` and RAM's ``ram_tags``) are read by alike: a tag filter and a page of
``(resource id, key, value)`` rows. Both have ``resource_id``, ``key`` and ``value`` columns; each repository
scopes the query to its owner first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, and_, or_


def matching(table: Table, filters: Sequence[tuple[str, str]]) -> Any:
    """A row carrying one of the tags (an empty value: the key with any value)."""
    return or_(*[and_(table.c.key == k, table.c.value == v) if v else table.c.key == k for k, v in filters])


def tag_page(
    conn: Connection,
    table: Table,
    query: Select[Any],
    *,
    resource_ids: Sequence[str],
    filters: Sequence[tuple[str, str]],
    after: tuple[str, str] | None,
    limit: int,
) -> list[tuple[str, str, str]]:
    """The rows of ``query`` (resource id, key, value, already scoped) by resource id then key, after the
    ``(resource id, key)`` pair ``after``; only those resources when ``resource_ids`` is not empty, only rows one
    filter matches when ``filters`` is not."""
    if resource_ids:
        query = query.where(table.c.resource_id.in_(list(resource_ids)))
    if filters:
        query = query.where(matching(table, filters))
    if after is not None:
        rid, key = after
        query = query.where(or_(table.c.resource_id > rid, and_(table.c.resource_id == rid, table.c.key > key)))
    query = query.order_by(table.c.resource_id, table.c.key).limit(limit)
    return [(r, k, v) for r, k, v in conn.execute(query)]
