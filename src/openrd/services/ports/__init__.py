"""Ports: the small Protocols services depend on, one module per noun. Adapters implement them; bootstrap.py
wires them. Import them from here (``from openrd.services.ports import UnitOfWork``).

In-process implementations that need no I/O (clock, randomness) live in ``openrd.adapters``; the storage
ports are implemented once, on SQLAlchemy, and tested on real SQLite and PostgreSQL.
"""

from openrd.services.ports.account_deletion import AccountDeletionRepository
from openrd.services.ports.accounts import AccountRepository
from openrd.services.ports.audit import AuditRepository
from openrd.services.ports.clock import Clock, StoredOffsetClock
from openrd.services.ports.codes import CodeRepository
from openrd.services.ports.control_policies import ControlPolicyRepository
from openrd.services.ports.crypto import RandomSource, SecretBox
from openrd.services.ports.directory import (
    DirectoryRepository,
    FolderRepository,
    HandshakeRepository,
    MemberRepository,
    MemberViewRepository,
    ResourceDirectoryRepository,
    SettingsRepository,
    TagRepository,
)
from openrd.services.ports.identity import IdentityRepository, NonceRepository
from openrd.services.ports.policies import PolicyRepository
from openrd.services.ports.ram import RamRepository
from openrd.services.ports.ram_tags import RamTagRepository
from openrd.services.ports.resource_groups import GroupFilter, ResourceGroupRepository
from openrd.services.ports.sms import DeliveryError, OutboxRepository, SmsSender
from openrd.services.ports.store import KeyLock, StateRepository, Store
from openrd.services.ports.units import (
    NonceRecorder,
    Repositories,
    RepositoryAccess,
    RepositorySet,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = [
    "AccountDeletionRepository",
    "AccountRepository",
    "AuditRepository",
    "Clock",
    "CodeRepository",
    "ControlPolicyRepository",
    "DeliveryError",
    "DirectoryRepository",
    "FolderRepository",
    "GroupFilter",
    "HandshakeRepository",
    "IdentityRepository",
    "KeyLock",
    "MemberRepository",
    "MemberViewRepository",
    "NonceRecorder",
    "NonceRepository",
    "OutboxRepository",
    "PolicyRepository",
    "RamRepository",
    "RamTagRepository",
    "RandomSource",
    "Repositories",
    "RepositoryAccess",
    "RepositorySet",
    "ResourceDirectoryRepository",
    "ResourceGroupRepository",
    "SecretBox",
    "SettingsRepository",
    "SmsSender",
    "StateRepository",
    "Store",
    "StoredOffsetClock",
    "TagRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
]
