"""Tags of every taggable resource, one store (migration 0014): accounts, folders, resource groups, control
policies. ``owner_id`` is the account whose tag listings show the row — a directory's management account for
directory resources — so a listing reads one index range whatever the type."""

from __future__ import annotations

from sqlalchemy import Column, Index, PrimaryKeyConstraint, String, Table

from openrd.adapters.db.tables.meta import metadata

__all__ = ["resource_tags"]

resource_tags = Table(
    "resource_tags",
    metadata,
    Column("resource_type", String(32), nullable=False),
    Column("resource_id", String(64), nullable=False),
    Column("key", String(128), nullable=False),
    Column("value", String(128), nullable=False),
    Column("owner_id", String(16), nullable=False),
    PrimaryKeyConstraint("resource_type", "resource_id", "key"),
    Index("ix_resource_tags_listing", "owner_id", "resource_type", "resource_id", "key"),
    Index("ix_resource_tags_keys", "owner_id", "resource_type", "key", "value"),
)
