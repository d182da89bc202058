"""What monitoring reads and remembers: audit entries from a seq on, and each tenant's mark."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select, update

from baomat.domain.monitoring import Entry
from baomat.store.tables import audit_entries, monitor_marks, tenants

_c = audit_entries.c
_m = monitor_marks.c


class MonitorRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def tenants(self) -> list[str]:
        return list(self.conn.execute(select(tenants.c.id).order_by(tenants.c.id)).scalars())

    def head(self, tenant: str) -> int:
        """The tenant's last audit seq (0 for none)."""
        found = self.conn.execute(
            select(tenants.c.audit_seq).where(tenants.c.id == tenant)
        ).scalar_one_or_none()
        return 0 if found is None else int(found)

    def mark(self, tenant: str, *, lock: bool = False) -> tuple[int, int] | None:
        """→ (seen_seq, from_seq) of the tenant's last sweep, or None before its first."""
        query = select(_m.seen_seq, _m.from_seq).where(_m.tenant_id == tenant)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else (int(row[0]), int(row[1]))

    def set_mark(self, tenant: str, seen: int, start: int, at: dt.datetime) -> None:
        values = {"seen_seq": seen, "from_seq": start, "swept_at": at}
        changed = self.conn.execute(
            update(monitor_marks).where(_m.tenant_id == tenant).values(**values)
        ).rowcount
        if not changed:
            self.conn.execute(monitor_marks.insert().values(tenant_id=tenant, **values))

    def entries(self, tenant: str, first: int, last: int, actions: frozenset[str]) -> list[Entry]:
        """The tenant's entries `first`..`last` (seqs, inclusive) of `actions`, in order: a
        primary-key range, reading only the columns the rules look at."""
        query = (
            select(_c.seq, _c.at, _c.actor, _c.action, _c.subject, _c.outcome)
            .where(_c.tenant_id == tenant, _c.seq >= first, _c.seq <= last)
            .where(_c.action.in_(sorted(actions)))
            .order_by(_c.seq)
        )
        return [
            Entry(int(seq), _parse(at), actor, action, subject, outcome)
            for seq, at, actor, action, subject, outcome in self.conn.execute(query)
        ]


def _parse(at: str) -> dt.datetime:
    # Canonical text `2026-02-13T01:02:03.000004Z` (store.audit_log's canonical_time).
    return dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
