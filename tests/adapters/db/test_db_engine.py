"""Engine settings (SQLite WAL, foreign keys, IMMEDIATE writes) and whole-store operations (reset, ping)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from openrd.adapters.crypto import FernetSecretBox
from openrd.adapters.db import migrate
from openrd.adapters.db import tables as t
from openrd.adapters.db.engine import make_engine
from openrd.adapters.db.store import SqlStore
from openrd.adapters.db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from openrd.bootstrap import build_runtime
from openrd.config import load_settings
from openrd.domain.accounts import Account
from openrd.domain.identity import AccessKey, AccessKeyStatus, RamRole, RamUser, StsSession
from openrd.errors import ServiceUnavailable
from support.db import attach_system

ACCOUNT = Account("1000000000000001", "alice", "Alice", "intl", None, None, True, 1_000)


def _seed_everything(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.accounts.add(ACCOUNT)
        w.identity.add_user(RamUser("u1", ACCOUNT.account_id, "bob"))
        w.identity.add_role(RamRole("r1", ACCOUNT.account_id, "Admin"))
        attach_system(w, ACCOUNT.account_id, "user", "u1", "AdministratorAccess")
        w.identity.add_access_key(AccessKey("LTAIroot", "s3cret", ACCOUNT.account_id, AccessKeyStatus.ACTIVE))
        session = StsSession("sess1", ACCOUNT.account_id, "r1", "Admin", "s1", "STS.k", 10_000)
        w.identity.add_session(session, token_hash="h1")
        w.nonces.remember("LTAIroot", "n1", now_ms=1, window_ms=900_000)
        w.state.put("clock_offset_seconds", "42")


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in t.metadata.sorted_tables
            if table.name not in t.COUNTERS  # a reset keeps them counting (test_db_page_cache.py)
        }


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'openrd.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def test_sqlite_creates_the_parent_directory(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'openrd.db'}")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert (tmp_path / "a" / "b" / "openrd.db").exists()
    finally:
        engine.dispose()


def test_sqlite_runs_wal_with_foreign_keys(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_sqlite_every_pooled_connection_is_configured(sqlite_engine: Engine) -> None:
    connections = [sqlite_engine.connect() for _ in range(4)]
    try:
        for conn in connections:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        for conn in connections:
            conn.close()


def test_sqlite_write_unit_of_work_takes_the_write_lock_at_begin(sqlite_engine: Engine, tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer cannot start while a write unit of work is open, even before it writes."""
    uow = SqlUnitOfWorkFactory(sqlite_engine, FernetSecretBox("k"))
    other = sqlite3.connect(str(tmp_path / "nested" / "dir" / "openrd.db"), timeout=0, isolation_level=None)
    try:
        with uow(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        with uow(write=False):  # a read-only unit of work does not block writers
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
        uow.close()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(t.ram_users).values(user_id="u1", account_id="9999999999999999", name="bob"))


