"""Control policies and their attachments (tables/control_policies.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from sqlalchemy import and_, bindparam, delete, func, insert, literal, select, update

from openrd.adapters.db import tables as t
from openrd.adapters.db.prepared import Prepared
from openrd.adapters.db.repositories import guardrail_from_row
from openrd.adapters.db.resource_directories import DirectoryConnection
from openrd.domain.control_policies import (
    SYSTEM_POLICY,
    SYSTEM_POLICY_ID,
    Attachment,
    ControlPolicy,
    Guardrail,
    TargetType,
)

_p, _a = t.control_policies, t.control_policy_attachments
# A member, the root and at most five folders between them (docs/guardrails.md).
MAX_LEVELS: Final = 7
# A member's RAM identity's signed call, when its directory enforces control policies: every level's policies in one
# indexed statement (the primary key leads with target_id), padded to a fixed number of targets so it is compiled once.
_LEVELS = Prepared(
    select(_a.c.target_id, _a.c.policy_id, _p.c.document)
    .select_from(_a.outerjoin(_p, _p.c.policy_id == _a.c.policy_id))
    .where(_a.c.target_id.in_([bindparam(f"t{i}") for i in range(MAX_LEVELS)]))
    .order_by(_a.c.target_id, _a.c.policy_id)  # the primary key's order: no sort, and the same rows the same key
)
_POLICY = Prepared(select(_p).where(_p.c.policy_id == bindparam("id")))
_m, _d, _f = t.members, t.resource_directories, t.folders
_GUARDRAIL = Prepared(
    select(
        _d.c.control_policy_status.label("g_status"), _d.c.control_policy_due_ms.label("g_due_ms"),
        _d.c.master_account_id.label("g_master"), _f.c.path.label("g_path"),
    )
    .select_from(_m.join(_d, _d.c.directory_id == _m.c.directory_id).join(_f, _f.c.folder_id == _m.c.folder_id))
    .where(_m.c.account_id == bindparam("id"))
)  # fmt: skip


def _policy(row: Any) -> ControlPolicy:
    return ControlPolicy(
        row.policy_id, row.directory_id, row.name, row.description, row.document, row.created_ms, row.updated_ms
    )


def _attachment(row: Any) -> Attachment:
    return Attachment(row.policy_id, row.target_id, TargetType(row.target_type), row.directory_id, row.attached_ms)


class SqlControlPolicyRepository(DirectoryConnection):
    def set_control_policy_status(self, directory_id: str, status: str, *, due_ms: int | None) -> None:
        self._forget_managed()
        d = t.resource_directories
        self.conn.execute(
            update(d)
            .where(d.c.directory_id == directory_id)
            .values(control_policy_status=status, control_policy_due_ms=due_ms)
        )

    def add_control_policy(self, policy: ControlPolicy) -> None:
        self.conn.execute(insert(_p).values(**policy.__dict__))

    def get_control_policy(self, policy_id: str) -> ControlPolicy | None:
        row = _POLICY.first(self.conn, {"id": policy_id})
        return _policy(row) if row else None

    def update_control_policy(self, policy: ControlPolicy) -> None:
        values = {k: v for k, v in policy.__dict__.items() if k not in ("policy_id", "directory_id", "created_ms")}
        self.conn.execute(update(_p).where(_p.c.policy_id == policy.policy_id).values(**values))

    def delete_control_policy(self, policy_id: str) -> None:
        self.conn.execute(delete(_p).where(_p.c.policy_id == policy_id))

    def count_control_policies(self, directory_id: str) -> int:
        query = select(func.count()).select_from(_p).where(_p.c.directory_id == directory_id)
        return int(self.conn.execute(query).scalar_one())

    def control_policy_page(self, directory_id: str, *, limit: int, offset: int) -> tuple[Sequence[ControlPolicy], int]:
        query = (
            select(_p)
            .where(_p.c.directory_id == directory_id)
            .order_by(_p.c.created_ms, _p.c.policy_id)
            .limit(limit)
            .offset(offset)
        )
        return [_policy(r) for r in self.conn.execute(query)], self.count_control_policies(directory_id)

    def attachment_counts(self, directory_id: str, policy_ids: Iterable[str]) -> dict[str, int]:
        ids = list(policy_ids)
        if not ids:
            return {}
        query = (
            select(_a.c.policy_id, func.count())
            .where(and_(_a.c.directory_id == directory_id, _a.c.policy_id.in_(ids)))
            .group_by(_a.c.policy_id)
        )
        return {policy_id: int(count) for policy_id, count in self.conn.execute(query)}

    def attach(self, attachment: Attachment) -> None:
        values = attachment.__dict__ | {"target_type": attachment.target_type.value}
        self.conn.execute(insert(_a).values(**values))

    def attach_system_everywhere(self, directory_id: str, root_folder_id: str, master_id: str, *, now_ms: int) -> None:
        root = Attachment(SYSTEM_POLICY_ID, root_folder_id, TargetType.ROOT, directory_id, now_ms)
        self.attach(root)
        columns = ("target_id", "policy_id", "target_type", "directory_id", "attached_ms")
        f, m = t.folders, t.members
        for source, target_type, where in (
            (f.c.folder_id, TargetType.FOLDER, and_(f.c.directory_id == directory_id, f.c.parent_id.is_not(None))),
            (m.c.account_id, TargetType.ACCOUNT, and_(m.c.directory_id == directory_id, m.c.account_id != master_id)),
        ):
            rows = select(
                source,
                literal(SYSTEM_POLICY_ID),
                literal(target_type.value),
                literal(directory_id),
                literal(now_ms),
            ).where(where)
            self.conn.execute(insert(_a).from_select(columns, rows))

    def detach(self, policy_id: str, target_id: str) -> bool:
        result = self.conn.execute(delete(_a).where(and_(_a.c.policy_id == policy_id, _a.c.target_id == target_id)))
        return bool(result.rowcount)

    def detach_target(self, target_id: str) -> None:
        self.conn.execute(delete(_a).where(_a.c.target_id == target_id))

    def detach_directory(self, directory_id: str) -> None:
        self.conn.execute(delete(_a).where(_a.c.directory_id == directory_id))

    def attachments_of(self, target_id: str) -> Sequence[tuple[Attachment, ControlPolicy | None]]:
        query = (
            select(*_a.c, *[c.label(f"p_{c.name}") for c in _p.c])
            .select_from(_a.outerjoin(_p, _p.c.policy_id == _a.c.policy_id))
            .where(_a.c.target_id == target_id)
            .order_by(_a.c.attached_ms, _a.c.policy_id)
        )
        found: list[tuple[Attachment, ControlPolicy | None]] = []
        for row in self.conn.execute(query):
            policy = None
            if row.p_policy_id is not None:
                policy = ControlPolicy(
                    row.p_policy_id, row.p_directory_id, row.p_name, row.p_description, row.p_document,
                    row.p_created_ms, row.p_updated_ms,
                )  # fmt: skip
            found.append((_attachment(row), policy))
        return found

    def target_page(
        self, policy_id: str, directory_id: str, *, limit: int, offset: int
    ) -> tuple[Sequence[tuple[Attachment, str]], int]:
        f, acc = t.folders, t.accounts
        where = and_(_a.c.policy_id == policy_id, _a.c.directory_id == directory_id)
        query = (
            select(*_a.c, func.coalesce(f.c.name, acc.c.display_name, "").label("target_name"))
            .select_from(
                _a.outerjoin(f, f.c.folder_id == _a.c.target_id).outerjoin(acc, acc.c.account_id == _a.c.target_id)
            )
            .where(where)
            .order_by(_a.c.attached_ms, _a.c.target_id)
            .limit(limit)
            .offset(offset)
        )
        rows = [(_attachment(r), str(r.target_name)) for r in self.conn.execute(query)]
        total = self.conn.execute(select(func.count()).select_from(_a).where(where)).scalar_one()
        return rows, int(total)

    def directory_attachments(self, directory_id: str) -> dict[str, tuple[str, ...]]:
        query = (
            select(_a.c.target_id, _a.c.policy_id, _p.c.name)
            .select_from(_a.outerjoin(_p, _p.c.policy_id == _a.c.policy_id))
            .where(_a.c.directory_id == directory_id)
            .order_by(_a.c.attached_ms, _a.c.policy_id)
        )
        found: dict[str, list[str]] = {}
        for target_id, policy_id, name in self.conn.execute(query):
            found.setdefault(target_id, []).append(SYSTEM_POLICY.name if policy_id == SYSTEM_POLICY_ID else str(name))
        return {target: tuple(names) for target, names in found.items()}

    def guardrail_of(self, account_id: str) -> Guardrail | None:
        row = _GUARDRAIL.first(self.conn, {"id": account_id})
        return guardrail_from_row(row) if row is not None else None

    def guardrail_levels(self, target_ids: Sequence[str]) -> Sequence[tuple[str, str, str | None]]:
        padded = list(target_ids[:MAX_LEVELS]) + [""] * (MAX_LEVELS - len(target_ids))
        rows = _LEVELS.all(self.conn, {f"t{i}": target for i, target in enumerate(padded)})
        return [(row[0], row[1], row[2]) for row in rows]  # plain tuples: hashable, the memoised verdict's key
