"""Rows to domain records: a record's fields are read from the row's columns of the same names."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

R = TypeVar("R")

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # per record class: fields() is too slow to call per row


def record_from_row(record: type[R], row: Any, **converted: Any) -> R:
    """A ``record`` built from ``row``; ``converted`` gives the fields whose column is not taken as it is."""
    names = _FIELD_NAMES.get(record)
    if names is None:
        names = _FIELD_NAMES[record] = tuple(f.name for f in fields(record))  # type: ignore[arg-type]
    values = {name: getattr(row, name) for name in names if name not in converted}
    return record(**values, **converted)
