"""The emulator clock's offset, read on a connection of its own.

Business code reads the clock inside open transactions. Taking a second pooled connection there can starve
the pool under load (every connection held by a request that waits for the write lock, while the lock holder
waits for a connection), so the offset has one dedicated connection, held for good and used under a lock.
"""

from __future__ import annotations

import threading

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.exc import DBAPIError

from openrd.adapters.db import tables as t
from openrd.adapters.db.prepared import Prepared
from openrd.services.emulator import CLOCK_OFFSET_KEY

_OFFSET = Prepared(select(t.emulator_state.c.value).where(t.emulator_state.c.key == bindparam("key")))


class StoredClockOffset:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._conn: Connection | None = None

    def _read(self) -> int:
        if self._conn is None:
            # Checked out once and kept: requests never wait on the pool for a clock read. Autocommit: on
            # PostgreSQL a read is then one round trip, not three (BEGIN, SELECT, ROLLBACK).
            self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            row = _OFFSET.first(self._conn, {"key": CLOCK_OFFSET_KEY})  # every business call reads it: prepared
        finally:
            # Never keep a read snapshot open: the next read must see new offsets (the statement ran on the driver
            # connection, so end the driver's transaction, if it opened one, there).
            self._conn.connection.driver_connection.rollback()  # type: ignore[union-attr]
        return int(row.value) if row and row.value else 0

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
