"""Use cases about sharing: hand a subject's data to a recipient, and prove it (PRODUCT.md 4).

    disclose_to_partner(uow, wesale, "9f2c…", "technical_partner",
                        "technical_support_and_disputes", "support", now)
    -> (Disclosure(status="released", fields=("full_name", "phone", "email"), ...),
        {"full_name": "Lê Thị Hồng", "phone": "+84912345678", "email": "hong.le@example.vn"})

A recipient the policy names for routine sharing gets data when the decision
service allows it (consent, restriction and objection, the contract's dates
and field scope: `baomat.domain.decision`), and only its contract's fields.
A state agency's request is recorded pending approval; a dpo other than the
one who entered it approves, and only then are the values read and handed
over, once. The rules are `baomat.domain.disclosure`'s.

Each step is one unit of work: the disclosure row, the decision's audit
entry (action `disclosure.decision`) and the disclosure's own entry (action `disclosure.release`,
`disclosure.request`, `disclosure.approve` or `disclosure.reject`, naming
the disclosure, recipient and fields, never a value) commit together. A
refused decision is audited and committed before the refusal is raised; a
dpo's step refused for who takes it or when (not a dpo, the dpo who entered
the request, already decided) is audited as that step `denied`, with its
reason code, in a transaction of its own, and the disclosure stays as it was.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

from baomat.domain.audit import AuditEvent
from baomat.domain.decision import NOT_FOUND_REASONS, Decision, Denied
from baomat.domain.decision import decide as _decide
from baomat.domain.disclosure import (
    Disclosure,
    FormalRequest,
    NotPending,
    check_approver_role,
    check_authority_recipient,
    check_routine_recipient,
)
from baomat.domain.errors import Invalid, NotFound
from baomat.policy.model import Policy, Recipient
from baomat.services import decisions, holds, refusals
from baomat.store.subjects import SubjectRecord
from baomat.store.uow import UnitOfWork

DECISION = "disclosure.decision"
"""The action of a disclosure's decision entry. Not the plain `decision` of other uses: a
subject's access report lists those, and must not show a confidential disclosure."""


def disclose_to_partner(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    recipient_id: str,
    purpose: str,
    actor: str,
    at: dt.datetime,
) -> tuple[Disclosure, dict[str, str]]:
    """Hands a routine recipient its fields of a subject → (the Disclosure, the values).

    The fields are the recipient's scope (`recipients[].fields`, its
    contract's) that the purpose uses and the subject's type holds; the
    values are those the subject has among them. Invalid for a recipient
    the policy does not declare or that receives data only on request (a
    state agency); Denied when the decision refuses (reason code on the
    error); NotFound for a subject that is not this tenant's or is erased.
    """
    recipient = _recipient(policy, recipient_id)
    check_routine_recipient(recipient.id, recipient.kind.value, recipient.on_request_only)
    with uow:
        record = uow.subjects.get(policy.tenant, subject_id)
        fields = _scope(policy, recipient, purpose, record)
        decision = decisions.decide_within(
            uow, policy, subject_id, purpose, fields, recipient.id, actor, at, action=DECISION
        )
        _raise_if_refused(uow, decision)
        if not fields:
            raise Invalid(
                "purpose",
                f"recipient '{recipient.id}' may receive no field that purpose '{purpose}' "
                "uses for this subject",
            )
        disclosure = Disclosure.release(
            os.urandom(16).hex(),
            subject_id,
            recipient.id,
            recipient.kind.value,
            purpose,
            fields,
            decision.legal_basis or "",
            actor,
            at,
            on_request_only=recipient.on_request_only,
            confidential=recipient.confidential,
        )
        values = uow.subjects.values(policy.tenant, subject_id, fields)
        uow.disclosures.add(policy.tenant, disclosure)
        uow.audit.append(policy.tenant, [_event(actor, "disclosure.release", disclosure)], at)
        uow.commit()
    return disclosure, {f: values[f] for f in fields if f in values}


