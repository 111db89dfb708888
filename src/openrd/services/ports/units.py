"""The unit of work: one transaction and the set of repositories bound to it."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

from openrd.services.ports.accounts import AccountRepository
from openrd.services.ports.audit import AuditRepository
from openrd.services.ports.codes import CodeRepository
from openrd.services.ports.directory import DirectoryRepository
from openrd.services.ports.identity import IdentityRepository, NonceRepository
from openrd.services.ports.policies import PolicyRepository
from openrd.services.ports.ram import RamRepository
from openrd.services.ports.ram_tags import RamTagRepository
from openrd.services.ports.resource_groups import ResourceGroupRepository
from openrd.services.ports.sms import OutboxRepository
from openrd.services.ports.store import StateRepository


class RepositorySet(Protocol):
    """The repositories as services see them: ``uow.accounts`` …"""

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def identity(self) -> IdentityRepository: ...

    @property
    def nonces(self) -> NonceRepository: ...

    @property
    def state(self) -> StateRepository: ...

    @property
    def codes(self) -> CodeRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def directory(self) -> DirectoryRepository: ...

    @property
    def audit(self) -> AuditRepository: ...

    @property
    def policies(self) -> PolicyRepository: ...

    @property
    def ram_tags(self) -> RamTagRepository: ...

    @property
    def ram(self) -> RamRepository: ...

    @property
    def resource_groups(self) -> ResourceGroupRepository: ...


@dataclass(frozen=True, slots=True)
class Repositories:
    """The repositories of one open unit of work, bound to its connection. The store's adapter builds the set once
    per unit of work; a savepoint or a joined read inside it shares the same set (``RepositoryAccess``). Adding a
    repository: a field here, a property in ``RepositorySet`` and ``RepositoryAccess``, and its construction in
    the adapter's one place (adapters/db/repository_set.py)."""

    accounts: AccountRepository
    identity: IdentityRepository
    nonces: NonceRepository
    state: StateRepository
    codes: CodeRepository
    outbox: OutboxRepository
    directory: DirectoryRepository
    audit: AuditRepository
    policies: PolicyRepository
    ram_tags: RamTagRepository
    ram: RamRepository
    resource_groups: ResourceGroupRepository


class RepositoryAccess:
    """``uow.accounts`` … of a unit-of-work kind that holds its repositories in ``repositories``: each kind
    inherits these instead of copying every repository onto itself. The set is a ``Repositories``, or the open
    unit of work another kind works inside."""

    repositories: RepositorySet

    @property
    def accounts(self) -> AccountRepository:
        return self.repositories.accounts

    @property
    def identity(self) -> IdentityRepository:
        return self.repositories.identity

    @property
    def nonces(self) -> NonceRepository:
        return self.repositories.nonces

    @property
    def state(self) -> StateRepository:
        return self.repositories.state

    @property
    def codes(self) -> CodeRepository:
        return self.repositories.codes

    @property
    def outbox(self) -> OutboxRepository:
        return self.repositories.outbox

    @property
    def directory(self) -> DirectoryRepository:
        return self.repositories.directory

    @property
    def audit(self) -> AuditRepository:
        return self.repositories.audit

    @property
    def policies(self) -> PolicyRepository:
        return self.repositories.policies

    @property
    def ram_tags(self) -> RamTagRepository:
        return self.repositories.ram_tags

    @property
    def ram(self) -> RamRepository:
        return self.repositories.ram

    @property
    def resource_groups(self) -> ResourceGroupRepository:
        return self.repositories.resource_groups


class UnitOfWork(RepositorySet, Protocol):
    """One transaction. ``with uow:`` commits on success and rolls back on any exception."""

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def nested(self) -> UnitOfWork:
        """A unit of work inside this open one (a savepoint): leaving it keeps its changes for the outer commit,
        an exception undoes only its own changes (unless raised ``keeping_changes``)."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = True) -> UnitOfWork: ...


class NonceRecorder(Protocol):
    def __call__(
        self,
        uow: UnitOfWork,
        access_key_id: str,
        nonce: str,
        *,
        now_ms: int,
        window_ms: int,
        stamped_ms: int | None = None,
    ) -> bool:
        """Record a nonce at the end of the read unit of work ``uow``, committed at once (as
        NonceRepository.remember): False if another request has it."""
        ...
