"""The accounts repository."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from openrd.domain.accounts import Account


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...

    def get(self, account_id: str) -> Account | None: ...

    def name_taken(self, name: str) -> bool: ...

    def update(self, account: Account) -> None: ...

    def list(self, *, limit: int, offset: int) -> Sequence[Account]: ...

    def bind_phone_if_unset(self, account_id: str, phone: str) -> bool:
        """Set the secure phone only if it has none; False if another transaction bound one first."""
        ...
