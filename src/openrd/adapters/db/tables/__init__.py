"""SQLAlchemy Core tables. Portable types only: every time is epoch milliseconds (BIGINT), no server defaults.

The tables of the first migrations are here; later areas keep theirs in a module of this package, each declared on
``meta.metadata`` and star-imported at the end, so callers keep writing ``tables.<name>``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from openrd.adapters.db.tables.meta import NAMING as NAMING
from openrd.adapters.db.tables.meta import metadata as metadata

emulator_state = Table(
    "emulator_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(16), primary_key=True),
    Column("name", String(128), nullable=False, index=True),
    Column("display_name", String(64), nullable=False),
    Column("site", String(32), nullable=False),
    Column("secure_mobile_phone", String(32)),
    Column("enterprise_name", String(256)),
    Column("enterprise_verified", Boolean, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

ram_users = Table(
    "ram_users",
    metadata,
    Column("user_id", String(32), primary_key=True),
    Column("account_id", String(16), ForeignKey("accounts.account_id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    # The RAM API's profile and times (the ram_identities migration); NULL for users stored before it.
    Column("display_name", String(128)),
    Column("comments", String(128)),
    Column("email", String(128)),
    Column("mobile_phone", String(32)),
    Column("created_ms", BigInteger),
    Column("updated_ms", BigInteger),
    UniqueConstraint("account_id", "name"),
)

ram_roles = Table(
    "ram_roles",
    metadata,
    Column("role_id", String(32), primary_key=True),
    Column("account_id", String(16), ForeignKey("accounts.account_id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    # RAM role names are unique case-insensitively; the lower-cased copy carries the unique constraint.
    Column("name_folded", String(64), nullable=False),
    # The ram_identities migration; NULL for roles stored before it (their trust policy is their own account's).
    Column("description", String(1024)),
    Column("trust_policy", Text),
    Column("max_session_duration", Integer),
    Column("created_ms", BigInteger),
    Column("updated_ms", BigInteger),
    UniqueConstraint("account_id", "name_folded"),
)

access_keys = Table(
    "access_keys",
    metadata,
    Column("access_key_id", String(64), primary_key=True),
    Column("account_id", String(16), ForeignKey("accounts.account_id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(32)),
    Column("session_id", String(32)),
    Column("secret_ciphertext", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_ms", BigInteger),  # the ram_identities migration
    Index("ix_access_keys_user_id", "user_id"),  # the ram_identities migration: a user's keys
)

sts_sessions = Table(
    "sts_sessions",
    metadata,
    Column("session_id", String(32), primary_key=True),
    Column("account_id", String(16), ForeignKey("accounts.account_id", ondelete="CASCADE"), nullable=False),
    Column("role_id", String(32), nullable=False),
    Column("role_name", String(64), nullable=False),
    Column("session_name", String(64), nullable=False),
    Column("access_key_id", String(64), nullable=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("expires_ms", BigInteger, nullable=False),
    Column("policy", Text),  # migration 0020: the inline session policy AssumeRole was given
)

request_nonces = Table(
    "request_nonces",
    metadata,
    Column("access_key_id", String(64), nullable=False),
    Column("nonce", String(128), nullable=False),
    Column("seen_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("access_key_id", "nonce"),
    Index("ix_request_nonces_seen_ms", "seen_ms"),
    sqlite_with_rowid=False,  # rows in the key's b-tree: a signed call writes one b-tree fewer (migration 0009)
)

# ---------------------------------------------------------------- verification codes and SMS (migration 0002)
verification_codes = Table(
    "verification_codes",
    metadata,
    Column("code_id", String(32), primary_key=True),
    Column("purpose", String(32), nullable=False),
    Column("account_id", String(16), nullable=False),  # the account the code is keyed to (docs/behaviour.md#sms-inbox)
    Column("phone", String(32), nullable=False),
    Column("code_hash", String(128), nullable=False),  # keyed hash bound to (purpose, account, phone, code)
    Column("status", String(8), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("issued_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Index("ix_verification_codes_key", "purpose", "account_id", "phone", "status"),
    Index("ix_verification_codes_expires_ms", "expires_ms"),
)

code_sends = Table(
    "code_sends",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("quota_account_id", String(16), nullable=False),
    Column("quota_day", String(10), nullable=False),  # YYYY-MM-DD in the site's quota time zone
    Column("phone", String(32), nullable=False),
    Column("sent_ms", BigInteger, nullable=False),
    Index("ix_code_sends_phone", "phone", "sent_ms"),
)

# The daily quota's count, kept with every send (migration 0008): counting code_sends instead grew with the day's
# sends. The row is also what sends of one account queue on (its row lock, on PostgreSQL).
code_quota = Table(
    "code_quota",
    metadata,
    Column("quota_account_id", String(16), primary_key=True),
    Column("quota_day", String(10), primary_key=True),  # YYYY-MM-DD in the site's quota time zone
    Column("sent", Integer, nullable=False),
    Column("last_ms", BigInteger, nullable=False),  # the latest send counted: the cleanup forgets old days by it
)

# One row per throttled key; SELECT … FOR UPDATE on it serialises sends for one phone or one quota account
# across processes on PostgreSQL (SQLite serialises writers with BEGIN IMMEDIATE).
rate_locks = Table(
    "rate_locks",
    metadata,
    Column("lock_key", String(64), primary_key=True),
)

sms_outbox = Table(
    "sms_outbox",
    metadata,
    Column("message_id", String(32), primary_key=True),
    Column("purpose", String(32), nullable=False),
    Column("account_id", String(16), nullable=False),
    Column("phone", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("body_ciphertext", Text),  # encrypted text; cleared after delivery unless the sender is the inbox
    Column("code_ciphertext", Text),  # encrypted code, kept only for the inbox sender
    Column("status", String(8), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_ms", BigInteger, nullable=False),
    Column("lease_until_ms", BigInteger),
    Column("last_error", String(512)),
    Column("created_ms", BigInteger, nullable=False),
    Column("sent_ms", BigInteger),
    Index("ix_sms_outbox_due", "status", "next_attempt_ms"),
    Index("ix_sms_outbox_phone", "phone", "created_ms"),
    Index("ix_sms_outbox_created_ms", "created_ms"),
)

# ---------------------------------------------------------------- the directory (migration 0003)
resource_directories = Table(
    "resource_directories",
    metadata,
    Column("directory_id", String(16), primary_key=True),
    Column("master_account_id", String(16), nullable=False, unique=True),
    Column("master_account_name", String(128), nullable=False),
    Column("root_folder_id", String(16), nullable=False),
    Column("control_policy_status", String(16), nullable=False),
    Column("member_deletion_status", String(16), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("control_policy_due_ms", BigInteger),  # when a pending control-policy state settles (migration 0012)
    # SetMemberDisplayNameSyncStatus (migration 0019)
    Column("member_display_name_sync_status", String(16), nullable=False, server_default="Disabled"),
    # Its members, kept by triggers on members (migration 0007): ListAccounts' TotalCount without counting.
    Column("member_count", BigInteger, nullable=False, server_default="0"),
)

folders = Table(
    "folders",
    metadata,
    Column("folder_id", String(16), primary_key=True),
    Column("directory_id", String(16), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("parent_id", String(16)),
    Column("depth", Integer, nullable=False),
    Column("path", String(256), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("member_count", BigInteger, nullable=False, server_default="0"),  # the members directly in it (0007)
    Index("ix_folders_parent", "parent_id", "name"),
)

members = Table(
    "members",
    metadata,
    Column("account_id", String(16), primary_key=True),  # an account belongs to at most one directory
    Column("directory_id", String(16), nullable=False),
    Column("folder_id", String(16), nullable=False),
    Column("type", String(16), nullable=False),
    Column("join_method", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("join_ms", BigInteger, nullable=False),
    Column("modify_ms", BigInteger, nullable=False),
    Index("ix_members_directory", "directory_id", "join_ms", "account_id"),  # the page order (migration 0006)
    Index("ix_members_folder", "folder_id", "join_ms", "account_id"),
)

# How many times members, accounts (display name, secure phone, removal) and account tags changed: one row, counted
# by triggers on SQLite only (migration 0010), where it keys the member pages a process keeps (page_cache.py).
# PostgreSQL has the table but no triggers, and never reads it. A reset keeps it counting (store.py).
member_revision = Table(
    "member_revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", BigInteger, nullable=False),
)
COUNTERS = frozenset({"member_revision"})  # tables that hold no data of their own: a reset leaves them

handshakes = Table(
    "handshakes",
    metadata,
    Column("handshake_id", String(32), primary_key=True),
    Column("directory_id", String(16), nullable=False, index=True),
    Column("master_account_id", String(16), nullable=False),
    Column("master_account_name", String(128), nullable=False),
    Column("target_type", String(8), nullable=False),
    Column("target_entity", String(128), nullable=False),
    Column("invited_account_id", String(16), nullable=False, index=True),
    Column("note", String(1024), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("modify_ms", BigInteger, nullable=False),
    Column("expire_ms", BigInteger, nullable=False),
    Column("parent_folder_id", String(16)),  # migration 0004
    Column("tags", Text),  # JSON [[key, value], …]; migration 0004
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time_ms", BigInteger, nullable=False),
    Column("request_id", String(36), nullable=False),
    Column("action", String(64), nullable=False),
    Column("principal_arn", String(256), nullable=False),
    Column("account_id", String(16), nullable=False),
    Column("result", String(8), nullable=False),  # "success" | "failure"
    Column("error_code", String(128)),
    Column("denied_policy_type", String(64)),  # migration 0021
    Column("denied_by", String(64)),  # migration 0021
    Index("ix_audit_events_account", "account_id", "id"),
    Index("ux_audit_events_request", "request_id", unique=True),  # migration 0005
)

# ---------------------------------------------------------------- area modules
from openrd.adapters.db.tables.account_deletions import *  # noqa: E402, F403
from openrd.adapters.db.tables.control_policies import *  # noqa: E402, F403
from openrd.adapters.db.tables.delegation import *  # noqa: E402, F403
from openrd.adapters.db.tables.ram import *  # noqa: E402, F403
from openrd.adapters.db.tables.ram_policies import *  # noqa: E402, F403
from openrd.adapters.db.tables.ram_tags import *  # noqa: E402, F403
from openrd.adapters.db.tables.resource_groups import *  # noqa: E402, F403
from openrd.adapters.db.tables.settings import *  # noqa: E402, F403
from openrd.adapters.db.tables.tags import *  # noqa: E402, F403
