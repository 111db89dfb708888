"""Resource groups (docs/resource-groups.md): their identifiers, the default group every account has, their
status as the transitions move it, and the name a group takes while its deletion is pending.

A group is ``Creating`` until its creation falls due, then ``OK``; ``DeleteResourceGroup`` makes it
``PendingDelete`` until its deletion falls due, after which it is gone (its row stays, read by nothing).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from openrd.domain.transitions import is_settled

RESOURCE_GROUP_ID = re.compile(r"^rg-[A-Za-z0-9]{1,15}$", re.ASCII)  # at most 18 characters, as documented
ID_LENGTH = 15
MAX_GROUPS = 30  # per account, the default group and groups pending deletion included
DEFAULT_NAME = "default"
_DEFAULT_DISPLAY_NAMES = {"cn": "默认资源组"}
INTL_DEFAULT_DISPLAY_NAME = "Default Resource Group"


class GroupStatus(enum.StrEnum):
    CREATING = "Creating"
    OK = "OK"
    PENDING_DELETE = "PendingDelete"


@dataclass(frozen=True)
class ResourceGroup:
    resource_group_id: str
    account_id: str
    name: str
    display_name: str
    is_default: bool
    created_ms: int
    create_due_ms: int | None = None  # Creating until then
    delete_due_ms: int | None = None  # PendingDelete until then, gone from then on

    def status(self, now_ms: int) -> GroupStatus | None:
        """The group's status at ``now_ms``; None once its deletion has fallen due (gone)."""
        if self.delete_due_ms is not None:
            return None if is_settled(self.delete_due_ms, now_ms) else GroupStatus.PENDING_DELETE
        return GroupStatus.OK if is_settled(self.create_due_ms, now_ms) else GroupStatus.CREATING


def default_group_id(account_id: str) -> str:
    """The default group's ID, derived from the account's: the migration that gave existing accounts their default
    group and every account created since agree on it without a lookup."""
    digest = hashlib.sha256(f"default-resource-group:{account_id}".encode()).digest()
    return "rg-" + base64.b32encode(digest).decode("ascii").lower()[:ID_LENGTH]


def default_display_name(site: str) -> str:
    return _DEFAULT_DISPLAY_NAMES.get(site, INTL_DEFAULT_DISPLAY_NAME)


def pending_delete_name(name: str, resource_group_id: str, now_ms: int) -> str:
    """``<name>-<id>-<yyyymmdd>``: a group pending deletion frees its name for a new group."""
    day = datetime.fromtimestamp(now_ms / 1000, UTC).strftime("%Y%m%d")
    return f"{name}-{resource_group_id}-{day}"
