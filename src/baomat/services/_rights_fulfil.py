"""Carrying out each kind of rights request, inside the caller's unit of work (`services.rights`).

The caller holds the request (open) and has locked its subject's row
(`_rights_steps.lock_live` or `lock_unchanged`), whether staff fulfil a
request or a subject's own request is carried out as it is filed. Each
function walks the request on to done, or refuses it with the reason the
subject is told, and appends the audit entries; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from baomat.domain.audit import AuditEvent
from baomat.domain.decision import OBJECTED, RESTRICTED
from baomat.domain.rights import Kind, RightsRequest
from baomat.policy.model import LegalBasis, Policy
from baomat.services import _rights_steps as steps
from baomat.services import consents, holds, subjects
from baomat.services._rights_report import AccessReport, build_report
from baomat.store.subjects import SubjectRecord
from baomat.store.uow import UnitOfWork

LIMIT_OF = {Kind.RESTRICT: RESTRICTED, Kind.OBJECT: OBJECTED}


def report(
    uow: UnitOfWork,
    policy: Policy,
    request: RightsRequest,
    record: SubjectRecord,
    actor: str,
    at: dt.datetime,
) -> AccessReport:
    """An access or export request → everything held about the subject; the read is audited."""
    tenant = policy.tenant
    values = uow.subjects.values(tenant, record.id)
    attached = uow.attachments.for_subject(tenant, record.id)
    # An export carries the files themselves; an access report describes them.
    files = (
        {a.id: uow.attachments.content(tenant, a) for a in attached}
        if request.kind is Kind.EXPORT
        else {}
    )
    found = build_report(
        policy,
        record.id,
        record.subject_type,
        request.id,
        at,
        values,
        uow.consents.for_subject(tenant, record.id),
        uow.disclosures.for_subject(tenant, record.id, include_confidential=False),
        uow.audit.entries(tenant, subject=record.id),
        attached,
        files,
    )
    read = AuditEvent(
        actor,
        "subject.read",
        record.id,
        (*values, *{a.field for a in attached if a.id in files}),
        detail={"request": request.id, "right": request.kind.value},
    )
    steps.finish(uow, tenant, request, actor, at, [read])
    return found


def correct(
    uow: UnitOfWork,
    tenant: str,
    request: RightsRequest,
    change: subjects.CheckedChange,
    named: Sequence[str],
    actor: str,
    at: dt.datetime,
) -> None:
    """A correction with its checked `change` (`subjects.checked_change`) → done; the audit
    names the fields `named` and, as a `subject.update` does, the personal data found in
    free text by kind and count (`subjects.pii_detail`)."""
    new_values, new_index, removed, found = change
    uow.subjects.replace_values(tenant, request.subject, new_values, new_index, at, remove=removed)
    detail = {"request": request.id, **subjects.pii_detail(found)}
    effect = AuditEvent(actor, "subject.correct", request.subject, tuple(named), detail=detail)
    steps.finish(uow, tenant, request, actor, at, [effect])


def delete(
    uow: UnitOfWork, tenant: str, request: RightsRequest, actor: str, at: dt.datetime
) -> None:
    """A deletion → done, the subject erased; or refused with a legal hold's reason."""
    blocked = holds.blocking(uow, tenant, request.subject)
    if blocked is not None:
        request.refuse(blocked, at)
        steps.save(uow, tenant, request, actor, at, ["refuse"], refusal="legal_hold")
        return
    effect = subjects.erase_within(uow, tenant, request.subject, f"request:{request.id}", actor, at)
    steps.finish(uow, tenant, request, actor, at, [effect])


def withdraw(
    uow: UnitOfWork, tenant: str, request: RightsRequest, actor: str, at: dt.datetime
) -> None:
    """A withdrawal → done, each consent in force for it ended; refused when none is."""
    active, effects = consents.withdraw_within(
        uow, tenant, request.subject, request.purpose, actor, at, request=request.id
    )
    if not active:
        what = "any purpose" if request.purpose is None else f"purpose '{request.purpose}'"
        request.refuse(f"no consent to {what} is in force", at)
        steps.save(uow, tenant, request, actor, at, ["refuse"], refusal="no_consent_in_force")
        return
    steps.finish(uow, tenant, request, actor, at, effects)


def limit(
    uow: UnitOfWork, tenant: str, request: RightsRequest, actor: str, at: dt.datetime
) -> None:
    """A restriction or objection → done, a limit placed unless one in force covers it."""
    kind = LIMIT_OF[request.kind]
    covered = any(
        lim.kind == kind and lim.purpose in (None, request.purpose)
        for lim in uow.limits.in_force(tenant, request.subject)
    )
    effects = []
    if not covered:
        limit_id = uow.limits.place(tenant, request.subject, kind, request.purpose, at)
        effects.append(
            AuditEvent(
                actor,
                "subject.limit.place",
                request.subject,
                purpose=request.purpose,
                detail={"limit": limit_id, "kind": kind, "request": request.id},
            )
        )
    steps.finish(uow, tenant, request, actor, at, effects)


def waits_for_staff(
    policy: Policy, subject_type: str, request: RightsRequest, values: Mapping[str, str] | None
) -> bool:
    """Whether a subject's own request is left for staff rather than carried out as filed.

    An export is the subject's own download; a correction needs its new
    values. A restriction or objection that would stop a purpose on a
    `contract` basis waits for a person: the service the subject signed up for
    needs that data, and staff either carry it out (ending that service) or
    refuse it with the reason (Decree 13 Art. 9; `services.rights.refuse`).
    Limits on other purposes, and on those the law exempts, go through at once.
    """
    if request.kind is Kind.EXPORT:
        return True
    if request.kind is Kind.CORRECT:
        return not values
    if request.kind in (Kind.RESTRICT, Kind.OBJECT):
        if request.purpose is not None:
            stopped = [policy.purpose(request.purpose)]
        else:
            stopped = [
                p
                for p in policy.purposes
                if p.subject_types is None or subject_type in p.subject_types
            ]
        return any(p is not None and p.legal_basis is LegalBasis.CONTRACT for p in stopped)
    return False
