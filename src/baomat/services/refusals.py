"""Refused steps are proof too: each leaves one `denied` audit entry, in a transaction of its own.

    with refusals.audited(uow, tenant, "staff:an", "rights.extend", at, request=request_id):
        ...the step, opening and committing its own unit of work...
    -> on a refusal (Conflict, Forbidden): the step's transaction has rolled back, then
       AuditEvent("staff:an", "rights.extend", outcome="denied",
                  detail={"request": "…", "reason": "already_extended"}) commits alone,
       and the same error reaches the caller

    access_denied(uow, tenant, "staff:an", "support", "approve_authority_disclosure",
                  "POST /v1/disclosures/{disclosure_id}/approve", at)
    -> one `access.denied` entry: a call refused for want of a permission

An entry names the actor, the step, ids and the reason code (`domain.refusals.reason_of`),
never a value or the caller's text. Bad input (Invalid) and unknown ids (NotFound) are
not refusals and leave nothing; a decision's refusal (Denied) is audited by the decision
service. The record being acted on is left as it was: only the audit chain grows.
Use `audited` around a whole use case, never inside an open unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Conflict, Forbidden
from baomat.domain.refusals import ACCESS_DENIED, reason_of
from baomat.store.uow import UnitOfWork

REFUSALS = (Conflict, Forbidden)
"""The error families a step is refused with; others pass through unrecorded."""

Describe = Callable[[UnitOfWork, str], AuditEvent]
"""A refused step's entry, built from the open unit of work and the reason code."""


@contextmanager
def audited(
    uow: UnitOfWork,
    tenant: str,
    actor: str,
    action: str,
    at: dt.datetime,
    *,
    subject: str | None = None,
    describe: Describe | None = None,
    **ids: str,
) -> Iterator[None]:
    """Runs the step; on a refusal records its `denied` entry (`action`, `ids`, the reason code)
    and re-raises the same error. `describe`, where given, builds the entry instead, in the
    recording transaction, so it can name the record as stored."""
    try:
        yield
    except REFUSALS as refused:
        reason = reason_of(refused)
        with uow:
            if describe is None:
                detail: dict[str, str | int | bool | None] = {**ids, "reason": reason}
                event = AuditEvent(actor, action, subject, outcome="denied", detail=detail)
            else:
                event = describe(uow, reason)
            uow.audit.append(tenant, [event], at)
            uow.commit()
        raise


def access_denied(
    uow: UnitOfWork,
    tenant: str,
    actor: str,
    role: str | None,
    permission: str | None,
    operation: str,
    at: dt.datetime,
    *,
    reason: str = "missing_permission",
) -> None:
    """A call refused at the door → its `access.denied` entry.

    `reason`: `missing_permission` (a staff role without `permission`), `staff_only` (a
    data subject's session on a staff route), `subject_only` (a staff session on a data
    subject's route) or `not_own_data` (a subject's session naming another subject; which
    one is not recorded, as nothing sent is). `operation` is the route as declared
    (`POST /v1/incidents/{incident_id}/close`), never the path or query as sent.
    Monitoring counts these per actor (`domain.monitoring`).
    """
    detail: dict[str, str | int | bool | None] = {
        "permission": permission,
        "operation": operation,
        "role": role,
        "reason": reason,
    }
    record(uow, tenant, AuditEvent(actor, ACCESS_DENIED, outcome="denied", detail=detail), at)


def record(uow: UnitOfWork, tenant: str, event: AuditEvent, at: dt.datetime) -> None:
    """Appends one entry and commits it, alone."""
    with uow:
        uow.audit.append(tenant, [event], at)
        uow.commit()
