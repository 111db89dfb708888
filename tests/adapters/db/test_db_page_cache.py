"""Member pages kept between changes (SQLite): a read lists from them only while nothing a page shows has changed,
in this process or another, and a change — committed, rolled back, or a reset — is seen by the next read.
PostgreSQL keeps none and counts nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select

from openrd.adapters.crypto import FernetSecretBox
from openrd.adapters.db import member_reads
from openrd.adapters.db import tables as t
from openrd.adapters.db.page_cache import MemberPageCache
from openrd.adapters.db.store import SqlStore
from openrd.adapters.db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from openrd.domain.accounts import Account
from openrd.domain.directory import Directory, Folder, JoinMethod, Member, MemberRow, MemberStatus, MemberType
from openrd.services.ports import UnitOfWork
from support.db import statements_of

RD, ROOT, SUB = "rd-cccccc", "r-cccccc", "fd-cccccccccc"
MA, FIRST, SECOND = "1000000000000009", "2000000000000001", "2000000000000002"


def _row(account_id: str) -> MemberRow:
    return MemberRow(account_id, ROOT, MemberType.RESOURCE, JoinMethod.CREATED, MemberStatus.CREATE_SUCCESS, 1, 2,
                     "name", None, ())  # fmt: skip


# -- the cache alone


def test_a_page_is_kept_for_its_revision_only() -> None:
    pages = MemberPageCache()
    rows = [_row(FIRST)]
    assert pages.get(3, "key") is None
    pages.put(3, "key", (rows, 1))

    assert pages.get(3, "key") == ((_row(FIRST),), 1)
    assert pages.get(4, "key") is None
    assert pages.get(2, "key") is None
    assert pages.get(3, "other") is None
    rows.append(_row(SECOND))  # the caller's list: what is kept is a copy nobody can change
    assert pages.get(3, "key") == ((_row(FIRST),), 1)


def test_a_newer_revision_replaces_every_page_and_an_older_one_changes_nothing() -> None:
    pages = MemberPageCache()
    pages.put(5, "a", ([_row(FIRST)], 1))
    pages.put(4, "b", ([_row(SECOND)], 1))  # a reader whose snapshot is older than what is kept
    assert pages.get(4, "b") is None
    assert pages.get(5, "a") is not None

    pages.put(6, "b", ([_row(SECOND)], 1))
    assert pages.get(5, "a") is None
    assert pages.get(6, "a") is None
    assert pages.get(6, "b") == ((_row(SECOND),), 1)


def test_a_full_cache_starts_again() -> None:
    pages = MemberPageCache(max_pages=2)
    pages.put(1, "a", ([], 0))
    pages.put(1, "b", ([], 0))
    pages.put(1, "b", ([_row(FIRST)], 1))  # replacing a kept page is no growth
    assert pages.get(1, "a") == ((), 0)
    pages.put(1, "c", ([], 0))
    assert pages.get(1, "a") is None
    assert pages.get(1, "b") is None
    assert pages.get(1, "c") == ((), 0)


# -- on the stores


@pytest.fixture
def directory(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.accounts.add(Account(MA, "ma", "MA", "cn", None, None, True, 0))
        w.directory.add_directory(Directory(RD, MA, "ma", ROOT, 5, "Enabled", "Disabled"))
        w.directory.add_folder(Folder(ROOT, RD, "Root", None, 0, f"{RD}/{ROOT}", 5))
        w.directory.add_folder(Folder(SUB, RD, "sub", ROOT, 1, f"{RD}/{ROOT}/{SUB}", 6))
        for n, account_id in enumerate((FIRST, SECOND), start=1):
            w.accounts.add(Account(account_id, f"a{n}", f"Account {n}", "cn", None, "Corp", True, n))
            w.directory.add_member(
                Member(account_id, RD, ROOT, MemberType.RESOURCE, JoinMethod.CREATED, MemberStatus.CREATE_SUCCESS,
                       10 + n, 20 + n)
            )  # fmt: skip
        w.directory.put_tags("Account", FIRST, MA, [("k", "v")])


def _listed(uow: SqlUnitOfWorkFactory, **page: Any) -> tuple[Sequence[MemberRow], int]:
    with uow(write=False) as r:
        return r.directory.member_page(RD, **({"limit": 10, "offset": 0} | page))


def _read_from_the_tables(uow: SqlUnitOfWorkFactory, **page: Any) -> tuple[list[MemberRow], int]:
    """The page as the statements read it, whatever is kept."""
    with uow(write=False) as r:
        assert isinstance(r, SqlUnitOfWork)
        rows, total = member_reads.member_page(r.connection, RD, **({"limit": 10, "offset": 0} | page))
        return list(rows), total


def _revision(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(t.member_revision.c.revision)).scalar_one())


# The store fixtures run every test on both stores; these run on the one they are about.
ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
ON_POSTGRESQL = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@ON_SQLITE
def test_a_read_lists_the_kept_page_with_one_statement(
    uow: SqlUnitOfWorkFactory, directory: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _listed(uow)
    with uow(write=False) as r, statements_of(r, monkeypatch) as seen:
        again = r.directory.member_page(RD, limit=10, offset=0)

    assert again == first
    assert [row.account_id for row in again[0]] == [FIRST, SECOND]
    assert len(seen) == 1
    assert "member_revision" in seen[0]


@pytest.mark.parametrize(
    "page",
    [
        {"folder_id": ROOT},
        {"folder_id": SUB},
        {"limit": 1, "offset": 1},
        {"with_tags": False},
        {"keyword": "Account 2"},  # filtered pages are never kept: they read the tables every time
        {"tags": [("k", "v")]},
    ],
)
def test_each_window_is_its_own_page(uow: SqlUnitOfWorkFactory, directory: None, page: dict[str, Any]) -> None:
    _listed(uow)  # the default page is kept first
    for _ in range(2):
        rows, total = _listed(uow, **page)
        assert (list(rows), total) == _read_from_the_tables(uow, **page)


def _add_member(w: UnitOfWork) -> None:
    w.accounts.add(Account("2000000000000003", "a3", "Account 3", "cn", None, None, True, 3))
    w.directory.add_member(
        Member("2000000000000003", RD, ROOT, MemberType.RESOURCE, JoinMethod.CREATED, MemberStatus.CREATE_SUCCESS,
               99, 99)
    )  # fmt: skip


def _rename(w: UnitOfWork) -> None:
    account = w.accounts.get(SECOND)
    assert account is not None
    w.accounts.update(replace(account, display_name="Renamed"))


def _move(w: UnitOfWork) -> None:
    member = w.directory.get_member(FIRST)
    assert member is not None
    w.directory.update_member(replace(member, folder_id=SUB))


def _delete_account(w: UnitOfWork) -> None:
    assert isinstance(w, SqlUnitOfWork)
    w.connection.execute(delete(t.members).where(t.members.c.account_id == SECOND))
    w.connection.execute(delete(t.accounts).where(t.accounts.c.account_id == SECOND))


CHANGES: dict[str, Callable[[UnitOfWork], object]] = {
    "a member joins": _add_member,
    "a member leaves": lambda w: w.directory.remove_member(SECOND),
    "a member moves": _move,
    "a display name changes": _rename,
    "a secure phone is bound": lambda w: w.accounts.bind_phone_if_unset(SECOND, "86-13900000002"),
    "a tag is set": lambda w: w.directory.put_tags("Account", SECOND, MA, [("new", "tag")]),
    "a tag changes": lambda w: w.directory.put_tags("Account", FIRST, MA, [("k", "changed")]),
    "an account is deleted": _delete_account,
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_the_read_after_a_change_lists_it(
    uow: SqlUnitOfWorkFactory, directory: None, engine: Engine, db_url: str, change: str
) -> None:
    before = _listed(uow)
    counted = _revision(engine)
    with uow() as w:
        CHANGES[change](w)

    after = _listed(uow)
    assert (list(after[0]), after[1]) == _read_from_the_tables(uow)
    assert after != before
    if db_url.startswith("sqlite"):
        assert _revision(engine) > counted
    else:
        assert _revision(engine) == counted == 0  # nothing counts on PostgreSQL


def test_a_change_by_another_process_is_seen(
    uow: SqlUnitOfWorkFactory, directory: None, engine: Engine, box: FernetSecretBox
) -> None:
    """Another server process on the same database: its own units of work, its own kept pages."""
    before = _listed(uow)
    other = SqlUnitOfWorkFactory(engine, box)
    try:
        assert _listed(other) == _listed(uow)
        with other() as w:
            _rename(w)
    finally:
        other.close()

    after = _listed(uow)
    assert after != before
    assert [row.display_name for row in after[0]] == ["Account 1", "Renamed"]


def test_a_change_rolled_back_leaves_the_page_as_it_was(uow: SqlUnitOfWorkFactory, directory: None) -> None:
    before = _listed(uow)

    class Undo(Exception):
        pass

    def add_list_and_undo() -> None:
        with uow() as w:
            _add_member(w)
            # The change lists its own uncommitted member: a change never lists from the kept pages.
            listed = w.directory.member_page(RD, limit=10, offset=0)[0]
            assert [row.account_id for row in listed] == [FIRST, SECOND, "2000000000000003"]
            raise Undo

    with pytest.raises(Undo):
        add_list_and_undo()

    assert _listed(uow) == before
    assert _read_from_the_tables(uow) == (list(before[0]), 2)
    # The next change counts the revision the undone one had counted: its page lists that change, not the undone.
    with uow() as w:
        _rename(w)
    after = _listed(uow)
    assert [(row.account_id, row.display_name) for row in after[0]] == [(FIRST, "Account 1"), (SECOND, "Renamed")]


@ON_SQLITE
def test_a_reset_empties_the_page_and_keeps_counting(
    uow: SqlUnitOfWorkFactory, directory: None, engine: Engine
) -> None:
    assert len(_listed(uow)[0]) == 2
    counted = _revision(engine)

    SqlStore(engine).reset()

    assert _revision(engine) > counted  # never back to a revision whose pages a process may keep
    assert _listed(uow) == ((), 0)


@ON_POSTGRESQL
def test_postgresql_keeps_none(uow: SqlUnitOfWorkFactory, directory: None, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _listed(uow)
    with uow(write=False) as r, statements_of(r, monkeypatch) as seen:
        again = r.directory.member_page(RD, limit=10, offset=0)

    assert again == first
    assert len(seen) == 1  # the page, its tags and the total in one statement, every time
    assert "member_revision" not in seen[0]


@ON_SQLITE
def test_without_its_row_nothing_is_kept(
    uow: SqlUnitOfWorkFactory, directory: None, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count's one row deleted by hand: every read reads the tables (and a change is still listed)."""
    with engine.begin() as conn:
        conn.execute(delete(t.member_revision))
    _listed(uow)
    with uow(write=False) as r, statements_of(r, monkeypatch) as seen:
        r.directory.member_page(RD, limit=10, offset=0)
    assert len(seen) == 4  # the count's row, the kept total, the page, its tags
    with uow() as w:
        _rename(w)
    assert [row.display_name for row in _listed(uow)[0]] == ["Account 1", "Renamed"]
