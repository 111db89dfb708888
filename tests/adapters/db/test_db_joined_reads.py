"""Reads that join what used to be several statements (on PostgreSQL each a network round trip) answer exactly what
the statements one by one answered.

- GetAccount's ``managed_member``: the directory the caller manages, the member with its account fields and tags,
  and its folder — or nothing.
- The unfiltered member page: members in join order with their tags (a joined row per tag) and the kept total.
- Two accounts' standings (SendVerificationCode…/Bind…): account, membership, managed directory.
- A signed read's caller lookup brings the directory the key's account manages; the read's directory repository
  answers ``directory_managed_by`` for that account from it (ListAccounts: 4 → 3 statements on PostgreSQL)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from openrd.adapters.db.directory import SqlDirectoryRepository
from openrd.adapters.db.uow import SqlUnitOfWorkFactory
from openrd.domain.accounts import Account
from openrd.domain.directory import Directory, Folder, JoinMethod, Member, MemberStatus, MemberType
from openrd.domain.identity import AccessKey, AccessKeyStatus
from support.db import statements_of

RD, ROOT, SUB = "rd-aaaaaa", "r-aaaaaa", "fd-aaaaaaaaaa"
OTHER_RD, OTHER_ROOT = "rd-bbbbbb", "r-bbbbbb"
MA, OTHER_MA = "1000000000000001", "1000000000000002"
TAGGED, UNTAGGED, NESTED, ELSEWHERE = "2000000000000001", "2000000000000002", "2000000000000003", "2000000000000004"


@pytest.fixture
def world(uow: SqlUnitOfWorkFactory) -> None:
    with uow() as w:
        for account_id in (MA, OTHER_MA):
            w.accounts.add(Account(account_id, f"ma{account_id[-1]}", "MA", "cn", None, None, True, 0))
        for directory_id, root, manager in ((RD, ROOT, MA), (OTHER_RD, OTHER_ROOT, OTHER_MA)):
            w.directory.add_directory(Directory(directory_id, manager, "ma", root, 5, "Enabled", "Disabled"))
            w.directory.add_folder(Folder(root, directory_id, "Root", None, 0, f"{directory_id}/{root}", 5))
        w.directory.add_folder(Folder(SUB, RD, "sub", ROOT, 1, f"{RD}/{ROOT}/{SUB}", 6))
        placed = ((TAGGED, RD, ROOT), (UNTAGGED, RD, ROOT), (NESTED, RD, SUB), (ELSEWHERE, OTHER_RD, OTHER_ROOT))
        for n, (account_id, directory_id, folder_id) in enumerate(placed, start=1):
            w.accounts.add(Account(account_id, f"a{n}", f"Account {n}", "cn", "86-1390000000{n}", "Corp", True, n))
            w.directory.add_member(
                Member(account_id, directory_id, folder_id, MemberType.RESOURCE, JoinMethod.CREATED,
                       MemberStatus.CREATE_SUCCESS, 10 + n, 20 + n)
            )  # fmt: skip
        w.directory.put_tags("Account", TAGGED, MA, [("zeta", "1"), ("alpha", "2"), ("mid", "")])
        w.directory.put_tags("Account", NESTED, MA, [("k", "v")])
        w.directory.put_tags("Account", ELSEWHERE, OTHER_MA, [("k", "v")])


@pytest.mark.parametrize("account_id", [TAGGED, UNTAGGED, NESTED])
def test_the_one_read_matches_the_reads_one_by_one(uow: SqlUnitOfWorkFactory, world: None, account_id: str) -> None:
    with uow(write=False) as r:
        found = r.directory.managed_member(MA, account_id)
        directory = r.directory.directory_managed_by(MA)
        view = r.directory.member_view(account_id)
        assert view is not None
        folder = r.directory.get_folder(view.member.folder_id)

    assert found == (directory, view, folder)


def test_tags_come_in_key_order_once_each(uow: SqlUnitOfWorkFactory, world: None) -> None:
    with uow(write=False) as r:
        found = r.directory.managed_member(MA, TAGGED)
    assert found is not None
    assert found[1].tags == (("alpha", "2"), ("mid", ""), ("zeta", "1"))
    assert found[1].member.folder_id == found[2].folder_id == ROOT


@pytest.mark.parametrize(
    ("manager", "account_id"),
    [
        (MA, ELSEWHERE),  # a member of another directory
        (OTHER_MA, TAGGED),  # the other manager asks for one of ours
        (MA, "2999999999999999"),  # no such account
        (TAGGED, UNTAGGED),  # the caller manages no directory
        (MA, MA),  # an account that is no member at all
    ],
)
def test_nothing_outside_the_callers_directory(
    uow: SqlUnitOfWorkFactory, world: None, manager: str, account_id: str
) -> None:
    with uow(write=False) as r:
        assert r.directory.managed_member(manager, account_id) is None


PAGED = [f"{3000000000000000 + n}" for n in range(1, 13)]


@pytest.fixture
def paged(uow: SqlUnitOfWorkFactory, world: None) -> dict[str, tuple[tuple[str, str], ...]]:
    """Twelve more members of RD (every third in SUB) with 0-3 tags each; their tags by account."""
    tags: dict[str, tuple[tuple[str, str], ...]] = {}
    with uow() as w:
        for n, account_id in enumerate(PAGED, start=1):
            w.accounts.add(Account(account_id, f"p{n}", f"Paged {n}", "cn", None, None, True, 100 + n))
            folder_id = SUB if n % 3 == 0 else ROOT
            w.directory.add_member(
                Member(account_id, RD, folder_id, MemberType.RESOURCE, JoinMethod.CREATED,
                       MemberStatus.CREATE_SUCCESS, 100 + n, 100 + n)
            )  # fmt: skip
            tags[account_id] = tuple(sorted((f"k{j}-{n}", f"v{j}") for j in range(n % 4)))
            w.directory.put_tags("Account", account_id, MA, list(reversed(tags[account_id])))
    return tags


def test_pages_bring_every_member_once_in_join_order_with_its_tags(
    uow: SqlUnitOfWorkFactory, paged: dict[str, tuple[tuple[str, str], ...]]
) -> None:
    everyone = [TAGGED, UNTAGGED, NESTED, *PAGED]  # join order: 11, 12, 13, then 101…
    with uow(write=False) as r:
        pages = [r.directory.member_page(RD, limit=4, offset=offset) for offset in range(0, 16, 4)]
        in_sub, sub_total = r.directory.member_page(RD, folder_id=SUB, limit=100, offset=0)
        past_end = r.directory.member_page(RD, limit=4, offset=40)
        expected_tags = {
            **paged,
            TAGGED: (("alpha", "2"), ("mid", ""), ("zeta", "1")),
            UNTAGGED: (),
            NESTED: (("k", "v"),),
        }

    assert {total for _, total in pages} == {15}
    listed = [member for page, _ in pages for member in page]
    assert [m.account_id for m in listed] == everyone
    assert {m.account_id: m.tags for m in listed} == expected_tags
    assert [m.account_id for m in in_sub] == [NESTED, *PAGED[2::3]]
    assert sub_total == 5
    assert all(m.folder_id == SUB for m in in_sub)
    assert (list(past_end[0]), past_end[1]) == ([], 15)


def test_standings_bring_each_accounts_membership_and_managed_directory(uow: SqlUnitOfWorkFactory, world: None) -> None:
    with uow(write=False) as r:
        manager_and_member = r.directory.standings(MA, NESTED)
        same_twice = r.directory.standings(TAGGED, TAGGED)
        unknown = r.directory.standings("2999999999999999", OTHER_MA)
        expected = {
            account_id: (r.accounts.get(account_id), r.directory.get_member(account_id))
            for account_id in (MA, NESTED, TAGGED, OTHER_MA)
        }
        managed = {MA: r.directory.directory_managed_by(MA), OTHER_MA: r.directory.directory_managed_by(OTHER_MA)}

    assert set(manager_and_member) == {MA, NESTED}
    assert (manager_and_member[MA].account, manager_and_member[MA].member) == expected[MA]
    assert manager_and_member[MA].manages == managed[MA] is not None
    assert (manager_and_member[NESTED].account, manager_and_member[NESTED].member) == expected[NESTED]
    assert manager_and_member[NESTED].member is not None
    assert manager_and_member[NESTED].manages is None
    assert set(same_twice) == {TAGGED}
    assert same_twice[TAGGED].account == expected[TAGGED][0]
    assert set(unknown) == {OTHER_MA}  # an unknown account is absent
    assert unknown[OTHER_MA].manages == managed[OTHER_MA]


@pytest.fixture
def keys(uow: SqlUnitOfWorkFactory, world: None) -> None:
    with uow() as w:
        for account_id in (MA, TAGGED):
            w.identity.add_access_key(AccessKey(f"LTAI{account_id}", "secret", account_id, AccessKeyStatus.ACTIVE))


@pytest.mark.parametrize("account_id", [MA, TAGGED])  # a management account; an account that manages nothing
def test_a_reads_caller_lookup_answers_which_directory_its_account_manages(
    uow: SqlUnitOfWorkFactory, keys: None, monkeypatch: pytest.MonkeyPatch, account_id: str
) -> None:
    with uow(write=False) as fresh:
        expected = fresh.directory.directory_managed_by(account_id)
        other = fresh.directory.directory_managed_by(OTHER_MA)
    with uow(write=False) as r:
        caller = r.identity.caller(f"LTAI{account_id}", nonce="n-1", nonce_since_ms=0)
        assert caller is not None
        with statements_of(r, monkeypatch) as seen:
            managed = r.directory.directory_managed_by(account_id)
        assert seen == []  # the lookup brought it
        with statements_of(r, monkeypatch) as seen:
            assert r.directory.directory_managed_by(OTHER_MA) == other  # another account: read as before
        assert len(seen) == 1

    assert managed == expected
    assert (managed is None) == (account_id == TAGGED)


def test_a_change_reads_the_managed_directory_itself(
    uow: SqlUnitOfWorkFactory, keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change reads it after the locks it takes (two InitResourceDirectory at once), not as its lookup saw it."""
    with uow() as w:
        assert w.identity.caller(f"LTAI{MA}", nonce="n-1", nonce_since_ms=0) is not None
        with statements_of(w, monkeypatch) as seen:
            managed = w.directory.directory_managed_by(MA)
        assert len(seen) == 1
    assert managed is not None
    assert managed.directory_id == RD


