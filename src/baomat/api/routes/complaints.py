"""Complaints: filed by the logged-in subject, or recorded by staff from a call, an email or a
letter; worked step by step by staff, followed by the complainant.

The subject files (`POST /v1/me/complaints`) and follows their own
(`GET /v1/me/complaints`, `GET /v1/me/complaints/{complaint_id}`). Staff
record one with its channel and the time it was received (`POST
/v1/complaints`), work the queue, least time left first (`GET
/v1/complaints`), open one (`GET /v1/complaints/{complaint_id}`: its text
and contact for those who work complaints, audited; the register only for
the auditor) and take it a step (`POST .../transitions`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from baomat.api import errors
from baomat.api.deps import ClockDep, RuntimeDep, SubjectDep, UowDep, policy_of, require
from baomat.domain.complaints import Complaint, Event
from baomat.domain.login import Principal
from baomat.domain.periods import last_day
from baomat.domain.roles import Permission, allows
from baomat.services import complaints

router = APIRouter(tags=["complaints"], responses=errors.responses(401, 403, 422))

ComplaintId = Annotated[str, Path(max_length=64, description="The complaint's id.")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Note = Annotated[str, StringConstraints(max_length=2000)]
Category = Literal["beyond_purpose", "beyond_scope", "leak", "access_refused", "other"]


Reader = Annotated[Principal, require(Permission.HANDLE_COMPLAINTS, Permission.READ_REGISTERS)]
"""Staff who work complaints, or the auditor, who reads the register."""
Handler = Annotated[Principal, require(Permission.HANDLE_COMPLAINTS)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class NewComplaint(_Body):
    """`{"category": "beyond_purpose", "description": "…", "contact_phone": "0912 345 678"}`."""

    category: Category
    description: Text
    """What happened, in the complainant's words."""
    contact_email: Annotated[str, StringConstraints(max_length=320)] | None = None
    contact_phone: Annotated[str, StringConstraints(max_length=32)] | None = None
    """At least one of contact_email and contact_phone: how to reach the complainant."""
    complexity: Literal["simple", "complex"] | None = None
    """Where the policy's deadline depends on it (7 to 15 days): simple or complex."""
    language: Literal["vi", "en"] = "vi"
    """The language to answer in."""


class RecordedComplaint(NewComplaint):
    subject_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    channel: Literal["hotline", "email", "post", "in_person"]
    """How it came: a phone call, an email, a letter, a visit."""
    received_at: AwareDatetime
    """When it was received: now or earlier, never later."""


class Transition(_Body):
    action: Literal["acknowledge", "investigate", "resolve", "mediate", "agree", "escalate"]
    note: Note | None = None
    """What the complainant is told; needed to resolve, agree and escalate."""


class TermOut(BaseModel):
    amount: int
    unit: str
    source: str


class ContactOut(BaseModel):
    email: str | None
    phone: str | None


class EventOut(BaseModel):
    action: str
    state: str
    at: dt.datetime
    actor: str
    """Who: a staff account for staff; `staff` or `subject` for the complainant."""
    note: str | None


class ComplaintOut(BaseModel):
    id: str
    subject: str
    category: str
    complexity: str | None
    channel: str
    language: str
    state: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    """Exclusive: the answer is due before this instant."""
    last_day: dt.date | None
    """The day the deadline falls on."""
    term: TermOut | None
    overdue: bool
    time_left_seconds: int | None
    closed_at: dt.datetime | None
    description: str | None
    contact: ContactOut | None
    history: list[EventOut]

    @classmethod
    def of(
        cls, c: Complaint, now: dt.datetime, *, staff: bool, register_only: bool = False
    ) -> ComplaintOut:
        left = c.time_left(now)
        shown = not register_only and c.description is not None
        return cls(
            id=c.id, subject=c.subject, category=c.category.value,
            complexity=None if c.complexity is None else c.complexity.value,
            channel=c.channel.value, language=c.language, state=c.state.value,
            received_at=c.received_at, due_at=c.due_at,
            last_day=None if c.due_at is None else last_day(c.due_at),
            term=None if c.term is None
            else TermOut(amount=c.term.amount, unit=c.term.unit, source=c.term.source),
            overdue=c.is_overdue(now),
            time_left_seconds=None if left is None else int(left.total_seconds()),
            closed_at=c.closed_at,
            description=c.description if shown else None,
            contact=ContactOut(email=c.contact.email, phone=c.contact.phone)
            if shown and c.contact is not None else None,
            history=[_event(e, staff=staff, notes=not register_only) for e in c.history],
        )  # fmt: skip


