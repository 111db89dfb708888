"""Resource-account deletions: their records, and what the pre-check reads of an account."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from openrd.domain.account_deletion import AccountDeletion, RamIdentityCounts


class AccountDeletionRepository(Protocol):
    def get_deletion(self, account_id: str) -> AccountDeletion | None: ...

    def deletions_in(self, directory_id: str, *, limit: int) -> Sequence[AccountDeletion]:
        """The directory's deletion records, the latest started (or pre-checked) first."""
        ...

    def put_deletion(self, deletion: AccountDeletion) -> None:
        """Insert or replace the account's record."""
        ...

    def ram_identity_counts(self, account_id: str) -> RamIdentityCounts:
        """The RAM users, groups and roles the account holds, ResourceDirectoryAccountAccessRole excepted: the one
        place the pre-check reads RAM, so a new kind of RAM identity is counted here."""
        ...

    def purge_account(self, account_id: str) -> None:
        """Delete the account and everything that is its own: the tags it owns, its RAM identities and policies, its
        AccessKeys and STS sessions (its membership goes first, as any member's: ``remove_member``). A table of a new
        area that belongs to an account either cascades from ``accounts`` or is cleared here."""
        ...
