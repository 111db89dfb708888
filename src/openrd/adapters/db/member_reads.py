"""How members are read: the member views of GetAccount and the bind checks, the listing pages, tags — the hot
statements, built once and run through the driver (prepared.py), and the mapping of their rows. The member
repositories (members.py) answer with these."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select

from openrd.adapters.db import tables as t
from openrd.adapters.db.page_cache import MemberPageCache
from openrd.adapters.db.prepared import Prepared
from openrd.adapters.db.repositories import account_from_row
from openrd.domain.directory import (
    Directory,
    Folder,
    JoinMethod,
    Member,
    MemberRow,
    MemberStatus,
    MemberType,
    MemberView,
    Standing,
)
from openrd.domain.tags import ACCOUNT

_MEMBER_VIEW = Prepared(
    select(t.members, t.accounts.c.name, t.accounts.c.display_name, t.accounts.c.enterprise_name,
           t.accounts.c.secure_mobile_phone)
    .select_from(t.members.join(t.accounts, t.accounts.c.account_id == t.members.c.account_id))
    .where(t.members.c.account_id == bindparam("id"))
)  # fmt: skip
_m, _a = t.members, t.accounts
_d, _f, _mt = t.resource_directories, t.folders, t.resource_tags


def _account_tags_of(account_id: Any) -> Any:
    """The join condition of an account's tags: the Account rows of the one tag store."""
    return and_(_mt.c.resource_type == ACCOUNT, _mt.c.resource_id == account_id)


# GetAccount's reads in one round trip: the member of the directory the caller manages, its account, its folder and
# its tags (a row per tag). Separately they were four statements; on PostgreSQL each is a network round trip.
_MANAGED_MEMBER = Prepared(
    select(*[c.label(f"d_{c.name}") for c in _d.c], *_m.c, _a.c.name, _a.c.display_name, _a.c.enterprise_name,
           _a.c.secure_mobile_phone, *[c.label(f"f_{c.name}") for c in _f.c], _mt.c.key, _mt.c.value)
    .select_from(
        _m.join(_d, and_(_d.c.directory_id == _m.c.directory_id, _d.c.master_account_id == bindparam("manager")))
        .join(_a, _a.c.account_id == _m.c.account_id)
        .join(_f, and_(_f.c.folder_id == _m.c.folder_id, _f.c.directory_id == _m.c.directory_id))
        .outerjoin(_mt, _account_tags_of(_m.c.account_id))
    )
    .where(_m.c.account_id == bindparam("id"))
    .order_by(_mt.c.key)
)  # fmt: skip
_PAGE_JOIN = _m.join(_a, _a.c.account_id == _m.c.account_id)
# What a listing shows of a member, in MemberRow's order (tags come from a second query).
_PAGE_COLUMNS = (_m.c.account_id, _m.c.folder_id, _m.c.type, _m.c.join_method, _m.c.status, _m.c.join_ms,
                 _m.c.modify_ms, _a.c.display_name, _a.c.secure_mobile_phone)  # fmt: skip
_PAGE_WHERE = {
    False: _m.c.directory_id == bindparam("directory"),
    True: and_(_m.c.directory_id == bindparam("directory"), _m.c.folder_id == bindparam("folder")),
}
_KEPT_COUNT = {
    False: select(_d.c.member_count).where(_d.c.directory_id == bindparam("directory")),
    True: select(_f.c.member_count).where(_f.c.folder_id == bindparam("folder")),
}
_COUNT = {in_folder: Prepared(count) for in_folder, count in _KEPT_COUNT.items()}


# Two accounts' standing in one statement (the caller's and the target's, SendVerificationCode…/Bind…): a member
# row and a managed directory each, where they exist.
_STANDINGS = Prepared(
    select(*_a.c, *[c.label(f"m_{c.name}") for c in _m.c], *[c.label(f"d_{c.name}") for c in _d.c])
    .select_from(
        _a.outerjoin(_m, _m.c.account_id == _a.c.account_id)
        .outerjoin(_d, _d.c.master_account_id == _a.c.account_id)
    )
    .where(_a.c.account_id.in_([bindparam("first"), bindparam("second")]))
)  # fmt: skip


