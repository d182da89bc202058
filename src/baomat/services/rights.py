"""Use cases about data subjects' rights requests (PRODUCT.md 5; Law 91 Art. 4; Decree 356 Art. 5).

    receipt = submit(uow, ecomviet, "9f2c…", "delete", "assisted", None, "support.lan",
                     fri_13_feb, identity_method="document_checked")
    receipt.acknowledge_due, receipt.due_at
    -> end of Tue 24 Feb 2026 (2 working days, after Tết), end of Thu 5 Mar 2026 (20 days)
    delete(uow, ecomviet, receipt.id, "dpo.an", later) -> the request, done (or refused
                                                         with a legal hold's reason)

Who may file what, and how, is the tenant's promise (`subject_access`,
`domain.rights.AccessRules`); deadlines come from the law profile the tenant
names (`law_profile`), which the request keeps. Where the tenant promises
self-service, a subject's own request is carried out as it is filed
(`file_own`), unless it needs a person (`_rights_fulfil.waits_for_staff`); staff work the
rest (`submit` records one, the functions below fulfil it). Each step is one unit of
work: the request's change, the fulfilment itself and their audit entries
(`rights.<step>`, and `subject.read`, `subject.correct`, `subject.erase`,
`consent.withdraw`, `subject.limit.place` for the effect) commit together or
not at all. Free text (reasons) is stored with the request for the subject
to read, never put in the audit chain. A step refused (a right or channel the
policy does not offer, a request already finished, a second extension, a
deadline passed, a subject erased) leaves the request as it was and one
`denied` entry (`rights.<step>`, the request's id, the reason code) in a
transaction of its own (`services.refusals`); the caller gets the same error.

Concurrency: a fulfilment that changes a subject's values (a correction, a
deletion) reads the subject first, then, in the writing transaction, locks
the subject's row (`SubjectRepository.lock`) and checks that nothing changed
meanwhile (`SubjectRepository.version`). Of a correction and a deletion run
at the same time, one wins and the other gets Conflict; never half of each.
A subject's own request carried out as filed locks the row before it reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from baomat.domain.audit import AuditEvent
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.rights import OPEN_STATES, AccessRules, Kind, RightsRequest, State
from baomat.policy.lawprofile import load_law_profile
from baomat.policy.model import Policy
from baomat.services import _rights_fulfil as fulfil
from baomat.services import _rights_steps as steps
from baomat.services import refusals, subjects
from baomat.services._rights_report import AccessReport as AccessReport
from baomat.services._rights_report import report_zip
from baomat.store.uow import UnitOfWork

# --- receipt and the request's own steps --------------------------------------------------


def submit(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    kind: str,
    channel: str,
    detail: Mapping[str, object] | None,
    actor: str,
    at: dt.datetime,
    identity_method: str | None = None,
) -> RightsRequest:
    """Records a request → the receipt: the request with its acknowledgement and completion due.

    `detail` holds the request's parameters, never a value: `{"purpose": id}`
    for withdraw, restrict and object (absent: every purpose), `{"fields":
    [ids]}` for correct (absent: any field). A self-service request needs
    `subject_access.mode` self_service or both; an assisted one is entered by
    staff (`actor`) who verified the requester and name how
    (`identity_method`, `legal_right_proven` where the policy asks for a legal
    right). Forbidden for a channel or right the policy does not offer;
    Invalid naming the field; NotFound for a subject not this tenant's or erased.
    """
    with refusals.audited(uow, policy.tenant, actor, "rights.submit", at, subject=subject_id):
        access_rules = policy.subject_access
        rules = AccessRules(
            access_rules.mode.value,
            access_rules.identity_proof.value,
            frozenset(access_rules.rights),
        )
        the_kind, the_channel, method = rules.admit(kind, channel, actor, identity_method)
        purpose, fields = steps.parameters(the_kind, detail)
        with uow:
            record = steps.live_subject(uow, policy.tenant, subject_id)
            request = steps.receive(
                uow, policy, record, the_kind, the_channel, method, purpose, fields, actor, at
            )
            uow.commit()
        return request


@dataclass(frozen=True)
class Filed:
    """A subject's own request as filed: done at once where it could be, and for a done
    access request everything held about them."""

    request: RightsRequest
    report: AccessReport | None = None


def file_own(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    kind: str,
    detail: Mapping[str, object] | None,
    values: Mapping[str, str] | None,
    actor: str,
    at: dt.datetime,
) -> Filed:
    """The logged-in subject files a request, carried out at once when nothing stops it → it.

    Where the tenant promises self-service (`subject_access.mode` self_service
    or both; else Forbidden, as `submit`), the receipt and the fulfilment are
    one unit of work, the subject's row locked throughout: the request is
    recorded with its deadlines, then done (or refused with its reason: a
    legal hold on a deletion, no consent in force to withdraw), all audited.
    A correction brings its `values` (checked as at collection, `unique` ones
    included); an access request's answer carries the report. Left received
    for staff (`_rights_fulfil.waits_for_staff`): an export (the subject
    downloads it), a correction without values, and a restriction or objection
    that would stop a purpose the subject's contract needs. Invalid or Conflict
    store nothing.
    """
    with refusals.audited(uow, policy.tenant, actor, "rights.submit", at, subject=subject_id):
        rules = policy.subject_access
        access_rules = AccessRules(
            rules.mode.value, rules.identity_proof.value, frozenset(rules.rights)
        )
        the_kind, channel, method = access_rules.admit(kind, "self_service", actor, None)
        purpose, fields = steps.parameters(the_kind, detail)
        if values is not None:
            if the_kind is not Kind.CORRECT:
                raise Invalid("values", f"only a correction takes values, not a '{the_kind.value}'")
            if not values:
                raise Invalid("values", "name at least one field to correct")
            outside = sorted(set(values) - set(fields)) if fields else []
            if outside:
                raise Invalid(outside[0], "was not named in the correction request's fields")
            fields = fields or sorted(values)
        tenant = policy.tenant
        with uow:
            steps.live_subject(uow, tenant, subject_id)
            record = steps.lock_live(uow, tenant, subject_id)
            request = steps.receive(
                uow, policy, record, the_kind, channel, method, purpose, fields, actor, at
            )
            report = None
            if not fulfil.waits_for_staff(policy, record.subject_type, request, values):
                if the_kind is Kind.ACCESS:
                    report = fulfil.report(uow, policy, request, record, actor, at)
                elif the_kind is Kind.CORRECT:
                    assert values is not None  # waits_for_staff: a correction without values waits
                    change = subjects.checked_change(uow, policy, record, values, at)
                    _claim_unique(uow, policy, record.subject_type, record.id, change.searchable)
                    fulfil.correct(uow, tenant, request, change, list(values), actor, at)
                elif the_kind is Kind.DELETE:
                    fulfil.delete(uow, tenant, request, actor, at)
                elif the_kind is Kind.WITHDRAW:
                    fulfil.withdraw(uow, tenant, request, actor, at)
                else:
                    fulfil.limit(uow, tenant, request, actor, at)
            uow.commit()
        return Filed(request, report)


def acknowledge(
    uow: UnitOfWork, tenant: str, request_id: str, actor: str, at: dt.datetime
) -> RightsRequest:
    """Received → acknowledged (Decree 356 Art. 5: within 2 working days) → the request."""
    return _step(uow, tenant, request_id, actor, at, "acknowledge", lambda r: r.acknowledge(at))


def start(
    uow: UnitOfWork, tenant: str, request_id: str, actor: str, at: dt.datetime
) -> RightsRequest:
    """Acknowledged → in progress → the request."""
    return _step(uow, tenant, request_id, actor, at, "start", lambda r: r.start(at))


def extend(
    uow: UnitOfWork,
    tenant: str,
    request_id: str,
    reason: str,
    actor: str,
    at: dt.datetime,
    *,
    amount: int | None = None,
) -> RightsRequest:
    """Extends the completion deadline once, with the reason told to the subject → the request.

    By `amount` in the rule's unit, at most (and by default) the law profile's
    `extension.max_amount`; Conflict when already extended, past the deadline,
    or under a profile without extensions (Decree 13).
    """
    return _step(
        uow,
        tenant,
        request_id,
        actor,
        at,
        "extend",
        lambda r: r.extend(reason, at, load_law_profile(r.law_profile), load_vn_calendar(), amount),
    )


def refuse(
    uow: UnitOfWork, tenant: str, request_id: str, reason: str, actor: str, at: dt.datetime
) -> RightsRequest:
    """Refuses an open request with the reason the subject is told → the request."""
    return _step(uow, tenant, request_id, actor, at, "refuse", lambda r: r.refuse(reason, at))


def get(uow: UnitOfWork, tenant: str, request_id: str) -> RightsRequest:
    """One request, for tracking; NotFound when it is not this tenant's."""
    with uow:
        request = uow.rights.get(tenant, request_id)
    if request is None:
        raise NotFound("rights request not found")
    return request


