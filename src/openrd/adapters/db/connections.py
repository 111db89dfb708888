"""Connections kept between transactions (ConnectionCache), and how to tell a lost one."""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from openrd.adapters.db.engine import BEGIN_MODE

log = logging.getLogger("openrd.db")

WAIT_SECONDS = 30.0  # the longest a call waits for SQLite's writer lock or a connection: SQLite's busy timeout
CACHED_CONNECTIONS = 4  # per kind (write, read); the engines' pools (make_engine) hold more than twice this


class ConnectionCache:
    """Open SQLAlchemy connections kept between transactions, one stack per kind (write or read).

    Checking a connection out of SQLAlchemy's pool and back in (a new ``Connection``, the pool's events, its reset
    rollback, and on PostgreSQL a read's switch to autocommit and back) cost more than a whole signed GetAccount's
    SQL on SQLite (docs/architecture.md#kept-connections). A connection here sits
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
