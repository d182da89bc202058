"""Bulk INSERT for the hot tables, without SQLAlchemy's per-row parameter processing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts `rows` (each with every column of `table`) in one executemany.

    Only for tables whose columns need no conversion on the way in (text,
    bytes, integers): the values go to the driver as they are. Saves about a
    third of the cost of storing a subject (see `baomat bench`).
    """
    if not rows:
        return
    compiled = insert(table).compile(dialect=conn.dialect)
    params: Sequence[Any]
    if compiled.positional:
        order = compiled.positiontup or []
        params = [tuple(row[name] for name in order) for row in rows]
    else:
        params = rows
    conn.exec_driver_sql(str(compiled), params)
