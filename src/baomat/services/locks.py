"""Use cases: staff lock a subject's service for a violation of the terms of use, and unlock it.

    lock(uow, wesoft, "9f2c…", "malware", "abuse report #88 …", "staff:a1", now) -> LockRecord
    unlock(uow, wesoft, "9f2c…", lock.id, "site cleaned", "staff:a1", now) -> LockRecord

A lock names one of the policy's `service_locks.violations` and carries the
staff's evidence note (sealed with the subject's key, never in the audit
chain). While it is open, decisions for `service_locks.blocks_purposes`
are refused (`service_locked`, `services.decisions.load_state`); nothing
else changes: the subject logs in, reads, exports, deletes, complains as
before. One lock is open at a time. Each change commits with its audit entry
(ids and the violation id only) and the email that tells the subject why,
in the language of its latest consent (else the policy's first).
"""

from __future__ import annotations

import datetime as dt
import os

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.periods import vietnam_tz
from baomat.policy.model import Policy, ServiceLocks
from baomat.services import outbox
from baomat.store.locks import LockRecord
from baomat.store.subjects import SubjectRecord
from baomat.store.uow import UnitOfWork

NOTE_LENGTH = 4000


def lock(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    violation: str,
    evidence: str,
    actor: str,
    at: dt.datetime,
) -> LockRecord:
    """Locks the subject's service → the open lock.

    Invalid (`violation`) for a violation the policy does not list, or when it
    lists none; Invalid (`evidence`) for an empty note; Conflict while another
    lock is open; NotFound for a subject not of this tenant, or erased.
    """
    with uow:
        # The subject first: another tenant's subject is not found, whatever else is wrong.
        subject = _live_subject(uow, policy.tenant, subject_id, hold=True)
        listed = _violations(policy)
        chosen = listed.violation(violation)
        if chosen is None:
            names = ", ".join(v.id for v in listed.violations)
            raise Invalid("violation", f"must be one the policy lists: {names}")
        note = _note("evidence", evidence)
        if uow.locks.is_locked(policy.tenant, subject_id):
            raise Conflict("the subject's service is already locked; unlock it first")
        record = LockRecord(os.urandom(16).hex(), subject_id, chosen.id, note, at, actor)
        uow.locks.add(policy.tenant, record)
        detail: dict[str, str | int | bool | None] = {"lock": record.id, "violation": chosen.id}
        _tell(uow, policy, subject, record, "service_locked", at, detail)
        uow.audit.append(
            policy.tenant, [AuditEvent(actor, "lock.place", subject_id, detail=detail)], at
        )
        uow.commit()
    return record


def unlock(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    lock_id: str,
    note: str,
    actor: str,
    at: dt.datetime,
) -> LockRecord:
    """Ends the subject's open lock `lock_id` → the lock as it now stands.

    NotFound when the subject has no open lock with that id.
    """
    with uow:
        subject = _live_subject(uow, policy.tenant, subject_id, hold=True)
        said = _note("note", note)
        if not uow.locks.unlock(policy.tenant, subject_id, lock_id, said, actor, at):
            raise NotFound("no open lock with that id")
        record = next(r for r in uow.locks.of_subject(policy.tenant, subject_id) if r.id == lock_id)
        detail: dict[str, str | int | bool | None] = {
            "lock": record.id,
            "violation": record.violation,
        }
        _tell(uow, policy, subject, record, "service_unlocked", at, detail)
        uow.audit.append(
            policy.tenant, [AuditEvent(actor, "lock.release", subject_id, detail=detail)], at
        )
        uow.commit()
    return record


def of_subject(uow: UnitOfWork, tenant: str, subject_id: str) -> list[LockRecord]:
    """Staff: the subject's locks, oldest first, with their notes. NotFound for another's."""
    with uow:
        _live_subject(uow, tenant, subject_id)
        return uow.locks.of_subject(tenant, subject_id)


def own(uow: UnitOfWork, tenant: str, subject_id: str) -> list[LockRecord]:
    """The subject's own locks, oldest first: what it was locked for, when, and whether still."""
    with uow:
        return uow.locks.of_subject(tenant, subject_id)


def violation_text(policy: Policy, violation: str, language: str) -> str:
    """The violation's text in `language`; its id when the policy no longer lists it."""
    listed = None if policy.service_locks is None else policy.service_locks.violation(violation)
    return violation if listed is None else listed.text.in_(language)


def _violations(policy: Policy) -> ServiceLocks:
    if policy.service_locks is None:
        raise Invalid("violation", "the policy lists no violation a service may be locked for")
    return policy.service_locks


def _note(name: str, text: str) -> str:
    said = text.strip()
    if not said or len(said) > NOTE_LENGTH:
        raise Invalid(name, f"must be 1 to {NOTE_LENGTH} characters")
    return said


def _live_subject(
    uow: UnitOfWork, tenant: str, subject_id: str, *, hold: bool = False
) -> SubjectRecord:
    """The tenant's live subject; `hold` locks its row, so that two staff locking one
    subject at once take turns and the second sees the first's lock (Conflict)."""
    find = uow.subjects.lock if hold else uow.subjects.get
    record = find(tenant, subject_id)
    if record is None or record.status == "erased":
        raise NotFound("subject not found")
    return record


def _tell(
    uow: UnitOfWork,
    policy: Policy,
    subject: SubjectRecord,
    lock: LockRecord,
    template: str,
    at: dt.datetime,
    detail: dict[str, str | int | bool | None],
) -> None:
    """Queues the email telling the subject, where its type has an email field; notes the
    message id in `detail`."""
    if outbox.email_field(policy, subject.subject_type) is None:
        return
    found = uow.consents.latest_languages(policy.tenant, [subject.id]).get(subject.id)
    language = policy.reader_language(found)
    day = at.astimezone(vietnam_tz()).date()
    when = day.strftime("%d/%m/%Y") if language == "vi" else day.isoformat()
    context = {
        "reference": lock.id,
        "violation": violation_text(policy, lock.violation, language),
        "locked" if template == "service_locked" else "unlocked": when,
    }
    detail["message"] = outbox.queue(
        uow, policy.tenant, subject.id, template, language, context, at
    )
