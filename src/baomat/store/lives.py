"""Subjects' dates and states, streamed for the retention sweep; never their values."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, select

from baomat.domain.retention import Life
from baomat.store.tables import subjects


def lives(conn: Connection, tenant: str) -> Iterator[Life]:
    """Every subject of the tenant not yet erased, in batches from a streaming cursor."""
    c = subjects.c
    result = conn.execution_options(yield_per=10_000).execute(
        select(c.id, c.subject_type, c.created_at, c.closed_at, c.reviewed_at).where(
            c.tenant_id == tenant, c.status != "erased"
        )
    )
    try:
        for partition in result.partitions():
            for sid, stype, created, closed, reviewed in partition:
                yield Life(sid, stype, created, closed, reviewed)
    finally:
        result.close()
