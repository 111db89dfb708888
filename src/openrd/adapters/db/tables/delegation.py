"""Delegated administrators: which member account administers which trusted service (docs/delegation.md)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, PrimaryKeyConstraint, String, Table

from openrd.adapters.db.tables.meta import metadata

__all__ = ["delegated_administrators"]

delegated_administrators = Table(
    "delegated_administrators",
    metadata,
    # A member that leaves its directory stops being a delegated administrator with it.
    Column("account_id", String(16), ForeignKey("members.account_id", ondelete="CASCADE"), nullable=False),
    Column("service_principal", String(128), nullable=False),
    Column("directory_id", String(16), nullable=False),
    Column("registered_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "service_principal"),
    Index("ix_delegated_administrators_directory", "directory_id", "service_principal", "registered_ms"),
)