def record_authority_request(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    recipient_id: str,
    body: str,
    document_number: str,
    document_date: dt.date,
    legal_basis: str,
    fields: Sequence[str],
    confidential: bool,
    actor: str,
    at: dt.datetime,
) -> Disclosure:
    """Records a state agency's formal request → the Disclosure, pending approval.

    Nothing is read or released. The request must come from a state agency
    the policy declares, cite a basis the law allows without consent
    (`FormalRequest.check`), name fields the subject's type holds, and fit a
    purpose the agency serves under that basis (`recipients[].purposes`);
    the decision rules must allow it (a restriction or objection does not
    stop it: Decree 13 Art. 17). Confidential when asked or when the policy
    marks the recipient so. NotFound for a subject not this tenant's or
    erased; Denied when a decision rule refuses.
    """
    recipient = _recipient(policy, recipient_id)
    check_authority_recipient(recipient.id, recipient.kind.value)
    request = FormalRequest.check(body, document_number, document_date, legal_basis, at)
    named = tuple(dict.fromkeys(fields))
    if not named:
        raise Invalid("fields", "a request names at least one field")
    if not policy.field_ids().issuperset(named):
        raise Invalid("fields", "names a field the policy does not declare")
    with uow:
        record = _live_subject(uow, policy.tenant, subject_id)
        purpose = _authority_purpose(policy, recipient, request.legal_basis, named, record)
        subject, consents = decisions.load_state(uow, policy.tenant, subject_id)
        table = decisions.table_for(policy)
        decision = _decide(table, subject, consents, purpose, named, recipient.id, at)
        if not decision.allowed:
            raise Denied(decision)
        disclosure = Disclosure.requested_by_authority(
            os.urandom(16).hex(),
            record.id,
            recipient.id,
            recipient.kind.value,
            purpose,
            named,
            request,
            confidential or recipient.confidential,
            actor,
            at,
        )
        uow.disclosures.add(policy.tenant, disclosure)
        # Until a dpo decides, the subject's data may not be erased.
        _, hold = holds.place_within(
            uow, policy.tenant, record.id, "authority_request", _hold_reference(disclosure),
            actor, at,
        )  # fmt: skip
        uow.audit.append(
            policy.tenant, [_event(actor, "disclosure.request", disclosure, "pending"), hold], at
        )
        uow.commit()
    return disclosure


def approve(
    uow: UnitOfWork,
    policy: Policy,
    disclosure_id: str,
    approver: str,
    approver_role: str,
    at: dt.datetime,
) -> dict[str, str]:
    """Approves a pending request and releases it → the values, handed over this once.

    Forbidden unless `approver_role` is dpo and the approver is not who
    entered it; Conflict when it is not pending (already decided, perhaps
    by another dpo a moment before); NotFound when no such disclosure is
    this tenant's, or its subject was erased. The release goes through the
    decision service against the current policy, so a recipient or purpose
    since withdrawn from the policy is Denied. A Forbidden or Conflict
    refusal is audited (`disclosure.approve`, `denied`, reason code) first.
    """
    describe = _refusal("disclosure.approve", policy.tenant, disclosure_id, approver, approver_role)
    with refusals.audited(
        uow, policy.tenant, approver, "disclosure.approve", at, describe=describe
    ):
        return _approve(uow, policy, disclosure_id, approver, approver_role, at)


def _approve(
    uow: UnitOfWork,
    policy: Policy,
    disclosure_id: str,
    approver: str,
    approver_role: str,
    at: dt.datetime,
) -> dict[str, str]:
    check_approver_role(approver_role)
    with uow:
        disclosure = _disclosure(uow, policy.tenant, disclosure_id)
        disclosure.approve(approver, at)
        current = policy.recipient(disclosure.recipient)
        if current is not None:
            check_authority_recipient(current.id, current.kind.value)
        decision = decisions.decide_within(
            uow,
            policy,
            disclosure.subject,
            disclosure.purpose or "",
            disclosure.fields,
            disclosure.recipient,
            approver,
            at,
            action=DECISION,
        )
        _raise_if_refused(uow, decision)
        if not uow.disclosures.record_decision(policy.tenant, disclosure):
            raise NotPending("disclosure: already decided, not awaiting approval")
        values = uow.subjects.values(policy.tenant, disclosure.subject, disclosure.fields)
        released = holds.release_within(
            uow, policy.tenant, disclosure.subject, _hold_reference(disclosure), approver, at
        )
        uow.audit.append(
            policy.tenant, [_event(approver, "disclosure.approve", disclosure), *released], at
        )
        uow.commit()
    return {f: values[f] for f in disclosure.fields if f in values}


def reject(
    uow: UnitOfWork,
    tenant: str,
    disclosure_id: str,
    actor: str,
    actor_role: str,
    reason: str,
    at: dt.datetime,
) -> Disclosure:
    """Refuses a pending request for a reason code (`REJECTION_REASONS`) → the Disclosure.

    Nothing is released. Forbidden unless `actor_role` is dpo; Conflict when
    not pending; NotFound when no such disclosure is this tenant's. The
    reason is kept in the audit entry (the disclosure row has no column for it).
    A Forbidden or Conflict refusal is audited (`disclosure.reject`, `denied`) first.
    """
    describe = _refusal("disclosure.reject", tenant, disclosure_id, actor, actor_role)
    with refusals.audited(uow, tenant, actor, "disclosure.reject", at, describe=describe):
        return _reject(uow, tenant, disclosure_id, actor, actor_role, reason, at)


def _reject(
    uow: UnitOfWork,
    tenant: str,
    disclosure_id: str,
    actor: str,
    actor_role: str,
    reason: str,
    at: dt.datetime,
) -> Disclosure:
    check_approver_role(actor_role)
    with uow:
        disclosure = _disclosure(uow, tenant, disclosure_id)
        disclosure.reject(actor, at, reason)
        if not uow.disclosures.record_decision(tenant, disclosure):
            raise NotPending("disclosure: already decided, not awaiting approval")
        released = holds.release_within(
            uow, tenant, disclosure.subject, _hold_reference(disclosure), actor, at
        )
        uow.audit.append(
            tenant,
            [_event(actor, "disclosure.reject", disclosure, "rejected", reason=reason), *released],
            at,
        )
        uow.commit()
    return disclosure


