"""The daily quota's kept count (``code_quota``, migration 0008) on both stores: counted to the limit and no further,
per account and day, undone with its transaction, forgotten with its day's sends, and backfilled by the migration."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text

from openrd import errors
from openrd.adapters.db import migrate
from openrd.adapters.db import tables as t
from openrd.adapters.db.engine import make_engine
from openrd.adapters.db.uow import SqlUnitOfWorkFactory

ACCOUNT, OTHER = "1000000000000001", "1000000000000002"
DAY, NEXT_DAY = "2026-12-01", "2026-12-02"


def take(uow: SqlUnitOfWorkFactory, account: str = ACCOUNT, day: str = DAY, *, limit: int = 3, at: int = 0) -> bool:
    with uow() as w:
        return w.codes.take_quota(account, day, limit=limit, now_ms=at)


def used(uow: SqlUnitOfWorkFactory, account: str = ACCOUNT, day: str = DAY) -> int:
    with uow(write=False) as w:
        return w.codes.quota_used(account, day)


def test_sends_count_up_to_the_limit_and_a_refusal_counts_nothing(uow: SqlUnitOfWorkFactory) -> None:
    assert used(uow) == 0
    assert [take(uow, at=n) for n in range(5)] == [True, True, True, False, False]
    assert used(uow) == 3
    assert take(uow, limit=4)  # a raised limit admits more the same day
    assert used(uow) == 4


def test_each_account_and_day_has_its_own_count(uow: SqlUnitOfWorkFactory) -> None:
    for _ in range(2):
        take(uow, limit=2)
    assert not take(uow, limit=2)
    assert take(uow, OTHER, limit=2)
    assert take(uow, day=NEXT_DAY, limit=2)
    assert (used(uow), used(uow, OTHER), used(uow, day=NEXT_DAY)) == (2, 1, 1)


def test_a_rolled_back_send_leaves_the_count(uow: SqlUnitOfWorkFactory) -> None:
    take(uow)

    def counted_then_failed() -> None:
        with uow() as w:
            assert w.codes.take_quota(ACCOUNT, DAY, limit=3, now_ms=1)
            raise errors.ThrottlingUser(1)  # the send fails after counting: its transaction rolls back

    def counted_in_a_savepoint_then_failed() -> None:
        with uow() as w, w.nested():
            assert w.codes.take_quota(ACCOUNT, DAY, limit=3, now_ms=2)
            raise errors.ThrottlingUser(1)  # the same inside a call's savepoint

    for failing in (counted_then_failed, counted_in_a_savepoint_then_failed):
        with pytest.raises(errors.ThrottlingUser):
            failing()
    assert used(uow) == 1


def test_the_purge_forgets_a_day_with_its_last_send(uow: SqlUnitOfWorkFactory, engine: Engine) -> None:
    take(uow, day=DAY, at=1_000)
    take(uow, day=DAY, at=5_000)
    take(uow, day=NEXT_DAY, at=9_000)
    with uow() as w:
        w.codes.purge(codes_before_ms=0, sends_before_ms=5_000)  # the first day's last send is not older
    assert (used(uow), used(uow, day=NEXT_DAY)) == (2, 1)
    with uow() as w:
        w.codes.purge(codes_before_ms=0, sends_before_ms=5_001)
    with engine.connect() as conn:
        assert list(conn.execute(select(t.code_quota.c.quota_day))) == [(NEXT_DAY,)]


def test_the_migration_counts_the_sends_already_there(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine, "0007")
        insert_send = text(
            "INSERT INTO code_sends (quota_account_id, quota_day, phone, sent_ms) VALUES (:a, :d, :p, :s)"
        )
        with engine.begin() as conn:
            sends = [(ACCOUNT, DAY, 10), (ACCOUNT, DAY, 30), (ACCOUNT, NEXT_DAY, 50), (OTHER, DAY, 20)]
            for account, day, sent_ms in sends:
                conn.execute(insert_send, {"a": account, "d": day, "p": "86-13900000001", "s": sent_ms})
        migrate.upgrade(engine)
        q = t.code_quota
        with engine.connect() as conn:
            rows = set(conn.execute(select(q.c.quota_account_id, q.c.quota_day, q.c.sent, q.c.last_ms)))
        assert rows == {(ACCOUNT, DAY, 2, 30), (ACCOUNT, NEXT_DAY, 1, 50), (OTHER, DAY, 1, 20)}
    finally:
        engine.dispose()
