"""Member pages kept in the process between changes of the member tables (SQLite).

A 100-account ListAccounts spent most of its time turning the page's 900 values into Python objects
(docs/architecture.md#the-member-page-cache). Between two changes of ``members``, ``accounts`` or the account rows
of ``resource_tags`` the same page reads the same rows, so a read keeps them, keyed by the revision that triggers
on those tables count in ``member_revision`` (migrations 0010, 0014). The revision is read in the read's own snapshot
(one statement in place of the page's three), so every server process sharing the database sees a change at its
next read, and a reader never gets rows from a revision other than the one it reads.

SQLite only: there every change is serialised anyway, so counting them costs no concurrency. On PostgreSQL the
count would be one row that every change of an account waits for.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence

from openrd.domain.directory import MemberRow

Page = tuple[Sequence[MemberRow], int]  # the rows (a tuple: shared between readers) and the filtered total

MAX_PAGES = 128  # a page holds at most 100 rows: about 6 MB when full


class MemberPageCache:
    """Pages of one revision of the member tables; a newer revision replaces them all at once."""

    def __init__(self, *, max_pages: int = MAX_PAGES) -> None:
        self._max_pages = max_pages
        # One attribute for both, swapped whole: a lock-free get never pairs a revision with another's pages.
        self._state: tuple[int, dict[Hashable, Page]] = (-1, {})
        self._lock = threading.Lock()

    def get(self, revision: int, key: Hashable) -> Page | None:
        kept, pages = self._state
        return pages.get(key) if kept == revision else None

    def put(self, revision: int, key: Hashable, page: Page) -> None:
        """Keep ``page`` unless a newer revision's pages are kept already (a reader with an older snapshot)."""
        rows, total = page
        with self._lock:
            kept, pages = self._state
            if revision < kept:
                return
            if revision > kept or (len(pages) >= self._max_pages and key not in pages):
                # Full: start again rather than track recency on every hit (a refill costs one read per page).
                pages = {}
                self._state = (revision, pages)
            pages[key] = (tuple(rows), total)
