"""RAM's own tags on roles and policies (migration 0020): a role's by its id, so a deleted role's tags never reach
a new role of the same name; a policy's by its name (DeletePolicy removes them)."""

from __future__ import annotations

from sqlalchemy import Column, PrimaryKeyConstraint, String, Table

from openrd.adapters.db.tables.meta import metadata

__all__ = ["ram_tags"]

ram_tags = Table(
    "ram_tags",
    metadata,
    Column("account_id", String(16), nullable=False),
    Column("resource_type", String(8), nullable=False),  # "role" | "policy"
    Column("resource_id", String(128), nullable=False),  # the role's id, or the policy's name
    Column("key", String(128), nullable=False),
    Column("value", String(256), nullable=False),
    PrimaryKeyConstraint("account_id", "resource_type", "resource_id", "key"),
)
