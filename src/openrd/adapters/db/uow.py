"""The SQLAlchemy unit of work: one connection, one transaction, the repositories bound to it."""

from __future__ import annotations

import logging
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from openrd import errors
from openrd.adapters.db.connections import CACHED_CONNECTIONS, WAIT_SECONDS, ConnectionCache, connection_lost, driver_of
from openrd.adapters.db.engine import PING_IDLE_AFTER_SECONDS, sqlite_file
from openrd.adapters.db.page_cache import MemberPageCache
from openrd.adapters.db.repositories import nonce_params, nonce_upsert
from openrd.adapters.db.repository_set import repositories_for
from openrd.adapters.db.writer_lock import WriterLock, lock_file_for
from openrd.services.ports import RepositoryAccess, SecretBox, UnitOfWork

log = logging.getLogger("openrd.db")

SQLITE_BUSY = 5  # and SQLITE_BUSY_SNAPSHOT (517): a read transaction that cannot become a write transaction


class SqlUnitOfWork(RepositoryAccess):
    """One connection, and for a write one transaction, with the repositories bound to it (repository_set.py).

    A read (``write=False``) opens no transaction through SQLAlchemy, whose BEGIN and COMMIT cost as much as a
    signed read's statements (docs/architecture.md#driver-level-transactions-and-savepoints). On PostgreSQL it runs in
    autocommit: each statement reads the latest committed state, as each statement of a READ COMMITTED transaction does
    anyway, without the two round trips. On SQLite it opens a read transaction on the driver (one snapshot for all its
    statements: a snapshot per statement costs SQLite more), which a statement run through SQLAlchemy joins (engine.py).
    """

    def __init__(
        self,
        engine: Engine,
        box: SecretBox,
        *,
        write: bool = True,
        cache: ConnectionCache,
        writer_lock: WriterLock | None = None,
        pages: MemberPageCache | None = None,
    ) -> None:
        self._engine = engine
        self._box = box
        self._write = write
        self._writer_lock = writer_lock if write else None
        self._cache = cache
        self._sqlite = engine.dialect.name == "sqlite"
        # Only a read lists from kept pages: a change sees its own uncommitted rows, under a revision that its
        # rollback would hand to another change.
        self._pages = None if write else pages
        self._holds_lock = False
        self._savepoints = 0
        self._conn: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._writer_lock is not None:
            # The same bound as SQLite's busy timeout: past it the store is overloaded, say so (503).
            if not self._writer_lock.acquire(timeout=WAIT_SECONDS):
                raise errors.ServiceUnavailable()
            self._holds_lock = True
        conn: Connection | None = None
        try:
            conn = self._cache.checkout(write=self._write)  # a read's is in autocommit on PostgreSQL
            if self._write:
                conn.begin()
            elif self._sqlite:
                driver_of(conn).execute("BEGIN DEFERRED")
        except BaseException as error:
            if conn is not None:
                conn.close()
            self._release()
            if isinstance(error, OperationalError):  # the database does not answer: a temporary failure
                log.warning("database unreachable", extra={"error": type(error.orig).__name__})
                raise errors.ServiceUnavailable() from error
            raise
        self._conn = conn
        self.repositories = repositories_for(conn, self._box, write=self._write, pages=self._pages)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn = self._conn
        self._conn = None
        if conn is None:
            return
        lost = exc if connection_lost(conn, exc) else None
        try:
            if lost is not None:
                conn.invalidate()  # nothing can be committed or rolled back on it
            elif self._write:
                keep = exc_type is None or (isinstance(exc, errors.OpenRDError) and exc.keeps_changes)
                self._finish(conn, commit=keep)
            elif conn.in_transaction():
                conn.rollback()  # a statement through SQLAlchemy joined the read transaction: end it there
            elif self._sqlite:
                driver_of(conn).rollback()  # a read has nothing to keep
        except DBAPIError as error:
            if not connection_lost(conn, error):
                raise
            lost = error
            conn.invalidate()
        finally:
            self._cache.checkin(conn, write=self._write)
            self._release()
        if lost is not None:
            # The database went away under the call (a restart, the network): the pool's other connections are as
            # dead. A new pool replaces it (idle connections closed now, those in use when they come back), so the
            # calls that follow connect afresh instead of each failing once. Statements run on the driver
            # (prepared.py) bypass SQLAlchemy's own disconnect handling, which would do the same.
            self._engine.dispose()
            self._cache.clear()
            log.warning("database connection lost", extra={"error": type(lost).__name__})
            raise errors.ServiceUnavailable() from lost
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

    def nested(self) -> NestedUnitOfWork:
        return NestedUnitOfWork(self)

    def savepoint_name(self) -> str:
        self._savepoints += 1
        return f"openrd_{self._savepoints}"

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work is not open")
        return self._conn


