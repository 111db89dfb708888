"""WAL checkpoints of a SQLite database in a thread of their own, off the requests' path.

SQLite copies the write-ahead log back into the database (a checkpoint) in whichever commit finds the log past
``wal_autocheckpoint`` pages, so every few thousand writes one request waited for the copy and its fsync, which
showed in SendVerificationCode's p99 (bench/README.md).
This thread runs a PASSIVE checkpoint every ``interval`` seconds on a connection of its own; the sqlite3 module
releases the GIL while SQLite copies, and PASSIVE never waits for, nor blocks, readers and writers. The log then
stays short and the requests' autocheckpoint (engine.py) is left as the backstop it is meant to be.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger("openrd.db")

CHECKPOINT_INTERVAL_SECONDS = 0.1


class WalCheckpointer:
    def __init__(self, database: Path, *, interval: float = CHECKPOINT_INTERVAL_SECONDS) -> None:
        self._database = database
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # completed PASSIVE checkpoints (for tests and curiosity)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="openrd-wal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=10)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while not self._stop.wait(self._interval):
                try:
                    if conn is None:
                        # No busy wait: another process's checkpoint in progress means this one is not needed.
                        # mode=rw: never create a database that is not there (a test's removed directory).
                        uri = self._database.resolve().as_uri() + "?mode=rw"
                        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=0)
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error as error:  # the database vanished (a test's tmp dir) or is locked: try later
                    log.debug("wal checkpoint skipped", extra={"error": str(error)})
                    if conn is not None:
                        conn.close()
                        conn = None
        finally:
            if conn is not None:
                conn.close()
