"""RAM's own entities beside the principals of ``identity.py``: groups and memberships, the names RAM accepts for
users, groups and roles, and the per-account quotas (docs/ram.md#names-and-limits)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# UserName / GroupName: 1-64 of letters, digits, '.', '_', '-'. RoleName: 1-64 of letters, digits, '.', '-'.
MAX_NAME: Final = 64
USER_NAME: Final = re.compile(r"[A-Za-z0-9._-]+", re.ASCII)
GROUP_NAME: Final = USER_NAME
ROLE_NAME: Final = re.compile(r"[A-Za-z0-9.-]+", re.ASCII)
MAX_DISPLAY_NAME: Final = 128  # characters, a Chinese character counting one
MAX_COMMENTS: Final = 128
MAX_DESCRIPTION: Final = 1024
MAX_EMAIL: Final = 128
EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# The quotas RAM documents per account and per user.
MAX_USERS: Final = 5000
MAX_GROUPS: Final = 300
MAX_ROLES: Final = 1000
MAX_ACCESS_KEYS_PER_USER: Final = 2
MAX_GROUPS_PER_USER: Final = 10

MIN_MAX_SESSION_DURATION, MAX_MAX_SESSION_DURATION = 3600, 43200
DEFAULT_MAX_SESSION_DURATION: Final = 3600


@dataclass(frozen=True)
class RamGroup:
    group_id: str
    account_id: str
    name: str
    comments: str = ""
    created_ms: int = 0
    updated_ms: int = 0


@dataclass(frozen=True)
class GroupMembership:
    """A user in a group, as the membership listings show it from either side."""

    group: RamGroup
    user_name: str
    user_display_name: str
    joined_ms: int


def role_principal_name(account_id: str, role_name: str) -> str:
    """GetRole's ``RolePrincipalName``."""
    return f"{role_name}@role.{account_id}.onaliyunservice.com"