def _page_of(*columns: Any, where: Any) -> Any:
    return (
        select(*columns)
        .where(where)
        .order_by(_m.c.join_ms, _m.c.account_id)  # the order of the members indexes (migration 0006)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def _page_with_tags(in_folder: bool, where: Any) -> Prepared:
    """The page, its tags (a row per tag; a row with no tag for an untagged member) and the total in one statement,
    for PostgreSQL, where each statement is a network round trip. On SQLite, where a statement is a function call,
    the three statements apart are faster: the joined rows cost more Python than the statements (bench/README.md)."""
    page = _page_of(*_PAGE_COLUMNS, where=where).select_from(_PAGE_JOIN).subquery("page")
    return Prepared(
        select(*page.c, _mt.c.key, _mt.c.value, _KEPT_COUNT[in_folder].scalar_subquery().label("total"))
        .select_from(page.outerjoin(_mt, _account_tags_of(page.c.account_id)))
        .order_by(page.c.join_ms, page.c.account_id, _mt.c.key)
    )


# The unfiltered page (ListAccounts, ListAccountsForParent without Keyword or Tag): prepared, the common case.
# The count is kept by triggers on members (migration 0007): one row, whatever the directory's size.
_PAGE_JOINED = {in_folder: _page_with_tags(in_folder, where) for in_folder, where in _PAGE_WHERE.items()}
_REVISION = Prepared(select(t.member_revision.c.revision).where(t.member_revision.c.id == 1))
_PAGE = {
    in_folder: (
        Prepared(_page_of(*_PAGE_COLUMNS, where=where).select_from(_PAGE_JOIN)),
        # The page's tags, selecting the page again from the index alone: cheaper than 100 bound account ids.
        Prepared(
            select(_mt.c.resource_id, _mt.c.key, _mt.c.value)
            .where(_mt.c.resource_type == ACCOUNT, _mt.c.resource_id.in_(_page_of(_m.c.account_id, where=where)))
            .order_by(_mt.c.key)
        ),
    )
    for in_folder, where in _PAGE_WHERE.items()
}


@functools.cache
def _tags(count: int) -> Prepared:
    """Tags of ``count`` accounts: one prepared statement per page size (an expanding IN cannot be prepared)."""
    ids: list[Any] = [bindparam(f"id{i}") for i in range(count)]
    return Prepared(
        select(_mt.c.resource_id, _mt.c.key, _mt.c.value)
        .where(_mt.c.resource_type == ACCOUNT, _mt.c.resource_id.in_(ids))
        .order_by(_mt.c.key)
    )


# Enum lookups by value through a dict: Enum.__call__ showed in the profile of a 100-account page.
_TYPES = {e.value: e for e in MemberType}
_JOIN_METHODS = {e.value: e for e in JoinMethod}
_STATUSES = {e.value: e for e in MemberStatus}


def member_from_row(row: Any) -> Member:
    return Member(
        account_id=row.account_id,
        directory_id=row.directory_id,
        folder_id=row.folder_id,
        type=_TYPES[row.type],
        join_method=_JOIN_METHODS[row.join_method],
        status=_STATUSES[row.status],
        join_ms=row.join_ms,
        modify_ms=row.modify_ms,
    )


def _tag_map(rows: Iterable[Sequence[Any]]) -> dict[str, tuple[tuple[str, str], ...]]:
    """(account id, key, value) rows, by account."""
    out: dict[str, list[tuple[str, str]]] = {}
    for account_id, key, value in rows:
        out.setdefault(account_id, []).append((key, value))
    return {k: tuple(v) for k, v in out.items()}


def _member_rows(rows: Sequence[Sequence[Any]], tags: dict[str, tuple[tuple[str, str], ...]]) -> list[MemberRow]:
    """Page rows in _PAGE_COLUMNS' order, as MemberRows with their tags."""
    types, methods, statuses = _TYPES, _JOIN_METHODS, _STATUSES
    return [
        MemberRow(a, f, types[ty], methods[jm], statuses[st], j, mo, dn, ph, tags.get(a, ()))
        for a, f, ty, jm, st, j, mo, dn, ph in rows
    ]


def _tagged_member_rows(rows: Sequence[Sequence[Any]]) -> list[MemberRow]:
    """Rows of _page_with_tags (page columns, tag key, tag value, total; a row per tag), as MemberRows."""
    tags: dict[str, list[tuple[str, str]]] = {}
    firsts = []
    for row in rows:
        found = tags.get(row[0])
        if found is None:
            found = tags[row[0]] = []
            firsts.append(row)
        if row[9] is not None:
            found.append((row[9], row[10]))
    types, methods, statuses = _TYPES, _JOIN_METHODS, _STATUSES
    return [
        MemberRow(a, f, types[ty], methods[jm], statuses[st], j, mo, dn, ph, tuple(tags[a]))
        for a, f, ty, jm, st, j, mo, dn, ph, *_ in firsts
    ]


def _standing(r: Any) -> Standing:
    member = None
    if r.m_account_id is not None:
        member = Member(
            r.m_account_id, r.m_directory_id, r.m_folder_id, _TYPES[r.m_type], _JOIN_METHODS[r.m_join_method],
            _STATUSES[r.m_status], r.m_join_ms, r.m_modify_ms,
        )  # fmt: skip
    return Standing(account_from_row(r), member, prefixed_directory(r))


class _Unprefixed:
    """A joined row's columns of one table, read without their prefix (``m_account_id`` as ``account_id``)."""

    def __init__(self, row: Any, prefix: str) -> None:
        self._row, self._prefix = row, prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, self._prefix + name)