def list_for_subject(uow: UnitOfWork, tenant: str, subject_id: str) -> list[RightsRequest]:
    """A subject's requests, oldest first, so it can follow them."""
    with uow:
        return uow.rights.for_subject(tenant, subject_id)


def list_requests(
    uow: UnitOfWork,
    tenant: str,
    *,
    state: str | None = None,
    overdue_at: dt.datetime | None = None,
) -> list[RightsRequest]:
    """The staff queue: requests in `state` (default: every open one), least time left first.

    "Time left" runs to the next deadline to meet: the acknowledgement while a
    request is unacknowledged, then the (extended) completion. With
    `overdue_at`, only the requests overdue at that instant.
    """
    if state is None:
        states = OPEN_STATES
    else:
        try:
            states = frozenset({State(state)})
        except ValueError:
            raise Invalid("state", f"must be one of {', '.join(s.value for s in State)}") from None
    with uow:
        found = uow.rights.in_states(tenant, states)
    if overdue_at is not None:
        found = [r for r in found if r.is_overdue(overdue_at)]
    return sorted(found, key=lambda r: (r.next_deadline(), r.received_at, r.id))


# --- fulfilment, one use case per kind ------------------------------------------------------


def access(
    uow: UnitOfWork, policy: Policy, request_id: str, actor: str, at: dt.datetime
) -> AccessReport:
    """Fulfils an access request → everything held about the subject; the request is done.

    The subject's values (decrypted), its consents (without the client's IP
    and user agent), the disclosures it may be told of, and the log of
    decisions about and reads of its data. The read is audited.
    """
    return _report(uow, policy, request_id, actor, at, Kind.ACCESS)


