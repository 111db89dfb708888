"""The directory repository: every noun of the directory (resource_directories.py, folders.py, members.py,
tags.py, settings.py, handshakes.py, delegation.py) on one connection, as ``uow.directory``."""

from __future__ import annotations

from openrd.adapters.db.account_deletions import SqlAccountDeletionRepository
from openrd.adapters.db.control_policies import SqlControlPolicyRepository
from openrd.adapters.db.delegation import SqlDelegationRepository
from openrd.adapters.db.folders import SqlFolderRepository
from openrd.adapters.db.handshakes import SqlHandshakeRepository
from openrd.adapters.db.members import SqlMemberRepository, SqlMemberViewRepository
from openrd.adapters.db.resource_directories import SqlResourceDirectoryRepository
from openrd.adapters.db.settings import SqlSettingsRepository
from openrd.adapters.db.tags import SqlTagRepository


class SqlDirectoryRepository(
    SqlResourceDirectoryRepository,
    SqlFolderRepository,
    SqlMemberRepository,
    SqlMemberViewRepository,
    SqlTagRepository,
    SqlSettingsRepository,
    SqlHandshakeRepository,
    SqlDelegationRepository,
    SqlControlPolicyRepository,
    SqlAccountDeletionRepository,
):
    """One object for all of them: they share the connection and what a read's caller lookup brought along, and a
    call reaches each method in one attribute lookup."""
