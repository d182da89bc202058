"""Use cases about data subjects: store them, read their values for a purpose, erase them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence

from baomat.domain.audit import AuditEvent
from baomat.domain.decision import NOT_FOUND_REASONS, Denied
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.normalise import InvalidValue, normalise_for_index
from baomat.domain.validators import validate
from baomat.policy.model import Policy
from baomat.services import decisions, holds
from baomat.store.subjects import NewSubject
from baomat.store.uow import UnitOfWork


class _RecordChecker:
    """Checks records of one subject type against the policy → NewSubjects with fresh ids.

    Only declared fields enter; required fields must be present and non-empty;
    searchable ones are normalised for the blind index. Built once per batch.
    """

    def __init__(self, policy: Policy, subject_type: str, today: dt.date) -> None:
        self.today = today
        st = policy.subject_type(subject_type)
        if st is None:
            raise Invalid("subject_type", f"'{subject_type}' is not declared by the policy")
        self.policy_version = policy.version
        self.subject_type = subject_type
        self.specs = st.fields
        self.declared = frozenset(f.id for f in st.fields)

    def __call__(self, values: Mapping[str, str]) -> NewSubject:
        undeclared = values.keys() - self.declared
        if undeclared:
            name = sorted(undeclared)[0]
            raise Invalid(name, f"is not a field of subject type '{self.subject_type}'")
        clean: dict[str, str] = {}
        index: dict[str, str] = {}
        for spec in self.specs:
            value = values.get(spec.id)
            if value is None or value == "":
                if spec.required:
                    raise Invalid(spec.id, "is required")
                continue
            # The validated, canonical form is what is stored and what the index hashes.
            try:
                stored = validate(
                    spec.type.value,
                    value,
                    validator=spec.validator,
                    choices=spec.choices,
                    max_length=spec.max_length,
                    today=self.today,
                )
                if stored == "":  # only whitespace: as good as absent
                    if spec.required:
                        raise Invalid(spec.id, "is required")
                    continue
                clean[spec.id] = stored
                if spec.searchable:
                    index[spec.id] = normalise_for_index(spec.type.value, stored)
            except InvalidValue as exc:
                raise Invalid(spec.id, exc.rule) from None
        # 128 random bits as the pseudonymous id: nothing about the person in it.
        return NewSubject(
            os.urandom(16).hex(), self.subject_type, self.policy_version, clean, index
        )


def register(
    uow: UnitOfWork,
    policy: Policy,
    subject_type: str,
    records: Sequence[Mapping[str, str]],
    actor: str,
    at: dt.datetime,
) -> list[str]:
    """Stores subjects of one type with their values → their pseudonymous ids.

    All or nothing: one bad record stores none. Each subject gets an audit entry
    naming the fields stored, never their values.
    """
    check = _RecordChecker(policy, subject_type, at.date())
    new = [check(r) for r in records]
    with uow:
        if uow.tenants.get(policy.tenant) is None:
            raise NotFound(f"tenant '{policy.tenant}' does not exist")
        uow.subjects.add_many(policy.tenant, new, at)
        uow.audit.append(
            policy.tenant,
            [
                AuditEvent(
                    actor, "subject.create", s.id, tuple(s.values), detail={"type": s.subject_type}
                )
                for s in new
            ],
            at,
        )
        uow.commit()
    return [s.id for s in new]


def read(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    fields: Sequence[str],
    purpose: str,
    actor: str,
    at: dt.datetime,
) -> dict[str, str]:
    """Values of the named fields, read for a purpose that a decision allows.

    No purpose, no values: the read goes through the same decision as
    `services.decisions.decide` (a declared purpose that uses the fields, no
    restriction or objection, consent for an opt-in purpose) and is audited
    as `subject.read` with its purpose in the same transaction; a refused read
    is audited too (outcome `denied` and the reason code) and raises Denied
    carrying the reason, or NotFound for a subject that is not this tenant's
    or is erased.
    """
    with uow:
        decision = decisions.decide_within(
            uow,
            policy,
            subject_id,
            purpose,
            fields,
            None,
            actor,
            at,
            action="subject.read",
            outcomes=("ok", "denied"),
        )
        if not decision.allowed:
            uow.commit()
            if decision.reason in NOT_FOUND_REASONS:
                raise NotFound("subject not found")
            raise Denied(decision)
        values = uow.subjects.values(policy.tenant, subject_id, fields)
        uow.commit()
    return values


def erase(
    uow: UnitOfWork, tenant: str, subject_id: str, reason: str, actor: str, at: dt.datetime
) -> None:
    """Erases a subject for good: values deleted, data key shredded, tombstone and audit kept.

    The key is shredded first, in the key store; should this transaction then
    fail, the values are already unreadable and a retry completes the erasure.
    """
    with uow:
        record = uow.subjects.lock(tenant, subject_id)
        if record is None:
            raise NotFound("subject not found")
        if record.status == "erased":
            raise Conflict("subject: already erased")
        uow.audit.append(tenant, [erase_within(uow, tenant, subject_id, reason, actor, at)], at)
        uow.commit()


def erase_within(
    uow: UnitOfWork, tenant: str, subject_id: str, reason: str, actor: str, at: dt.datetime
) -> AuditEvent:
    """Inside an open unit of work, the subject locked and live → the erasure's audit event.

    Refused (Conflict) while a legal hold keeps the data. The caller appends
    the event with its own, and commits.
    """
    blocked = holds.blocking(uow, tenant, subject_id)
    if blocked is not None:
        raise Conflict(f"subject: {blocked}")
    uow.keystore.shred(tenant, [subject_id])
    uow.subjects.erase(tenant, subject_id, at, reason)
    return AuditEvent(actor, "subject.erase", subject_id, detail={"reason": reason})


def close_account(
    uow: UnitOfWork, tenant: str, subject_id: str, actor: str, at: dt.datetime
) -> None:
    """Marks a subject's account closed: retention periods that run from closure start now."""
    with uow:
        record = uow.subjects.get(tenant, subject_id)
        if record is None or record.status == "erased":
            raise NotFound("subject not found")
        if record.closed_at is not None:
            raise Conflict("subject: the account is already closed")
        uow.subjects.close(tenant, subject_id, at)
        uow.audit.append(tenant, [AuditEvent(actor, "subject.close", subject_id)], at)
        uow.commit()