def test_deleting_an_account_cascades(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    _seed_everything(uow)
    with engine.begin() as conn:
        conn.execute(delete(t.accounts))
    counts = _counts(engine)
    for name in ("ram_users", "ram_roles", "access_keys", "sts_sessions"):
        assert counts[name] == 0, name


def test_reset_empties_every_table(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    _seed_everything(uow)
    before = _counts(engine)
    for name in ("emulator_state", "accounts", "ram_users", "ram_roles", "policy_attachments"):
        assert before[name] == 1, name
    for name in ("access_keys", "sts_sessions", "request_nonces"):
        assert before[name] == 1, name

    SqlStore(engine).reset()

    assert set(_counts(engine).values()) == {0}
    assert migrate.is_up_to_date(engine)  # the schema and its version stay


def test_reset_on_an_empty_store_is_harmless(engine: Engine) -> None:
    store = SqlStore(engine)
    store.reset()
    store.reset()
    assert set(_counts(engine).values()) == {0}


def test_store_kind_and_ping(engine: Engine, db_url: str) -> None:
    store = SqlStore(engine)
    assert store.kind == ("postgresql" if db_url.startswith("postgresql") else "sqlite")
    assert store.ping() is True


def test_ping_is_false_when_the_database_does_not_answer() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    try:
        assert SqlStore(engine).ping() is False
    finally:
        engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(postgres_url: str, pid: int) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):  # the backend exits asynchronously
            if admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone() == (0,):
                return
            time.sleep(0.02)


def test_the_pool_keeps_the_configured_number_of_connections(fresh_pg_url: str) -> None:
    engine = make_engine(fresh_pg_url, pool_size=3)
    try:
        connections = [engine.connect() for _ in range(5)]  # three pooled, two overflow
        pids = {conn.execute(text("SELECT pg_backend_pid()")).scalar_one() for conn in connections}
        for conn in connections:
            conn.close()
        assert len(pids) == 5
        assert engine.pool.checkedin() == 3  # type: ignore[attr-defined]  # the overflow ones were closed
    finally:
        engine.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(postgres_url: str, fresh_pg_url: str) -> None:
    engine = make_engine(fresh_pg_url, ping_idle_after=0.0)
    try:
        first = _backend_pid(engine)
        _terminate(postgres_url, first)  # e.g. a database restart while the connection sat in the pool

        second = _backend_pid(engine)  # the checkout's ping found it dead: no error reaches the caller

        assert second != first
    finally:
        engine.dispose()


def test_a_connection_in_recent_use_is_not_pinged_and_a_failure_renews_the_pool(
    postgres_url: str, fresh_pg_url: str
) -> None:
    engine = make_engine(fresh_pg_url, ping_idle_after=3600.0)
    try:
        first = _backend_pid(engine)
        _terminate(postgres_url, first)

        # Not idle long enough for a ping: the dead connection is handed out and its statement fails …
        with pytest.raises(OperationalError):
            _backend_pid(engine)
        # … and SQLAlchemy replaced the pool's connections, so the next caller gets a live one.
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_the_server_pools_as_many_connections_as_configured(postgres_url: str, tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "OPENRD_DATABASE_URL": postgres_url, "OPENRD_DATABASE_POOL_SIZE": "3"}
    runtime = build_runtime(load_settings(env))
    try:
        assert runtime.engine.pool.size() == 3  # type: ignore[attr-defined]
    finally:
        runtime.close()


@contextmanager
def _units_of_work(url: str, *, ping_idle_after: float) -> Iterator[SqlUnitOfWorkFactory]:
    """Units of work on a migrated database whose pool and kept connections ping after ``ping_idle_after``."""
    engine = make_engine(url, ping_idle_after=ping_idle_after)
    migrate.upgrade(engine)
    uow = SqlUnitOfWorkFactory(engine, FernetSecretBox("k"), ping_idle_after=ping_idle_after)
    try:
        yield uow
    finally:
        uow.close()
        engine.dispose()


def _drop_kept_connections(postgres_url: str, uow: SqlUnitOfWorkFactory, *, write: bool) -> set[int]:
    """Keep two connections of this kind, then end their backends (as a database restart would); their pids."""
    with uow(write=write) as first, uow(write=write) as second:
        pids = {_pid_of(first), _pid_of(second)}
    assert len(pids) == 2
    for pid in pids:
        _terminate(postgres_url, pid)
    return pids


def _kept_pids(uow: SqlUnitOfWorkFactory, *, write: bool) -> set[int]:
    with uow(write=write) as first, uow(write=write) as second:
        return {_pid_of(first), _pid_of(second)}


def test_a_call_on_a_connection_the_database_dropped_answers_503_and_renews_the_pool(
    postgres_url: str, fresh_pg_url: str
) -> None:
    with _units_of_work(fresh_pg_url, ping_idle_after=3600.0) as uow:  # no ping: the call meets the dead connection
        for write in (True, False):
            dropped = _drop_kept_connections(postgres_url, uow, write=write)

            with pytest.raises(ServiceUnavailable):
                _touch(uow, write=write)

            # The pool and the kept connections were renewed: the next calls connect afresh, none fails again.
            for _ in range(len(dropped)):
                _touch(uow, write=write)
                assert not _kept_pids(uow, write=write) & dropped


def test_a_kept_connection_the_server_dropped_while_idle_is_replaced_before_use(
    postgres_url: str, fresh_pg_url: str
) -> None:
    with _units_of_work(fresh_pg_url, ping_idle_after=0.0) as uow:
        for write in (True, False):
            dropped = _drop_kept_connections(postgres_url, uow, write=write)

            _touch(uow, write=write)  # the ping before use found it dead: no error reaches the caller

            assert not _kept_pids(uow, write=write) & dropped


def _touch(uow: SqlUnitOfWorkFactory, *, write: bool) -> None:
    with uow(write=write) as unit:
        if write:
            unit.state.put("k", "v")
        else:
            unit.state.get("k")


def test_an_unreachable_database_answers_503() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    uow = SqlUnitOfWorkFactory(engine, FernetSecretBox("k"))
    try:
        with pytest.raises(ServiceUnavailable), uow():
            pass
    finally:
        uow.close()
        engine.dispose()


def _pid_of(unit: SqlUnitOfWork) -> int:
    return int(unit.connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
