"""SMS delivery states and the retry schedule (a failed delivery never loses the message:
docs/behaviour.md#sms-delivery)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SmsStatus(enum.StrEnum):
    PENDING = "pending"  # committed, not tried yet
    FAILED = "failed"  # the last attempt failed; another is scheduled
    SENT = "sent"
    DEAD = "dead"  # gave up after the attempt limit, or the provider refused it for good


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: float = 1.0
    max_seconds: float = 300.0

    def delay_seconds(self, attempts: int, jitter: float = 1.0) -> float:
        """Exponential backoff, capped, with "equal jitter": half fixed, half scaled by ``jitter`` in [0, 1]."""
        ceiling = min(self.max_seconds, self.base_seconds * (2.0 ** min(60, max(0, attempts - 1))))
        return ceiling / 2 + (ceiling / 2) * min(1.0, max(0.0, jitter))


@dataclass(frozen=True)
class OutboundSms:
    """What a sender needs. ``message_id`` doubles as the idempotency key for at-least-once delivery."""

    message_id: str
    phone: str
    text: str
    code: str
    purpose: str
    language: str


@dataclass(frozen=True)
class SmsRecord:
    """A message as the inbox and the console show it (text and code only where the sender keeps them)."""

    message_id: str
    purpose: str
    account_id: str
    phone: str
    language: str
    text: str | None
    code: str | None
    status: SmsStatus
    attempts: int
    created_ms: int
    sent_ms: int | None
    last_error: str | None
