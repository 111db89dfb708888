"""Ports: the small Protocols services depend on. Adapters implement them; bootstrap.py wires them.

In-process implementations that need no I/O (clock, randomness) live in ``openrd.adapters``; the storage
ports are implemented once, on SQLAlchemy, and tested on real SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, runtime_checkable

from openrd.domain.accounts import Account
from openrd.domain.directory import (
    AuditEvent,
    Directory,
    Folder,
    Handshake,
    HandshakeStatus,
    Member,
    MemberRow,
    MemberView,
    Standing,
)
from openrd.domain.identity import AccessKey, Caller, RamRole, RamUser, StsSession
from openrd.domain.sms import OutboundSms, SmsRecord
from openrd.domain.verification import StoredCode


class Clock(Protocol):
    """The business clock (A10.1): code expiry, quotas, throttles, STS expiry, times in responses."""

    def now(self) -> datetime: ...


@runtime_checkable
class StoredOffsetClock(Clock, Protocol):
    """A business clock that is real time plus an offset kept in the store: a call that read the offset with its
    first lookup can tell the time without reading it again."""

    def at_offset(self, offset_seconds: int) -> datetime: ...


class RandomSource(Protocol):
    """CSPRNG by default; seedable (OPENRD_SEED) so emulator runs are reproducible."""

    def digits(self, length: int) -> str: ...

    def alnum(self, length: int) -> str: ...

    def token(self, nbytes: int) -> str: ...

    def request_id(self) -> str: ...


class SecretBox(Protocol):
    """Encryption at rest for AccessKey secrets and keyed hashing for tokens and codes."""

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, ciphertext: str) -> str: ...

    def keyed_hash(self, *parts: str) -> str: ...


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...

    def get(self, account_id: str) -> Account | None: ...

    def name_taken(self, name: str) -> bool: ...

    def update(self, account: Account) -> None: ...

    def list(self, *, limit: int, offset: int) -> Sequence[Account]: ...

    def bind_phone_if_unset(self, account_id: str, phone: str) -> bool:
        """Set the secure phone only if it has none; False if another transaction bound one first."""
        ...


class IdentityRepository(Protocol):
    def add_user(self, user: RamUser) -> None: ...

    def get_user(self, user_id: str) -> RamUser | None: ...

    def find_user(self, account_id: str, name: str) -> RamUser | None: ...

    def add_role(self, role: RamRole) -> None: ...

    def get_role(self, role_id: str) -> RamRole | None: ...

    def find_role(self, account_id: str, name: str) -> RamRole | None: ...

    def attach_policy(
        self, principal_type: str, principal_id: str, *, name: str | None, document: str | None
    ) -> None: ...

    def policies_of(self, principal_type: str, principal_id: str) -> Sequence[tuple[str | None, str | None]]: ...

    def add_access_key(self, key: AccessKey) -> None: ...

    def get_access_key(self, access_key_id: str) -> AccessKey | None: ...

    def caller(self, access_key_id: str, *, nonce: str, nonce_since_ms: int) -> Caller | None:
        """The key, its user and whether ``nonce`` was seen since ``nonce_since_ms``, in one lookup."""
        ...

    def set_access_key_status(self, access_key_id: str, status: str) -> bool: ...

    def add_session(self, session: StsSession, *, token_hash: str) -> None: ...

    def session_by_token_hash(self, token_hash: str) -> StsSession | None: ...


class NonceRepository(Protocol):
    def remember(self, access_key_id: str, nonce: str, *, now_ms: int, window_ms: int) -> bool:
        """Record the nonce; False when it was already seen within the window (a replay)."""
        ...

    def forget_older_than(self, cutoff_ms: int) -> int: ...


class StateRepository(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


class CodeRepository(Protocol):
    def lock(self, key: str) -> None: ...

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


class DirectoryRepository(Protocol):
    def lock(self, key: str) -> None: ...

    def add_directory(self, directory: Directory) -> None: ...

    def get_directory(self, directory_id: str) -> Directory | None: ...

    def directory_managed_by(self, account_id: str) -> Directory | None: ...

    def all_directories(self) -> Sequence[Directory]:
        """Every directory, oldest first (the console shows them all)."""
        ...

    def delete_directory(self, directory_id: str) -> None: ...

    def add_folder(self, folder: Folder) -> None: ...

    def get_folder(self, folder_id: str) -> Folder | None: ...

    def child_folders(
        self, parent_id: str, *, keyword: str | None, limit: int, offset: int
    ) -> tuple[Sequence[Folder], int]: ...

    def folder_name_taken(self, parent_id: str, name: str) -> bool: ...

    def has_subfolders(self, folder_id: str) -> bool: ...

    def count_folders(self, directory_id: str) -> int: ...

    def delete_folder(self, folder_id: str) -> None: ...

    def rename_folder(self, folder_id: str, name: str) -> None: ...

    def add_member(self, member: Member) -> None: ...

    def get_member(self, account_id: str) -> Member | None: ...

    def members_of(self, account_ids: Sequence[str]) -> dict[str, Member]:
        """The memberships of those accounts that belong to a directory, by account id."""
        ...

    def update_member(self, member: Member) -> None: ...

    def remove_member(self, account_id: str) -> None: ...

    def count_members(self, directory_id: str, *, excluding: str | None = None) -> int: ...

    def folder_has_members(self, folder_id: str) -> bool: ...

    def display_name_taken(self, directory_id: str, display_name: str, *, excluding: str | None = None) -> bool: ...

    def member_page(
        self,
        directory_id: str,
        *,
        folder_id: str | None = None,
        keyword: str | None = None,
        tags: Sequence[tuple[str, str]] = (),
        limit: int,
        offset: int,
        with_tags: bool = True,
    ) -> tuple[Sequence[MemberRow], int]:
        """A page of members in join order (then account id), with the total that matches the filters.
        ``with_tags=False``: the rows' tags may be left out (empty), for a caller that does not show them."""
        ...

    def member_view(self, account_id: str) -> MemberView | None: ...

    def standings(self, first: str, second: str) -> dict[str, Standing]:
        """Where each of two accounts stands (membership, managed directory), by account id; unknown ids are absent."""
        ...

    def managed_member(self, manager_id: str, account_id: str) -> tuple[Directory, MemberView, Folder] | None:
        """The member ``account_id`` of the directory ``manager_id`` manages, with that directory and the member's
        folder; None when there is no such directory or the account is not in it."""
        ...

    def set_tags(self, account_id: str, tags: Iterable[tuple[str, str]]) -> None: ...

    def tags_of(self, account_ids: Iterable[str]) -> dict[str, tuple[tuple[str, str], ...]]: ...

    def add_handshake(self, handshake: Handshake) -> None: ...

    def get_handshake(self, handshake_id: str) -> Handshake | None: ...

    def set_handshake_status(self, handshake_id: str, status: HandshakeStatus, *, now_ms: int) -> None: ...

    def handshakes(
        self, *, directory_id: str | None = None, invited_account_id: str | None = None, limit: int, offset: int
    ) -> tuple[Sequence[Handshake], int]: ...

    def pending_handshake(self, directory_id: str, invited_account_id: str, *, now_ms: int) -> Handshake | None: ...

    def account_id_by_login(self, name: str) -> str | None:
        """The account with this login name (case-insensitive; the oldest if the control API made several)."""
        ...


class AuditRepository(Protocol):
    def add(self, event: AuditEvent) -> None: ...

    def settle(self, event: AuditEvent) -> None:
        """Record ``event``'s outcome on the row of its RequestId, adding the row when the call wrote none."""

    def list(
        self, *, account_id: str | None, action: str | None = None, result: str | None = None, limit: int
    ) -> Sequence[AuditEvent]: ...


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


class UnitOfWork(Protocol):
    """One transaction. ``with uow:`` commits on success and rolls back on any exception."""

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
    def __call__(self, uow: UnitOfWork, access_key_id: str, nonce: str, *, now_ms: int, window_ms: int) -> bool:
        """Record a nonce at the end of the read unit of work ``uow``, committed at once (as
        NonceRepository.remember): False if another request has it."""
        ...


class Store(Protocol):
    """Whole-store operations used by the control API and health checks."""

    kind: str

    def reset(self) -> None: ...

    def ping(self) -> bool: ...
