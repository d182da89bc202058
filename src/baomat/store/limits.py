"""A subject's restrictions of, and objections to, processing (Decree 13 Art. 9).

Placed and lifted by the rights-request service; read by every decision. A
limit names one purpose, or none for the whole subject; a lifted limit stays
as a record of when it applied.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, insert, select, update

from baomat.domain.decision import LIMIT_KINDS
from baomat.store import _driver
from baomat.store.tables import subject_limits


@dataclass(frozen=True, slots=True)
class SubjectLimit:
    id: str
    subject: str
    kind: str
    """`restricted` or `objected`."""
    purpose: str | None
    """None: every purpose."""
    placed_at: dt.datetime
    lifted_at: dt.datetime | None


class SubjectLimitRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def place(
        self, tenant: str, subject_id: str, kind: str, purpose: str | None, at: dt.datetime
    ) -> str:
        """Records a restriction or objection → its id."""
        if kind not in LIMIT_KINDS:
            raise ValueError(f"a subject limit is one of {', '.join(LIMIT_KINDS)}")
        limit_id = os.urandom(16).hex()
        self.conn.execute(
            insert(subject_limits).values(
                tenant_id=tenant,
                id=limit_id,
                subject_id=subject_id,
                kind=kind,
                purpose=purpose,
                placed_at=at,
            )
        )
        return limit_id

    def lift(self, tenant: str, limit_id: str, at: dt.datetime) -> bool:
        """Lifts a limit in force → False if there is none by that id."""
        result = self.conn.execute(
            update(subject_limits)
            .where(
                subject_limits.c.tenant_id == tenant,
                subject_limits.c.id == limit_id,
                subject_limits.c.lifted_at.is_(None),
            )
            .values(lifted_at=at)
        )
        return result.rowcount == 1

    def in_force(self, tenant: str, subject_id: str) -> list[SubjectLimit]:
        """The subject's limits not lifted, oldest first."""
        rows = _driver.rows(self.conn, _IN_FORCE, {"tenant": tenant, "subject": subject_id})
        return [SubjectLimit(*row) for row in rows]


# Built once: every decision runs it, and building a statement costs more than running it.
_IN_FORCE = (
    select(
        subject_limits.c.id,
        subject_limits.c.subject_id,
        subject_limits.c.kind,
        subject_limits.c.purpose,
        subject_limits.c.placed_at,
        subject_limits.c.lifted_at,
    )
    .where(
        subject_limits.c.tenant_id == bindparam("tenant"),
        subject_limits.c.subject_id == bindparam("subject"),
        subject_limits.c.lifted_at.is_(None),
    )
    .order_by(subject_limits.c.placed_at, subject_limits.c.id)
)
