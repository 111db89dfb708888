"""Deleting a resource account (docs/lifecycle.md#account-deletion): the pre-check's items, its and the deletion's
states, and the waived checks a DeleteAccount call names.

A pre-check item either forbids the deletion (``NotAllowReason``) or may be waived by naming its id in
``AbandonableCheckId`` (``AbandonableChecks``). The pre-check and the deletion are transitions: each is pending
until its due time, then final (domain/transitions.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum

from openrd.domain.transitions import is_settled

# The role Resource Directory puts in every resource account for the management account to step in: it does not
# count as one of the account's own RAM roles.
ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"
DIRECT_DELETION = "0"  # DeletionType: no cool-down period (openrd holds no pay-as-you-go resources)


class CheckStatus(StrEnum):
    PRE_CHECKING = "PreChecking"
    COMPLETE = "PreCheckComplete"


class DeletionStatus(StrEnum):
    DELETING = "Deleting"
    SUCCESS = "Success"


@dataclass(frozen=True)
class CheckItem:
    check_id: str
    name: str
    description: str


PAYER_OF_MEMBERS = CheckItem(
    "PAYER_OF_MEMBERS", "Payer of other members", "The account pays for other members of the resource directory."
)
RAM_USERS = CheckItem("RAM_USERS", "RAM users", "The account still has RAM users.")
RAM_GROUPS = CheckItem("RAM_GROUPS", "RAM user groups", "The account still has RAM user groups.")
RAM_ROLES = CheckItem("RAM_ROLES", "RAM roles", f"The account still has RAM roles besides {ACCESS_ROLE}.")
ITEMS = {item.check_id: item for item in (PAYER_OF_MEMBERS, RAM_USERS, RAM_GROUPS, RAM_ROLES)}


@dataclass(frozen=True)
class AccountDeletion:
    """What is known of one account's deletion: its latest pre-check and, once started, the deletion itself."""

    account_id: str
    directory_id: str
    check_started_ms: int | None = None
    check_due_ms: int | None = None
    not_allowed: tuple[str, ...] = ()
    abandonable: tuple[str, ...] = ()
    deletion_started_ms: int | None = None
    deletion_due_ms: int | None = None

    @property
    def checked(self) -> bool:
        return self.check_started_ms is not None

    @property
    def started(self) -> bool:
        return self.deletion_started_ms is not None


@dataclass(frozen=True)
class RamIdentityCounts:
    """What the account still holds of RAM, the access role excepted."""

    users: int
    groups: int
    roles: int


@dataclass(frozen=True)
class CheckResult:
    not_allowed: tuple[str, ...]  # check ids that forbid the deletion
    abandonable: tuple[str, ...]  # check ids the caller may waive

    @property
    def allow_delete(self) -> bool:
        return not self.not_allowed

    def blocks(self, waived: frozenset[str]) -> bool:
        """Whether a DeleteAccount that waives ``waived`` is refused."""
        return bool(self.not_allowed) or not set(self.abandonable) <= waived


def pre_check(*, pays_for_others: bool, ram: RamIdentityCounts) -> CheckResult:
    """The pre-check's verdict on an account as it stands."""
    not_allowed = (PAYER_OF_MEMBERS.check_id,) if pays_for_others else ()
    abandonable = tuple(
        item.check_id
        for item, held in ((RAM_USERS, ram.users), (RAM_GROUPS, ram.groups), (RAM_ROLES, ram.roles))
        if held
    )
    return CheckResult(not_allowed, abandonable)


def check_status(due_ms: int | None, now_ms: int) -> CheckStatus:
    return CheckStatus.COMPLETE if is_settled(due_ms, now_ms) else CheckStatus.PRE_CHECKING


def deletion_status(due_ms: int | None, now_ms: int) -> DeletionStatus:
    return DeletionStatus.SUCCESS if is_settled(due_ms, now_ms) else DeletionStatus.DELETING


CHECK_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII)  # RAM_USERS, NON_SP_cs, …
MAX_CHECK_IDS = 50
NOT_CHECK_IDS = "not a list of check ids"


def parse_check_ids(raw: str) -> frozenset[str]:
    """``AbandonableCheckId`` as the SDKs send it: one JSON array of check ids (``["RAM_USERS"]``); a bare check id
    is one. Anything else (another JSON value, an item that is no check id) raises ValueError."""
    text = raw.strip()
    if not text.startswith("["):
        if not CHECK_ID.fullmatch(text):
            raise ValueError(NOT_CHECK_IDS)
        return frozenset({text})
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
        raise ValueError(NOT_CHECK_IDS) from None
    if not isinstance(value, list) or len(value) > MAX_CHECK_IDS or not all(valid_check_id(v) for v in value):
        raise ValueError(NOT_CHECK_IDS)
    return frozenset(value)


def valid_check_id(value: object) -> bool:
    return isinstance(value, str) and CHECK_ID.fullmatch(value) is not None
