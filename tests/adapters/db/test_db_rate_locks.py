"""PostgreSQL's lock rows (``rate_locks``: a row per phone or directory ever locked) do not pile up: the purge
removes the rows nobody holds, leaves a held one alone, and a removed key locks again as before."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from openrd.adapters.db import tables as t
from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from support.db import held_open


def _lock_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.rate_locks)).scalar_one())


def test_the_purge_removes_the_lock_rows_nobody_holds(pg_uow: SqlUnitOfWorkFactory) -> None:
    with pg_uow() as w:
        for n in range(50):
            w.codes.lock(f"phone:86-139000000{n:02d}")
    assert _lock_rows(pg_uow.engine) == 50

    with held_open(pg_uow, lambda unit: unit.codes.lock("phone:86-13900000007")):
        with pg_uow() as w:
            w.codes.purge(codes_before_ms=0, sends_before_ms=0)  # does not wait for the held row
        assert _lock_rows(pg_uow.engine) == 1  # only the held one is left

    with pg_uow() as w:  # removed keys lock as before
        w.codes.lock("phone:86-13900000001")
        w.codes.lock("phone:86-13900000007")
    assert _lock_rows(pg_uow.engine) == 2
