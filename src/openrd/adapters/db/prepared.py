"""Hot statements compiled once and run on the driver connection.

SQLAlchemy Core remains the single description of every statement, but executing a Core statement costs
several times what SQLite needs to run it, most of a signed read's time (docs/architecture.md#compiled-statements).
A ``Prepared`` statement is compiled once per dialect to SQL text and its parameter
order, then run on the same connection, inside the same transaction, through the DB-API directly. Driver errors
are re-raised as SQLAlchemy's, so the unit of work treats them exactly as before (IntegrityError → 409).

Only for statements whose columns need no type processing beyond what the driver returns (strings, integers);
callers convert booleans themselves. Rows of a SELECT are named tuples (``row.column``), as Core's rows are.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, exc
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class Prepared:
    __slots__ = ("_by_dialect", "_row", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}
        columns = getattr(statement, "selected_columns", None)
        names = list(columns.keys()) if columns is not None else None
        if names is None and getattr(statement, "returning_column_descriptions", None):  # an INSERT/UPDATE … RETURNING
            names = [column["name"] for column in statement.returning_column_descriptions]  # type: ignore[attr-defined]
        self._row: Any = namedtuple("Row", names, rename=True) if names is not None else None

    def _compiled(self, conn: Connection) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        dialect = conn.dialect
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            positions = tuple(compiled.positiontup or ()) if compiled.positional else None
            # Values written into the statement (``status == "active"``) are bound parameters with defaults.
            required = {bind.key for bind in compiled.binds.values() if bind.required}
            defaults = {name: value for name, value in compiled.params.items() if name not in required}
            found = self._by_dialect[dialect.name] = (compiled.string, positions, defaults)
        return found

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The driver cursor after running the statement (``fetchone``/``fetchall``/``rowcount``)."""
        sql, positions, defaults = self._compiled(conn)
        values = _ordered(defaults | dict(params) if defaults else params, positions)
        return _on_driver(conn, sql, values, lambda driver: driver.execute(sql, values))

    def execute_many(self, conn: Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """The statement once per parameter set, in one driver call (psycopg pipelines them: one round trip)."""
        sql, positions, defaults = self._compiled(conn)
        values = [_ordered(defaults | dict(p), positions) for p in params]
        _on_driver(conn, sql, values, lambda driver: driver.cursor().executemany(sql, values))

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        row = self.execute(conn, params).fetchone()
        return row if row is None or self._row is None else self._row._make(row)

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        rows = self.execute(conn, params).fetchall()
        return list(rows) if self._row is None else [self._row._make(row) for row in rows]

    def rowcount(self, conn: Connection, params: Mapping[str, Any]) -> int:
        return int(self.execute(conn, params).rowcount)


def _ordered(params: Mapping[str, Any], positions: tuple[str, ...] | None) -> Any:
    """The parameters as the driver takes them: by name, or in the statement's order (SQLite's ``?``)."""
    return params if positions is None else [params[p] for p in positions]


def _on_driver(conn: Connection, sql: str, values: Any, call: Callable[[Any], Any]) -> Any:
    """``call`` on the driver connection; a driver error raised as SQLAlchemy's, as Core would."""
    try:
        return call(conn.connection.driver_connection)
    except conn.dialect.loaded_dbapi.Error as error:
        dbapi_error = conn.dialect.loaded_dbapi.Error
        raise exc.DBAPIError.instance(sql, values, error, dbapi_error, dialect=conn.dialect) from error
