"""The two stores every server-backed test runs on: SQLite in a temporary data directory, or a PostgreSQL database."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

STORES = ("sqlite", "postgresql")
POSTGRES_ADMIN_URL = os.environ.get("OPENRD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET_KEY = "test-master-key"


def postgres_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"no PostgreSQL answers at {POSTGRES_ADMIN_URL} ({exc.__class__.__name__}); set OPENRD_TEST_POSTGRES_URL"


POSTGRES_SKIP = postgres_reason()


def require_postgres() -> None:
    """Skip the test when no PostgreSQL answers; under CI that is a failure instead."""
    if POSTGRES_SKIP:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {POSTGRES_SKIP}")
        pytest.skip(POSTGRES_SKIP)


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "openrd_test") -> Iterator[str]:
    """CREATE a database of its own, yield its URL, DROP it (WITH FORCE: server processes may linger)."""
    require_postgres()
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(root: Path) -> str:
    """Where a server whose data directory is ``root / "data"`` keeps its SQLite store."""
    return f"sqlite:///{root / 'data' / 'openrd.db'}"


@dataclass(frozen=True)
class Store:
    """One store a server can run on: ``kind`` is sqlite or postgresql; SQLite lives in the data directory."""

    kind: str
    postgres_url: str | None = None

    def env(self, root: Path, *, secret_key: str = SECRET_KEY, **extra: str) -> dict[str, str]:
        """The OPENRD_* settings of a server on this store with ``root`` as its home."""
        env = {"OPENRD_DATA_DIR": str(root / "data"), "OPENRD_SECRET_KEY": secret_key, "HOME": str(root)}
        if self.postgres_url:
            env["OPENRD_DATABASE_URL"] = self.postgres_url
        return env | extra

    def database_url(self, root: Path) -> str:
        return self.postgres_url or sqlite_url(root)


@contextlib.contextmanager
def own_store(kind: str, prefix: str = "openrd_own") -> Iterator[Store]:
    """A store nobody else uses: SQLite (always private to its data directory) or a new PostgreSQL database."""
    if kind == "sqlite":
        yield Store("sqlite")
        return
    with fresh_postgres_database(prefix) as url:
        yield Store("postgresql", url)
