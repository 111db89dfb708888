"""Resource groups, one account's each (docs/resource-groups.md)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, String, Table, UniqueConstraint

from openrd.adapters.db.tables.meta import metadata

__all__ = ["resource_groups"]

resource_groups = Table(
    "resource_groups",
    metadata,
    Column("resource_group_id", String(32), primary_key=True),
    Column("account_id", String(16), ForeignKey("accounts.account_id", ondelete="CASCADE"), nullable=False),
    # Unique in the account; a group pending deletion carries <name>-<id>-<yyyymmdd>, which frees its name.
    Column("name", String(96), nullable=False),
    Column("display_name", String(64), nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("create_due_ms", BigInteger),  # transitions: Creating until then
    Column("delete_due_ms", BigInteger),  # transitions: PendingDelete until then, gone from then on
    UniqueConstraint("account_id", "name"),
    Index("ix_resource_groups_account", "account_id", "created_ms", "resource_group_id"),
)
