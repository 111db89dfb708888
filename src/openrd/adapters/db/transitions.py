"""Where each kind of transition keeps its due times (docs/lifecycle.md), so the control API can finish them.

An area whose rows carry a transition adds its ``*_due_ms`` column (epoch ms; NULL or past: settled) under its kind
below. ``complete`` then moves every pending due time of the kind to now, so the next read sees the final state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, update

from openrd.adapters.db import tables as t
from openrd.domain.transitions import TransitionKind

DUE_COLUMNS: Mapping[TransitionKind, tuple[Column[Any], ...]] = {
    TransitionKind.CONTROL_POLICY: (t.resource_directories.c.control_policy_due_ms,),
    TransitionKind.ACCOUNT_DELETION_CHECK: (t.account_deletions.c.check_due_ms,),
    TransitionKind.ACCOUNT_DELETION: (t.account_deletions.c.deletion_due_ms,),
    TransitionKind.RESOURCE_GROUP_CREATE: (t.resource_groups.c.create_due_ms,),
    TransitionKind.RESOURCE_GROUP_DELETE: (t.resource_groups.c.delete_due_ms,),
}


def complete(
    conn: Connection,
    kinds: Sequence[TransitionKind],
    now_ms: int,
    columns: Mapping[TransitionKind, tuple[Column[Any], ...]] = DUE_COLUMNS,
) -> int:
    """Set every due time of ``kinds`` later than ``now_ms`` to ``now_ms``; how many rows that changed."""
    changed = 0
    for kind in kinds:
        for column in columns.get(kind, ()):
            table = column.table
            result = conn.execute(update(table).where(column > now_ms).values({column.name: now_ms}))
            changed += result.rowcount
    return changed
