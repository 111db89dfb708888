"""Member counts kept by the database's triggers (migration 0007) match the members, however the rows change:
through the repositories, moved, removed, rolled back, or inserted in bulk behind the application's back."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, func, insert, select, text

from openrd.adapters.db import migrate
from openrd.adapters.db import tables as t
from openrd.adapters.db.engine import make_engine
from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from openrd.domain.accounts import Account
from openrd.domain.directory import Directory, Folder, JoinMethod, Member, MemberStatus, MemberType

RD, ROOT, SUB = "rd-aaaaaa", "r-aaaaaa", "fd-aaaaaaaaaa"
OTHER_RD, OTHER_ROOT = "rd-bbbbbb", "r-bbbbbb"
MA = "1000000000000001"


def account(n: int) -> Account:
    return Account(f"{2000000000000000 + n}", f"a{n}", f"Account {n}", "cn", None, None, True, n)


def member(n: int, *, folder: str = ROOT, directory: str = RD) -> Member:
    return Member(
        f"{2000000000000000 + n}", directory, folder, MemberType.RESOURCE, JoinMethod.CREATED,
        MemberStatus.CREATE_SUCCESS, n, n,
    )  # fmt: skip


@pytest.fixture
def directories(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        w.accounts.add(Account(MA, "ma", "MA", "cn", None, None, True, 0))
        for directory_id, root in ((RD, ROOT), (OTHER_RD, OTHER_ROOT)):
            w.directory.add_directory(Directory(directory_id, MA if directory_id == RD else "x", "ma", root, 0))
            w.directory.add_folder(Folder(root, directory_id, "Root", None, 0, f"{directory_id}/{root}", 0))
        w.directory.add_folder(Folder(SUB, RD, "sub", ROOT, 1, f"{RD}/{ROOT}/{SUB}", 0))
        for n in range(1, 31):
            w.accounts.add(account(n))


def kept(engine: Engine) -> dict[str, int]:
    """Every directory's and folder's kept count."""
    with engine.connect() as conn:
        rd, f = t.resource_directories, t.folders
        rows = [
            *conn.execute(select(rd.c.directory_id, rd.c.member_count)),
            *conn.execute(select(f.c.folder_id, f.c.member_count)),
        ]
    return {key: int(value) for key, value in rows}


def counted(engine: Engine) -> dict[str, int]:
    """The same, counted from the members table."""
    m = t.members
    with engine.connect() as conn:
        by_directory: dict[str, int] = dict(
            conn.execute(select(m.c.directory_id, func.count()).group_by(m.c.directory_id)).all()
        )
        by_folder: dict[str, int] = dict(
            conn.execute(select(m.c.folder_id, func.count()).group_by(m.c.folder_id)).all()
        )
    return {key: int(by_directory.get(key, 0)) for key in (RD, OTHER_RD)} | {
        key: int(by_folder.get(key, 0)) for key in (ROOT, SUB, OTHER_ROOT)
    }


def test_counts_follow_adds_moves_and_removals(engine: Engine, uow: SqlUnitOfWorkFactory, directories: None) -> None:
    with uow() as w:
        for n in range(1, 11):
            w.directory.add_member(member(n, folder=SUB if n % 3 == 0 else ROOT))
        w.directory.add_member(member(11, directory=OTHER_RD, folder=OTHER_ROOT))
    assert kept(engine) == counted(engine) == {RD: 10, OTHER_RD: 1, ROOT: 7, SUB: 3, OTHER_ROOT: 1}

    with uow() as w:
        w.directory.update_member(replace(member(1), folder_id=SUB, modify_ms=99))  # a move
        w.directory.update_member(replace(member(2), modify_ms=99))  # a change that moves nothing
        w.directory.remove_member(member(3).account_id)  # from SUB
    assert kept(engine) == counted(engine) == {RD: 9, OTHER_RD: 1, ROOT: 6, SUB: 3, OTHER_ROOT: 1}


def test_a_rolled_back_change_leaves_the_counts(engine: Engine, uow: SqlUnitOfWorkFactory, directories: None) -> None:
    with uow() as w:
        w.directory.add_member(member(1))

    def abandoned() -> None:
        with uow() as w:
            w.directory.add_member(member(2))
            w.directory.remove_member(member(1).account_id)
            raise RuntimeError("abandon the transaction")

    with pytest.raises(RuntimeError):
        abandoned()
    assert kept(engine) == counted(engine) == {RD: 1, OTHER_RD: 0, ROOT: 1, SUB: 0, OTHER_ROOT: 0}


def test_bulk_inserts_behind_the_application_are_counted(engine: Engine, directories: None) -> None:
    rows = [member(n, folder=SUB if n > 20 else ROOT).__dict__ for n in range(1, 31)]
    with engine.begin() as conn:
        conn.execute(insert(t.members), rows)
    assert kept(engine) == counted(engine) == {RD: 30, OTHER_RD: 0, ROOT: 20, SUB: 10, OTHER_ROOT: 0}


def test_list_pages_report_the_kept_total(uow: SqlUnitOfWorkFactory, directories: None) -> None:
    with uow() as w:
        for n in range(1, 26):
            w.directory.add_member(member(n, folder=SUB if n > 20 else ROOT))
    with uow(write=False) as w:
        page, total = w.directory.member_page(RD, limit=10, offset=20)
        assert (len(page), total) == (5, 25)
        page, total = w.directory.member_page(RD, folder_id=SUB, limit=10, offset=0)
        assert ([m.account_id for m in page], total) == ([member(n).account_id for n in range(21, 26)], 5)
        page, total = w.directory.member_page(OTHER_RD, limit=10, offset=0)
        assert (list(page), total) == ([], 0)


def test_the_migration_counts_the_members_already_there(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    try:
        migrate.upgrade(engine, "0006")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO resource_directories (directory_id, master_account_id, master_account_name,"
                    " root_folder_id, control_policy_status, member_deletion_status, created_ms)"
                    " VALUES (:d, :ma, 'ma', :root, 'Disabled', 'Disabled', 0)"
                ),
                {"d": RD, "ma": MA, "root": ROOT},
            )
            for folder_id, parent in ((ROOT, None), (SUB, ROOT)):
                conn.execute(
                    text(
                        "INSERT INTO folders (folder_id, directory_id, name, parent_id, depth, path, created_ms)"
                        " VALUES (:f, :d, :f, :p, 0, :f, 0)"
                    ),
                    {"f": folder_id, "d": RD, "p": parent},
                )
            old_members = [member(n, folder=SUB if n > 4 else ROOT).__dict__ for n in range(1, 7)]
            conn.execute(insert(t.members), old_members)
        migrate.upgrade(engine)
        assert kept(engine) == {RD: 6, ROOT: 4, SUB: 2}
    finally:
        engine.dispose()
