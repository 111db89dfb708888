"""PostgreSQL's lock rows (``rate_locks``: a row per phone or directory ever locked) do not pile up: the purge
removes the rows nobody holds, leaves a held one alone, and a removed key locks again as before."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from openrd.adapters.crypto import FernetSecretBox
from openrd.adapters.db import migrate
from openrd.adapters.db import tables as t
from openrd.adapters.db.engine import make_engine
from openrd.adapters.db.uow import SqlUnitOfWorkFactory


@pytest.fixture
def pg_engine(fresh_pg_url: str) -> Iterator[Engine]:
    """PostgreSQL only: SQLite's write transactions serialise without lock rows, and write none."""
    engine = make_engine(fresh_pg_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _lock_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.rate_locks)).scalar_one())


def test_the_purge_removes_the_lock_rows_nobody_holds(pg_engine: Engine) -> None:
    engine, uow = pg_engine, SqlUnitOfWorkFactory(pg_engine, FernetSecretBox("k"))
    with uow() as w:
        for n in range(50):
            w.codes.lock(f"phone:86-139000000{n:02d}")
    assert _lock_rows(engine) == 50

    held, purged, release = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        with uow() as w:
            w.codes.lock("phone:86-13900000007")
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with uow() as w:
            w.codes.purge(codes_before_ms=0, sends_before_ms=0)  # must not wait for the held row
            purged.set()
        assert _lock_rows(engine) == 1  # only the held one is left
    finally:
        release.set()
        holder.join(10)
    assert purged.is_set()

    with uow() as w:  # removed keys lock as before
        w.codes.lock("phone:86-13900000001")
        w.codes.lock("phone:86-13900000007")
    assert _lock_rows(engine) == 2
