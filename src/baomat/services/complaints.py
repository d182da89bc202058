"""Use cases about complaints (issue 4; the seeds' [K] promises): intake, steps, the queue.

    complaint = record(uow, wesale, buyer, channel="hotline", received_at=fri_13_feb,
                       category="beyond_purpose", description="…", contact_phone="0912 345 678",
                       actor="staff:lan", at=now)
    complaint.due_at  -> end of Fri 6 Mar 2026 (10 working days, after Tết)
    transition(uow, wesale, complaint.id, "acknowledge", None, "staff:lan", later)
    queue(uow, "wesale", now=now)            -> open complaints, least time left first
    sweep(app.uow, app.clock)                -> reminders and overdue alerts raised, each once

A subject files a complaint logged in (`file`); staff record one that came by
phone, email, letter or in person, with the time it was received, which may
be past but never future (`record`). Either needs a way to reach the
complainant (an email or a phone number). The complainant must be a
registered subject of the tenant: the complaint's text and contact details
are sealed with the subject's data key, its legal hold and its emails belong
to the subject, and a caller whose data the tenant does not hold has nothing
here to complain about; staff register a caller first (as the policy's
subject type, with its legal basis) when the complaint is about data held
outside baomat. A complaint about another tenant's subject is NotFound.

Each change is one unit of work with its audit entries (`complaint.<step>`,
ids, categories and states only) and, where the step calls for it, the
legal hold (`hold.place` on receipt, `hold.release` once resolved or agreed)
and the email to the complainant through the outbox (`complaint_received`,
`complaint_resolved`), to the subject's address on file. A step its state or
the policy does not allow leaves the complaint as it was and one `denied`
entry with its reason code (`services.refusals`).
"""

from __future__ import annotations

import datetime as dt
import os

from baomat.domain.audit import AuditEvent
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.complaints import (
    OPEN,
    SETTLED,
    Channel,
    Complaint,
    Contact,
    State,
    parse_category,
    parse_complexity,
    parse_staff_channel,
    resolution_term,
)
from baomat.domain.errors import Invalid, NotFound
from baomat.domain.periods import last_day, vietnam_tz
from baomat.domain.refusals import StepRefused
from baomat.policy.lawprofile import load_law_profile
from baomat.policy.model import Policy
from baomat.services import holds, outbox, refusals
from baomat.services._complaint_sweep import SWEEP_ACTOR as SWEEP_ACTOR
from baomat.services._complaint_sweep import SweepReport as SweepReport
from baomat.services._complaint_sweep import sweep as sweep
from baomat.store.subjects import SubjectShredded
from baomat.store.uow import UnitOfWork

LANGUAGES = ("vi", "en")
STEPS = ("acknowledge", "investigate", "resolve", "mediate", "agree", "escalate")
"""The transitions, by the name of the step (`Complaint.<step>`)."""


# --- intake ---------------------------------------------------------------------------------


def file(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    *,
    category: str,
    description: str,
    contact_email: str | None = None,
    contact_phone: str | None = None,
    complexity: str | None = None,
    language: str = "vi",
    at: dt.datetime,
) -> Complaint:
    """The logged-in subject files a complaint, received now → the complaint with its due."""
    return _receive(
        uow, policy, subject_id, Channel.WEB, at, category, description, contact_email,
        contact_phone, complexity, language, f"subject:{subject_id}", at,
    )  # fmt: skip


def record(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    *,
    channel: str,
    received_at: dt.datetime,
    category: str,
    description: str,
    contact_email: str | None = None,
    contact_phone: str | None = None,
    complexity: str | None = None,
    language: str = "vi",
    actor: str,
    at: dt.datetime,
) -> Complaint:
    """Staff record a complaint received by `channel` (hotline, email, post, in_person) at
    `received_at`, which may be past, never after `at` → the complaint with its due."""
    return _receive(
        uow, policy, subject_id, parse_staff_channel(channel), received_at, category,
        description, contact_email, contact_phone, complexity, language, actor, at,
    )  # fmt: skip


def _receive(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    channel: Channel,
    received_at: dt.datetime,
    category: str,
    description: str,
    contact_email: str | None,
    contact_phone: str | None,
    complexity: str | None,
    language: str,
    actor: str,
    at: dt.datetime,
) -> Complaint:
    the_category = parse_category(category)
    the_complexity = parse_complexity(complexity)
    contact = Contact.of(contact_email, contact_phone)
    if language not in LANGUAGES:
        raise Invalid("language", f"must be one of {', '.join(LANGUAGES)}")
    term = resolution_term(
        policy.complaints.deadline, the_complexity, load_law_profile(policy.law_profile)
    )
    tenant = policy.tenant
    with uow:
        subject = uow.subjects.get(tenant, subject_id)
        if subject is None or subject.status == "erased":
            raise NotFound("subject not found")
        complaint = Complaint.receive(
            os.urandom(16).hex(), subject.id, the_category, channel, language, received_at, at,
            actor, policy.version, policy.complaints.steps, description, contact, the_complexity,
            term, load_vn_calendar(),
        )  # fmt: skip
        # Looked at by the next reminder sweep, which plans its alerts from then on.
        uow.complaints.add(tenant, complaint, at if complaint.due_at is not None else None)
        _, hold = holds.place_within(uow, tenant, subject.id, "complaint", complaint.id, actor, at)
        _email(uow, policy, subject.subject_type, complaint, "complaint_received", at)
        received = _event(
            actor,
            "receive",
            complaint,
            channel=channel.value,
            category=the_category.value,
            complexity=None if the_complexity is None else the_complexity.value,
            due=None if complaint.due_at is None else complaint.due_at.isoformat(),
        )
        uow.audit.append(tenant, [received, hold], at)
        uow.commit()
    return complaint


