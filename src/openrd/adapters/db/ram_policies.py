"""RAM custom policies, their versions and policy attachments over SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, insert, select, update

from openrd.adapters.db import tables as t
from openrd.adapters.db.codes import lock_key
from openrd.domain.ram_policies import AttachedPolicy, PolicyRecord, PolicyType, PolicyVersion
from openrd.domain.system_policies import CATALOGUE, SYSTEM_CREATED_MS

_p, _v, _a = t.ram_policies, t.ram_policy_versions, t.policy_attachments

# How often a custom policy is attached in its account: one correlated count per listed policy.
_ATTACHED = (
    select(func.count())
    .where(
        and_(
            _a.c.account_id == _p.c.account_id,
            _a.c.policy_type == PolicyType.CUSTOM.value,
            _a.c.policy_name == _p.c.name,
        )
    )
    .scalar_subquery()
    .label("attachment_count")
)
_POLICY_COLUMNS = (
    _p.c.name,
    _p.c.description,
    _p.c.default_version,
    _p.c.created_ms,
    _p.c.updated_ms,
    _ATTACHED,
)


def _record(row: Any) -> PolicyRecord:
    return PolicyRecord(
        name=row.name,
        policy_type=PolicyType.CUSTOM,
        description=row.description,
        default_version=row.default_version,
        created_ms=row.created_ms,
        updated_ms=row.updated_ms,
        attachment_count=int(row.attachment_count),
    )


def _one(account_id: str, name: str) -> Any:
    return and_(_p.c.account_id == account_id, _p.c.name == name)


def _versions_of(account_id: str, name: str) -> Any:
    return and_(_v.c.account_id == account_id, _v.c.policy_name == name)


class SqlPolicyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock(self, account_id: str) -> None:
        lock_key(self.conn, f"ram-policies:{account_id}")

    def add(self, account_id: str, *, name: str, description: str, document: str, now_ms: int) -> None:
        self.conn.execute(
            insert(_p).values(
                account_id=account_id,
                name=name,
                description=description,
                default_version=1,
                next_version=2,
                created_ms=now_ms,
                updated_ms=now_ms,
            )
        )
        self.conn.execute(
            insert(_v).values(account_id=account_id, policy_name=name, version=1, document=document, created_ms=now_ms)
        )

    def get(self, account_id: str, name: str) -> PolicyRecord | None:
        row = self.conn.execute(select(*_POLICY_COLUMNS).where(_one(account_id, name))).first()
        return _record(row) if row else None

    def count(self, account_id: str) -> int:
        return int(self.conn.execute(select(func.count()).where(_p.c.account_id == account_id)).scalar_one())

    def page(
        self, account_id: str, *, offset: int, limit: int, names: set[str] | None = None
    ) -> Sequence[PolicyRecord]:
        query = select(*_POLICY_COLUMNS).where(_p.c.account_id == account_id)
        if names is not None:
            query = query.where(_p.c.name.in_(sorted(names)))
        query = query.order_by(_p.c.name).offset(offset).limit(limit)
        return [_record(row) for row in self.conn.execute(query)]

    def attachment_counts(self, account_id: str, policy_type: PolicyType) -> Mapping[str, int]:
        query = (
            select(_a.c.policy_name, func.count())
            .where(and_(_a.c.account_id == account_id, _a.c.policy_type == policy_type.value))
            .group_by(_a.c.policy_name)
        )
        return {name: int(count) for name, count in self.conn.execute(query)}

    def set_description(self, account_id: str, name: str, description: str, *, now_ms: int) -> None:
        self.conn.execute(update(_p).where(_one(account_id, name)).values(description=description, updated_ms=now_ms))

    def delete(self, account_id: str, name: str) -> None:
        self.conn.execute(delete(_v).where(_versions_of(account_id, name)))
        self.conn.execute(delete(_p).where(_one(account_id, name)))

    def versions(self, account_id: str, name: str) -> Sequence[PolicyVersion]:
        query = (
            select(_v.c.version, _v.c.document, _v.c.created_ms, (_v.c.version == _p.c.default_version).label("d"))
            .join(_p, and_(_p.c.account_id == _v.c.account_id, _p.c.name == _v.c.policy_name))
            .where(_versions_of(account_id, name))
            .order_by(_v.c.version)
        )
        return [PolicyVersion(r.version, r.document, r.created_ms, bool(r.d)) for r in self.conn.execute(query)]

    def add_version(self, account_id: str, name: str, document: str, *, now_ms: int, default: bool) -> PolicyVersion:
        number = int(self.conn.execute(select(_p.c.next_version).where(_one(account_id, name))).scalar_one())
        self.conn.execute(
            insert(_v).values(
                account_id=account_id, policy_name=name, version=number, document=document, created_ms=now_ms
            )
        )
        changes: dict[str, int] = {"next_version": number + 1, "updated_ms": now_ms}
        if default:
            changes["default_version"] = number
        self.conn.execute(update(_p).where(_one(account_id, name)).values(**changes))
        return PolicyVersion(number, document, now_ms, default)

    def delete_version(self, account_id: str, name: str, number: int) -> None:
        self.conn.execute(delete(_v).where(and_(_versions_of(account_id, name), _v.c.version == number)))

    def set_default(self, account_id: str, name: str, number: int, *, now_ms: int) -> None:
        self.conn.execute(update(_p).where(_one(account_id, name)).values(default_version=number, updated_ms=now_ms))

    def attach(
        self, account_id: str, principal_type: str, principal_id: str, policy: PolicyRecord, *, now_ms: int
    ) -> None:
        self.conn.execute(
            insert(_a).values(
                principal_type=principal_type,
                principal_id=principal_id,
                account_id=account_id,
                policy_type=policy.policy_type.value,
                policy_name=policy.name,
                attached_ms=now_ms,
            )
        )

    def detach(self, principal_type: str, principal_id: str, policy_type: PolicyType, name: str) -> bool:
        result = self.conn.execute(
            delete(_a).where(
                and_(
                    _a.c.principal_type == principal_type,
                    _a.c.principal_id == principal_id,
                    _a.c.policy_type == policy_type.value,
                    _a.c.policy_name == name,
                )
            )
        )
        return result.rowcount > 0

    def attached_to(self, principal_type: str, principal_id: str) -> Sequence[AttachedPolicy]:
        query = (
            select(_a.c.policy_type, _a.c.policy_name, _a.c.attached_ms, _p.c.description, _p.c.default_version,
                   _p.c.created_ms, _p.c.updated_ms)
            .select_from(
                _a.outerjoin(
                    _p,
                    and_(_a.c.policy_type == PolicyType.CUSTOM.value, _p.c.account_id == _a.c.account_id,
                         _p.c.name == _a.c.policy_name),
                )
            )
            .where(and_(_a.c.principal_type == principal_type, _a.c.principal_id == principal_id))
            .order_by(_a.c.id)
        )  # fmt: skip
        attached = []
        for row in self.conn.execute(query):
            if row.policy_type == PolicyType.SYSTEM.value:
                entry = CATALOGUE.get(row.policy_name)
                if entry is None:  # a system policy the catalogue no longer has grants nothing
                    continue
                policy = PolicyRecord(entry.name, PolicyType.SYSTEM, entry.description, 1, SYSTEM_CREATED_MS,
                                      SYSTEM_CREATED_MS)  # fmt: skip
            else:
                policy = PolicyRecord(row.policy_name, PolicyType.CUSTOM, row.description, row.default_version,
                                      row.created_ms, row.updated_ms)  # fmt: skip
            attached.append(AttachedPolicy(policy, row.attached_ms))
        return attached

    def has_attachments(self, principal_type: str, principal_id: str) -> bool:
        query = select(exists().where(and_(_a.c.principal_type == principal_type, _a.c.principal_id == principal_id)))
        return bool(self.conn.execute(query).scalar_one())

    def entities_for(self, account_id: str, policy_type: PolicyType, name: str) -> Sequence[tuple[str, str, int]]:
        query = (
            select(_a.c.principal_type, _a.c.principal_id, _a.c.attached_ms)
            .where(and_(_a.c.account_id == account_id, _a.c.policy_type == policy_type.value,
                        _a.c.policy_name == name))
            .order_by(_a.c.id)
        )  # fmt: skip
        return [(row.principal_type, row.principal_id, row.attached_ms) for row in self.conn.execute(query)]