def export(uow: UnitOfWork, policy: Policy, request_id: str, actor: str, at: dt.datetime) -> bytes:
    """Fulfils an export request → one ZIP: `data.json`, `data.csv` and a CSV per part."""
    return report_zip(_report(uow, policy, request_id, actor, at, Kind.EXPORT))


def correct(
    uow: UnitOfWork,
    policy: Policy,
    request_id: str,
    values: Mapping[str, str],
    actor: str,
    at: dt.datetime,
) -> RightsRequest:
    """Fulfils a correction with new values → the request, done.

    Values are checked exactly as at collection (`services.subjects`' record
    checker against the current policy: declared fields, types and named
    validators, required fields kept, `unique` values); an empty value removes
    an optional field. Only the fields the request named, when it named some.
    Invalid leaves everything unchanged; Conflict when the subject was erased
    or changed meanwhile, or a unique value is another subject's (Duplicate).
    """
    with refusals.audited(uow, policy.tenant, actor, "rights.correct", at, request=request_id):
        if not values:
            raise Invalid("values", "name at least one field to correct")
        with uow:
            request = steps.open_request(uow, policy.tenant, request_id, Kind.CORRECT)
            record = steps.live_subject(
                uow, policy.tenant, request.subject, erased_is_conflict=True
            )
            outside = sorted(set(values) - set(request.fields)) if request.fields else []
            if outside:
                raise Invalid(outside[0], "was not named in the correction request")
            change = subjects.checked_change(uow, policy, record, values, at)
            seen = uow.subjects.version(policy.tenant, record.id)
        with uow:
            request = steps.open_request(uow, policy.tenant, request_id, Kind.CORRECT, lock=True)
            steps.lock_unchanged(uow, policy.tenant, request.subject, seen)
            _claim_unique(uow, policy, record.subject_type, request.subject, change.searchable)
            fulfil.correct(uow, policy.tenant, request, change, list(values), actor, at)
            uow.commit()
        return request


def delete(
    uow: UnitOfWork, policy: Policy, request_id: str, actor: str, at: dt.datetime
) -> RightsRequest:
    """Fulfils a deletion → the request: done, or refused while a legal hold keeps the data.

    Erasure as `services.subjects.erase` does it: the data key shredded,
    values deleted, a tombstone (reason `request:<id>`) and the audit kept. A
    legal hold refuses the request with the hold's reason. Conflict when the
    subject was erased or changed meanwhile.
    """
    tenant = policy.tenant
    with refusals.audited(uow, tenant, actor, "rights.delete", at, request=request_id):
        with uow:
            request = steps.open_request(uow, tenant, request_id, Kind.DELETE)
            steps.live_subject(uow, tenant, request.subject, erased_is_conflict=True)
            seen = uow.subjects.version(tenant, request.subject)
        with uow:
            request = steps.open_request(uow, tenant, request_id, Kind.DELETE, lock=True)
            steps.lock_unchanged(uow, tenant, request.subject, seen)
            fulfil.delete(uow, tenant, request, actor, at)
            uow.commit()
        return request


