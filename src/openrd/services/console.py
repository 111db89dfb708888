"""What the console page shows, read in one transaction: inbox, directory trees, audit log, clock.

Phones leave this module masked only (``86-139****1234``): the page never needs a full number, so it never
gets one. The change marker is the cheap question the live page asks twice a second; the snapshot is the
expensive answer it asks for only when the marker moves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from openrd.domain import account_deletion as deletion_rules
from openrd.domain.account_deletion import CheckStatus, DeletionStatus
from openrd.domain.directory import AuditEvent, Directory, MemberRow
from openrd.domain.phone import mask_phone
from openrd.domain.times import epoch_ms
from openrd.services import guardrails
from openrd.services.context import Deps
from openrd.services.emulator import clock_offset
from openrd.services.ports import UnitOfWork

INBOX_LIMIT = 50
AUDIT_LIMIT = 200
# A console for a local emulator: past these sizes the page says how many it left out instead of paging.
MEMBERS_LIMIT = 1000
FOLDERS_LIMIT = 1000
ACCOUNTS_LIMIT = 500


@dataclass(frozen=True)
class InboxRow:
    message_id: str
    phone_masked: str
    code: str | None  # only where the SMS sender keeps it (inbox)
    purpose: str
    status: str
    account_id: str
    attempts: int
    created_ms: int


@dataclass(frozen=True)
class AccountNode:
    account_id: str
    display_name: str
    type: str  # CloudAccount | ResourceAccount, or "standalone" outside any directory
    join_method: str | None
    status: str | None
    phone_masked: str | None
    is_management: bool = False
    pending: str | None = None  # a state a transition will move (docs/lifecycle.md), e.g. PreChecking
    policies: tuple[str, ...] = ()  # the control policies attached to it, by name


@dataclass(frozen=True)
class FolderNode:
    folder_id: str
    name: str
    folders: tuple[FolderNode, ...]
    accounts: tuple[AccountNode, ...]
    policies: tuple[str, ...] = ()  # the control policies attached to it, by name


@dataclass(frozen=True)
class DirectoryTree:
    directory_id: str
    master_account_id: str
    master_account_name: str
    created_ms: int
    root: FolderNode
    member_count: int
    truncated: bool  # more members or folders than the console lists
    deleting: tuple[str, ...] = ()  # accounts whose deletion still reports Deleting
    control_policy_status: str = "Disabled"


@dataclass(frozen=True)
class ConsoleSnapshot:
    now: datetime  # the emulator clock when the snapshot was read
    offset_seconds: int
    inbox: tuple[InboxRow, ...]
    inbox_counts: tuple[tuple[str, int], ...]  # (status, count), all messages, not just the listed ones
    directories: tuple[DirectoryTree, ...]
    standalone: tuple[AccountNode, ...]  # accounts in no directory
    audit: tuple[AuditEvent, ...]

    @property
    def now_ms(self) -> int:
        return epoch_ms(self.now)

    @property
    def fingerprint(self) -> str:
        """Stable across processes (so it can be an SSE event id); ignores the ticking clock, not the offset."""
        content = (
            self.offset_seconds,
            self.inbox,
            self.inbox_counts,
            self.directories,
            self.standalone,
            self.audit,
        )
        return hashlib.sha256(repr(content).encode()).hexdigest()[:20]


def _masked(phone: str | None) -> str | None:
    return mask_phone(phone) if phone else None


def _account_node(
    member: MemberRow, directory: Directory, pending: str | None = None, policies: tuple[str, ...] = ()
) -> AccountNode:
    return AccountNode(
        account_id=member.account_id,
        display_name=member.display_name,
        type=member.type.value,
        join_method=member.join_method.value,
        status=member.status.value,
        phone_masked=_masked(member.secure_mobile_phone),
        is_management=member.account_id == directory.master_account_id,
        pending=pending,
        policies=policies,
    )


def _tree(uow: UnitOfWork, directory: Directory, now_ms: int) -> DirectoryTree:
    repo = uow.directory
    members, total = repo.member_page(directory.directory_id, limit=MEMBERS_LIMIT, offset=0)
    checking, deleting = _pending_deletions(uow, directory, now_ms)
    attached = repo.directory_attachments(directory.directory_id)
    by_folder: dict[str, list[AccountNode]] = {}
    for member in members:
        pending = CheckStatus.PRE_CHECKING.value if member.account_id in checking else None
        by_folder.setdefault(member.folder_id, []).append(
            _account_node(member, directory, pending, attached.get(member.account_id, ()))
        )
    # The management account first, then the rest in join order (member_page's order).
    for nodes in by_folder.values():
        nodes.sort(key=lambda node: not node.is_management)
    truncated = total > len(members)
    budget = FOLDERS_LIMIT

    def folder(folder_id: str, name: str) -> FolderNode:
        nonlocal truncated, budget
        children, count = repo.child_folders(folder_id, keyword=None, limit=max(budget, 0), offset=0)
        budget -= len(children)
        truncated = truncated or count > len(children)
        return FolderNode(
            folder_id=folder_id,
            name=name,
            folders=tuple(folder(child.folder_id, child.name) for child in children),
            accounts=tuple(by_folder.get(folder_id, ())),
            policies=attached.get(folder_id, ()),
        )

    root = repo.get_folder(directory.root_folder_id)
    tree = folder(directory.root_folder_id, root.name if root else "Root")
    return DirectoryTree(
        directory_id=directory.directory_id,
        master_account_id=directory.master_account_id,
        master_account_name=directory.master_account_name,
        created_ms=directory.created_ms,
        root=tree,
        member_count=int(total),
        truncated=truncated,
        deleting=deleting,
        control_policy_status=guardrails.status_of(directory, now_ms).value,
    )


def _pending_deletions(uow: UnitOfWork, directory: Directory, now_ms: int) -> tuple[set[str], tuple[str, ...]]:
    """The members whose deletion pre-check runs, and the accounts whose deletion still reports Deleting."""
    checking: set[str] = set()
    deleting: list[str] = []
    for known in uow.directory.deletions_in(directory.directory_id, limit=MEMBERS_LIMIT):
        if known.started:
            if deletion_rules.deletion_status(known.deletion_due_ms, now_ms) is DeletionStatus.DELETING:
                deleting.append(known.account_id)
        elif known.checked and deletion_rules.check_status(known.check_due_ms, now_ms) is CheckStatus.PRE_CHECKING:
            checking.add(known.account_id)
    return checking, tuple(deleting)


def _members(tree: FolderNode) -> set[str]:
    found = {account.account_id for account in tree.accounts}
    for child in tree.folders:
        found |= _members(child)
    return found


def snapshot(deps: Deps, *, inbox_limit: int = INBOX_LIMIT, audit_limit: int = AUDIT_LIMIT) -> ConsoleSnapshot:
    """Everything the page shows, from one read transaction."""
    codes_readable = deps.sender.keeps_text
    with deps.uow(write=False) as uow:
        offset = clock_offset(uow)
        now = deps.wall_clock.now() + timedelta(seconds=offset)
        inbox = tuple(
            InboxRow(
                message_id=record.message_id,
                phone_masked=mask_phone(record.phone),
                code=record.code if codes_readable else None,  # only the inbox sender shows codes
                purpose=record.purpose,
                status=record.status.value,
                account_id=record.account_id,
                attempts=record.attempts,
                created_ms=record.created_ms,
            )
            for record in uow.outbox.list(phone=None, status=None, limit=inbox_limit)
        )
        counts = tuple(sorted(uow.outbox.counts_by_status().items()))
        now_ms = epoch_ms(now)
        directories = tuple(_tree(uow, directory, now_ms) for directory in uow.directory.all_directories())
        in_a_directory: set[str] = set()
        for tree in directories:
            in_a_directory |= _members(tree.root)
        standalone = tuple(
            AccountNode(
                account_id=account.account_id,
                display_name=account.display_name,
                type="standalone",
                join_method=None,
                status=None,
                phone_masked=_masked(account.secure_mobile_phone),
            )
            for account in uow.accounts.list(limit=ACCOUNTS_LIMIT, offset=0)
            if account.account_id not in in_a_directory
        )
        audit = tuple(uow.audit.list(account_id=None, limit=audit_limit))
    return ConsoleSnapshot(
        now=now,
        offset_seconds=offset,
        inbox=inbox,
        inbox_counts=counts,
        directories=directories,
        standalone=standalone,
        audit=audit,
    )


def change_marker(deps: Deps) -> str:
    """A few indexed reads that move whenever the page would: newest SMS and status counts, newest audit event
    (every API call writes one, so directory changes show here), the clock offset and the directory list.

    Control-API-only edits (a new account, a patched phone) leave no audit event; the console also refreshes
    on a slower timer to catch those.
    """
    with deps.uow(write=False) as uow:
        parts = (
            [(r.message_id, r.created_ms) for r in uow.outbox.list(phone=None, status=None, limit=1)],
            sorted(uow.outbox.counts_by_status().items()),
            [(e.time_ms, e.request_id, e.result) for e in uow.audit.list(account_id=None, limit=1)],
            clock_offset(uow),
            [d.directory_id for d in uow.directory.all_directories()],
        )
    return repr(parts)
