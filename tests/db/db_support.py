"""Helpers the storage tests share."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from openrd.services.ports import UnitOfWork

T = TypeVar("T")


@contextmanager
def held_open(uow: SqlUnitOfWorkFactory, work: Callable[[UnitOfWork], T]) -> Iterator[T]:
    """Run ``work`` in a write unit of work on another thread and keep that transaction (and the row locks it took)
    open until the block ends; yields what ``work`` returned. A statement in the block that waited for those locks
    would wait 10 s, then see the transaction committed."""
    ready, release = threading.Event(), threading.Event()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            with uow() as unit:
                outcome.append(work(unit))
                ready.set()
                release.wait(10)
        except BaseException as exc:  # handed to the test's thread
            failure.append(exc)
            ready.set()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert ready.wait(10)
        if failure:
            raise failure[0]
        yield outcome[0]
    finally:
        release.set()
        thread.join(10)
