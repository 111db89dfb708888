"""Connections kept between transactions (ConnectionCache), and statements committed apart from a unit of work's
transaction on connections of their own (ApartStatements, PostgreSQL)."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from openrd import errors
from openrd.adapters.db.engine import BEGIN_MODE, make_engine
from openrd.adapters.db.prepared import Prepared

log = logging.getLogger("openrd.db")

WAIT_SECONDS = 30.0  # the longest a call waits for SQLite's writer lock or a connection: SQLite's busy timeout
CACHED_CONNECTIONS = 4  # per kind (write, read); the engines' pools (make_engine) hold more than twice this
APART_CONNECTIONS = 4  # per process, for statements committed apart (ApartStatements): each is held for one statement


class ConnectionCache:
    """Open SQLAlchemy connections kept between transactions, one stack per kind (write or read).

    Checking a connection out of SQLAlchemy's pool and back in (a new ``Connection``, the pool's events, its reset
    rollback, and on PostgreSQL a read's switch to autocommit and back) cost more than a whole signed GetAccount's
    SQL on SQLite, and ~130 µs of a PostgreSQL one's Python (bench/profile_dispatch.py). A connection here sits
    between transactions exactly as the pool would keep it: no transaction open, its kind's options set.

    ``ping_idle_after`` (PostgreSQL): a connection kept idle for longer is pinged before it is used, as the pool
    pings its own (engine.py); a dead one means the server went away, and every connection kept here goes with it.
    """

    def __init__(self, engine: Engine, *, size: int, ping_idle_after: float | None = None) -> None:
        self._engine = engine
        self._size = size
        self._ping_idle_after = ping_idle_after
        sqlite = engine.dialect.name == "sqlite"
        self._options: dict[bool, dict[str, Any]] = {
            True: {BEGIN_MODE: "IMMEDIATE"} if sqlite else {},
            # PostgreSQL: a read runs in autocommit (SqlUnitOfWork), kept so while the connection is kept here.
            False: {BEGIN_MODE: "DEFERRED"} if sqlite else {"isolation_level": "AUTOCOMMIT"},
        }
        self._idle: dict[bool, deque[tuple[Connection, float]]] = {True: deque(), False: deque()}
        self._closed = False

    def checkout(self, *, write: bool) -> Connection:
        idle = self._idle[write]
        while True:
            try:
                conn, since = idle.pop()  # deque.pop/append are atomic: no lock needed between threads
            except IndexError:
                return self._engine.connect().execution_options(**self._options[write])
            limit = self._ping_idle_after
            if limit is None or time.monotonic() - since <= limit or self._alive(conn):
                return conn
            conn.invalidate()
            conn.close()
            self.clear()

    def _alive(self, conn: Connection) -> bool:
        dialect = self._engine.dialect
        try:
            dialect.do_ping(driver_of(conn))
        except dialect.loaded_dbapi.Error:
            return False
        return True

    def checkin(self, conn: Connection, *, write: bool) -> None:
        idle = self._idle[write]
        if self._closed or conn.invalidated or conn.in_transaction() or len(idle) >= self._size:
            conn.close()
            return
        idle.append((conn, time.monotonic()))

    def clear(self) -> None:
        """Close every idle connection (the database went away); connections in use come back as usual."""
        for idle in self._idle.values():
            while idle:
                try:
                    conn, _ = idle.pop()
                except IndexError:  # another thread took the last one
                    break
                conn.invalidate()
                conn.close()

    def close(self) -> None:
        """Close every idle connection; connections in use are closed when they come back."""
        self._closed = True
        for idle in self._idle.values():
            while idle:
                idle.pop()[0].close()


def driver_of(conn: Connection) -> Any:
    return conn.connection.driver_connection


def connection_lost(conn: Connection, exc: BaseException | None) -> bool:
    """Whether ``exc`` says the connection itself is gone (not a statement that failed on a live one)."""
    if not isinstance(exc, DBAPIError) or exc.orig is None:
        return False
    if exc.connection_invalidated:
        return True
    orig: Any = exc.orig
    try:
        return bool(conn.dialect.is_disconnect(orig, driver_of(conn), None))
    except Exception:  # an invalidated connection has no driver connection left to ask
        return True


class ApartStatements:
    """PostgreSQL: single statements committed at once on connections of their own, apart from the transaction of
    the unit of work that runs them (``SqlUnitOfWork.apart``).

    For a row every call of a kind updates (an account's daily quota): updated inside the call's transaction, the
    row stays locked until that transaction's COMMIT, and the account's concurrent calls queue behind each other's
    remaining statements, commit and WAL flush, and behind the Python between them. A statement in autocommit holds
    it for its own execution only. The connections come from a small engine of their own, not from the calls' pool:
    a call holding its connection while it waits for a second one from the same pool could wait for ever once every
    pooled connection is held by such a call. Each is held for one statement and waits on nothing else.

    Callers queue on a semaphore with as many permits as connections: the kept connections (ConnectionCache) are
    checked out of the pool, so callers waiting in the pool itself would not see them come back.
    """

    def __init__(self, engine: Engine, *, ping_idle_after: float) -> None:
        self._engine = make_engine(
            engine.url, pool_size=APART_CONNECTIONS, max_overflow=0, ping_idle_after=ping_idle_after
        )
        self._cache = ConnectionCache(self._engine, size=APART_CONNECTIONS, ping_idle_after=ping_idle_after)
        self._permits = threading.BoundedSemaphore(APART_CONNECTIONS)

    def first(self, statement: Prepared, params: Mapping[str, Any]) -> Any:
        """``statement``'s first row (None without one), committed before this returns."""
        return self._run(statement.first, params)

    def execute(self, statement: Prepared, params: Mapping[str, Any]) -> None:
        """``statement`` (no rows back), committed before this returns."""
        self._run(statement.execute, params)

    def _run(self, call: Callable[[Connection, Mapping[str, Any]], Any], params: Mapping[str, Any]) -> Any:
        if not self._permits.acquire(timeout=WAIT_SECONDS):
            raise errors.ServiceUnavailable()  # the database answers nothing: overloaded or gone
        try:
            conn = self._cache.checkout(write=False)  # the read kind: in autocommit
            try:
                return call(conn, params)
            except DBAPIError as error:
                if not connection_lost(conn, error):
                    raise
                # As SqlUnitOfWork does for its own: the database went away, renew this engine's connections.
                conn.invalidate()
                self._engine.dispose()
                self._cache.clear()
                log.warning("database connection lost", extra={"error": type(error.orig).__name__})
                raise errors.ServiceUnavailable() from error
            finally:
                self._cache.checkin(conn, write=False)
        finally:
            self._permits.release()

    def close(self) -> None:
        self._cache.close()
        self._engine.dispose()
