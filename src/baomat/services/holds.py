"""Use cases: place and release legal holds."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

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
    with uow:
        record = uow.subjects.get(tenant, subject_id)
        if record is None or record.status == "erased":
            raise NotFound("subject not found")
        hold_id, event = place_within(uow, tenant, subject_id, reason, reference.strip(), actor, at)
        uow.audit.append(tenant, [event], at)
        uow.commit()
    return hold_id


def place_within(
    uow: UnitOfWork,
    tenant: str,
    subject_id: str,
    reason: str,
    reference: str,
    actor: str,
    at: dt.datetime,
) -> tuple[str, AuditEvent]:
    """Inside an open unit of work → (the hold's id, its audit event for the caller to append)."""
    hold = HoldRecord(os.urandom(16).hex(), subject_id, reason, reference, at)
    uow.holds.place(tenant, hold)
    event = AuditEvent(actor, "hold.place", subject_id, detail={"hold": hold.id, "reason": reason})
    return hold.id, event


def place_many_within(
    uow: UnitOfWork,
    tenant: str,
    subject_ids: Sequence[str],
    reason: str,
    reference: str,
    actor: str,
    at: dt.datetime,
) -> list[AuditEvent]:
    """`place_within` for many subjects in one statement (an incident's) → their audit events."""
    placed = [HoldRecord(os.urandom(16).hex(), s, reason, reference, at) for s in subject_ids]
    uow.holds.place_many(tenant, placed)
    return [
        AuditEvent(actor, "hold.place", h.subject, detail={"hold": h.id, "reason": reason})
        for h in placed
    ]


def release_all_within(
    uow: UnitOfWork, tenant: str, reason: str, reference: str, actor: str, at: dt.datetime
) -> list[AuditEvent]:
    """Inside an open unit of work: releases every open hold for `reason` and `reference`."""
    released = uow.holds.release_all(tenant, reason, reference, at)
    return [AuditEvent(actor, "hold.release", detail={"hold": h.id}) for h in released]


def release_within(
    uow: UnitOfWork, tenant: str, subject_id: str, reference: str, actor: str, at: dt.datetime
) -> list[AuditEvent]:
    """Inside an open unit of work: releases the subject's open holds with this reference."""
    events = []
    for hold in uow.holds.open_for(tenant, subject_id):
        if hold.reference == reference and uow.holds.release(tenant, hold.id, at):
            events.append(AuditEvent(actor, "hold.release", detail={"hold": hold.id}))
    return events


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
