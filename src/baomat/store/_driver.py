"""Hot statements run on the driver's cursor: compiled once per dialect, converted by hand.

    rows = _driver.rows(conn, _BY_ID, {"key_id": "k1"})  # -> [("wesale", "ab12…", None)]
    _driver.execute(conn, _MOVE_HEAD, {"tenant": "wesale", "seq": 8, "head": "…"})

What a decision runs on every call (docs/decisions/007-decision-latency.md).
SQLAlchemy's execution layer costs several times what SQLite spends running
one of these small statements (its events, its parameter and result objects);
here a statement is compiled once for the dialect, its parameters and columns
converted by the same type processors SQLAlchemy would use, and run on the
DBAPI connection beneath the Connection, inside its transaction. SQLite and
PostgreSQL alike: the SQL and its parameter style are the dialect's own.

Only for statements whose parameters are all bound by name (`bindparam`), or
literal values compiled in; no `IN` lists that expand. The driver's errors come
through unwrapped (`sqlite3.Error`, `psycopg.Error`), not as SQLAlchemy's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Select

_Convert = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None
    """Parameter names in order, for a positional style; None for a named one."""
    fixed: Mapping[str, Any]
    """Values compiled into the statement (a `LIMIT 1`), by parameter name."""
    binds: tuple[tuple[str, _Convert], ...]
    columns: tuple[_Convert | None, ...]


def rows(
    conn: Connection, statement: ClauseElement, params: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """Runs a SELECT (`statement`) with `params` → its rows, values converted as SQLAlchemy's."""
    compiled, cursor = _run(conn, statement, params)
    try:
        found = cursor.fetchall()
    finally:
        cursor.close()
    converts = compiled.columns
    if not any(converts):
        return [tuple(row) for row in found]
    return [
        tuple(
            value if f is None or value is None else f(value)
            for f, value in zip(converts, row, strict=True)
        )
        for row in found
    ]


def execute(conn: Connection, statement: ClauseElement, params: Mapping[str, Any]) -> int:
    """Runs an INSERT, UPDATE or DELETE (`statement`) with `params` → the rows it touched."""
    _, cursor = _run(conn, statement, params)
    try:
        count: int = cursor.rowcount
    finally:
        cursor.close()
    return count


def _run(
    conn: Connection, statement: ClauseElement, params: Mapping[str, Any]
) -> tuple[_Compiled, Any]:
    compiled = _compile(statement, conn.dialect)
    values = {**compiled.fixed, **params}
    for name, convert in compiled.binds:
        values[name] = convert(values[name])
    ordered: Sequence[Any] | Mapping[str, Any] = (
        values if compiled.names is None else [values[n] for n in compiled.names]
    )
    if not conn.in_transaction():  # as `conn.execute` would: autobegin
        conn.begin()
    cursor = conn.connection.cursor()
    try:
        cursor.execute(compiled.sql, ordered)
    except BaseException:
        cursor.close()
        raise
    return compiled, cursor


@functools.lru_cache(maxsize=128)
def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"not a statement that runs on a cursor: {statement!r}")
    binds = tuple(
        (name, convert)
        for name, bind in compiled.binds.items()
        if (convert := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    columns: tuple[_Convert | None, ...] = ()
    if isinstance(statement, Select):
        columns = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        )
    fixed = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
    names = tuple(compiled.positiontup or ()) if compiled.positional else None
    return _Compiled(str(compiled), names, fixed, binds, columns)
