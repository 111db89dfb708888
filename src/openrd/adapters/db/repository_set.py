"""The repositories of a unit of work, built in one place for every kind of unit of work (uow.py)."""

from __future__ import annotations

from sqlalchemy import Connection

from openrd.adapters.db.audit import SqlAuditRepository
from openrd.adapters.db.codes import SqlCodeRepository, SqlOutboxRepository
from openrd.adapters.db.directory import SqlDirectoryRepository
from openrd.adapters.db.page_cache import MemberPageCache
from openrd.adapters.db.ram import SqlRamRepository
from openrd.adapters.db.ram_policies import SqlPolicyRepository
from openrd.adapters.db.ram_tags import SqlRamTagRepository
from openrd.adapters.db.repositories import (
    SqlAccountRepository,
    SqlIdentityRepository,
    SqlNonceRepository,
    SqlStateRepository,
)
from openrd.adapters.db.resource_groups import SqlResourceGroupRepository
from openrd.services.ports import Repositories, SecretBox


def repositories_for(
    conn: Connection, box: SecretBox, *, write: bool, pages: MemberPageCache | None = None
) -> Repositories:
    """The set bound to ``conn``. ``pages``: the member pages a read may list from (a write must not: it sees its
    own uncommitted rows)."""
    directory = SqlDirectoryRepository(conn, pages=None if write else pages)
    # A read keeps the directory its caller lookup brought along; a change must read it after its locks.
    seen_managed = None if write else directory.know_managed
    return Repositories(
        accounts=SqlAccountRepository(conn),
        identity=SqlIdentityRepository(conn, box, seen_managed=seen_managed),
        nonces=SqlNonceRepository(conn),
        state=SqlStateRepository(conn),
        codes=SqlCodeRepository(conn),
        outbox=SqlOutboxRepository(conn, box),
        directory=directory,
        audit=SqlAuditRepository(conn),
        policies=SqlPolicyRepository(conn),
        ram_tags=SqlRamTagRepository(conn),
        ram=SqlRamRepository(conn),
        resource_groups=SqlResourceGroupRepository(conn),
    )
