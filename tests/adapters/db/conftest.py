"""Storage fixtures: every test here runs on a SQLite file and on the session's PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from openrd.adapters.crypto import FernetSecretBox
from openrd.adapters.db import migrate
from openrd.adapters.db.engine import make_engine
from openrd.adapters.db.store import SqlStore
from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from support.store import STORES, fresh_postgres_database

MASTER_KEY = "db-test-master-key"


def sqlalchemy_url(url: str) -> str:
    """The conftest hands out plain ``postgresql://`` URLs; openrd ships psycopg 3, so say so explicitly."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture(params=STORES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLAlchemy URL: a SQLite file in tmp_path, or the session's shared PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'openrd.db'}"
    return sqlalchemy_url(request.getfixturevalue("postgres_url"))


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    with fresh_postgres_database("openrd_fresh") as url:
        yield sqlalchemy_url(url)


@pytest.fixture(params=STORES)
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database nobody has migrated yet: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh' / 'openrd.db'}"
    return str(request.getfixturevalue("fresh_pg_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine; the store is emptied afterwards so PostgreSQL tests do not see each other's rows."""
    eng = make_engine(db_url)
    migrate.upgrade(eng)
    SqlStore(eng).reset()
    yield eng
    SqlStore(eng).reset()
    eng.dispose()


@pytest.fixture
def box() -> FernetSecretBox:
    return FernetSecretBox(MASTER_KEY)


@pytest.fixture
def uow(engine: Engine, box: FernetSecretBox) -> Iterator[SqlUnitOfWorkFactory]:
    factory = SqlUnitOfWorkFactory(engine, box)
    yield factory
    factory.close()


@pytest.fixture
def pg_uow(fresh_pg_url: str) -> Iterator[SqlUnitOfWorkFactory]:
    """Units of work on a new, migrated PostgreSQL database: for what only PostgreSQL has (row locks, SKIP LOCKED)."""
    engine = make_engine(fresh_pg_url)
    migrate.upgrade(engine)
    factory = SqlUnitOfWorkFactory(engine, FernetSecretBox(MASTER_KEY))
    yield factory
    factory.close()
    engine.dispose()
