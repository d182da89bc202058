"""Verifying audit chains fast: rows straight from the driver, long chains on every core.

Reading rows costs more than hashing them, so rows come from the DBAPI
cursor without SQLAlchemy's row objects, and a long chain is cut into slices
checked side by side in forked processes, each on its own connection. Each
slice starts from the stored hash of the entry before it; the slice before
checks that very entry, so the links between slices are checked too.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Generator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sqlalchemy import Connection, Select, select

from baomat.domain.audit import GENESIS, Break, Row, verify_chain
from baomat.store.engine import checkpoint, make_engine
from baomat.store.tables import audit_entries, tenants

SLICE_MIN = 25_000
"""Fewest entries worth a process of their own: below it, forking costs more than it saves."""

_c = audit_entries.c
_COLUMNS = (
    _c.seq, _c.at, _c.actor, _c.action, _c.subject, _c.fields, _c.purpose,
    _c.outcome, _c.detail, _c.hash,
)  # fmt: skip


def verify_all(
    conn: Connection, tenant: str | None = None, workers: int | None = None,
    slice_min: int = SLICE_MIN,
) -> tuple[int, Break | None]:  # fmt: skip
    """Every chain (or one tenant's) → (entries checked, the first broken link or None).

    `conn` reads the heads and any chain too short to split; longer chains
    are split across `workers` processes (default: one per core).
    """
    query = select(tenants.c.id, tenants.c.audit_seq, tenants.c.audit_head).order_by(tenants.c.id)
    if tenant is not None:
        query = query.where(tenants.c.id == tenant)
    workers = workers or os.cpu_count() or 1
    if conn.dialect.name == "sqlite":
        # Right after many writes, every page read would first be looked up in a large log.
        checkpoint(conn.engine)
    checked = 0
    for tenant_id, head_seq, head_hash in conn.execute(query).all():
        slices = _slices(int(head_seq), workers, slice_min)
        if len(slices) > 1 and _can_fork():
            count, broken = _verify_forked(conn, tenant_id, slices, head_hash)
        else:
            rows = _driver_rows(conn, _range(tenant_id, 1, None))
            count, broken = verify_chain(
                tenant_id, rows, int(head_seq), head_hash, _stored_prev(conn, tenant_id)
            )
            rows.close()
        checked += count
        if broken is not None:
            return checked, broken
    return checked, None


def _slices(head: int, workers: int, slice_min: int) -> list[tuple[int, int]]:
    """1..head cut into at most `workers` runs of at least `slice_min` entries."""
    if head < 1:
        return [(1, 0)]
    n = max(1, min(workers, head // max(slice_min, 1)))
    size = -(-head // n)
    return [(lo, min(lo + size - 1, head)) for lo in range(1, head + 1, size)]


def _can_fork() -> bool:
    # Forking a process that runs other threads can deadlock; then one core it is.
    methods = multiprocessing.get_all_start_methods()
    return "fork" in methods and threading.active_count() == 1


def _verify_forked(
    conn: Connection, tenant: str, slices: list[tuple[int, int]], head_hash: str
) -> tuple[int, Break | None]:
    url = conn.engine.url.render_as_string(hide_password=False)
    last = len(slices) - 1
    with ProcessPoolExecutor(len(slices), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [
            pool.submit(_verify_slice, url, tenant, lo, hi, head_hash if i == last else None)
            for i, (lo, hi) in enumerate(slices)
        ]
        results = [f.result() for f in futures]
    checked = 0
    for count, broken in results:  # in seq order, so the first break found is the earliest
        checked += count
        if broken is not None:
            return checked, broken
    return checked, None


def _verify_slice(
    url: str, tenant: str, lo: int, hi: int, head_hash: str | None
) -> tuple[int, Break | None]:
    """In a worker process: entries lo..hi of a chain, on a connection of its own."""
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            start_prev = GENESIS
            if lo > 1:
                stored = conn.execute(
                    select(_c.hash).where(_c.tenant_id == tenant, _c.seq == lo - 1)
                ).scalar_one_or_none()
                # A missing entry lo-1 is reported by the slice before; any value
                # that can match no prev_hash keeps this slice from blaming lo.
                start_prev = stored or "missing"
            rows = _driver_rows(conn, _range(tenant, lo, hi))
            try:
                return verify_chain(
                    tenant, rows, hi, head_hash, _stored_prev(conn, tenant),
                    start_seq=lo, start_prev=start_prev,
                )  # fmt: skip
            finally:
                rows.close()
    finally:
        engine.dispose()


def _stored_prev(conn: Connection, tenant: str) -> Callable[[int], str | None]:
    """Looks up the prev_hash an entry stores; asked only about a broken entry."""

    def lookup(seq: int) -> str | None:
        return conn.execute(
            select(_c.prev_hash).where(_c.tenant_id == tenant, _c.seq == seq)
        ).scalar_one_or_none()

    return lookup


def _range(tenant: str, lo: int, hi: int | None) -> Select[Any]:
    query = select(*_COLUMNS).where(_c.tenant_id == tenant, _c.seq >= lo)
    if hi is not None:
        query = query.where(_c.seq <= hi)
    return query.order_by(_c.seq)


def _driver_rows(conn: Connection, query: Select[Any]) -> Generator[Row, None, None]:
    """Plain tuples from the DBAPI cursor, streamed (a named cursor on PostgreSQL)."""
    compiled = query.compile(dialect=conn.dialect)
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or [])
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    named = conn.dialect.name == "postgresql"
    cursor = dbapi.cursor("baomat_audit_verify") if named else dbapi.cursor()
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(2_000):  # larger batches measured slower
            yield from batch
    finally:
        cursor.close()
