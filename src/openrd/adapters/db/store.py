"""Whole-store operations: reset and health."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, delete, text

from openrd.adapters.db import transitions
from openrd.adapters.db.tables import COUNTERS, metadata
from openrd.domain.transitions import TransitionKind


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.kind = "postgresql" if engine.dialect.name == "postgresql" else "sqlite"

    def reset(self) -> None:
        """Delete every row of data. Counters keep counting: a process's member pages (page_cache.py) are keyed by
        ``member_revision``, which must never come back to a value it had."""
        with self.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                if table.name not in COUNTERS:
                    conn.execute(delete(table))

    def complete_transitions(self, kinds: Sequence[TransitionKind], now_ms: int) -> int:
        with self.engine.begin() as conn:
            return transitions.complete(conn, kinds, now_ms)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True
