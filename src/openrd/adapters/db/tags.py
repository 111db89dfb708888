"""The one tag store (``resource_tags``): every taggable resource's tags, and the listings of keys and values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from openrd.adapters.db import member_reads
from openrd.adapters.db import tables as t
from openrd.adapters.db.resource_directories import DirectoryConnection
from openrd.adapters.db.tag_pages import tag_page

_rt = t.resource_tags


def _of(resource_type: str, resource_id: str) -> Any:
    return and_(_rt.c.resource_type == resource_type, _rt.c.resource_id == resource_id)


class SqlTagRepository(DirectoryConnection):
    def tags_of(self, account_ids: Iterable[str]) -> dict[str, tuple[tuple[str, str], ...]]:
        return member_reads.tags_of(self.conn, account_ids)

    def resource_tags(self, resource_type: str, resource_id: str) -> dict[str, str]:
        rows = self.conn.execute(select(_rt.c.key, _rt.c.value).where(_of(resource_type, resource_id)))
        return {key: value for key, value in rows}

    def put_tags(self, resource_type: str, resource_id: str, owner_id: str, tags: Iterable[tuple[str, str]]) -> None:
        rows = [
            {"resource_type": resource_type, "resource_id": resource_id, "key": k, "value": v, "owner_id": owner_id}
            for k, v in dict(tags).items()
        ]
        if not rows:
            return
        insert = postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(_rt).values(rows)
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[_rt.c.resource_type, _rt.c.resource_id, _rt.c.key],
                set_={"value": stmt.excluded.value, "owner_id": stmt.excluded.owner_id},
            )
        )

    def remove_tags(self, resource_type: str, resource_id: str, keys: Sequence[str] | None) -> None:
        stmt = delete(_rt).where(_of(resource_type, resource_id))
        if keys is not None:
            stmt = stmt.where(_rt.c.key.in_(list(keys)))
        self.conn.execute(stmt)

    def tag_rows(
        self,
        owner_id: str,
        resource_type: str,
        *,
        resource_ids: Sequence[str],
        filters: Sequence[tuple[str, str]],
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[tuple[str, str, str]]:
        query = select(_rt.c.resource_id, _rt.c.key, _rt.c.value).where(
            _rt.c.owner_id == owner_id, _rt.c.resource_type == resource_type
        )
        return tag_page(self.conn, _rt, query, resource_ids=resource_ids, filters=filters, after=after, limit=limit)

    def tag_keys(
        self, owner_id: str, resource_type: str, *, contains: str | None, after: str | None, limit: int
    ) -> list[str]:
        query = select(_rt.c.key).distinct().where(_rt.c.owner_id == owner_id, _rt.c.resource_type == resource_type)
        if contains:
            query = query.where(_rt.c.key.contains(contains, autoescape=True))
        if after is not None:
            query = query.where(_rt.c.key > after)
        return [key for (key,) in self.conn.execute(query.order_by(_rt.c.key).limit(limit))]

    def tag_values(
        self, owner_id: str, resource_type: str, key: str, *, contains: str | None, after: str | None, limit: int
    ) -> list[str]:
        query = (
            select(_rt.c.value)
            .distinct()
            .where(_rt.c.owner_id == owner_id, _rt.c.resource_type == resource_type, _rt.c.key == key)
        )
        if contains:
            query = query.where(_rt.c.value.contains(contains, autoescape=True))
        if after is not None:
            query = query.where(_rt.c.value > after)
        return [value for (value,) in self.conn.execute(query.order_by(_rt.c.value).limit(limit))]
