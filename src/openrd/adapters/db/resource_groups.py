"""Resource groups, ``uow.resource_groups``. Statuses are settled in SQL against the caller's ``now_ms`` (the
transitions' due times, docs/lifecycle.md), so paging and counts never see a group that is gone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, insert, or_, select, update

from openrd.adapters.db import tables as t
from openrd.adapters.db.codes import lock_key
from openrd.adapters.db.rows import record_from_row
from openrd.domain.resource_groups import GroupStatus, ResourceGroup
from openrd.domain.tags import RESOURCE_GROUP
from openrd.services.ports.resource_groups import GroupFilter

_G = t.resource_groups


def _group(row: Any) -> ResourceGroup:
    return record_from_row(ResourceGroup, row, is_default=bool(row.is_default))


def _not_gone(now_ms: int) -> ColumnElement[bool]:
    return or_(_G.c.delete_due_ms.is_(None), _G.c.delete_due_ms > now_ms)


def _status_is(status: GroupStatus, now_ms: int) -> ColumnElement[bool]:
    created = or_(_G.c.create_due_ms.is_(None), _G.c.create_due_ms <= now_ms)
    if status is GroupStatus.PENDING_DELETE:
        return and_(_G.c.delete_due_ms.is_not(None), _G.c.delete_due_ms > now_ms)
    live = _G.c.delete_due_ms.is_(None)
    return and_(live, created) if status is GroupStatus.OK else and_(live, ~created)


def _carries(key: str, value: str) -> ColumnElement[bool]:
    tag = t.resource_tags
    match = [tag.c.resource_type == RESOURCE_GROUP, tag.c.resource_id == _G.c.resource_group_id, tag.c.key == key]
    if value:
        match.append(tag.c.value == value)
    return exists().where(*match)


class SqlResourceGroupRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock(self, key: str) -> None:
        lock_key(self.conn, key)

    def add_group(self, group: ResourceGroup) -> None:
        self.conn.execute(insert(_G).values(**group.__dict__))

    def get_group(self, resource_group_id: str) -> ResourceGroup | None:
        row = self.conn.execute(select(_G).where(_G.c.resource_group_id == resource_group_id)).first()
        return _group(row) if row else None

    def update_group(self, group: ResourceGroup) -> None:
        values = {
            "name": group.name,
            "display_name": group.display_name,
            "create_due_ms": group.create_due_ms,
            "delete_due_ms": group.delete_due_ms,
        }
        self.conn.execute(update(_G).where(_G.c.resource_group_id == group.resource_group_id).values(**values))

    def name_taken(self, account_id: str, name: str) -> bool:
        query = select(_G.c.resource_group_id).where(_G.c.account_id == account_id, _G.c.name == name)
        return self.conn.execute(query).first() is not None

    def count_groups(self, account_id: str, *, now_ms: int) -> int:
        query = select(func.count()).select_from(_G).where(_G.c.account_id == account_id, _not_gone(now_ms))
        return int(self.conn.execute(query).scalar_one())

    def group_page(
        self, account_id: str, *, now_ms: int, where: GroupFilter, limit: int, offset: int
    ) -> tuple[Sequence[ResourceGroup], int]:
        conditions = [_G.c.account_id == account_id, _not_gone(now_ms)]
        if where.name:
            conditions.append(_G.c.name.contains(where.name, autoescape=True))
        if where.display_name:
            conditions.append(_G.c.display_name.contains(where.display_name, autoescape=True))
        if where.ids:
            conditions.append(_G.c.resource_group_id.in_(list(where.ids)))
        elif where.resource_group_id:
            conditions.append(_G.c.resource_group_id == where.resource_group_id)
        if where.status is not None:
            conditions.append(_status_is(where.status, now_ms))
        for key, value in where.tags:
            conditions.append(_carries(key, value))
        total = self.conn.execute(select(func.count()).select_from(_G).where(*conditions)).scalar_one()
        query = (
            select(_G).where(*conditions).order_by(_G.c.created_ms, _G.c.resource_group_id).limit(limit).offset(offset)
        )
        return [_group(row) for row in self.conn.execute(query)], int(total)
