"""Control policies (migration 0012): a directory's custom policies and every policy's attachments.

The system policy has no row of its own: its attachments name ``cp-FullAliyunAccess`` and carry no document.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, PrimaryKeyConstraint, String, Table, Text

from openrd.adapters.db.tables.meta import metadata

__all__ = ["control_policies", "control_policy_attachments"]

control_policies = Table(
    "control_policies",
    metadata,
    Column("policy_id", String(40), primary_key=True),
    Column("directory_id", String(16), nullable=False),
    Column("name", String(128), nullable=False),
    Column("description", String(1024), nullable=False),
    Column("document", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Index("ix_control_policies_directory", "directory_id", "created_ms", "policy_id"),
)

control_policy_attachments = Table(
    "control_policy_attachments",
    metadata,
    Column("target_id", String(16), nullable=False),
    Column("policy_id", String(40), nullable=False),
    Column("target_type", String(8), nullable=False),  # Root | Folder | Account
    Column("directory_id", String(16), nullable=False),
    Column("attached_ms", BigInteger, nullable=False),
    # A signed call of a member's RAM identity reads its levels by target: the key's first column.
    PrimaryKeyConstraint("target_id", "policy_id"),
    Index("ix_control_policy_attachments_policy", "policy_id", "attached_ms", "target_id"),
    Index("ix_control_policy_attachments_directory", "directory_id"),
)
