"""Use cases about data subjects' rights requests (PRODUCT.md 5; Law 91 Art. 4; Decree 356 Art. 5).

    receipt = submit(uow, ecomviet, "9f2c…", "delete", "assisted", None, "support.lan",
                     fri_13_feb, identity_method="document_checked")
    receipt.acknowledge_due, receipt.due_at
    -> end of Tue 24 Feb 2026 (2 working days, after Tết), end of Thu 5 Mar 2026 (20 days)
    delete(uow, ecomviet, receipt.id, "dpo.an", later) -> the request, done (or refused
                                                         with a legal hold's reason)

Who may file what, and how, is the tenant's promise (`subject_access`,
`domain.rights.AccessRules`); deadlines come from the law profile the tenant
names (`law_profile`), which the request keeps. Each step is one unit of
work: the request's change, the fulfilment itself and their audit entries
(`rights.<step>`, and `subject.read`, `subject.correct`, `subject.erase`,
`consent.withdraw`, `subject.limit.place` for the effect) commit together or
not at all. Free text (reasons) is stored with the request for the subject
to read, never put in the audit chain.

Concurrency: a fulfilment that changes a subject's values (a correction, a
deletion) reads the subject first, then, in the writing transaction, locks
the subject's row (`SubjectRepository.lock`) and checks that nothing changed
meanwhile (`SubjectRepository.version`). Of a correction and a deletion run
at the same time, one wins and the other gets Conflict; never half of each.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping

from baomat.domain.audit import AuditEvent
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.decision import OBJECTED, RESTRICTED
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.rights import OPEN_STATES, AccessRules, Channel, Kind, RightsRequest, State
from baomat.policy.lawprofile import load_law_profile
from baomat.policy.model import Policy
from baomat.services import _rights_steps as steps
from baomat.services import consents, holds, subjects
from baomat.services._rights_report import AccessReport as AccessReport
from baomat.services._rights_report import build_report, report_zip
from baomat.services.subjects import _RecordChecker
from baomat.store.uow import UnitOfWork

_LIMIT_OF = {Kind.RESTRICT: RESTRICTED, Kind.OBJECT: OBJECTED}


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
    access_rules = policy.subject_access
    rules = AccessRules(
        access_rules.mode.value, access_rules.identity_proof.value, frozenset(access_rules.rights)
    )
    the_kind, the_channel, method = rules.admit(kind, channel, actor, identity_method)
    purpose, fields = steps.parameters(the_kind, detail)
    profile = load_law_profile(policy.law_profile)
    with uow:
        record = steps.live_subject(uow, policy.tenant, subject_id)
        for name in fields:
            if policy.field(record.subject_type, name) is None:
                raise Invalid("fields", f"'{name}' is not a field of this subject's type")
        # A withdrawal may name a purpose that a later policy version dropped.
        if purpose is not None and policy.purpose(purpose) is None:
            consented = the_kind is Kind.WITHDRAW and any(
                uow.consents.for_subject(policy.tenant, record.id, purpose)
            )
            if not consented:
                raise Invalid("purpose", f"'{purpose}' is not a purpose of the policy")
        request = RightsRequest.receive(
            os.urandom(16).hex(),
            record.id,
            the_kind,
            the_channel,
            at,
            profile,
            load_vn_calendar(),
            purpose=purpose,
            fields=fields,
            identity_method=method,
            identity_verified_by=None if the_channel is Channel.SELF_SERVICE else actor,
        )
        uow.rights.add(policy.tenant, request)
        uow.audit.append(
            policy.tenant,
            [
                steps.event(
                    actor,
                    "submit",
                    request,
                    channel=request.channel.value,
                    identity_method=method,
                    law_profile=request.law_profile,
                )
            ],
            at,
        )
        uow.commit()
    return request


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
    validators, required fields kept); an empty value removes an optional
    field. Only the fields the request named, when it named some. Invalid
    leaves everything unchanged; Conflict when the subject was erased or
    changed meanwhile.
    """
    if not values:
        raise Invalid("values", "name at least one field to correct")
    for name, value in values.items():
        if not isinstance(value, str):
            raise Invalid(name, "must be text")
    with uow:
        request = steps.open_request(uow, policy.tenant, request_id, Kind.CORRECT)
        record = steps.live_subject(uow, policy.tenant, request.subject, erased_is_conflict=True)
        outside = sorted(set(values) - set(request.fields)) if request.fields else []
        if outside:
            raise Invalid(outside[0], "was not named in the correction request")
        checker = _RecordChecker(policy, record.subject_type, at.date())
        kept = [s.id for s in checker.specs if s.required and s.id not in values]
        current = uow.subjects.values(policy.tenant, record.id, kept) if kept else {}
        checked = checker({**current, **values})
        seen = uow.subjects.version(policy.tenant, record.id)
    new_values = {f: checked.values[f] for f in values if f in checked.values}
    new_index = {f: checked.index[f] for f in new_values if f in checked.index}
    removed = sorted(f for f in values if f not in checked.values)
    with uow:
        request = steps.open_request(uow, policy.tenant, request_id, Kind.CORRECT, lock=True)
        steps.lock_unchanged(uow, policy.tenant, request.subject, seen)
        uow.subjects.replace_values(
            policy.tenant, request.subject, new_values, new_index, at, remove=removed
        )
        effect = AuditEvent(
            actor, "subject.correct", request.subject, tuple(values), detail={"request": request.id}
        )
        steps.finish(uow, policy.tenant, request, actor, at, [effect])
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
    with uow:
        request = steps.open_request(uow, tenant, request_id, Kind.DELETE)
        steps.live_subject(uow, tenant, request.subject, erased_is_conflict=True)
        seen = uow.subjects.version(tenant, request.subject)
    with uow:
        request = steps.open_request(uow, tenant, request_id, Kind.DELETE, lock=True)
        steps.lock_unchanged(uow, tenant, request.subject, seen)
        blocked = holds.blocking(uow, tenant, request.subject)
        if blocked is not None:
            request.refuse(blocked, at)
            steps.save(uow, tenant, request, actor, at, ["refuse"], refusal="legal_hold")
            uow.commit()
            return request
        effect = subjects.erase_within(
            uow, tenant, request.subject, f"request:{request.id}", actor, at
        )
        steps.finish(uow, tenant, request, actor, at, [effect])
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
    with uow:
        request = steps.open_request(uow, tenant, request_id, Kind.WITHDRAW, lock=True)
        steps.lock_live(uow, tenant, request.subject)
        active, effects = consents.withdraw_within(
            uow, tenant, request.subject, request.purpose, actor, at, request=request.id
        )
        if not active:
            what = "any purpose" if request.purpose is None else f"purpose '{request.purpose}'"
            request.refuse(f"no consent to {what} is in force", at)
            steps.save(uow, tenant, request, actor, at, ["refuse"], refusal="no_consent_in_force")
            uow.commit()
            return request
        steps.finish(uow, tenant, request, actor, at, effects)
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
    with uow:
        request = steps.open_request(
            uow, tenant, request_id, (Kind.RESTRICT, Kind.OBJECT), lock=True
        )
        steps.lock_live(uow, tenant, request.subject)
        kind = _LIMIT_OF[request.kind]
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
    try:
        limit_kind = _LIMIT_OF[Kind(kind)]
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
    with uow:
        request = steps.open_request(uow, tenant, request_id, kind, lock=True)
        record = steps.lock_live(uow, tenant, request.subject)
        values = uow.subjects.values(tenant, record.id)
        report = build_report(
            policy,
            record.id,
            record.subject_type,
            request.id,
            at,
            values,
            uow.consents.for_subject(tenant, record.id),
            uow.disclosures.for_subject(tenant, record.id, include_confidential=False),
            uow.audit.entries(tenant, subject=record.id),
        )
        read = AuditEvent(
            actor,
            "subject.read",
            record.id,
            tuple(values),
            detail={"request": request.id, "right": kind.value},
        )
        steps.finish(uow, tenant, request, actor, at, [read])
        uow.commit()
    return report


def _step(
    uow: UnitOfWork,
    tenant: str,
    request_id: str,
    actor: str,
    at: dt.datetime,
    step: str,
    change: Callable[[RightsRequest], None],
) -> RightsRequest:
    with uow:
        request = uow.rights.get(tenant, request_id, lock=True)
        if request is None:
            raise NotFound("rights request not found")
        change(request)
        steps.save(uow, tenant, request, actor, at, [step])
        uow.commit()
    return request