# --- steps ----------------------------------------------------------------------------------


def transition(
    uow: UnitOfWork,
    policy: Policy,
    complaint_id: str,
    step: str,
    note: str | None,
    actor: str,
    at: dt.datetime,
) -> Complaint:
    """Takes the complaint one step (`STEPS`) with the note the complainant is told.

    Resolved or agreed releases its legal hold and emails the complainant the
    outcome; escalated to court keeps the hold. Conflict for a step its state
    or the policy's steps do not allow; Invalid for a missing note.
    """
    with refusals.audited(
        uow, policy.tenant, actor, f"complaint.{step}", at, complaint=complaint_id
    ):
        if step not in STEPS:
            raise Invalid("action", f"must be one of {', '.join(STEPS)}")
        tenant = policy.tenant
        with uow:
            complaint = uow.complaints.get(tenant, complaint_id, lock=True)
            if complaint is None:
                raise NotFound("complaint not found")
            getattr(complaint, step)(at, actor, note)
            try:
                uow.complaints.save(tenant, complaint)
            except SubjectShredded:
                raise StepRefused(
                    "subject_erased",
                    "complaint: the complainant's data was erased; a note can no longer be kept",
                ) from None
            events = [_event(actor, step, complaint)]
            if not complaint.holds_data:
                events += holds.release_within(
                    uow, tenant, complaint.subject, complaint.id, actor, at
                )
            if complaint.state in SETTLED:
                subject = uow.subjects.get(tenant, complaint.subject)
                if subject is not None and subject.status != "erased":
                    _email(uow, policy, subject.subject_type, complaint, "complaint_resolved", at)
            uow.audit.append(tenant, events, at)
            uow.commit()
        return complaint


# --- reading --------------------------------------------------------------------------------


def get(
    uow: UnitOfWork, tenant: str, complaint_id: str, *, reveal: bool, actor: str, at: dt.datetime
) -> Complaint:
    """One complaint for staff. With `reveal`, its text, contact and notes too, and that read
    is audited (`complaint.read`); without, the register only. NotFound if not this tenant's."""
    with uow:
        complaint = uow.complaints.get(tenant, complaint_id, reveal=reveal)
        if complaint is None:
            raise NotFound("complaint not found")
        if reveal:
            read = AuditEvent(
                actor,
                "complaint.read",
                complaint.subject,
                ("description", "contact", "notes"),
                detail={"complaint": complaint.id},
            )
            uow.audit.append(tenant, [read], at)
            uow.commit()
    return complaint


def get_own(uow: UnitOfWork, tenant: str, subject_id: str, complaint_id: str) -> Complaint:
    """One of the subject's own complaints, with its history; NotFound for anyone else's."""
    with uow:
        complaint = uow.complaints.get(tenant, complaint_id)
    if complaint is None or complaint.subject != subject_id:
        raise NotFound("complaint not found")
    return complaint


def list_own(uow: UnitOfWork, tenant: str, subject_id: str) -> list[Complaint]:
    """The subject's complaints, oldest first, each with its history."""
    with uow:
        return uow.complaints.for_subject(tenant, subject_id)


def queue(
    uow: UnitOfWork,
    tenant: str,
    *,
    now: dt.datetime,
    state: str | None = None,
    overdue: bool = False,
) -> list[Complaint]:
    """The staff queue: complaints in `state` (default: every open one), least time left
    first; then those without a deadline or already answered (mediation), oldest first.
    With `overdue`, only those past their deadline at `now`. The register only, no text."""
    if state is None:
        states = OPEN
    else:
        try:
            states = frozenset({State(state)})
        except ValueError:
            raise Invalid("state", f"must be one of {', '.join(s.value for s in State)}") from None
    with uow:
        found = uow.complaints.in_states(tenant, states)
    if overdue:
        found = [c for c in found if c.is_overdue(now)]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def time_left(c: Complaint) -> tuple[bool, dt.datetime, dt.datetime, str]:
        timed = c.due_at is not None and c.awaiting_answer
        return (not timed, c.due_at if timed and c.due_at else far, c.received_at, c.id)

    return sorted(found, key=time_left)


# --- helpers --------------------------------------------------------------------------------


def _event(
    actor: str, step: str, complaint: Complaint, **extra: str | int | bool | None
) -> AuditEvent:
    """`complaint.<step>` about the complainant: ids, categories and states, never text."""
    return AuditEvent(
        actor,
        f"complaint.{step}",
        complaint.subject,
        detail={"complaint": complaint.id, "state": complaint.state.value, **extra},
    )


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(vietnam_tz()).date()


def _date(day: dt.date, language: str) -> str:
    """13/02/2026 in Vietnamese, 13 February 2026 in English."""
    if language == "vi":
        return day.strftime("%d/%m/%Y")
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _email(
    uow: UnitOfWork,
    policy: Policy,
    subject_type: str,
    complaint: Complaint,
    template: str,
    at: dt.datetime,
) -> None:
    """Queues the email to the complainant, where the subject type has an address field."""
    if outbox.email_field(policy, subject_type) is None:
        return
    language = complaint.language
    context: dict[str, object] = {
        "reference": complaint.id,
        "received": _date(_day(complaint.received_at), language),
    }
    if template == "complaint_received":
        due = complaint.due_at
        context["due"] = "" if due is None else _date(last_day(due), language)
    else:
        closed = complaint.closed_at or at
        context |= {
            "outcome": complaint.state.value,
            "closed": _date(_day(closed), language),
            "answer": complaint.history[-1].note or "",
        }
    outbox.queue(uow, policy.tenant, complaint.subject, template, language, context, at)
