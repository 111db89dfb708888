"""Transitions: states the real cloud moves in the background (a control-policy enablement, an account's deletion
pre-check and deletion, a resource group's creation and deletion), which openrd moves after a delay counted on the
emulator clock (docs/lifecycle.md).

A transition is nothing but a due time in epoch milliseconds, stored beside the state it moves: before it the state
is pending, from it on the state is final. Nothing runs when it falls due; whoever reads the state settles it by
comparing the due time with the clock, so no timer can be lost to a restart and every process reads the same.
"""

from __future__ import annotations

from enum import StrEnum


class TransitionKind(StrEnum):
    CONTROL_POLICY = "control_policy"  # PendingEnable → Enabled, PendingDisable → Disabled
    ACCOUNT_DELETION_CHECK = "account_deletion_check"  # PreChecking → PreCheckComplete
    ACCOUNT_DELETION = "account_deletion"  # Deleting → Success
    RESOURCE_GROUP_CREATE = "resource_group_create"  # Creating → OK
    RESOURCE_GROUP_DELETE = "resource_group_delete"  # PendingDelete → gone


KINDS: tuple[TransitionKind, ...] = tuple(TransitionKind)
DEFAULT_DELAY_SECONDS = 0  # the next read sees the final state; the starting action's own answer the pending one
MAX_DELAY_SECONDS = 10 * 365 * 86400  # ten years: far beyond any test, and a due time stays a small integer


def parse_kind(text: str) -> TransitionKind | None:
    """The kind named ``text`` exactly, or None."""
    try:
        return TransitionKind(text)
    except ValueError:
        return None


def valid_delay(seconds: object) -> bool:
    """Whole seconds from 0 to ``MAX_DELAY_SECONDS`` (a bool is not a number here)."""
    return isinstance(seconds, int) and not isinstance(seconds, bool) and 0 <= seconds <= MAX_DELAY_SECONDS


def due_ms(start_ms: int, delay_seconds: int) -> int:
    """When a transition that starts at ``start_ms`` with ``delay_seconds`` falls due."""
    return start_ms + delay_seconds * 1000


def is_settled(due: int | None, now_ms: int) -> bool:
    """Whether a transition due at ``due`` has reached its final state at ``now_ms`` (None: none is pending)."""
    return due is None or now_ms >= due
