"""RAM groups and their members (the ram_identities migration); RAM users, roles and AccessKeys are in the
package's first tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, PrimaryKeyConstraint, String, Table, UniqueConstraint

from openrd.adapters.db.tables.meta import metadata

__all__ = ["ram_group_members", "ram_groups"]

ram_groups = Table(
    "ram_groups",
    metadata,
    Column("group_id", String(32), primary_key=True),
    Column("account_id", String(16), ForeignKey("accounts.account_id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("comments", String(128)),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    UniqueConstraint("account_id", "name"),
)

ram_group_members = Table(
    "ram_group_members",
    metadata,
    Column("group_id", String(32), ForeignKey("ram_groups.group_id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(32), ForeignKey("ram_users.user_id", ondelete="CASCADE"), nullable=False),
    Column("joined_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("group_id", "user_id"),
    Index("ix_ram_group_members_user_id", "user_id"),
)
