"""The RAM API's repository: users, AccessKeys, groups and their members, roles (services/ports/ram.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from openrd.adapters.db import tables as t
from openrd.adapters.db.repositories import role_from_row, user_from_row
from openrd.domain.identity import AccessKey, AccessKeyStatus, RamRole, RamUser
from openrd.domain.ram import GroupMembership, RamGroup

_u, _k, _g, _m, _r = t.ram_users, t.access_keys, t.ram_groups, t.ram_group_members, t.ram_roles


def _group(row: Any) -> RamGroup:
    return RamGroup(row.group_id, row.account_id, row.name, row.comments or "", row.created_ms, row.updated_ms)


def _membership(row: Any) -> GroupMembership:
    return GroupMembership(_group(row), row.user_name, row.user_display_name or "", row.joined_ms)


_MEMBERSHIPS = select(
    *_g.c, _u.c.name.label("user_name"), _u.c.display_name.label("user_display_name"), _m.c.joined_ms
).select_from(_m.join(_g, _g.c.group_id == _m.c.group_id).join(_u, _u.c.user_id == _m.c.user_id))


class SqlRamRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _count(self, table: Any, *where: Any) -> int:
        return int(self.conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

    # ---------------------------------------------------------------- users
    def count_users(self, account_id: str) -> int:
        return self._count(_u, _u.c.account_id == account_id)

    def update_user(self, user: RamUser) -> None:
        values = {k: v for k, v in user.__dict__.items() if k not in ("user_id", "account_id")}
        self.conn.execute(update(_u).where(_u.c.user_id == user.user_id).values(**values))

    def delete_user(self, user_id: str) -> None:
        self.conn.execute(delete(_u).where(_u.c.user_id == user_id))

    def list_users(self, account_id: str, *, offset: int, limit: int) -> Sequence[RamUser]:
        query = select(_u).where(_u.c.account_id == account_id).order_by(_u.c.name).offset(offset).limit(limit)
        return [user_from_row(row) for row in self.conn.execute(query)]

    # ---------------------------------------------------------------- AccessKeys
    def access_keys_of(self, account_id: str, user_id: str) -> Sequence[AccessKey]:
        query = (
            select(_k.c.access_key_id, _k.c.status, _k.c.created_ms)
            .where(_k.c.account_id == account_id, _k.c.user_id == user_id, _k.c.session_id.is_(None))
            .order_by(_k.c.created_ms, _k.c.access_key_id)
        )
        return [
            AccessKey(
                row.access_key_id, "", account_id, AccessKeyStatus(row.status), user_id, created_ms=row.created_ms or 0
            )
            for row in self.conn.execute(query)
        ]

    def delete_access_key(self, access_key_id: str) -> None:
        self.conn.execute(delete(_k).where(_k.c.access_key_id == access_key_id))

    # ---------------------------------------------------------------- groups
    def add_group(self, group: RamGroup) -> None:
        self.conn.execute(insert(_g).values(**group.__dict__))

    def find_group(self, account_id: str, name: str) -> RamGroup | None:
        row = self.conn.execute(select(_g).where(_g.c.account_id == account_id, _g.c.name == name)).first()
        return _group(row) if row else None

    def count_groups(self, account_id: str) -> int:
        return self._count(_g, _g.c.account_id == account_id)

    def update_group(self, group: RamGroup) -> None:
        values = {k: v for k, v in group.__dict__.items() if k not in ("group_id", "account_id")}
        self.conn.execute(update(_g).where(_g.c.group_id == group.group_id).values(**values))

    def delete_group(self, group_id: str) -> None:
        self.conn.execute(delete(_m).where(_m.c.group_id == group_id))
        self.conn.execute(delete(_g).where(_g.c.group_id == group_id))

    def list_groups(self, account_id: str, *, offset: int, limit: int) -> Sequence[RamGroup]:
        query = select(_g).where(_g.c.account_id == account_id).order_by(_g.c.name).offset(offset).limit(limit)
        return [_group(row) for row in self.conn.execute(query)]

    def add_member(self, group_id: str, user_id: str, *, joined_ms: int) -> bool:
        if self.conn.execute(select(_m.c.group_id).where(_m.c.group_id == group_id, _m.c.user_id == user_id)).first():
            return False
        self.conn.execute(insert(_m).values(group_id=group_id, user_id=user_id, joined_ms=joined_ms))
        return True

    def remove_member(self, group_id: str, user_id: str) -> bool:
        result = self.conn.execute(delete(_m).where(_m.c.group_id == group_id, _m.c.user_id == user_id))
        return result.rowcount > 0

    def groups_of(self, user_id: str) -> Sequence[GroupMembership]:
        query = _MEMBERSHIPS.where(_m.c.user_id == user_id).order_by(_m.c.joined_ms, _g.c.name)
        return [_membership(row) for row in self.conn.execute(query)]

    def count_groups_of(self, user_id: str) -> int:
        return self._count(_m, _m.c.user_id == user_id)

    def members_of(self, group_id: str, *, offset: int, limit: int) -> Sequence[GroupMembership]:
        query = _MEMBERSHIPS.where(_m.c.group_id == group_id).order_by(_u.c.name).offset(offset).limit(limit)
        return [_membership(row) for row in self.conn.execute(query)]

    def has_members(self, group_id: str) -> bool:
        return self.conn.execute(select(_m.c.user_id).where(_m.c.group_id == group_id).limit(1)).first() is not None

    # ---------------------------------------------------------------- roles
    def count_roles(self, account_id: str) -> int:
        return self._count(_r, _r.c.account_id == account_id)

    def update_role(self, role: RamRole) -> None:
        values = {k: v for k, v in role.__dict__.items() if k not in ("role_id", "account_id")}
        self.conn.execute(
            update(_r).where(_r.c.role_id == role.role_id).values(**values, name_folded=role.name.lower())
        )

    def delete_role(self, role_id: str) -> None:
        """The role and its STS sessions with their AccessKeys: a deleted role's sessions stop at the next call."""
        s = t.sts_sessions
        sessions = select(s.c.session_id).where(s.c.role_id == role_id)
        self.conn.execute(delete(_k).where(_k.c.session_id.in_(sessions)))
        self.conn.execute(delete(s).where(s.c.role_id == role_id))
        self.conn.execute(delete(_r).where(_r.c.role_id == role_id))

    def list_roles(self, account_id: str, *, offset: int, limit: int) -> Sequence[RamRole]:
        query = select(_r).where(_r.c.account_id == account_id).order_by(_r.c.name_folded).offset(offset).limit(limit)
        return [role_from_row(row) for row in self.conn.execute(query)]
