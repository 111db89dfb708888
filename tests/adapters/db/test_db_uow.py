"""The unit of work: one transaction that commits on success and leaves nothing behind on an exception."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select

from openrd.adapters.db import tables as t
from openrd.adapters.db.connections import CACHED_CONNECTIONS
from openrd.adapters.db.uow import NestedUnitOfWork, SqlUnitOfWork, SqlUnitOfWorkFactory
from openrd.domain.accounts import Account
from openrd.domain.identity import AccessKey, AccessKeyStatus
from openrd.errors import ConcurrentCallNotSupported, InvalidVerificationCode

ACCOUNT = Account("1000000000000001", "alice", "Alice", "intl", None, None, True, 1_000)
KEY = AccessKey("LTAIkey", "secret", ACCOUNT.account_id, AccessKeyStatus.ACTIVE)


class Boom(Exception):
    pass


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_commits_on_success(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.accounts.add(ACCOUNT)
        w.identity.add_access_key(KEY)
        w.state.put("k", "v")
    assert _count(engine, t.accounts) == 1
    assert _count(engine, t.access_keys) == 1
    with uow(write=False) as w:
        assert w.accounts.get(ACCOUNT.account_id) == ACCOUNT
        assert w.state.get("k") == "v"


def _write_everything_then_fail(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.accounts.add(ACCOUNT)
        w.identity.add_access_key(KEY)
        w.state.put("k", "v")
        w.nonces.remember("LTAIkey", "n1", now_ms=1, window_ms=10)
        raise Boom


def test_rolls_back_everything_on_an_exception(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    with pytest.raises(Boom):
        _write_everything_then_fail(uow)
    for table in t.metadata.sorted_tables:
        if table.name not in t.COUNTERS:
            assert _count(engine, table) == 0, table.name


def test_a_failed_statement_rolls_back_the_earlier_ones(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.accounts.add(ACCOUNT)
    other = Account("1000000000000002", "bob", "Bob", "intl", None, None, True, 2_000)

    def add_both() -> None:
        with uow() as w:
            w.accounts.add(other)
            w.accounts.add(ACCOUNT)  # duplicate primary key

    with pytest.raises(ConcurrentCallNotSupported):
        add_both()
    with uow(write=False) as w:
        assert w.accounts.get(other.account_id) is None
        assert w.accounts.get(ACCOUNT.account_id) == ACCOUNT


def test_uncommitted_writes_are_invisible_to_other_transactions(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.accounts.add(ACCOUNT)
        w.state.put("k", "v")
        assert _count(engine, t.emulator_state) == 0  # another connection does not see it yet
    assert _count(engine, t.emulator_state) == 1


def test_connection_is_only_available_inside(uow: SqlUnitOfWorkFactory) -> None:
    work = uow()
    assert isinstance(work, SqlUnitOfWork)
    with pytest.raises(RuntimeError):
        _ = work.connection
    with work:
        assert work.connection.closed is False
    with pytest.raises(RuntimeError):
        _ = work.connection


def test_a_unit_of_work_can_be_used_again(uow: SqlUnitOfWorkFactory) -> None:
    work = uow()
    with work as w:
        w.state.put("k", "1")
    with work as w:
        assert w.state.get("k") == "1"
        w.state.put("k", "2")
    with uow(write=False) as w:
        assert w.state.get("k") == "2"


def test_connections_return_to_the_pool(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    for _ in range(50):  # more than pool_size + max_overflow: a leak would block or fail
        with uow() as w:
            w.state.put("k", "v")
        with pytest.raises(Boom), uow():
            raise Boom
    assert engine.pool.checkedout() <= 2 * CACHED_CONNECTIONS  # type: ignore[attr-defined]
    uow.close()
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def _driver_connection(w: SqlUnitOfWork) -> object:
    return w.connection.connection.driver_connection


def test_connections_are_kept_between_transactions(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        first_write = _driver_connection(w)
    with uow(write=False) as w:
        first_read = _driver_connection(w)
    seen: list[object] = []

    def fail_after_a_write() -> None:
        with uow() as w:
            seen.append(_driver_connection(w))
            w.state.put("k", "v")
            raise Boom

    with pytest.raises(Boom):
        fail_after_a_write()
    assert seen == [first_write]  # the same connection, its begin mode kept
    with uow() as w:
        assert _driver_connection(w) is first_write
        assert w.state.get("k") is None  # the failed transaction was rolled back before the connection was kept
    with uow(write=False) as w:
        assert _driver_connection(w) is first_read


def test_a_kept_postgresql_connection_keeps_its_kind(pg_uow: SqlUnitOfWorkFactory) -> None:
    """A read runs in autocommit (each statement sees the latest commit), a change in one transaction."""
    uow = pg_uow
    for _ in range(2):  # fresh from the pool, then kept
        with uow(write=False) as w:
            assert w.connection.connection.driver_connection.autocommit is True  # type: ignore[union-attr]
        with uow() as w:
            assert w.connection.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
            w.state.put("k", "v")
    with uow(write=False) as w:
        assert w.state.get("k") == "v"


def test_a_closed_factory_closes_connections_as_they_come_back(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.state.put("k", "v")
        uow.close()
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with uow() as w:  # still usable, it just keeps nothing
        assert w.state.get("k") == "v"
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_threads_share_the_kept_connections_safely(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    def work(n: int) -> None:
        for i in range(40):
            with uow() as w:
                w.state.put(f"t{n}-{i}", str(i))
            with uow(write=False) as w:
                assert w.state.get(f"t{n}-{i}") == str(i)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(8)))
    assert _count(engine, t.emulator_state) == 8 * 40
    assert engine.pool.checkedout() <= 2 * CACHED_CONNECTIONS  # type: ignore[attr-defined]


def test_nested_unit_of_work_commits_with_the_outer_one(engine: Engine, uow: SqlUnitOfWorkFactory) -> None:
    with uow() as outer:
        outer.state.put("outer", "1")
        with outer.nested() as inner:
            inner.state.put("inner", "1")
    with uow(write=False) as w:
        assert (w.state.get("outer"), w.state.get("inner")) == ("1", "1")


def test_a_failing_nested_unit_of_work_undoes_only_its_own_changes(uow: SqlUnitOfWorkFactory) -> None:
    def fail_inside(outer: SqlUnitOfWork) -> None:
        with outer.nested() as inner:
            inner.state.put("inner", "1")
            raise Boom

    with uow() as outer:
        outer.state.put("outer", "1")
        with pytest.raises(Boom):
            fail_inside(outer)
        outer.state.put("after", "1")
    with uow(write=False) as w:
        assert (w.state.get("outer"), w.state.get("inner"), w.state.get("after")) == ("1", None, "1")


def test_kept_savepoints_stay_kept_when_a_later_or_deeper_one_rolls_back(uow: SqlUnitOfWorkFactory) -> None:
    # Savepoints that succeed are not released (their changes wait for the enclosing commit): a later savepoint,
    # or one inside another, that rolls back must undo its own changes only.
    def fail_in(unit: SqlUnitOfWork | NestedUnitOfWork, key: str) -> None:
        with unit.nested() as inner:
            inner.state.put(key, "1")
            raise Boom

    with uow() as outer:
        with outer.nested() as first:
            first.state.put("first", "1")
        with pytest.raises(Boom):
            fail_in(outer, "second")
        with outer.nested() as third:
            third.state.put("third", "1")
            with pytest.raises(Boom):
                fail_in(third, "inside-third")
            third.state.put("third-after", "1")
    with uow(write=False) as w:
        found = {key: w.state.get(key) for key in ("first", "second", "third", "inside-third", "third-after")}
    assert found == {"first": "1", "second": None, "third": "1", "inside-third": None, "third-after": "1"}


def test_a_nested_error_raised_keeping_changes_keeps_them(uow: SqlUnitOfWorkFactory) -> None:
    def count_then_refuse(outer: SqlUnitOfWork) -> None:
        with outer.nested() as inner:
            inner.state.put("attempts", "1")
            raise InvalidVerificationCode().keeping_changes()

    with uow() as outer, pytest.raises(InvalidVerificationCode):
        count_then_refuse(outer)
    with uow(write=False) as w:
        assert w.state.get("attempts") == "1"


def test_a_constraint_violation_inside_a_nested_unit_of_work(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.accounts.add(ACCOUNT)

    def add_again(outer: SqlUnitOfWork) -> None:
        with outer.nested() as inner:
            inner.state.put("inner", "1")
            inner.accounts.add(ACCOUNT)

    with uow() as outer:
        with pytest.raises(ConcurrentCallNotSupported):
            add_again(outer)
        outer.state.put("outer", "1")  # the transaction is still usable after the savepoint rolled back
    with uow(write=False) as w:
        assert (w.state.get("inner"), w.state.get("outer")) == (None, "1")


REPOSITORY_NAMES = ("accounts", "identity", "nonces", "state", "codes", "outbox", "directory", "audit")


def test_a_unit_of_work_and_its_savepoints_share_one_set_of_repositories(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        first = {name: getattr(w, name) for name in REPOSITORY_NAMES}
        with w.nested() as savepoint, savepoint.nested() as inner:
            for name in REPOSITORY_NAMES:
                assert getattr(savepoint, name) is first[name]
                assert getattr(inner, name) is first[name]
        assert {name: getattr(w, name) for name in REPOSITORY_NAMES} == first  # built once, on entering
    with uow(write=False) as again:
        assert all(getattr(again, name) is not first[name] for name in REPOSITORY_NAMES)  # each its own
