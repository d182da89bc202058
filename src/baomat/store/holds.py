"""Legal holds: an open complaint, authority request or incident keeps a subject's data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from baomat.store.tables import legal_holds


@dataclass(frozen=True, slots=True)
class HoldRecord:
    id: str
    subject: str
    reason: str
    reference: str
    placed_at: dt.datetime


class LegalHoldRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def place(self, tenant: str, hold: HoldRecord) -> None:
        self.conn.execute(
            insert(legal_holds).values(
                tenant_id=tenant,
                id=hold.id,
                subject_id=hold.subject,
                reason=hold.reason,
                reference=hold.reference,
                placed_at=hold.placed_at,
            )
        )

    def place_many(self, tenant: str, holds: Sequence[HoldRecord]) -> None:
        """Places many holds in one statement (an incident's affected subjects)."""
        if not holds:
            return
        self.conn.execute(
            insert(legal_holds),
            [
                {
                    "tenant_id": tenant,
                    "id": h.id,
                    "subject_id": h.subject,
                    "reason": h.reason,
                    "reference": h.reference,
                    "placed_at": h.placed_at,
                    "released_at": None,
                }
                for h in holds
            ],
        )

    def release_all(
        self, tenant: str, reason: str, reference: str, at: dt.datetime
    ) -> list[HoldRecord]:
        """Ends every open hold placed for `reason` and `reference` → those released."""
        c = legal_holds.c
        mine = (
            c.tenant_id == tenant,
            c.reason == reason,
            c.reference == reference,
            c.released_at.is_(None),
        )
        rows = self.conn.execute(
            select(c.id, c.subject_id, c.reason, c.reference, c.placed_at)
            .where(*mine)
            .order_by(c.subject_id)
        )
        released = [HoldRecord(*row) for row in rows]
        if released:
            self.conn.execute(update(legal_holds).where(*mine).values(released_at=at))
        return released

    def release(self, tenant: str, hold_id: str, at: dt.datetime) -> bool:
        """Ends an open hold → False when there was no open hold with that id."""
        result = self.conn.execute(
            update(legal_holds)
            .where(
                legal_holds.c.tenant_id == tenant,
                legal_holds.c.id == hold_id,
                legal_holds.c.released_at.is_(None),
            )
            .values(released_at=at)
        )
        return bool(result.rowcount)

    def open_for(self, tenant: str, subject: str) -> list[HoldRecord]:
        c = legal_holds.c
        rows = self.conn.execute(
            select(c.id, c.subject_id, c.reason, c.reference, c.placed_at)
            .where(c.tenant_id == tenant, c.subject_id == subject, c.released_at.is_(None))
            .order_by(c.placed_at)
        )
        return [HoldRecord(*row) for row in rows]

    def held_subjects(self, tenant: str) -> set[str]:
        """Every subject of the tenant with at least one open hold."""
        c = legal_holds.c
        rows = self.conn.execute(
            select(c.subject_id).where(c.tenant_id == tenant, c.released_at.is_(None)).distinct()
        )
        return {r[0] for r in rows}
