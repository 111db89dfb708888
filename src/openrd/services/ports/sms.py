"""Text messages: the outbox they wait in and the senders that deliver them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from openrd.domain.sms import OutboundSms, SmsRecord


class OutboxRepository(Protocol):
    def add(
        self,
        *,
        message_id: str,
        purpose: str,
        account_id: str,
        phone: str,
        language: str,
        text: str,
        code: str | None,
        now_ms: int,
        due_ms: int,
    ) -> None: ...

    def get(self, message_id: str) -> SmsRecord | None: ...

    def list(self, *, phone: str | None, status: str | None, limit: int) -> Sequence[SmsRecord]: ...

    def claim_due(self, *, now_ms: int, lease_ms: int, limit: int) -> Sequence[SmsRecord]: ...

    def mark_sent(self, message_ids: Sequence[str], *, now_ms: int, keep_text: bool) -> None:
        """Delivered: one statement for a whole pass."""
        ...

    def mark_failed(self, message_id: str, *, error: str, next_attempt_ms: int, dead: bool) -> None: ...

    def requeue(self, message_id: str, *, now_ms: int) -> bool: ...

    def counts_by_status(self) -> dict[str, int]: ...


class DeliveryError(Exception):
    """A sender could not deliver. ``permanent``: retrying cannot help (the provider refused the message)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmsSender(Protocol):
    """Delivers one message or raises DeliveryError. Must be idempotent on ``message_id`` where it can be."""

    name: str
    keeps_text: bool  # the inbox keeps text and code readable after delivery; real senders do not

    def deliver(self, message: OutboundSms) -> None: ...
