"""Resource-account deletions: their records (account_deletions), what the pre-check counts of RAM, and removing an
account with everything that is its own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select

from openrd.adapters.db import tables as t
from openrd.adapters.db.resource_directories import DirectoryConnection
from openrd.domain.account_deletion import ACCESS_ROLE, AccountDeletion, RamIdentityCounts


def _ids(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def _deletion_from_row(row: Any) -> AccountDeletion:
    return AccountDeletion(
        account_id=row.account_id,
        directory_id=row.directory_id,
        check_started_ms=row.check_started_ms,
        check_due_ms=row.check_due_ms,
        not_allowed=_ids(row.not_allowed),
        abandonable=_ids(row.abandonable),
        deletion_started_ms=row.deletion_started_ms,
        deletion_due_ms=row.deletion_due_ms,
    )


class SqlAccountDeletionRepository(DirectoryConnection):
    def get_deletion(self, account_id: str) -> AccountDeletion | None:
        d = t.account_deletions
        row = self.conn.execute(select(d).where(d.c.account_id == account_id)).first()
        return _deletion_from_row(row) if row else None

    def deletions_in(self, directory_id: str, *, limit: int) -> Sequence[AccountDeletion]:
        d = t.account_deletions
        latest = func.coalesce(d.c.deletion_started_ms, d.c.check_started_ms)
        query = select(d).where(d.c.directory_id == directory_id).order_by(latest.desc(), d.c.account_id).limit(limit)
        return [_deletion_from_row(row) for row in self.conn.execute(query)]

    def put_deletion(self, deletion: AccountDeletion) -> None:
        d = t.account_deletions
        values = deletion.__dict__ | {
            "not_allowed": ",".join(deletion.not_allowed),
            "abandonable": ",".join(deletion.abandonable),
        }
        self.conn.execute(delete(d).where(d.c.account_id == deletion.account_id))
        self.conn.execute(insert(d).values(**values))

    def ram_identity_counts(self, account_id: str) -> RamIdentityCounts:
        users, groups, roles = t.ram_users, t.ram_groups, t.ram_roles
        user_count = select(func.count()).select_from(users).where(users.c.account_id == account_id)
        group_count = select(func.count()).select_from(groups).where(groups.c.account_id == account_id)
        role_count = (
            select(func.count())
            .select_from(roles)
            .where(roles.c.account_id == account_id, roles.c.name_folded != ACCESS_ROLE.lower())
        )
        counts = (user_count.scalar_subquery(), group_count.scalar_subquery(), role_count.scalar_subquery())
        row = self.conn.execute(select(*counts)).one()
        return RamIdentityCounts(users=int(row[0]), groups=int(row[1]), roles=int(row[2]))

    def purge_account(self, account_id: str) -> None:
        # Listed, not left to the foreign keys' cascades: each table of the account's own goes in this one place.
        for table in (t.policy_attachments, t.ram_policy_versions, t.ram_policies):
            self.conn.execute(delete(table).where(table.c.account_id == account_id))
        # Tags of what the account owns (its resource groups, say); its own tags as a member go with the membership.
        self.conn.execute(delete(t.resource_tags).where(t.resource_tags.c.owner_id == account_id))
        groups = select(t.ram_groups.c.group_id).where(t.ram_groups.c.account_id == account_id)
        self.conn.execute(delete(t.ram_group_members).where(t.ram_group_members.c.group_id.in_(groups)))
        for table in (t.sts_sessions, t.access_keys, t.ram_groups, t.ram_roles, t.ram_users, t.resource_groups):
            self.conn.execute(delete(table).where(table.c.account_id == account_id))
        self.conn.execute(delete(t.accounts).where(t.accounts.c.account_id == account_id))
