"""Resource-account deletions (migration 0015): one row per account whose deletion was pre-checked or started.

The row outlives the account: GetAccountDeletionStatus keeps answering ``Success`` for a deleted account.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, String, Table

from openrd.adapters.db.tables.meta import metadata

account_deletions = Table(
    "account_deletions",
    metadata,
    Column("account_id", String(16), primary_key=True),  # no foreign key: the account goes, the row stays
    Column("directory_id", String(16), nullable=False, index=True),
    Column("check_started_ms", BigInteger),  # the latest CheckAccountDelete, NULL if none
    Column("check_due_ms", BigInteger),  # when its pre-check completes (an account_deletion_check transition)
    Column("not_allowed", String(256), nullable=False),  # the pre-check's blocking check ids, comma-separated
    Column("abandonable", String(256), nullable=False),  # the check ids it lets the caller waive
    Column("deletion_started_ms", BigInteger),  # DeleteAccount, NULL until then
    Column("deletion_due_ms", BigInteger),  # when the deletion reports Success (an account_deletion transition)
)
