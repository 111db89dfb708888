"""The background WAL checkpointer (adapters/db/checkpointer.py): it copies the log back while requests write, so
the log restarts short instead of growing to the autocheckpoint threshold; it stops cleanly and never creates a
database."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from openrd.adapters.db.checkpointer import WalCheckpointer


def wal_database(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")  # only the checkpointer copies the log back
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    return conn


def write(conn: sqlite3.Connection, rows: int) -> None:
    for _ in range(rows):
        conn.execute("INSERT INTO t (body) VALUES (?)", ("x" * 2000,))


def wait_until(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_log_restarts_short_while_the_checkpointer_runs(tmp_path: Path) -> None:
    db = tmp_path / "openrd.db"
    wal = tmp_path / "openrd.db-wal"
    conn = wal_database(db)
    write(conn, 500)  # ~250 pages in the log, none copied back (autocheckpoint is off)
    grown = wal.stat().st_size
    checkpointer = WalCheckpointer(db, interval=0.01)
    checkpointer.start()
    try:
        done = checkpointer.checkpoints
        wait_until(lambda: checkpointer.checkpoints > done + 1)
        # Everything was copied back: the next writer starts the log over from its beginning.
        write(conn, 1)
        frames_after_restart = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
        assert frames_after_restart < 10
        assert checkpointer.running
    finally:
        checkpointer.stop()
    assert not checkpointer.running
    assert grown > 500 * 2000  # the log had grown before: without the checkpointer it keeps every page
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (501,)
    conn.close()


def test_without_it_the_log_keeps_growing(tmp_path: Path) -> None:
    """The control: the same writes without a checkpointer leave every frame in the log."""
    db = tmp_path / "openrd.db"
    conn = wal_database(db)
    write(conn, 500)
    write(conn, 1)
    assert conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1] > 250
    conn.close()


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "openrd.db"
    checkpointer = WalCheckpointer(missing, interval=0.01)
    checkpointer.start()
    try:
        time.sleep(0.1)
        assert checkpointer.running  # it keeps trying, quietly
    finally:
        checkpointer.stop()
    assert not missing.exists()
    assert not missing.parent.exists()
