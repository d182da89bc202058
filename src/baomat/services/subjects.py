"""Use cases about data subjects: store and update them, read their values for a purpose,
close their accounts, erase them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from baomat.domain import pii
from baomat.domain.audit import AuditEvent
from baomat.domain.decision import NOT_FOUND_REASONS, Denied
from baomat.domain.errors import Conflict, Duplicate, Invalid, NotFound
from baomat.domain.normalise import InvalidValue, normalise_for_index
from baomat.domain.validators import validate
from baomat.policy.model import PiiHandling, Policy
from baomat.services import decisions, holds
from baomat.store.subjects import NewSubject, SubjectRecord
from baomat.store.uow import UnitOfWork

PiiFound = dict[str, tuple[PiiHandling, dict[pii.Kind, int]]]
"""Per `free_text` field with personal data in it: what the policy does with it, and how many
findings of each kind the scan made (never the values)."""


class CheckedChange(NamedTuple):
    """New values for some of a subject's fields, checked as at collection."""

    values: dict[str, str]
    """The values to store (free text redacted where its field says so)."""
    searchable: dict[str, str]
    """Their normalised searchable forms, for the blind index."""
    removed: list[str]
    """Optional fields to clear."""
    pii_found: PiiFound
    """The personal data found in the changed free-text fields."""


