"""Whole-store operations: reset and health."""

from __future__ import annotations

from sqlalchemy import Engine, delete, text

from openrd.adapters.db.tables import metadata


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.kind = "postgresql" if engine.dialect.name == "postgresql" else "sqlite"

    def reset(self) -> None:
        with self.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(delete(table))

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True