def test_what_the_repository_was_told_gives_way_to_directories_added_and_deleted(
    uow: SqlUnitOfWorkFactory, world: None
) -> None:
    none = SimpleNamespace(**{f"d_{name}": None for name in ("directory_id",)})
    with uow() as w:
        assert isinstance(w.directory, SqlDirectoryRepository)
        w.directory.know_managed(TAGGED, none)
        w.directory.know_managed(MA, none)
        assert w.directory.directory_managed_by(TAGGED) is None
        added = Directory("rd-cccccc", TAGGED, "a1", "r-cccccc", 7, "Enabled", "Disabled")
        w.directory.add_directory(added)
        assert w.directory.directory_managed_by(TAGGED) == added
        assert w.directory.directory_managed_by(MA) is not None  # forgotten too: read again
        w.directory.know_managed(TAGGED, none)
        w.directory.delete_directory(RD)
        assert w.directory.directory_managed_by(TAGGED) == added
        assert w.directory.directory_managed_by(MA) is None


def test_a_page_without_tags_lists_the_same_members_and_on_sqlite_looks_no_tag_up(
    uow: SqlUnitOfWorkFactory, paged: dict[str, tuple[tuple[str, str], ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ListAccounts without IncludeTags shows no tags: the page need not look them up (SQLite: a statement fewer)."""
    with uow(write=False) as r:
        with statements_of(r, monkeypatch) as tagged_statements:
            tagged, tagged_total = r.directory.member_page(RD, limit=100, offset=0)
        with statements_of(r, monkeypatch) as bare_statements:
            bare, bare_total = r.directory.member_page(RD, limit=100, offset=0, with_tags=False)
        sqlite = r.connection.dialect.name == "sqlite"

    assert bare_total == tagged_total == 15
    assert [m._replace(tags=()) for m in bare] == [m._replace(tags=()) for m in tagged]
    assert any(m.tags for m in tagged)
    if sqlite:
        assert all(m.tags == () for m in bare)
        assert len(bare_statements) == len(tagged_statements) - 1


@pytest.fixture
def nested_key(uow: SqlUnitOfWorkFactory, world: None) -> None:
    with uow() as w:
        w.identity.add_access_key(AccessKey(f"LTAI{NESTED}", "secret", NESTED, AccessKeyStatus.ACTIVE))


@pytest.mark.parametrize("account_id", [MA, NESTED])  # MA is in no directory as a member here
def test_a_reads_caller_lookup_brings_the_accounts_membership_and_folder(
    uow: SqlUnitOfWorkFactory, keys: None, nested_key: None, monkeypatch: pytest.MonkeyPatch, account_id: str
) -> None:
    """What a conditioned statement's acs:PrincipalRDPath needs, answered without a statement of its own."""
    with uow(write=False) as fresh:
        member = fresh.directory.get_member(account_id)
        folder = fresh.directory.get_folder(member.folder_id) if member else None
    with uow(write=False) as r:
        assert r.identity.caller(f"LTAI{account_id}", nonce="n-1", nonce_since_ms=0) is not None
        with statements_of(r, monkeypatch) as seen:
            assert r.directory.get_member(account_id) == member
            if member is not None:
                assert r.directory.get_folder(member.folder_id) == folder
        assert seen == []
        with statements_of(r, monkeypatch) as seen:
            r.directory.get_member(TAGGED if account_id != TAGGED else UNTAGGED)  # another account: read as before
        assert len(seen) == 1
    assert (member is None) == (account_id == MA)
