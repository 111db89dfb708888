"""Engine construction for SQLite (WAL, IMMEDIATE write transactions) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

BEGIN_MODE = "openrd_begin"  # execution option: "IMMEDIATE" for write transactions on SQLite
# On PostgreSQL, calls run on OPENRD_CALL_THREADS threads per process (8 by default; api/app.py, CallThreads),
# beside the SMS dispatcher, maintenance and the console: a pool of OPENRD_DATABASE_POOL_SIZE (40 by default)
# keeps more connections than they use, so it never closes and reopens one under load. A small pool closes every
# connection beyond it at check-in, and PostgreSQL forks a backend per connection (bench/README.md).
# Connections open only when needed.
PG_POOL_SIZE, PG_POOL_OVERFLOW = 40, 10  # the overflow: the SMS dispatcher, maintenance, the console
PING_IDLE_AFTER_SECONDS = 1.0  # a pooled PostgreSQL connection idle for longer is pinged before it is used
_IDLE_SINCE = "openrd_idle_since"  # connection record info: monotonic time the connection went back to the pool


def make_engine(url: str, *, pool_size: int = PG_POOL_SIZE, ping_idle_after: float = PING_IDLE_AFTER_SECONDS) -> Engine:
    """An engine for ``url``; ``pool_size``: the PostgreSQL connections kept open (SQLite's pool is fixed)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    engine = create_engine(url, pool_size=pool_size, max_overflow=PG_POOL_OVERFLOW)
    _ping_idle_connections(engine, ping_idle_after)
    return engine


def _ping_idle_connections(engine: Engine, idle_after: float) -> None:
    """Ping a pooled connection before use only when it sat idle for more than ``idle_after`` seconds.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: a network round trip per unit of work, one in eight of
    a signed GetAccount's on PostgreSQL (docs/architecture.md#kept-connections). A connection that was in use a moment
    ago is as alive as a ping would show; one that sat idle may have been dropped (a database restart, an idle timeout
    on the way). A connection that dies while busy fails its statement, and SQLAlchemy then invalidates every pooled
    connection older than the failure, so the next checkouts connect afresh.
    """

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_conn: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _idle(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_IDLE_SINCE, 0.0) <= idle_after:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            # As pool_pre_ping does: a dead idle connection most likely means the server restarted, so every
            # connection pooled before now is replaced, and the pool checks out a fresh one for this caller.
            raise exc.InvalidatePoolError(str(error)) from error


def create_private_file(path: Path) -> None:
    """Create the database file (and its directory) for the owner only, before SQLite does with 0644.

    It holds phone numbers in plain text; SQLite gives its -wal and -shm files the database file's mode.
    An existing file or directory keeps the mode it has.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine; None for PostgreSQL and for an in-memory SQLite database."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        create_private_file(Path(database).expanduser())
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=8, max_overflow=16)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, issue BEGIN so we can choose IMMEDIATE for writes: a write
        # transaction that starts DEFERRED can fail to upgrade its lock under concurrency (SQLITE_BUSY).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint every 10,000 WAL pages, not SQLite's 1,000: every write call rewrites the same hot index
        # pages, which a checkpoint then copies once instead of ten times (docs/architecture.md#smaller-fast-paths).
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.execute("PRAGMA journal_size_limit=67108864")  # and the WAL file is truncated back to 64 MiB
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        driver = conn.connection.driver_connection
        if driver.in_transaction:  # a read unit of work began its transaction on the driver (uow.py): join it
            return
        mode = conn.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        driver.execute(f"BEGIN {mode}")  # the driver directly: every call begins

    return engine
