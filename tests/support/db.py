"""Helpers the storage tests share."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
import pytest
from alembic import command
from sqlalchemy import Engine

from openrd.adapters.db import migrate
from openrd.adapters.db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from openrd.domain.ram_policies import PolicyRecord, PolicyType
from openrd.domain.system_policies import CATALOGUE
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


@contextmanager
def statements_of(w: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement the unit of work's connection sends meanwhile (SQLite's trace callback; psycopg's cursor)."""
    assert isinstance(w, SqlUnitOfWork)
    seen: list[str] = []
    driver = w.connection.connection.driver_connection
    assert driver is not None
    if isinstance(driver, psycopg.Connection):
        execute = psycopg.Cursor.execute

        def traced(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(str(query))
            return execute(cursor, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", traced)
        yield seen
        monkeypatch.undo()
    else:
        driver.set_trace_callback(seen.append)
        yield seen
        driver.set_trace_callback(None)


def attach_system(unit: UnitOfWork, account_id: str, kind: str, principal_id: str, name: str) -> None:
    """Attach the system policy ``name`` to a user, group or role, as AttachPolicyTo* stores it."""
    entry = CATALOGUE[name]
    record = PolicyRecord(entry.name, PolicyType.SYSTEM, entry.description, 1, 0, 0)
    unit.policies.attach(account_id, kind, principal_id, record, now_ms=1)


def attach_document(unit: UnitOfWork, account_id: str, kind: str, principal_id: str, name: str, document: str) -> None:
    """Make ``document`` the account's custom policy ``name`` and attach it."""
    unit.policies.add(account_id, name=name, description="", document=document, now_ms=1)
    unit.policies.attach(account_id, kind, principal_id, PolicyRecord(name, PolicyType.CUSTOM, "", 1, 1, 1), now_ms=1)


def downgrade_to(engine: Engine, revision: str) -> None:
    """Run the migrations down to ``revision``."""
    with engine.connect() as conn:
        command.downgrade(migrate._config(conn), revision)
        conn.commit()