class NestedUnitOfWork(RepositoryAccess):
    """A savepoint in an open unit of work, with the same repositories: what a call's handler gets when its
    authentication and its change share one transaction (api/auth.py). Leaving it normally keeps its changes for
    the enclosing commit; an exception rolls back to it, except an API error raised ``keeping_changes`` (a counted
    wrong attempt).

    The savepoint statements go to the driver directly, as BEGIN does (engine.py): SQLAlchemy's ``begin_nested``
    compiled and dispatched them at a cost close to a whole transaction's
    (docs/architecture.md#driver-level-transactions-and-savepoints).
    """

    def __init__(self, outer: SqlUnitOfWork) -> None:
        self._outer = outer
        self._savepoint: str | None = None
        self.repositories = outer.repositories

    def _run(self, statement: str) -> None:
        self._outer.connection.connection.driver_connection.execute(statement)  # type: ignore[union-attr]

    def __enter__(self) -> NestedUnitOfWork:
        name = self._outer.savepoint_name()
        self._run(f"SAVEPOINT {name}")
        self._savepoint = name
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        name, self._savepoint = self._savepoint, None
        if name is None:
            return
        if exc_type is not None and not (isinstance(exc, errors.OpenRDError) and exc.keeps_changes):
            self._run(f"ROLLBACK TO SAVEPOINT {name}")
        # No RELEASE: what the savepoint kept belongs to the enclosing transaction either way, and that
        # transaction's COMMIT or ROLLBACK ends the savepoint with it (each has a name of its own, so none is
        # reused). A RELEASE was one more statement per write call, on PostgreSQL a network round trip.
        if isinstance(exc, IntegrityError):
            raise errors.ConcurrentCallNotSupported() from exc  # as SqlUnitOfWork: a concurrent call won

    def nested(self) -> NestedUnitOfWork:
        return NestedUnitOfWork(self._outer)

    @property
    def connection(self) -> Connection:
        return self._outer.connection


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine, box: SecretBox, *, ping_idle_after: float = PING_IDLE_AFTER_SECONDS) -> None:
        """``ping_idle_after``: as the engine's (make_engine), for the connections kept between transactions."""
        self.engine = engine
        self.box = box
        # SQLite has one writer at a time: writers queue on a lock of their own (writer_lock.py), not in SQLite's
        # busy handler, which polls with sleeps of up to 100 ms. Readers never take it (WAL).
        sqlite = engine.dialect.name == "sqlite"
        self._writer_lock = WriterLock(lock_file_for(sqlite_file(engine))) if sqlite else None
        self._sqlite = sqlite
        self._cache = ConnectionCache(
            engine, size=CACHED_CONNECTIONS, ping_idle_after=None if sqlite else ping_idle_after
        )
        self._pages = MemberPageCache() if sqlite else None  # PostgreSQL counts no revision (migration 0010)

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine, self.box, write=write, writer_lock=self._writer_lock, cache=self._cache, pages=self._pages
        )

    def writer_busy(self) -> bool:
        """Whether a call that writes would wait for SQLite's writer lock now (always False on PostgreSQL)."""
        return self._writer_lock is not None and self._writer_lock.busy()

    def record_nonce(
        self,
        uow: UnitOfWork,
        access_key_id: str,
        nonce: str,
        *,
        now_ms: int,
        window_ms: int,
        stamped_ms: int | None = None,
    ) -> bool:
        """Record a signed read's nonce at the end of its read unit of work, committed at once; False if another
        request has it (api/auth.py: the read ran without the write lock, which is taken here for the upsert and
        the commit only).

        PostgreSQL: the read's connection is in autocommit, so this is one statement. SQLite: the read transaction
        becomes the write transaction (one snapshot, one commit, on the driver directly); if another process
        committed since the read began, SQLite cannot upgrade it (SQLITE_BUSY_SNAPSHOT; nor while a writer that
        does not take this lock, a sqlite3 shell, holds SQLite's, SQLITE_BUSY without waiting), and the nonce goes
        in a fresh write transaction, which waits for SQLite's lock as every other writer does.
        """
        assert isinstance(uow, SqlUnitOfWork)
        conn = uow.connection
        params = nonce_params(access_key_id, nonce, now_ms=now_ms, window_ms=window_ms, stamped_ms=stamped_ms)
        upsert = nonce_upsert(conn.dialect.name)
        if not self._sqlite:
            return upsert.first(conn, params) is not None
        lock = self._writer_lock
        if lock is not None and not lock.acquire(timeout=WAIT_SECONDS):
            raise errors.ServiceUnavailable()
        driver = driver_of(conn)
        try:
            if not driver.in_transaction:
                driver.execute("BEGIN IMMEDIATE")
            try:
                recorded = upsert.first(conn, params) is not None
            except OperationalError as error:
                if getattr(error.orig, "sqlite_errorcode", 0) & 0xFF != SQLITE_BUSY:
                    raise
                driver.rollback()
                driver.execute("BEGIN IMMEDIATE")
                recorded = upsert.first(conn, params) is not None
            driver.execute("COMMIT")
            return recorded
        except BaseException:
            driver.rollback()
            raise
        finally:
            if lock is not None:
                lock.release()

    def close(self) -> None:
        self._cache.close()
        if self._writer_lock is not None:
            self._writer_lock.close()