def prefixed_member(r: Any) -> Member | None:
    """A membership from a joined row's ``m_``-prefixed columns; None when the account is in no directory."""
    return member_from_row(_Unprefixed(r, "m_")) if r.m_account_id is not None else None


def prefixed_folder(r: Any) -> Folder | None:
    """The member's folder from a joined row's ``f_``-prefixed columns; None when it has none there."""
    if r.f_folder_id is None:
        return None
    return Folder(r.f_folder_id, r.f_directory_id, r.f_name, r.f_parent_id, r.f_depth, r.f_path, r.f_created_ms)


def prefixed_directory(r: Any) -> Directory | None:
    """A directory from a joined row's ``d_``-prefixed columns; None when the join found none."""
    if r.d_directory_id is None:
        return None
    return Directory(
        r.d_directory_id, r.d_master_account_id, r.d_master_account_name, r.d_root_folder_id, r.d_created_ms,
        r.d_control_policy_status, r.d_member_deletion_status, r.d_control_policy_due_ms,
        r.d_member_display_name_sync_status,
    )  # fmt: skip


def member_view(conn: Connection, account_id: str) -> MemberView | None:
    r = _MEMBER_VIEW.first(conn, {"id": account_id})
    if r is None:
        return None
    tags = tags_of(conn, [account_id]).get(account_id, ())
    return MemberView(member_from_row(r), r.name, r.display_name, r.enterprise_name, r.secure_mobile_phone, tags)


def managed_member(conn: Connection, manager_id: str, account_id: str) -> tuple[Directory, MemberView, Folder] | None:
    rows = _MANAGED_MEMBER.all(conn, {"manager": manager_id, "id": account_id})
    if not rows:
        return None
    r = rows[0]
    directory = prefixed_directory(r)
    assert directory is not None  # an inner join
    tags = tuple((row.key, row.value) for row in rows if row.key is not None)
    view = MemberView(member_from_row(r), r.name, r.display_name, r.enterprise_name, r.secure_mobile_phone, tags)
    folder = Folder(r.f_folder_id, r.f_directory_id, r.f_name, r.f_parent_id, r.f_depth, r.f_path, r.f_created_ms)
    return directory, view, folder


