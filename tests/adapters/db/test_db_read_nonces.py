"""A signed read's nonce, recorded at the end of its read unit of work (``SqlUnitOfWorkFactory.record_nonce``), on
both stores: once only, whatever the read ran and whoever wrote meanwhile, and committed at once."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, select

from openrd.adapters.db import tables as t
from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from openrd.domain.accounts import Account

WINDOW = 900_000
NOW = 1_000_000_000
ACCOUNT = Account("1000000000000001", "alice", "Alice", "intl", None, None, True, 1_000)


def record(uow: SqlUnitOfWorkFactory, nonce: str, *, key: str = "LTAIkey", now_ms: int = NOW) -> bool:
    with uow(write=False) as read:
        read.accounts.get(ACCOUNT.account_id)  # the read's own statements come first
        return uow.record_nonce(read, key, nonce, now_ms=now_ms, window_ms=WINDOW)


def seen(uow: SqlUnitOfWorkFactory, nonce: str, *, key: str = "LTAIkey") -> bool:
    """Committed: another connection sees it."""
    n = t.request_nonces
    with uow.engine.connect() as conn:
        found = conn.execute(select(n.c.seen_ms).where(n.c.access_key_id == key, n.c.nonce == nonce)).first()
    return found is not None


def test_recorded_once_and_committed_at_once(uow: SqlUnitOfWorkFactory) -> None:
    assert record(uow, "n1")
    assert seen(uow, "n1")
    assert not record(uow, "n1")  # a replay
    assert record(uow, "n1", key="LTAIother")  # another key's nonce space
    assert record(uow, "n1", now_ms=NOW + WINDOW + 1)  # after the window


def test_a_read_that_ran_sqlalchemy_statements_records_too(uow: SqlUnitOfWorkFactory) -> None:
    with uow(write=False) as read:
        assert list(read.audit.list(account_id=None, limit=5)) == []  # a statement through SQLAlchemy's Core
        assert uow.record_nonce(read, "LTAIkey", "n2", now_ms=NOW, window_ms=WINDOW)
        assert read.accounts.get(ACCOUNT.account_id) is None  # the unit of work is still usable
    assert seen(uow, "n2")


def test_a_write_committed_while_the_read_ran_does_not_stop_it(uow: SqlUnitOfWorkFactory) -> None:
    """On SQLite the read's snapshot is then too old to become a write transaction; the nonce goes in a new one."""
    with uow(write=False) as read:
        assert read.accounts.get(ACCOUNT.account_id) is None  # the read's snapshot starts here
        with uow() as other:
            other.accounts.add(ACCOUNT)
        assert uow.record_nonce(read, "LTAIkey", "n3", now_ms=NOW, window_ms=WINDOW)
    assert seen(uow, "n3")
    with uow(write=False) as read:
        assert read.accounts.get(ACCOUNT.account_id) == ACCOUNT


def test_threads_racing_on_one_read_nonce_exactly_one_wins(uow: SqlUnitOfWorkFactory) -> None:
    gate = threading.Barrier(8)

    def race(_: int) -> bool:
        gate.wait(30)
        return record(uow, "contested")

    with ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(race, range(8))) == [False] * 7 + [True]


def test_a_writer_outside_openrd_is_waited_for(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    """A sqlite3 shell holding SQLite's write lock: the read cannot take it over (SQLITE_BUSY at once), so the nonce
    waits for it in a write transaction of its own and is recorded once the shell commits."""
    if engine.dialect.name != "sqlite":
        pytest.skip("a foreign writer holding SQLite's database-wide write lock: PostgreSQL has no such lock")
    shell = sqlite3.connect(str(engine.url.database), isolation_level=None)
    try:
        shell.execute("BEGIN IMMEDIATE")
        shell.execute("INSERT INTO emulator_state (key, value) VALUES ('shell', '1')")
        outcome: list[bool] = []
        with uow(write=False) as read:
            read.accounts.get(ACCOUNT.account_id)
            recorder = threading.Thread(
                target=lambda: outcome.append(uow.record_nonce(read, "LTAIkey", "n4", now_ms=NOW, window_ms=WINDOW))
            )
            recorder.start()
            recorder.join(0.5)
            assert recorder.is_alive()  # waiting for the shell's lock, not failing
            assert not outcome
            shell.execute("COMMIT")
            recorder.join(30)
        assert outcome == [True]
    finally:
        shell.close()
    assert seen(uow, "n4")
    with uow(write=False) as read:
        assert read.state.get("shell") == "1"
