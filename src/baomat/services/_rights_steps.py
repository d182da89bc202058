"""Steps shared by the rights-request use cases (`services.rights`), inside their unit of work.

Recording a request with its receipt, loading a request and its subject, the
locks that keep a correction and a deletion from interleaving, walking a
request on to done and its audit entries. The caller opens the unit of work
and commits it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence

from baomat.domain.audit import AuditEvent
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.errors import Invalid, NotFound
from baomat.domain.refusals import StepRefused
from baomat.domain.rights import Channel, Kind, RightsRequest, State
from baomat.policy.lawprofile import load_law_profile
from baomat.policy.model import Policy
from baomat.store.subjects import SubjectRecord
from baomat.store.uow import UnitOfWork

_ERASED = "subject: erased; nothing is held about it any more"

DETAIL_KEYS = {
    Kind.CORRECT: {"fields"},
    Kind.WITHDRAW: {"purpose"},
    Kind.RESTRICT: {"purpose"},
    Kind.OBJECT: {"purpose"},
}


def parameters(kind: Kind, detail: Mapping[str, object] | None) -> tuple[str | None, list[str]]:
    """A request's `detail` → (purpose, fields), refusing keys its kind does not take."""
    detail = detail or {}
    allowed = DETAIL_KEYS.get(kind, set())
    unknown = sorted(set(detail) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed)) or "nothing"
        raise Invalid(f"detail.{unknown[0]}", f"a '{kind.value}' request takes {takes}")
    purpose = detail.get("purpose")
    if purpose is not None and not (isinstance(purpose, str) and purpose.strip()):
        raise Invalid("detail.purpose", "must be a purpose id, or absent for every purpose")
    raw_fields = detail.get("fields", [])
    if not isinstance(raw_fields, Sequence) or isinstance(raw_fields, str):
        raise Invalid("detail.fields", "must be a list of field ids")
    fields: list[str] = []
    for name in raw_fields:
        if not isinstance(name, str) or not name:
            raise Invalid("detail.fields", "must be a list of field ids")
        if name not in fields:
            fields.append(name)
    return purpose, fields


def open_request(
    uow: UnitOfWork,
    tenant: str,
    request_id: str,
    kinds: Kind | tuple[Kind, ...],
    *,
    lock: bool = False,
) -> RightsRequest:
    """The open request of one of `kinds`: NotFound, Invalid (another kind), Conflict (closed)."""
    request = uow.rights.get(tenant, request_id, lock=lock)
    if request is None:
        raise NotFound("rights request not found")
    expected = (kinds,) if isinstance(kinds, Kind) else kinds
    if request.kind not in expected:
        names = " or ".join(k.value for k in expected)
        raise Invalid("request", f"is a '{request.kind.value}' request, not {names}")
    if not request.is_open:
        state = request.state.value
        raise StepRefused(f"already_{state}", f"request: it is already {state}")
    return request


def live_subject(
    uow: UnitOfWork, tenant: str, subject_id: str, *, erased_is_conflict: bool = False
) -> SubjectRecord:
    """The subject, not locked: NotFound unless it is this tenant's and not erased.

    With `erased_is_conflict`, an erased subject is a Conflict instead: a
    request filed before the erasure can no longer be carried out.
    """
    record = uow.subjects.get(tenant, subject_id)
    if record is not None and record.status == "erased" and erased_is_conflict:
        raise StepRefused("subject_erased", _ERASED)
    if record is None or record.status == "erased":
        raise NotFound("subject not found")
    return record


def lock_live(uow: UnitOfWork, tenant: str, subject_id: str) -> SubjectRecord:
    """Locks the subject's row; Conflict when it was erased (by a request or by retention)."""
    record = uow.subjects.lock(tenant, subject_id)
    if record is None:
        raise NotFound("subject not found")
    if record.status == "erased":
        raise StepRefused("subject_erased", _ERASED)
    return record


def lock_unchanged(uow: UnitOfWork, tenant: str, subject_id: str, seen: str) -> None:
    """Locks the subject and checks it is as it was read: else one change would undo another."""
    lock_live(uow, tenant, subject_id)
    if uow.subjects.version(tenant, subject_id) != seen:
        raise StepRefused(
            "changed_meanwhile",
            "subject: changed by another request while this one was being fulfilled; "
            "look at it again and retry",
        )


def finish(
    uow: UnitOfWork,
    tenant: str,
    request: RightsRequest,
    actor: str,
    at: dt.datetime,
    effects: Sequence[AuditEvent],
) -> None:
    """Walks the request on to done (acknowledged and started on the way) and audits it all."""
    steps = []
    if request.state is State.RECEIVED:
        request.acknowledge(at)
        steps.append("acknowledge")
    if request.state is State.ACKNOWLEDGED:
        request.start(at)
        steps.append("start")
    request.complete(at)
    steps.append("complete")
    save(uow, tenant, request, actor, at, steps, effects=effects)


def save(
    uow: UnitOfWork,
    tenant: str,
    request: RightsRequest,
    actor: str,
    at: dt.datetime,
    steps: Sequence[str],
    *,
    effects: Sequence[AuditEvent] = (),
    refusal: str | None = None,
) -> None:
    """Writes the request and audits `steps` (the last one carrying `refusal`), effects between."""
    uow.rights.save(tenant, request)
    events = [event(actor, s, request) for s in steps[:-1]]
    events.extend(effects)
    last: dict[str, str | int | bool | None] = {}
    if refusal is not None:
        last["refusal"] = refusal
    if steps[-1] == "extend" and request.extended_due is not None:
        last["extended_due"] = request.extended_due.isoformat()
    events.append(event(actor, steps[-1], request, **last))
    uow.audit.append(tenant, events, at)


def event(
    actor: str, step: str, request: RightsRequest, **extra: str | int | bool | None
) -> AuditEvent:
    """`rights.<step>` about the request's subject: ids, names and codes, never free text."""
    return AuditEvent(
        actor,
        f"rights.{step}",
        request.subject,
        request.fields,
        request.purpose,
        detail={"request": request.id, "kind": request.kind.value, **extra},
    )


def receive(
    uow: UnitOfWork,
    policy: Policy,
    record: SubjectRecord,
    kind: Kind,
    channel: Channel,
    method: str,
    purpose: str | None,
    fields: list[str],
    actor: str,
    at: dt.datetime,
) -> RightsRequest:
    """Inside an open unit of work: checks what the request names, records it and its receipt."""
    for name in fields:
        if policy.field(record.subject_type, name) is None:
            raise Invalid("fields", f"'{name}' is not a field of this subject's type")
    # A withdrawal may name a purpose that a later policy version dropped.
    if purpose is not None and policy.purpose(purpose) is None:
        consented = kind is Kind.WITHDRAW and any(
            uow.consents.for_subject(policy.tenant, record.id, purpose)
        )
        if not consented:
            raise Invalid("purpose", f"'{purpose}' is not a purpose of the policy")
    request = RightsRequest.receive(
        os.urandom(16).hex(),
        record.id,
        kind,
        channel,
        at,
        load_law_profile(policy.law_profile),
        load_vn_calendar(),
        purpose=purpose,
        fields=fields,
        identity_method=method,
        identity_verified_by=None if channel is Channel.SELF_SERVICE else actor,
    )
    uow.rights.add(policy.tenant, request)
    uow.audit.append(
        policy.tenant,
        [
            event(
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
    return request
