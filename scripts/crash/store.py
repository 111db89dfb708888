"""The store the crash check reads back with plain SQL: a SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Store:
    kind: str
    url: str
    cleanup: Callable[[], None] = lambda: None

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        """Plain SQL, no parameters (the checks read whole tables and filter in Python)."""
        if self.kind == "sqlite":
            import sqlite3

            with contextlib.closing(sqlite3.connect(self.url[len("sqlite:///") :], timeout=30)) as conn:
                return list(conn.execute(query).fetchall())
        import psycopg

        with psycopg.connect(self.url) as conn:
            return list(conn.execute(query).fetchall())  # type: ignore[arg-type]


def make_store(kind: str, workdir: Path, admin_url: str, keep: bool) -> Store:
    if kind == "sqlite":
        return Store("sqlite", f"sqlite:///{workdir / 'data' / 'openrd.db'}")
    import psycopg

    name = f"openrd_crash_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]

    def drop() -> None:
        if keep:
            return
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]

    return Store("postgresql", f"{admin_url.rsplit('/', 1)[0]}/{name}", drop)
