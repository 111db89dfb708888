"""The SQLAlchemy unit of work: one connection, one transaction, the repositories bound to it."""

from __future__ import annotations

import threading
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from openrd import errors
from openrd.adapters.db.codes import SqlCodeRepository, SqlOutboxRepository
from openrd.adapters.db.directory import SqlAuditRepository, SqlDirectoryRepository
from openrd.adapters.db.engine import BEGIN_MODE
from openrd.adapters.db.repositories import (
    SqlAccountRepository,
    SqlIdentityRepository,
    SqlNonceRepository,
    SqlStateRepository,
)
from openrd.services.ports import SecretBox

WRITER_WAIT_SECONDS = 30.0


class SqlUnitOfWork:
    def __init__(
        self, engine: Engine, box: SecretBox, *, write: bool = True, writer_lock: threading.Lock | None = None
    ) -> None:
        self._engine = engine
        self._box = box
        self._write = write
        self._writer_lock = writer_lock if write else None
        self._holds_lock = False
        self._conn: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._writer_lock is not None:
            # The same bound as SQLite's busy timeout: past it the store is overloaded, say so (503).
            if not self._writer_lock.acquire(timeout=WRITER_WAIT_SECONDS):
                raise errors.ServiceUnavailable()
            self._holds_lock = True
        try:
            conn = self._engine.connect()
            if self._write and self._engine.dialect.name == "sqlite":
                conn = conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            conn.begin()
        except BaseException:
            self._release()
            raise
        self._conn = conn
        self.accounts = SqlAccountRepository(conn)
        self.identity = SqlIdentityRepository(conn, self._box)
        self.nonces = SqlNonceRepository(conn)
        self.state = SqlStateRepository(conn)
        self.codes = SqlCodeRepository(conn)
        self.outbox = SqlOutboxRepository(conn, self._box)
        self.directory = SqlDirectoryRepository(conn)
        self.audit = SqlAuditRepository(conn)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn = self._conn
        self._conn = None
        if conn is None:
            return
        try:
            keep = exc_type is None or (isinstance(exc, errors.OpenRDError) and exc.keeps_changes)
            self._finish(conn, commit=keep)
        finally:
            self._release()
        if isinstance(exc, IntegrityError):
            # A unique constraint caught what the checks could not see: a concurrent call won. Say so, not 500.
            raise errors.ConcurrentCallNotSupported() from exc

    def _release(self) -> None:
        if self._holds_lock and self._writer_lock is not None:
            self._holds_lock = False
            self._writer_lock.release()

    @staticmethod
    def _finish(conn: Connection, *, commit: bool) -> None:
        try:
            if commit:
                conn.commit()
            else:
                conn.rollback()
        except IntegrityError as error:
            conn.rollback()
            raise errors.ConcurrentCallNotSupported() from error
        finally:
            conn.close()

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work is not open")
        return self._conn


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine, box: SecretBox) -> None:
        self.engine = engine
        self.box = box
        # SQLite has one writer at a time. Threads of this process queue on a mutex instead of SQLite's busy
        # handler, which polls with sleeps of up to 100 ms and turned contention into second-long latencies.
        # Other processes still wait in the busy handler; readers never take the mutex (WAL).
        self._writer_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.box, write=write, writer_lock=self._writer_lock)