class _RecordChecker:
    """Checks records of one subject type against the policy → NewSubjects with fresh ids.

    Only declared fields enter; required fields must be present and non-empty;
    searchable ones are normalised for the blind index; `free_text` ones are
    scanned for personal data (`domain.pii`) and, when the field says
    `pii: redact`, stored with each finding replaced by `[kind]`. Built once
    per batch. Uniqueness (`unique` fields) needs the store: `claim_unique`
    checks it.
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
        self.unique = tuple(f.id for f in st.fields if f.unique)
        self.scanned = {f.id: f.pii or PiiHandling.FLAG for f in st.fields if f.free_text}

    def __call__(self, values: Mapping[str, str]) -> NewSubject:
        return self.screened(values)[0]

    def screened(self, values: Mapping[str, str]) -> tuple[NewSubject, PiiFound]:
        """The checked record, and the personal data found in its free-text fields."""
        undeclared = values.keys() - self.declared
        if undeclared:
            name = sorted(undeclared)[0]
            raise Invalid(name, f"is not a field of subject type '{self.subject_type}'")
        clean: dict[str, str] = {}
        index: dict[str, str] = {}
        found: PiiFound = {}
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
                if spec.id in self.scanned:
                    stored = self._screen(spec.id, stored, found)
                clean[spec.id] = stored
                if spec.searchable:
                    index[spec.id] = normalise_for_index(spec.type.value, stored)
            except InvalidValue as exc:
                raise Invalid(spec.id, exc.rule) from None
        # 128 random bits as the pseudonymous id: nothing about the person in it.
        subject = NewSubject(
            os.urandom(16).hex(), self.subject_type, self.policy_version, clean, index
        )
        return subject, found

    def _screen(self, field: str, text: str, found: PiiFound) -> str:
        """The free text to store: as written, or redacted when the field says so."""
        findings = pii.scan(text)
        if not findings:
            return text
        handling = self.scanned[field]
        found[field] = (handling, pii.counts(findings))
        return pii.redact(text, findings) if handling is PiiHandling.REDACT else text


def pii_detail(found: PiiFound) -> dict[str, str | int | bool | None]:
    """The audit detail naming what a scan of free text found, kinds and counts only:
    ``{"pii_flagged": "reviews.email=1,reviews.phone=2", "pii_redacted": "comments.phone=1"}``.
    """
    detail: dict[str, list[str]] = {}
    for field, (handling, tally) in sorted(found.items()):
        key = "pii_redacted" if handling is PiiHandling.REDACT else "pii_flagged"
        detail.setdefault(key, []).extend(
            f"{field}.{kind.value}={n}" for kind, n in sorted(tally.items())
        )
    return {key: ",".join(parts) for key, parts in detail.items()}


def register(
    uow: UnitOfWork,
    policy: Policy,
    subject_type: str,
    records: Sequence[Mapping[str, str]],
    actor: str,
    at: dt.datetime,
) -> list[str]:
    """Stores subjects of one type with their values → their pseudonymous ids
    (`register_scanned`, without what the scan of free text found)."""
    return [
        subject_id
        for subject_id, _ in register_scanned(uow, policy, subject_type, records, actor, at)
    ]


def register_scanned(
    uow: UnitOfWork,
    policy: Policy,
    subject_type: str,
    records: Sequence[Mapping[str, str]],
    actor: str,
    at: dt.datetime,
) -> list[tuple[str, PiiFound]]:
    """Stores subjects of one type with their values → each one's pseudonymous id, and the
    personal data found in its free-text fields (kinds and counts, never a value).

    All or nothing: one bad record stores none. Each subject gets an audit entry
    naming the fields stored, never their values, and the kinds of personal data
    found in its free-text fields with their counts (`pii_detail`). A value of a `unique` field
    that a live subject of the type already holds, or that two records of the
    batch share, is a Duplicate conflict naming the field (`claim_unique`).
    """
    check = _RecordChecker(policy, subject_type, at.date())
    screened = [check.screened(r) for r in records]
    new = [subject for subject, _ in screened]
    with uow:
        if uow.tenants.get(policy.tenant) is None:
            raise NotFound(f"tenant '{policy.tenant}' does not exist")
        claim_unique(uow, policy.tenant, subject_type, check.unique, [s.index for s in new])
        uow.subjects.add_many(policy.tenant, new, at)
        uow.audit.append(
            policy.tenant,
            [
                AuditEvent(
                    actor,
                    "subject.create",
                    s.id,
                    tuple(s.values),
                    detail={"type": s.subject_type, **pii_detail(found)},
                )
                for s, found in screened
            ],
            at,
        )
        uow.commit()
    return [(s.id, found) for s, found in screened]


def claim_unique(
    uow: UnitOfWork,
    tenant: str,
    subject_type: str,
    unique: Sequence[str],
    indexes: Sequence[Mapping[str, str]],
    *,
    subject_id: str | None = None,
) -> None:
    """Inside an open unit of work, before writing: Duplicate unless every value of a `unique`
    field among `indexes` is held by no other live subject of the type, nor twice among them.

    `indexes` are the normalised searchable values (`NewSubject.index`) of new
    subjects, or of the one subject `subject_id` being updated, whose own
    values are no duplicate. The values are locked first
    (`SubjectRepository.lock_values`), so that of two writers giving one value
    at once, the second waits and then finds the first's. Names the field and
    the rule, never the value. No query at all without unique fields.
    """
    wanted: dict[str, set[str]] = {}
    for index in indexes:
        for name in unique:
            value = index.get(name)
            if value is None:
                continue
            if value in wanted.setdefault(name, set()):
                raise Duplicate(
                    name, "two records give the same value; the policy makes the field unique"
                )
            wanted[name].add(value)
    if not wanted:
        return
    uow.subjects.lock_values(tenant, [(n, v) for n, values in wanted.items() for v in values])
    for name, values in wanted.items():
        if uow.subjects.taken(tenant, subject_type, name, values, besides=subject_id):
            raise Duplicate(
                name,
                f"another subject of type '{subject_type}' already holds this value; "
                "the policy makes the field unique",
            )


def update(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    values: Mapping[str, str | None],
    actor: str,
    at: dt.datetime,
) -> list[str]:
    """Sets or clears field values of a live subject → the fields changed, sorted
    (`update_scanned`, without what the scan of free text found)."""
    return update_scanned(uow, policy, subject_id, values, actor, at)[0]


def update_scanned(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    values: Mapping[str, str | None],
    actor: str,
    at: dt.datetime,
) -> tuple[list[str], PiiFound]:
    """Sets or clears field values of a live subject → the fields changed, sorted, and the
    personal data found in the changed free-text fields (kinds and counts, never a value).

    Checked as at registration (`_RecordChecker` against the current policy:
    declared fields, types and named validators, required fields kept, unique
    values); None or an empty value clears an optional field; free text is
    scanned as at registration. One transaction with its audit entry
    (`subject.update`, the fields named, never a value; `pii_detail`).
    The subject's row is locked for it, as a correction and an erasure lock it:
    NotFound for a subject not this tenant's or erased before the call; Conflict
    when an erasure won the race for the lock, or the account is closed (its
    data is then kept only for retention; a correction still goes through a
    rights request).
    """
    if not values:
        raise Invalid("values", "name at least one field to set or clear")
    given = {name: "" if value is None else value for name, value in values.items()}
    with uow:
        record = uow.subjects.get(policy.tenant, subject_id)
        if record is None or record.status == "erased":
            raise NotFound("subject not found")
        record = _lock_open(uow, policy.tenant, subject_id)
        new_values, new_index, removed, found = checked_change(uow, policy, record, given, at)
        claim_unique(
            uow,
            policy.tenant,
            record.subject_type,
            policy_unique(policy, record.subject_type),
            [new_index],
            subject_id=record.id,
        )
        uow.subjects.replace_values(
            policy.tenant, record.id, new_values, new_index, at, remove=removed
        )
        changed = sorted(given)
        detail = pii_detail(found)
        if removed:
            detail["cleared"] = ",".join(removed)
        uow.audit.append(
            policy.tenant,
            [AuditEvent(actor, "subject.update", record.id, tuple(changed), detail=detail)],
            at,
        )
        uow.commit()
    return changed, found


def checked_change(
    uow: UnitOfWork,
    policy: Policy,
    record: SubjectRecord,
    values: Mapping[str, str],
    at: dt.datetime,
) -> CheckedChange:
    """Inside an open unit of work: new values for some of a subject's fields, checked as at
    collection with the required fields it keeps, free text scanned → `CheckedChange`.
    Invalid naming the field."""
    for name, value in values.items():
        if not isinstance(value, str):
            raise Invalid(name, "must be text")
    checker = _RecordChecker(policy, record.subject_type, at.date())
    kept = [s.id for s in checker.specs if s.required and s.id not in values]
    current = uow.subjects.values(policy.tenant, record.id, kept) if kept else {}
    checked, found = checker.screened({**current, **values})
    new_values = {f: checked.values[f] for f in values if f in checked.values}
    new_index = {f: checked.index[f] for f in new_values if f in checked.index}
    removed = sorted(f for f in values if f not in checked.values)
    return CheckedChange(
        new_values, new_index, removed, {f: found[f] for f in values if f in found}
    )


def policy_unique(policy: Policy, subject_type: str) -> tuple[str, ...]:
    """The `unique` fields of a subject type of the policy (none for an undeclared type)."""
    st = policy.subject_type(subject_type)
    return () if st is None else tuple(f.id for f in st.fields if f.unique)


def _lock_open(uow: UnitOfWork, tenant: str, subject_id: str) -> SubjectRecord:
    record = uow.subjects.lock(tenant, subject_id)
    if record is None:
        raise NotFound("subject not found")
    if record.status == "erased":
        raise Conflict(
            "subject: erased by another call while this one waited; nothing is held about it"
        )
    if record.closed_at is not None:
        raise Conflict(
            "subject: the account is closed; its data is kept only for retention, and a "
            "correction goes through a rights request"
        )
    return record


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
    uow.attachments.delete_all(tenant, subject_id)  # unreadable already: the key is gone
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
