"""Engine construction for SQLite (WAL, IMMEDIATE write transactions) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

BEGIN_MODE = "openrd_begin"  # execution option: "IMMEDIATE" for write transactions on SQLite


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine; None for PostgreSQL and for an in-memory SQLite database."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
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
        # pages, which a checkpoint then copies once instead of ten times (SendVerificationCode -10-25 %, bench/).
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
