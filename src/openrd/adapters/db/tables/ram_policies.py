"""RAM's custom policies, their versions and the attachments of policies to users, groups and roles
(migration 0013)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from openrd.adapters.db.tables.meta import metadata

__all__ = ["policy_attachments", "ram_policies", "ram_policy_versions"]

ram_policies = Table(
    "ram_policies",
    metadata,
    Column("account_id", String(16), ForeignKey("accounts.account_id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("description", String(1024), nullable=False),
    Column("default_version", Integer, nullable=False),
    Column("next_version", Integer, nullable=False),  # version numbers only grow: a deleted one is never reissued
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "name"),
)

ram_policy_versions = Table(
    "ram_policy_versions",
    metadata,
    Column("account_id", String(16), nullable=False),
    Column("policy_name", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "policy_name", "version"),
    ForeignKeyConstraint(
        ["account_id", "policy_name"], ["ram_policies.account_id", "ram_policies.name"], ondelete="CASCADE"
    ),
)

# One row per policy attached to a user, group or role; a custom policy is the account's of that name.
policy_attachments = Table(
    "policy_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("principal_type", String(8), nullable=False),  # "user" | "group" | "role"
    Column("principal_id", String(32), nullable=False),
    Column("account_id", String(16), nullable=False),
    Column("policy_type", String(8), nullable=False),  # "System" | "Custom"
    Column("policy_name", String(128), nullable=False),
    Column("attached_ms", BigInteger, nullable=False),
    Index("ix_policy_attachments_principal", "principal_type", "principal_id"),
    Index("ix_policy_attachments_policy", "account_id", "policy_type", "policy_name"),
    UniqueConstraint(
        "principal_type", "principal_id", "policy_type", "policy_name", name="uq_policy_attachments_entry"
    ),
)