class Complaints(BaseModel):
    complaints: list[ComplaintOut]


def _event(e: Event, *, staff: bool, notes: bool) -> EventOut:
    actor = e.actor if staff else e.actor.partition(":")[0]
    return EventOut(
        action=e.action, state=e.state.value, at=e.at, actor=actor, note=e.note if notes else None
    )


@router.post("/me/complaints", status_code=201, responses=errors.responses(400, 404, 413))
def file_complaint(
    body: NewComplaint, subject: SubjectDep, runtime: RuntimeDep, uow: UowDep, now: ClockDep
) -> ComplaintOut:
    """The subject files a complaint → the complaint, with its deadline."""
    complaint = complaints.file(
        uow, policy_of(runtime, subject.tenant), subject.id, at=now, **body.model_dump()
    )
    return ComplaintOut.of(complaint, now, staff=False)


@router.get("/me/complaints")
def my_complaints(subject: SubjectDep, uow: UowDep, now: ClockDep) -> Complaints:
    """The subject's complaints, oldest first, each with its history."""
    found = complaints.list_own(uow, subject.tenant, subject.id)
    return Complaints(complaints=[ComplaintOut.of(c, now, staff=False) for c in found])


@router.get("/me/complaints/{complaint_id}", responses=errors.responses(404))
def my_complaint(
    complaint_id: ComplaintId, subject: SubjectDep, uow: UowDep, now: ClockDep
) -> ComplaintOut:
    """One of the subject's own complaints, with its status and history."""
    complaint = complaints.get_own(uow, subject.tenant, subject.id, complaint_id)
    return ComplaintOut.of(complaint, now, staff=False)


@router.post("/complaints", status_code=201, responses=errors.responses(400, 404, 413))
def record_complaint(
    body: RecordedComplaint, staff: Handler, runtime: RuntimeDep, uow: UowDep, now: ClockDep
) -> ComplaintOut:
    """Staff record a complaint that came by phone, email, letter or in person."""
    fields = body.model_dump(exclude={"subject_id"})
    complaint = complaints.record(
        uow, policy_of(runtime, staff.tenant), body.subject_id, actor=staff.actor, at=now, **fields
    )
    return ComplaintOut.of(complaint, now, staff=True)


@router.get("/complaints")
def complaint_queue(
    staff: Reader,
    uow: UowDep,
    now: ClockDep,
    state: Annotated[str | None, Query(max_length=32)] = None,
    overdue: bool = False,
) -> Complaints:
    """Complaints in `state` (default: every open one), least time left first; the register
    only, without text or contact. `overdue`: only those past their deadline."""
    found = complaints.queue(uow, staff.tenant, now=now, state=state, overdue=overdue)
    return Complaints(
        complaints=[ComplaintOut.of(c, now, staff=True, register_only=True) for c in found]
    )


@router.get("/complaints/{complaint_id}", responses=errors.responses(404))
def complaint(complaint_id: ComplaintId, staff: Reader, uow: UowDep, now: ClockDep) -> ComplaintOut:
    """One complaint with its history; its text, contact and notes for who works complaints."""
    reveal = allows(staff.role, Permission.HANDLE_COMPLAINTS)
    found = complaints.get(
        uow, staff.tenant, complaint_id, reveal=reveal, actor=staff.actor, at=now
    )
    return ComplaintOut.of(found, now, staff=True, register_only=not reveal)


@router.post(
    "/complaints/{complaint_id}/transitions", responses=errors.responses(400, 404, 409, 413)
)
def take_a_step(
    complaint_id: ComplaintId,
    body: Transition,
    staff: Handler,
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> ComplaintOut:
    """Takes the complaint one step; resolved or agreed ends its legal hold and tells the
    complainant the outcome."""
    policy = policy_of(runtime, staff.tenant)
    done = complaints.transition(
        uow, policy, complaint_id, body.action, body.note, staff.actor, now
    )
    return ComplaintOut.of(done, now, staff=True)
