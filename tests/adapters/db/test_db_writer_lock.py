"""SQLite's writer lock (adapters/db/writer_lock.py): one holder among the threads of a process and among processes,
given up by a holder that dies, and waited for with a deadline."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from openrd.adapters.db.engine import make_engine, sqlite_file
from openrd.adapters.db.writer_lock import WriterLock, lock_file_for


def hold(lock_file: str, held: Event, release: Event) -> None:
    lock = WriterLock(Path(lock_file))
    assert lock.acquire(timeout=10)
    held.set()
    release.wait(30)
    lock.release()


@pytest.fixture
def lock_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "openrd.db-writer.lock"


def test_the_lock_file_lies_beside_the_database(tmp_path: Path) -> None:
    file_engine, memory_engine = make_engine(f"sqlite:///{tmp_path / 'openrd.db'}"), create_engine("sqlite://")
    try:
        assert lock_file_for(sqlite_file(file_engine)) == tmp_path / "openrd.db-writer.lock"
        assert lock_file_for(sqlite_file(memory_engine)) is None
    finally:
        file_engine.dispose()
        memory_engine.dispose()


@pytest.mark.parametrize("with_file", [True, False])
def test_threads_of_one_process_take_turns(lock_file: Path, with_file: bool) -> None:
    lock = WriterLock(lock_file if with_file else None)
    assert lock.acquire(timeout=1)
    got: list[bool] = []
    other = threading.Thread(target=lambda: got.append(lock.acquire(timeout=0.05)))
    other.start()
    other.join()
    assert got == [False]  # held by this thread: the other one gives up at its deadline
    lock.release()
    other = threading.Thread(target=lambda: got.append(lock.acquire(timeout=5)))
    other.start()
    other.join()
    assert got == [False, True]
    lock.close()


def test_another_process_holding_the_lock_is_waited_for(lock_file: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=hold, args=(str(lock_file), held, release))
    holder.start()
    try:
        assert held.wait(30)
        lock = WriterLock(lock_file)
        assert not lock.acquire(timeout=0.1)  # the other process has it
        release.set()
        assert lock.acquire(timeout=30)  # and gives it up
        lock.release()
        lock.close()
    finally:
        release.set()
        holder.join(30)
    assert holder.exitcode == 0


def test_a_holder_that_dies_leaves_no_lock_behind(lock_file: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=hold, args=(str(lock_file), held, release))
    holder.start()
    assert held.wait(30)
    lock = WriterLock(lock_file)
    assert not lock.acquire(timeout=0.1)
    assert holder.pid is not None
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(30)
    assert lock.acquire(timeout=30)
    lock.release()
    lock.close()


def test_busy_tells_whether_a_writer_holds_the_lock_without_taking_it(lock_file: Path) -> None:
    lock = WriterLock(lock_file)
    assert not lock.busy()
    assert lock.acquire(timeout=1)
    seen: list[bool] = []
    other = threading.Thread(target=lambda: seen.append(lock.busy()))
    other.start()
    other.join()
    assert seen == [True]  # another thread of this process holds it
    lock.release()
    assert not lock.busy()

    ctx = multiprocessing.get_context("spawn")
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=hold, args=(str(lock_file), held, release))
    holder.start()
    try:
        assert held.wait(30)
        assert lock.busy()  # another process holds it
        assert lock.busy()  # and asking took nothing from it
    finally:
        release.set()
        holder.join(30)
    assert holder.exitcode == 0
    assert not lock.busy()
    assert lock.acquire(timeout=1)  # asking left the lock free to take
    lock.release()
    lock.close()
