"""Use cases about consent: give it with proof, withdraw it, list it (Decree 13 Arts. 11–12).

Each change and its audit entry commit together. Audit entries name the
purpose, the policy version, language, channel and text hash of the consent,
never the client's IP or user agent, which only the store sees, encrypted.
"""

from __future__ import annotations

import datetime as dt
import os

from baomat.domain.audit import AuditEvent
from baomat.domain.consent import Consent, ConsentRequest
from baomat.domain.errors import Conflict, NotFound
from baomat.policy.model import Policy
from baomat.services.decisions import table_for
from baomat.store.subjects import SubjectRecord
from baomat.store.uow import UnitOfWork


def give(
    uow: UnitOfWork, policy: Policy, request: ConsentRequest, actor: str, at: dt.datetime
) -> Consent:
    """Records a subject's consent to an opt-in purpose → the Consent, in force from `at`.

    `policy` is the tenant's current version. Refused with Invalid naming the
    rule (`Consent.give`): pre-ticked or implied, a purpose that needs no
    consent, an old policy version, a text hash that is not the purpose's
    text as shown. Conflict when the same consent (purpose and policy version)
    is already in force; NotFound when the subject is not this tenant's.
    """
    table = table_for(policy)
    with uow:
        tenant = uow.tenants.get(policy.tenant)
        if tenant is None:
            raise NotFound(f"tenant '{policy.tenant}' does not exist")
        record = _live_subject(uow, policy.tenant, request.subject)
        consent = Consent.give(
            request, table, tenant.current_version, record.subject_type, os.urandom(16).hex(), at
        )
        held = uow.consents.for_subject(policy.tenant, record.id, consent.purpose)
        if any(c.is_active(at) and c.policy_version == consent.policy_version for c in held):
            raise Conflict(
                f"consent: already given for purpose '{consent.purpose}' under policy "
                f"version {consent.policy_version}"
            )
        uow.consents.add(policy.tenant, consent)
        uow.audit.append(
            policy.tenant,
            [
                AuditEvent(
                    actor,
                    "consent.give",
                    record.id,
                    tuple(sorted(table.purposes[consent.purpose].fields)),
                    consent.purpose,
                    detail={
                        "consent": consent.id,
                        "policy_version": consent.policy_version,
                        "language": consent.language,
                        "channel": consent.channel,
                        "text_sha256": consent.text_sha256,
                    },
                )
            ],
            at,
        )
        uow.commit()
    return consent


def withdraw(
    uow: UnitOfWork, tenant: str, subject_id: str, purpose: str, actor: str, at: dt.datetime
) -> list[Consent]:
    """Withdraws every consent in force for the purpose → those consents, now withdrawn.

    Processing for the purpose stops from `at`; what was done before stays
    lawful (Decree 13 Art. 12). Works for a purpose a later policy version
    dropped. Conflict when no consent for it is in force.
    """
    with uow:
        record = _live_subject(uow, tenant, subject_id)
        active, events = withdraw_within(uow, tenant, record.id, purpose, actor, at)
        if not active:
            raise Conflict("consent: none is in force for this purpose")
        uow.audit.append(tenant, events, at)
        uow.commit()
    return active


def withdraw_within(
    uow: UnitOfWork,
    tenant: str,
    subject_id: str,
    purpose: str | None,
    actor: str,
    at: dt.datetime,
    **detail: str,
) -> tuple[list[Consent], list[AuditEvent]]:
    """Inside an open unit of work: ends the consents in force for `purpose` (or every one).

    → (the consents withdrawn, their audit events carrying `detail` too);
    nothing withdrawn when none is in force. The caller appends and commits.
    """
    active = [c for c in uow.consents.for_subject(tenant, subject_id, purpose) if c.is_active(at)]
    events = []
    for consent in active:
        consent.withdraw(at)
        uow.consents.record_withdrawal(tenant, consent)
        events.append(
            AuditEvent(
                actor,
                "consent.withdraw",
                subject_id,
                purpose=consent.purpose,
                detail={"consent": consent.id, "policy_version": consent.policy_version, **detail},
            )
        )
    return active, events


def list_for_subject(
    uow: UnitOfWork,
    tenant: str,
    subject_id: str,
    actor: str,
    at: dt.datetime,
    *,
    with_evidence: bool = False,
) -> list[Consent]:
    """A subject's consents, given and withdrawn, oldest first.

    With `with_evidence` the client IP and user agent are decrypted too: a
    read of personal data, so it is audited (`consent.evidence.read`).
    """
    with uow:
        record = _live_subject(uow, tenant, subject_id)
        found = uow.consents.for_subject(tenant, record.id, with_evidence=with_evidence)
        if with_evidence:
            uow.audit.append(
                tenant,
                [
                    AuditEvent(
                        actor, "consent.evidence.read", record.id, detail={"consents": len(found)}
                    )
                ],
                at,
            )
            uow.commit()
    return found


def _live_subject(uow: UnitOfWork, tenant: str, subject_id: str) -> SubjectRecord:
    record = uow.subjects.get(tenant, subject_id)
    if record is None or record.status == "erased":
        raise NotFound("subject not found")
    return record