def withdraw(
    uow: UnitOfWork, policy: Policy, request_id: str, actor: str, at: dt.datetime
) -> RightsRequest:
    """Fulfils a consent withdrawal for the request's purpose, or every purpose → the request.

    As `services.consents.withdraw`: each consent in force ends at `at`;
    what was done before stays lawful (Decree 13 Art. 12). Refused, with the
    reason, when no consent is in force for it.
    """
    tenant = policy.tenant
    with refusals.audited(uow, tenant, actor, "rights.withdraw", at, request=request_id):
        with uow:
            request = steps.open_request(uow, tenant, request_id, Kind.WITHDRAW, lock=True)
            steps.lock_live(uow, tenant, request.subject)
            fulfil.withdraw(uow, tenant, request, actor, at)
            uow.commit()
        return request


def limit(
    uow: UnitOfWork, policy: Policy, request_id: str, actor: str, at: dt.datetime
) -> RightsRequest:
    """Fulfils a restriction or objection: a limit on the purpose, or every purpose → the request.

    From then on decisions refuse the purpose (`subject_restricted`,
    `subject_objected`) unless the law lets processing go on without the
    subject's say (Decree 13 Arts. 9, 17). A limit already in force that
    covers it is kept, not doubled.
    """
    tenant = policy.tenant
    with refusals.audited(uow, tenant, actor, "rights.limit", at, request=request_id):
        with uow:
            request = steps.open_request(
                uow, tenant, request_id, (Kind.RESTRICT, Kind.OBJECT), lock=True
            )
            steps.lock_live(uow, tenant, request.subject)
            fulfil.limit(uow, tenant, request, actor, at)
            uow.commit()
        return request


def lift_limit(
    uow: UnitOfWork,
    tenant: str,
    subject_id: str,
    kind: str,
    purpose: str | None,
    actor: str,
    at: dt.datetime,
) -> int:
    """Lifts the subject's restrictions (`restrict`) or objections (`object`) on the purpose.

    `purpose` None lifts the whole-subject limit. → how many were lifted;
    Conflict when none is in force.
    """
    with refusals.audited(uow, tenant, actor, "subject.limit.lift", at, subject=subject_id):
        try:
            limit_kind = fulfil.LIMIT_OF[Kind(kind)]
        except (ValueError, KeyError):
            raise Invalid("kind", "must be restrict or object") from None
        with uow:
            steps.lock_live(uow, tenant, subject_id)
            lifted = []
            for lim in uow.limits.in_force(tenant, subject_id):
                if lim.kind == limit_kind and lim.purpose == purpose:
                    uow.limits.lift(tenant, lim.id, at)
                    lifted.append(lim.id)
            if not lifted:
                raise Conflict(f"subject: no {limit_kind} limit is in force for this purpose")
            uow.audit.append(
                tenant,
                [
                    AuditEvent(
                        actor,
                        "subject.limit.lift",
                        subject_id,
                        purpose=purpose,
                        detail={"limit": lim_id, "kind": limit_kind},
                    )
                    for lim_id in lifted
                ],
                at,
            )
            uow.commit()
        return len(lifted)


# --- helpers ----------------------------------------------------------------------------------


def _report(
    uow: UnitOfWork, policy: Policy, request_id: str, actor: str, at: dt.datetime, kind: Kind
) -> AccessReport:
    tenant = policy.tenant
    with refusals.audited(uow, tenant, actor, f"rights.{kind.value}", at, request=request_id):
        with uow:
            request = steps.open_request(uow, tenant, request_id, kind, lock=True)
            record = steps.lock_live(uow, tenant, request.subject)
            report = fulfil.report(uow, policy, request, record, actor, at)
            uow.commit()
        return report


def _claim_unique(
    uow: UnitOfWork, policy: Policy, subject_type: str, subject_id: str, index: Mapping[str, str]
) -> None:
    unique = subjects.policy_unique(policy, subject_type)
    subjects.claim_unique(uow, policy.tenant, subject_type, unique, [index], subject_id=subject_id)


def _step(
    uow: UnitOfWork,
    tenant: str,
    request_id: str,
    actor: str,
    at: dt.datetime,
    step: str,
    change: Callable[[RightsRequest], None],
) -> RightsRequest:
    with refusals.audited(uow, tenant, actor, f"rights.{step}", at, request=request_id):
        with uow:
            request = uow.rights.get(tenant, request_id, lock=True)
            if request is None:
                raise NotFound("rights request not found")
            change(request)
            steps.save(uow, tenant, request, actor, at, [step])
            uow.commit()
        return request
