"""Verification codes, their sends and the daily quota."""

from __future__ import annotations

from typing import Protocol

from openrd.domain.verification import StoredCode
from openrd.services.ports.store import KeyLock


class CodeRepository(KeyLock, Protocol):
    def phone_sends_since(self, phone: str, since_ms: int) -> list[int]: ...

    def quota_used(self, quota_account_id: str, day: str) -> int: ...

    def take_quota(self, quota_account_id: str, day: str, *, limit: int, now_ms: int) -> bool:
        """Count one send against the day's quota; False (and nothing counted) when it is used up."""
        ...

    def record_send(self, *, quota_account_id: str, day: str, phone: str, sent_ms: int) -> None: ...

    def void_active(self, *, purpose: str, account_id: str, phone: str) -> None: ...

    def add(
        self,
        *,
        code_id: str,
        purpose: str,
        account_id: str,
        phone: str,
        code_hash: str,
        issued_ms: int,
        expires_ms: int,
    ) -> None: ...

    def newest_active(self, *, purpose: str, account_id: str, phone: str) -> StoredCode | None: ...

    def consume(self, code_id: str) -> bool: ...

    def record_wrong_attempt(self, code_id: str, max_attempts: int) -> None: ...

    def purge(self, *, codes_before_ms: int, sends_before_ms: int) -> int: ...
