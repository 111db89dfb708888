"""The resource directory's repositories, one small Protocol per noun (directories, folders, members, how members
are shown, tags, handshakes), and ``DirectoryRepository``, all of them on one connection: ``uow.directory``.

A service helper that needs one noun takes that noun's Protocol; ``uow.directory`` is each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from openrd.domain.directory import (
    Directory,
    Folder,
    Handshake,
    HandshakeStatus,
    Member,
    MemberRow,
    MemberView,
    Standing,
)
from openrd.services.ports.account_deletion import AccountDeletionRepository
from openrd.services.ports.control_policies import ControlPolicyRepository
from openrd.services.ports.delegation import DelegationRepository
from openrd.services.ports.store import KeyLock


class ResourceDirectoryRepository(Protocol):
    def add_directory(self, directory: Directory) -> None: ...

    def get_directory(self, directory_id: str) -> Directory | None: ...

    def directory_managed_by(self, account_id: str) -> Directory | None: ...

    def all_directories(self) -> Sequence[Directory]:
        """Every directory, oldest first (the console shows them all)."""
        ...

    def delete_directory(self, directory_id: str) -> None: ...


class FolderRepository(Protocol):
    def add_folder(self, folder: Folder) -> None: ...

    def get_folder(self, folder_id: str) -> Folder | None: ...

    def child_folders(
        self, parent_id: str, *, keyword: str | None, limit: int, offset: int
    ) -> tuple[Sequence[Folder], int]: ...

    def folder_name_taken(self, parent_id: str, name: str) -> bool: ...

    def has_subfolders(self, folder_id: str) -> bool: ...

    def count_folders(self, directory_id: str) -> int: ...

    def rename_folder(self, folder_id: str, name: str) -> None: ...

    def delete_folder(self, folder_id: str) -> None: ...


class MemberRepository(Protocol):
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


class MemberViewRepository(Protocol):
    """Members as the calls show them: with their accounts, folders and tags, read in as few statements as can be."""

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


class TagRepository(Protocol):
    """The one tag store of every taggable resource (docs/tags.md), rows keyed by type, id and key. ``owner_id`` is
    the account whose listings show a row: a directory's management account for its accounts and folders."""

    def tags_of(self, account_ids: Iterable[str]) -> dict[str, tuple[tuple[str, str], ...]]:
        """Tags of those accounts, by account id, in key order (the member views)."""
        ...

    def resource_tags(self, resource_type: str, resource_id: str) -> dict[str, str]: ...

    def put_tags(self, resource_type: str, resource_id: str, owner_id: str, tags: Iterable[tuple[str, str]]) -> None:
        """Add those tags; a key the resource already carries takes the new value."""
        ...

    def remove_tags(self, resource_type: str, resource_id: str, keys: Sequence[str] | None) -> None:
        """Remove those keys (absent ones are no error); every tag of the resource when ``keys`` is None."""
        ...

    def tag_rows(
        self,
        owner_id: str,
        resource_type: str,
        *,
        resource_ids: Sequence[str],
        filters: Sequence[tuple[str, str]],
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[tuple[str, str, str]]:
        """(resource id, key, value) rows of the owner's resources of that type, by resource id then key, after
        ``after`` (a (resource id, key) pair). Only those resources when ``resource_ids`` is given; only rows whose
        key (and value, when one is given) a filter names when ``filters`` is."""
        ...

    def tag_keys(
        self, owner_id: str, resource_type: str, *, contains: str | None, after: str | None, limit: int
    ) -> list[str]:
        """The distinct keys the owner's resources of that type carry, in order, after ``after``."""
        ...

    def tag_values(
        self, owner_id: str, resource_type: str, key: str, *, contains: str | None, after: str | None, limit: int
    ) -> list[str]:
        """The distinct values of ``key`` on the owner's resources of that type, in order, after ``after``."""
        ...


class SettingsRepository(Protocol):
    """The directory's settings and who pays for each member (docs/settings.md)."""

    def set_directory_settings(self, directory_id: str, **settings: Any) -> None:
        """Set columns of the directory's row: ``member_deletion_status``, ``member_display_name_sync_status``."""
        ...

    def payer_of(self, account_id: str) -> str | None:
        """The account that pays for this member; None: it pays for itself."""
        ...

    def set_payer(self, account_id: str, payer_account_id: str) -> None: ...

    def members_paid_by(self, payer_account_id: str) -> list[str]:
        """The members that account pays for, by account id."""
        ...


class HandshakeRepository(Protocol):
    def add_handshake(self, handshake: Handshake) -> None: ...

    def get_handshake(self, handshake_id: str) -> Handshake | None: ...

    def set_handshake_status(self, handshake_id: str, status: HandshakeStatus, *, now_ms: int) -> None: ...

    def handshakes(
        self, *, directory_id: str | None = None, invited_account_id: str | None = None, limit: int, offset: int
    ) -> tuple[Sequence[Handshake], int]: ...

    def pending_handshake(self, directory_id: str, invited_account_id: str, *, now_ms: int) -> Handshake | None: ...

    def account_id_by_login(self, name: str) -> str | None:
        """The account an invitation by login name invites (case-insensitive; the oldest if the control API made
        several)."""
        ...


class DirectoryRepository(
    KeyLock,
    AccountDeletionRepository,
    ResourceDirectoryRepository,
    FolderRepository,
    MemberRepository,
    MemberViewRepository,
    TagRepository,
    SettingsRepository,
    HandshakeRepository,
    DelegationRepository,
    ControlPolicyRepository,
    Protocol,
):
    """Every repository of the directory on one connection, with the lock the directory's changes take."""