def _refusal(
    action: str, tenant: str, disclosure_id: str, actor: str, role: str
) -> refusals.Describe:
    """A refused step's entry names the disclosure as stored (an id this tenant does not hold
    is not recorded)."""

    def describe(uow: UnitOfWork, reason: str) -> AuditEvent:
        found = uow.disclosures.get(tenant, disclosure_id)
        detail = {"reason": reason, "role": role}
        if found is None:
            return AuditEvent(actor, action, outcome="denied", detail=detail)
        return _event(actor, action, found, "denied", **detail)

    return describe


def _hold_reference(disclosure: Disclosure) -> str:
    return f"disclosure:{disclosure.id}"


def list_for_subject(
    uow: UnitOfWork, tenant: str, subject_id: str, *, include_confidential: bool
) -> list[Disclosure]:
    """Who received, or asked for, a subject's data, oldest first.

    The subject sees all but the confidential ones (`include_confidential=False`);
    staff may see all. NotFound for a subject not this tenant's or erased.
    """
    with uow:
        record = _live_subject(uow, tenant, subject_id)
        return uow.disclosures.for_subject(
            tenant, record.id, include_confidential=include_confidential
        )


def list_pending(uow: UnitOfWork, tenant: str) -> list[Disclosure]:
    """State agencies' requests awaiting a dpo, oldest first: the approval queue."""
    with uow:
        return uow.disclosures.pending(tenant)


# --- helpers -----------------------------------------------------------------


def _recipient(policy: Policy, recipient_id: str) -> Recipient:
    recipient = policy.recipient(recipient_id)
    if recipient is None:
        raise Invalid("recipient", f"is not declared by policy version {policy.version}")
    return recipient


def _live_subject(uow: UnitOfWork, tenant: str, subject_id: str) -> SubjectRecord:
    record = uow.subjects.get(tenant, subject_id)
    if record is None or record.status == "erased":
        raise NotFound("subject not found")
    return record


def _disclosure(uow: UnitOfWork, tenant: str, disclosure_id: str) -> Disclosure:
    found = uow.disclosures.get(tenant, disclosure_id)
    if found is None:
        raise NotFound("disclosure not found")
    return found


def _scope(
    policy: Policy, recipient: Recipient, purpose: str, record: SubjectRecord | None
) -> tuple[str, ...]:
    """The recipient's fields that the purpose uses and the subject's type holds, in the
    purpose's order; empty for an undeclared purpose (the decision then names it)."""
    spec = policy.purpose(purpose)
    if spec is None:
        return ()
    fields = [f for f in spec.fields if recipient.fields == "all" or f in recipient.fields]
    subject_type = None if record is None else policy.subject_type(record.subject_type)
    if subject_type is not None:
        held = {f.id for f in subject_type.fields}
        fields = [f for f in fields if f in held]
    return tuple(fields)


def _authority_purpose(
    policy: Policy,
    recipient: Recipient,
    legal_basis: str,
    fields: tuple[str, ...],
    record: SubjectRecord,
) -> str:
    """The first purpose the agency serves under `legal_basis` that uses every field named."""
    subject_type = policy.subject_type(record.subject_type)
    held = set() if subject_type is None else {f.id for f in subject_type.fields}
    outside = [f for f in fields if f not in held]
    if outside:
        raise Invalid("fields", f"not held by subject type '{record.subject_type}': {outside[0]}")
    serving = [
        p
        for p in policy.purposes
        if p.id in recipient.purposes
        and p.legal_basis.value == legal_basis
        and (p.subject_types is None or record.subject_type in p.subject_types)
    ]
    if not serving:
        raise Invalid(
            "legal_basis",
            f"recipient '{recipient.id}' receives data under no purpose with legal basis "
            f"'{legal_basis}' for this subject",
        )
    for p in serving:
        if set(p.fields).issuperset(fields):
            return p.id
    raise Invalid(
        "fields",
        f"purpose '{serving[0].id}' of recipient '{recipient.id}' does not use every field named",
    )


def _raise_if_refused(uow: UnitOfWork, decision: Decision) -> None:
    """A refusal is proof too: commit its audit entry, then raise."""
    if decision.allowed:
        return
    uow.commit()
    if decision.reason in NOT_FOUND_REASONS:
        raise NotFound("subject not found")
    raise Denied(decision)


def _event(
    actor: str, action: str, d: Disclosure, outcome: str = "ok", **detail: str
) -> AuditEvent:
    """Names the disclosure, recipient, fields and basis; never a value."""
    facts: dict[str, str | int | bool | None] = {
        "disclosure": d.id,
        "recipient": d.recipient,
        "legal_basis": d.legal_basis,
        "status": d.status,
    }
    if d.authority_body is not None:
        facts["body"] = d.authority_body
        facts["confidential"] = d.confidential
    facts.update(detail)
    return AuditEvent(actor, action, d.subject, d.fields, d.purpose, outcome, facts)
