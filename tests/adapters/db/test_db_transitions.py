"""Finishing pending transitions in the store (adapters/db/transitions.py): only due times still ahead move to now,
only the kinds asked for, each kind's every registered column, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import BigInteger, Column, Engine, MetaData, String, Table, insert, select

from openrd.adapters.db import transitions
from openrd.adapters.db.tables import metadata
from openrd.domain.transitions import KINDS, TransitionKind

NOW = 1_700_000_000_000
scratch = MetaData()
# A stand-in for an area's table: rows with a pending (future), a settled (past) and no transition (NULL).
things = Table(
    "test_transition_things",
    scratch,
    Column("id", String(8), primary_key=True),
    Column("create_due_ms", BigInteger),
    Column("delete_due_ms", BigInteger),
)
ROWS = [
    {"id": "pending", "create_due_ms": NOW + 30_000, "delete_due_ms": NOW + 5_000},
    {"id": "settled", "create_due_ms": NOW - 1, "delete_due_ms": None},
    {"id": "now", "create_due_ms": NOW, "delete_due_ms": NOW + 1},
]
COLUMNS: dict[TransitionKind, tuple[Column[Any], ...]] = {
    TransitionKind.RESOURCE_GROUP_CREATE: (things.c.create_due_ms,),
    TransitionKind.RESOURCE_GROUP_DELETE: (things.c.delete_due_ms,),
}


@pytest.fixture
def table(engine: Engine) -> Iterator[Engine]:
    scratch.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(things), ROWS)
    yield engine
    scratch.drop_all(engine)


def _rows(engine: Engine) -> dict[str, tuple[int | None, int | None]]:
    with engine.connect() as conn:
        found = conn.execute(select(things.c.id, things.c.create_due_ms, things.c.delete_due_ms)).all()
    return {row.id: (row.create_due_ms, row.delete_due_ms) for row in found}


def test_only_pending_due_times_of_the_kind_move_to_now(table: Engine) -> None:
    with table.begin() as conn:
        changed = transitions.complete(conn, (TransitionKind.RESOURCE_GROUP_CREATE,), NOW, COLUMNS)
    assert changed == 1
    assert _rows(table) == {
        "pending": (NOW, NOW + 5_000),
        "settled": (NOW - 1, None),
        "now": (NOW, NOW + 1),
    }


def test_every_kind_at_once(table: Engine) -> None:
    with table.begin() as conn:
        assert transitions.complete(conn, KINDS, NOW, COLUMNS) == 3
    assert _rows(table) == {"pending": (NOW, NOW), "settled": (NOW - 1, None), "now": (NOW, NOW)}
    with table.begin() as conn:
        assert transitions.complete(conn, KINDS, NOW, COLUMNS) == 0  # nothing is pending any more


def test_every_kind_has_an_entry_and_every_registered_column_is_a_stored_due_time() -> None:
    assert set(transitions.DUE_COLUMNS) == set(KINDS)
    for columns in transitions.DUE_COLUMNS.values():
        for column in columns:
            assert column.table.metadata is metadata
            assert column.name.endswith("_due_ms")
            assert isinstance(column.type, BigInteger)