def standings(conn: Connection, first: str, second: str) -> dict[str, Standing]:
    return {r.account_id: _standing(r) for r in _STANDINGS.all(conn, {"first": first, "second": second})}


def _kept_count(conn: Connection, in_folder: bool, params: dict[str, Any]) -> int:
    counted = _COUNT[in_folder].first(conn, params)
    return int(counted[0]) if counted else 0


def _unfiltered_page(
    conn: Connection, in_folder: bool, params: dict[str, Any], with_tags: bool
) -> tuple[Sequence[MemberRow], int]:
    """SQLite: the kept count, the page, its tags: three statements apart (cheaper there than one joined)."""
    total = _kept_count(conn, in_folder, params)
    page, page_tags = _PAGE[in_folder]
    rows = page.execute(conn, params).fetchall()
    found = _tag_map(page_tags.execute(conn, params).fetchall()) if with_tags and rows else {}
    return _member_rows(rows, found), total


def member_page(
    conn: Connection,
    directory_id: str,
    *,
    folder_id: str | None = None,
    keyword: str | None = None,
    tags: Sequence[tuple[str, str]] = (),
    limit: int,
    offset: int,
    with_tags: bool = True,
    pages: MemberPageCache | None = None,
) -> tuple[Sequence[MemberRow], int]:
    """The port's member_page. Without ``with_tags`` no tag is looked up on SQLite (a statement and its rows: a
    tenth of a ListAccounts without IncludeTags); PostgreSQL's one joined statement brings them anyway. With
    ``pages`` (SQLite reads), an unfiltered page comes from there while the member tables have not changed."""
    if not keyword and not tags:
        in_folder = folder_id is not None
        params = {"directory": directory_id, "folder": folder_id, "limit": limit, "offset": offset}
        if conn.dialect.name == "postgresql":
            if rows := _PAGE_JOINED[in_folder].execute(conn, params).fetchall():
                return _tagged_member_rows(rows), int(rows[0][-1])
            return [], _kept_count(conn, in_folder, params)  # a page past the end
        if pages is None:
            return _unfiltered_page(conn, in_folder, params, with_tags)
        revision = _REVISION.first(conn, {})
        window = (directory_id, folder_id, limit, offset, with_tags)
        if revision is None:  # its one row deleted by hand: nothing to key pages by, read as without them
            return _unfiltered_page(conn, in_folder, params, with_tags)
        if (kept := pages.get(revision[0], window)) is not None:
            return kept
        rows, total = _unfiltered_page(conn, in_folder, params, with_tags)
        page = (tuple(rows), total)  # as a kept page is: one shape whether kept or not
        pages.put(revision[0], window, page)
        return page
    m, a = t.members, t.accounts
    where: list[Any] = [m.c.directory_id == directory_id]
    if folder_id is not None:
        where.append(m.c.folder_id == folder_id)
    if keyword:
        where.append(a.c.display_name.contains(keyword, autoescape=True) | (m.c.account_id == keyword))
    for key, value in tags:
        tag = select(_mt.c.resource_id).where(_mt.c.resource_type == ACCOUNT, _mt.c.key == key)
        if value:
            tag = tag.where(_mt.c.value == value)
        where.append(m.c.account_id.in_(tag))
    total = conn.execute(select(func.count()).select_from(_PAGE_JOIN).where(*where)).scalar_one()
    query = (
        select(*_PAGE_COLUMNS)
        .select_from(_PAGE_JOIN)
        .where(*where)
        .order_by(m.c.join_ms, m.c.account_id)
        .limit(limit)
        .offset(offset)
    )
    rows = [tuple(row) for row in conn.execute(query)]
    return _member_rows(rows, tags_of(conn, [row[0] for row in rows]) if with_tags else {}), int(total)


def tags_of(conn: Connection, account_ids: Iterable[str]) -> dict[str, tuple[tuple[str, str], ...]]:
    ids = list(account_ids)
    if not ids:
        return {}
    return _tag_map(_tags(len(ids)).execute(conn, {f"id{i}": id_ for i, id_ in enumerate(ids)}).fetchall())
