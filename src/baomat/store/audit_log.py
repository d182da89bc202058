"""Appending to and verifying the per-tenant audit chains in the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, insert, select, update

from baomat.domain.audit import (
    AuditEvent,
    Break,
    canonical_text,
    canonical_time,
    encode_detail,
    encode_fields,
    entry_hash,
)
from baomat.store import _driver
from baomat.store.audit_verify import verify_all
from baomat.store.bulk import insert_rows
from baomat.store.tables import audit_entries, tenants


class UnknownTenant(LookupError):
    pass


# Built once, and run on the driver's cursor (`_driver`): every audited use runs these.
_HEAD = (
    select(tenants.c.audit_seq, tenants.c.audit_head)
    .where(tenants.c.id == bindparam("tenant"))
    .with_for_update()
)
_MOVE_HEAD = (
    update(tenants)
    .where(tenants.c.id == bindparam("tenant"))
    .values(audit_seq=bindparam("seq"), audit_head=bindparam("head"))
)
_ENTRY = insert(audit_entries)  # one row: every column, by its name
# The subject's seqs from its index, then their rows by primary key. Asked for whole rows
# in seq order, SQLite (without ANALYZE's statistics) would rather walk the tenant's
# entire chain: a subject's export would read every entry of the tenant.
_OF_SUBJECT = (
    select(audit_entries)
    .where(
        audit_entries.c.tenant_id == bindparam("tenant"),
        audit_entries.c.seq.in_(
            select(audit_entries.c.seq).where(
                audit_entries.c.tenant_id == bindparam("tenant"),
                audit_entries.c.subject == bindparam("subject"),
            )
        ),
    )
    .order_by(audit_entries.c.seq)
)


class AuditLog:
    """The audit chains, on the unit of work's connection: it never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def append(self, tenant: str, events: Sequence[AuditEvent], at: dt.datetime) -> int:
        """Chains `events` after the tenant's head, all stamped `at` → the new head seq.

        The head row is locked (FOR UPDATE on PostgreSQL; SQLite transactions
        here begin IMMEDIATE), so concurrent appends queue instead of forking.
        """
        if not events:
            return 0
        heads = _driver.rows(self.conn, _HEAD, {"tenant": tenant})
        if not heads:
            raise UnknownTenant(tenant)
        seq, prev = int(heads[0][0]), str(heads[0][1])
        stamp = canonical_time(at)
        rows = []
        for event in events:
            seq += 1
            fields = encode_fields(event.fields)
            detail = encode_detail(event.detail)
            digest = entry_hash(
                canonical_text(
                    tenant, seq, stamp, event.actor, event.action, event.subject, fields,
                    event.purpose, event.outcome, detail, prev,
                )
            )  # fmt: skip
            rows.append(
                {
                    "tenant_id": tenant,
                    "seq": seq,
                    "at": stamp,
                    "actor": event.actor,
                    "action": event.action,
                    "subject": event.subject,
                    "fields": fields,
                    "purpose": event.purpose,
                    "outcome": event.outcome,
                    "detail": detail,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
        if len(rows) == 1:  # a decision's
            _driver.execute(self.conn, _ENTRY, rows[0])
        else:
            insert_rows(self.conn, audit_entries, rows)
        _driver.execute(self.conn, _MOVE_HEAD, {"tenant": tenant, "seq": seq, "head": prev})
        return seq

    def entries(self, tenant: str, subject: str | None = None) -> list[dict[str, object]]:
        """A tenant's entries in order, optionally about one subject (what its export lists)."""
        if subject is not None:
            rows = self.conn.execute(_OF_SUBJECT, {"tenant": tenant, "subject": subject})
        else:
            rows = self.conn.execute(
                select(audit_entries)
                .where(audit_entries.c.tenant_id == tenant)
                .order_by(audit_entries.c.seq)
            )
        return [dict(r._mapping) for r in rows]

    def verify(self, tenant: str | None = None) -> tuple[int, Break | None]:
        """Checks every chain (or one tenant's) → (entries checked, first break or None)."""
        return verify_all(self.conn, tenant)
