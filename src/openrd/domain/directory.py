"""Directory, folder and member rules and formats (docs/behaviour.md#identifiers-and-pagination, #members,
#handshakes)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import NamedTuple

from openrd.domain.accounts import Account

DIRECTORY_ID = re.compile(r"^rd-[A-Za-z0-9]{6}$", re.ASCII)
ROOT_FOLDER_ID = re.compile(r"^r-[A-Za-z0-9]{6}$", re.ASCII)
FOLDER_ID = re.compile(r"^(r-[A-Za-z0-9]{6}|fd-[A-Za-z0-9]{10})$", re.ASCII)
HANDSHAKE_ID = re.compile(r"^h-[A-Za-z0-9]{16}$", re.ASCII)
# 2-50 characters: letters, digits, '_', '.', '-'; starts and ends alphanumeric; no two specials in a row.
_NAME_PREFIX = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|[_.-](?=[A-Za-z0-9]))*$", re.ASCII)
MA_SUFFIX = "@rdadmin.aliyunid.com"
MAX_FOLDER_DEPTH = 5  # levels below the root
HANDSHAKE_TTL_DAYS = 15


class MemberType(enum.StrEnum):
    CLOUD = "CloudAccount"
    RESOURCE = "ResourceAccount"


class JoinMethod(enum.StrEnum):
    INVITED = "invited"
    CREATED = "created"


class MemberStatus(enum.StrEnum):
    CREATE_SUCCESS = "CreateSuccess"
    INVITE_SUCCESS = "InviteSuccess"


class HandshakeStatus(enum.StrEnum):
    PENDING = "Pending"
    ACCEPTED = "Accepted"
    DECLINED = "Declined"
    CANCELLED = "Cancelled"
    EXPIRED = "Expired"


def valid_name_prefix(prefix: str, *, max_length: int = 50) -> bool:
    return 2 <= len(prefix) <= max_length and _NAME_PREFIX.fullmatch(prefix) is not None


def valid_management_account_name(name: str) -> bool:
    """``<prefix>@rdadmin.aliyunid.com``; prefix 2-50 of [A-Za-z0-9_.-], alnum at both ends, no doubled specials."""
    return name.endswith(MA_SUFFIX) and valid_name_prefix(name[: -len(MA_SUFFIX)])


def resource_account_login(prefix: str, directory_id: str) -> str:
    return f"{prefix}@{directory_id.lower()}.aliyunid.com"


@dataclass(frozen=True)
class Directory:
    directory_id: str
    master_account_id: str
    master_account_name: str
    root_folder_id: str
    created_ms: int
    control_policy_status: str = "Disabled"
    member_deletion_status: str = "Disabled"
    control_policy_due_ms: int | None = None  # when a pending control_policy_status settles
    member_display_name_sync_status: str = "Disabled"

    @property
    def root_path(self) -> str:
        """The root folder's path (rd-…/r-…): every other folder's path starts with it."""
        return f"{self.directory_id}/{self.root_folder_id}"


@dataclass(frozen=True)
class Folder:
    folder_id: str
    directory_id: str
    name: str
    parent_id: str | None  # None for the root folder
    depth: int  # 0 for the root
    path: str  # rd-xxxxxx/r-xxxxxx/fd-…/…/<this folder>
    created_ms: int


@dataclass(frozen=True)
class Member:
    account_id: str
    directory_id: str
    folder_id: str
    type: MemberType
    join_method: JoinMethod
    status: MemberStatus
    join_ms: int
    modify_ms: int


@dataclass(frozen=True)
class Handshake:
    handshake_id: str
    directory_id: str
    master_account_id: str
    master_account_name: str
    target_type: str  # "Account" | "Email"
    target_entity: str
    invited_account_id: str
    note: str
    status: HandshakeStatus
    created_ms: int
    modify_ms: int
    expire_ms: int
    parent_folder_id: str | None = None  # where the account joins (2022-04-19 ParentFolderId); root if None
    tags: tuple[tuple[str, str], ...] = ()  # tags the account gets when it joins


@dataclass(frozen=True)
class MemberView:
    """A member with the account fields the wire shapes need."""

    member: Member
    account_name: str
    display_name: str
    enterprise_name: str | None
    secure_mobile_phone: str | None
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Standing:
    """Where an account stands: its membership (None when it is in no directory) and the directory it manages."""

    account: Account
    member: Member | None
    manages: Directory | None


class MemberRow(NamedTuple):
    """One member in a listing (ListAccounts, ListAccountsForParent, the console): a read model built straight from
    the page query. A named tuple, not frozen dataclasses: building a Member, a MemberView and a path holder per row
    was much of a 100-account ListAccounts' time (docs/architecture.md#smaller-fast-paths)."""

    account_id: str
    folder_id: str
    type: MemberType
    join_method: JoinMethod
    status: MemberStatus
    join_ms: int
    modify_ms: int
    display_name: str
    secure_mobile_phone: str | None
    tags: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AuditEvent:
    time_ms: int
    request_id: str
    action: str
    principal_arn: str
    account_id: str
    result: str
    error_code: str | None = None
    denied_policy_type: str | None = None  # the kind of policy that refused the call (AccessDeniedDetail.PolicyType)
    denied_by: str | None = None  # what decided a control-policy refusal: the denying policy, or the level
