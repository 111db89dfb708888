"""SQLite's single writer, queued for by the threads of this process and by the other processes on the database.

SQLite lets one connection write at a time and makes the others wait in its busy handler, which sleeps 1, 2, 5,
10 … up to 100 ms between tries, whatever the writer's transaction takes (far less). Under load that turned a
short queue into long stalls: with two server processes every signed call writes (its nonce), and the second
worker answered slower than one alone (docs/architecture.md#the-sqlite-writer-lock). Writers here take this lock first
and hold it for their transaction, so SQLite's own lock is free by the time they ask for it:

- a mutex for the threads of this process (the event loop, the SMS dispatcher, the maintenance jobs);
- an exclusive ``flock`` on a file beside the database for the other processes (``openrd serve --workers N``,
  the CLI). The kernel drops it when its holder dies, so a killed worker leaves no stale lock behind.

A process that waits for the file lock polls it, sleeping ``FIRST_POLL_SECONDS`` at first and never more than
``LONGEST_POLL_SECONDS``, so the lock changes hands within about a transaction's time; past the deadline the caller
answers 503 as before. A writer that bypasses this lock (sqlite3 at a shell) is still waited for by SQLite's busy
handler.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

FIRST_POLL_SECONDS = 50e-6
LONGEST_POLL_SECONDS = 0.0005


class WriterLock:
    def __init__(self, lock_file: Path | None) -> None:
        """``lock_file``: beside the database file; None for an in-memory database (one process only)."""
        self._mutex = threading.Lock()
        self._fd: int | None = None
        if lock_file is not None:
            lock_file.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, timeout: float) -> bool:
        """Take the lock within ``timeout`` seconds; False if it could not be had by then."""
        deadline = time.monotonic() + timeout
        if not self._mutex.acquire(timeout=timeout):
            return False
        if self._fd is None:
            return True
        delay = FIRST_POLL_SECONDS
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                pass
            except BaseException:
                self._mutex.release()
                raise
            if time.monotonic() >= deadline:
                self._mutex.release()
                return False
            time.sleep(delay)
            delay = min(delay * 2, LONGEST_POLL_SECONDS)

    def busy(self) -> bool:
        """Whether a writer holds the lock right now (a thread of this process or another process); never waits."""
        if not self._mutex.acquire(blocking=False):
            return True
        try:
            if self._fd is None:
                return False
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            return False
        finally:
            self._mutex.release()

    def release(self) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._mutex.release()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def lock_file_for(database: Path | None) -> Path | None:
    """The lock file of a SQLite database file (``<database>-writer.lock``); None for an in-memory database."""
    return None if database is None else database.with_name(database.name + "-writer.lock")
