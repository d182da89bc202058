"""Use cases: place and release legal holds."""

from __future__ import annotations

import datetime as dt
import os

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Invalid, NotFound
from baomat.store.holds import HoldRecord
from baomat.store.uow import UnitOfWork

REASONS = ("complaint", "authority_request", "incident")


def place(
    uow: UnitOfWork,
    tenant: str,
    subject_id: str,
    reason: str,
    reference: str,
    actor: str,
    at: dt.datetime,
) -> str:
    """Holds a subject's data against any purge → the hold's id.

    `reference` names the complaint, request or incident (its number), never
    personal data.
    """
    if reason not in REASONS:
        raise Invalid("reason", f"must be one of {', '.join(REASONS)}")
    if not reference.strip() or len(reference) > 128:
        raise Invalid("reference", "must be 1 to 128 characters")
    hold = HoldRecord(os.urandom(16).hex(), subject_id, reason, reference.strip(), at)
    with uow:
        record = uow.subjects.get(tenant, subject_id)
        if record is None or record.status == "erased":
            raise NotFound("subject not found")
        uow.holds.place(tenant, hold)
        uow.audit.append(
            tenant,
            [
                AuditEvent(
                    actor, "hold.place", subject_id, detail={"hold": hold.id, "reason": reason}
                )
            ],
            at,
        )
        uow.commit()
    return hold.id


def release(uow: UnitOfWork, tenant: str, hold_id: str, actor: str, at: dt.datetime) -> None:
    with uow:
        if not uow.holds.release(tenant, hold_id, at):
            raise NotFound("no open legal hold with that id")
        uow.audit.append(tenant, [AuditEvent(actor, "hold.release", detail={"hold": hold_id})], at)
        uow.commit()


def blocking(uow: UnitOfWork, tenant: str, subject_id: str) -> str | None:
    """Inside an open unit of work: why the subject's data may not be erased, or None."""
    holds = uow.holds.open_for(tenant, subject_id)
    if not holds:
        return None
    reasons = ", ".join(sorted({h.reason for h in holds}))
    return f"a legal hold ({reasons}) keeps the data until it is released"
