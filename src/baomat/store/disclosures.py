"""Disclosures: who received, or asked for, which fields of a subject, on what basis.

Rows hold field names, never values; a formal request's body, document number
and date are the agency's reference, not personal data.
"""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, insert, select, update

from baomat.domain.disclosure import PENDING_APPROVAL, Disclosure
from baomat.store.tables import disclosures

_c = disclosures.c
_COLUMNS = (
    _c.id,
    _c.subject_id,
    _c.recipient,
    _c.purpose,
    _c.fields,
    _c.legal_basis,
    _c.status,
    _c.requested_by,
    _c.requested_at,
    _c.confidential,
    _c.authority_body,
    _c.document_number,
    _c.document_date,
    _c.decided_by,
    _c.decided_at,
    _c.released_at,
)


class DisclosureRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, tenant: str, d: Disclosure) -> None:
        self.conn.execute(
            insert(disclosures).values(
                tenant_id=tenant,
                id=d.id,
                subject_id=d.subject,
                recipient=d.recipient,
                purpose=d.purpose,
                fields=",".join(d.fields),
                legal_basis=d.legal_basis,
                status=d.status,
                authority_body=d.authority_body,
                document_number=d.document_number,
                document_date=d.document_date,
                confidential=d.confidential,
                requested_by=d.requested_by,
                requested_at=d.requested_at,
                decided_by=d.decided_by,
                decided_at=d.decided_at,
                released_at=d.released_at,
            )
        )

    def get(self, tenant: str, disclosure_id: str) -> Disclosure | None:
        row = self.conn.execute(
            select(*_COLUMNS).where(_c.tenant_id == tenant, _c.id == disclosure_id)
        ).first()
        return None if row is None else _disclosure(row._mapping)

    def record_decision(self, tenant: str, d: Disclosure) -> bool:
        """Writes an approval or rejection of a pending request → False if it was no longer
        pending (another dpo decided first): the update only touches a pending row."""
        result = self.conn.execute(
            update(disclosures)
            .where(
                _c.tenant_id == tenant,
                _c.id == d.id,
                _c.status == PENDING_APPROVAL,
            )
            .values(
                status=d.status,
                decided_by=d.decided_by,
                decided_at=d.decided_at,
                released_at=d.released_at,
            )
        )
        return result.rowcount == 1

    def for_subject(
        self, tenant: str, subject_id: str, *, include_confidential: bool
    ) -> list[Disclosure]:
        """A subject's disclosures, oldest first; confidential ones only when asked for."""
        query = select(*_COLUMNS).where(_c.tenant_id == tenant, _c.subject_id == subject_id)
        if not include_confidential:
            query = query.where(_c.confidential.is_(False))
        rows = self.conn.execute(query.order_by(_c.requested_at, _c.id))
        return [_disclosure(row._mapping) for row in rows]

    def pending(self, tenant: str) -> list[Disclosure]:
        """Requests awaiting a dpo's approval, oldest first."""
        rows = self.conn.execute(
            select(*_COLUMNS)
            .where(_c.tenant_id == tenant, _c.status == PENDING_APPROVAL)
            .order_by(_c.requested_at, _c.id)
        )
        return [_disclosure(row._mapping) for row in rows]


def _disclosure(m: RowMapping) -> Disclosure:
    return Disclosure(
        id=m["id"],
        subject=m["subject_id"],
        recipient=m["recipient"],
        purpose=m["purpose"],
        fields=tuple(m["fields"].split(",")) if m["fields"] else (),
        legal_basis=m["legal_basis"],
        status=m["status"],
        requested_by=m["requested_by"],
        requested_at=m["requested_at"],
        confidential=bool(m["confidential"]),
        authority_body=m["authority_body"],
        document_number=m["document_number"],
        document_date=m["document_date"],
        decided_by=m["decided_by"],
        decided_at=m["decided_at"],
        released_at=m["released_at"],
    )
