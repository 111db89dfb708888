"""RAM's own tags over SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select

from openrd.adapters.db import tables as t
from openrd.adapters.db.tag_pages import matching, tag_page

_t = t.ram_tags


def _of(account_id: str, resource_type: str) -> Any:
    return and_(_t.c.account_id == account_id, _t.c.resource_type == resource_type)


class SqlRamTagRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def tags_of(self, account_id: str, resource_type: str, resource_ids: Sequence[str]) -> Mapping[str, dict[str, str]]:
        if not resource_ids:
            return {}
        query = (
            select(_t.c.resource_id, _t.c.key, _t.c.value)
            .where(_of(account_id, resource_type), _t.c.resource_id.in_(list(resource_ids)))
            .order_by(_t.c.resource_id, _t.c.key)
        )
        found: dict[str, dict[str, str]] = {}
        for resource_id, key, value in self.conn.execute(query):
            found.setdefault(resource_id, {})[key] = value
        return found

    def put(self, account_id: str, resource_type: str, resource_id: str, tags: Sequence[tuple[str, str]]) -> None:
        if not tags:
            return
        self.remove(account_id, resource_type, resource_id, [key for key, _ in tags])
        rows = [
            {"account_id": account_id, "resource_type": resource_type, "resource_id": resource_id, "key": k, "value": v}
            for k, v in tags
        ]
        self.conn.execute(insert(_t), rows)

    def remove(self, account_id: str, resource_type: str, resource_id: str, keys: Sequence[str] | None) -> None:
        query = delete(_t).where(_of(account_id, resource_type), _t.c.resource_id == resource_id)
        if keys is not None:
            query = query.where(_t.c.key.in_(list(keys)))
        self.conn.execute(query)

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
        query = select(_t.c.resource_id, _t.c.key, _t.c.value).where(_of(account_id, resource_type))
        return tag_page(self.conn, _t, query, resource_ids=resource_ids, filters=filters, after=after, limit=limit)

    def tagged_with_all(self, account_id: str, resource_type: str, tags: Sequence[tuple[str, str]]) -> set[str]:
        wanted = dict(tags)
        query = (
            select(_t.c.resource_id)
            .where(_of(account_id, resource_type), matching(_t, list(wanted.items())))
            .group_by(_t.c.resource_id)
            .having(func.count() == len(wanted))
        )
        return {resource_id for (resource_id,) in self.conn.execute(query)}
