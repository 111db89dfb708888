"""The emulator clock's offset, read on a connection of its own.

Business code reads the clock inside open transactions. Taking a second pooled connection there can starve
the pool under load (every connection held by a request that waits for the write lock, while the lock holder
waits for a connection), so the offset has one dedicated connection, held for good and used under a lock.
"""

from __future__ import annotations

import threading

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from openrd.adapters.db import tables as t
from openrd.services.emulator import CLOCK_OFFSET_KEY


class StoredClockOffset:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._conn: Connection | None = None

    def _read(self) -> int:
        if self._conn is None:
            # Checked out once and kept: requests never wait on the pool for a clock read.
            self._conn = self._engine.connect()
        try:
            value = self._conn.execute(
                select(t.emulator_state.c.value).where(t.emulator_state.c.key == CLOCK_OFFSET_KEY)
            ).scalar_one_or_none()
        finally:
            self._conn.rollback()  # never keep a read snapshot open: the next read must see new offsets
        return int(value) if value else 0

    def __call__(self) -> int:
        with self._lock:
            try:
                return self._read()
            except DBAPIError:
                self.close()  # a dropped connection (database restart): reconnect once
                return self._read()

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
