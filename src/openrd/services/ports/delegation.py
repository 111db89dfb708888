"""Delegated administrators of a directory's trusted services (docs/delegation.md); part of ``uow.directory``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from openrd.domain.delegation import DelegatedAdministrator, DelegatedAdministratorView


class DelegationRepository(Protocol):
    def add_delegated_administrator(self, administrator: DelegatedAdministrator) -> None: ...

    def remove_delegated_administrator(self, account_id: str, service_principal: str) -> bool:
        """False when the account did not administer that service."""
        ...

    def delegations_of(self, account_id: str) -> Sequence[DelegatedAdministrator]:
        """The services the account administers, oldest registration first."""
        ...

    def count_delegated_administrators(self, directory_id: str, service_principal: str) -> int: ...

    def delegated_administrator_page(
        self, directory_id: str, *, service_principal: str | None, limit: int, offset: int
    ) -> tuple[Sequence[DelegatedAdministratorView], int]:
        """The directory's delegated administrators (of one service, or all), oldest registration first, and how
        many there are."""
        ...

    def enabled_services(
        self, directory_id: str, *, account_id: str | None, limit: int, offset: int
    ) -> tuple[Sequence[tuple[str, int]], int]:
        """Each trusted service with a delegated administrator (of ``account_id`` only, when given) and when its
        first was registered, in principal order, and how many there are."""
        ...
