"""Who pays for a member (migration 0019): a row only for a member another account pays for; a member without
one pays for itself. The directory's display-name sync setting is a column of ``resource_directories``."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table

from openrd.adapters.db.tables.meta import metadata

__all__ = ["member_payers"]

member_payers = Table(
    "member_payers",
    metadata,
    Column("account_id", String(16), primary_key=True),
    Column("payer_account_id", String(16), nullable=False),
    Index("ix_member_payers_payer", "payer_account_id"),  # who pays for whom: a payer's members (deletion checks)
)
