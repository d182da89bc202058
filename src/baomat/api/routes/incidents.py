"""Breach incidents: opened, notified to the authority in phases, told to the subjects, closed.

The DPO opens an incident (`POST /v1/incidents`) with when it was found,
what happened, the systems and the window, and whose reads define it;
baomat finds the affected subjects and starts the clock of the notice to
A05. The DPO then records each notice to A05 (`POST .../notices`: initial,
follow_up, final), emails the subjects (`POST .../subject-notices`) and
closes it (`POST .../close`). The DPO and the auditor read the register, the
affected subjects, each notice as sent (`.../notices/{number}.html`,
`.pdf`) and the closing report (`.../report.html`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from baomat.api import errors
from baomat.api.deps import ClockDep, RuntimeDep, UowDep, policy_of, require
from baomat.domain.incidents import Incident, Notice, Phase
from baomat.domain.login import Principal
from baomat.domain.periods import last_day
from baomat.domain.roles import Permission
from baomat.services import incidents
from baomat.services._breach_notice import NoticeInput
from baomat.store.incidents import Affected

router = APIRouter(tags=["incidents"], responses=errors.responses(401, 403, 422))

IncidentId = Annotated[str, Path(max_length=64, description="The incident's id.")]
Number = Annotated[int, Path(ge=1, le=1000, description="The notice's number: 1, 2, …")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Line = Annotated[str, StringConstraints(max_length=320)]


Reader = Annotated[Principal, require(Permission.MANAGE_INCIDENTS, Permission.READ_REGISTERS)]
"""The DPO, who handles incidents, or the auditor, who reads the register."""
Handler = Annotated[Principal, require(Permission.MANAGE_INCIDENTS)]

_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
_HTML: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/html": {"schema": {"type": "string"}}},
        "description": "The document as one HTML page, exactly as written.",
    }
}
_PDF: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The notice as a PDF, exactly as sent.",
    }
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class NewIncident(_Body):
    """`{"detected_at": "…", "description": "…", "systems": ["CRM"], "window_start": "…",
    "window_end": "…", "actors": ["staff:mallory"]}`."""

    detected_at: AwareDatetime
    """When the breach was found: now or earlier, not before window_start."""
    description: Text
    """What happened, for the authority: the act, how it was found."""
    systems: Annotated[list[Short], Field(min_length=1, max_length=20)]
    """The systems affected (where it happened)."""
    window_start: AwareDatetime
    window_end: AwareDatetime
    """When it ran: start before end, end now or earlier."""
    actors: Annotated[
        list[Annotated[str, StringConstraints(max_length=128)]], Field(max_length=50)
    ] = []
    """Audit actors whose reads in the window are the breach: `staff:<id>`, `apikey:<id>`."""
    subject_types: Annotated[list[Name], Field(max_length=20)] = []
    """Subject types whose every subject held in the window is affected (a copied store)."""


class NewNotice(_Body):
    phase: Literal["initial", "follow_up", "final"]
    consequences: Text
    """The likely consequences and harm."""
    measures: Text
    """The measures taken to handle it and limit the harm."""
    contact_name: Line | None = None
    contact_phone: Line | None = None
    contact_email: Line | None = None
    """The data-protection contact; defaults to the policy's organisation."""
    responsible: Text | None = None
    """Who did it, when known better than the audit actors say."""
    delay_reason: Text | None = None
    """Needed when the first notice is past its deadline."""


class Texts(_Body):
    vi: Text
    en: Text | None = None
    """Needed when the policy is also in English."""


class SubjectMessage(_Body):
    summary: Texts
    """What happened, in words for the subjects, per language."""
    advice: Texts | None = None
    """What else they can do, beyond the standing advice."""


class Closing(_Body):
    outcome: Literal["breach", "no_breach"] = "breach"
    measures: Text
    """The measures taken, as the report records them."""
    language: Literal["vi", "en"] = "vi"
    """The report's language."""


class NoticeOut(BaseModel):
    number: int
    phase: str
    sent_at: dt.datetime
    sent_by: str
    late: bool
    html_sha256: str
    pdf_sha256: str

    @classmethod
    def of(cls, n: Notice) -> NoticeOut:
        return cls(
            number=n.number, phase=n.phase.value, sent_at=n.sent_at, sent_by=n.sent_by,
            late=n.late, html_sha256=n.html_sha256, pdf_sha256=n.pdf_sha256,
        )  # fmt: skip


class CategoryOut(BaseModel):
    category: str
    subjects: int
    sensitive: bool


class IncidentOut(BaseModel):
    id: str
    state: str
    law_profile: str
    detected_at: dt.datetime
    window_start: dt.datetime
    window_end: dt.datetime
    systems: list[str]
    description: str
    actors: list[str]
    subject_types: list[str]
    opened_by: str
    opened_at: dt.datetime
    authority_due: dt.datetime | None
    """Exclusive: the first notice to A05 is due before this instant."""
    authority_last_day: dt.date | None
    authority_overdue: bool
    authority_time_left_seconds: int | None
    subjects_due: dt.datetime | None
    """Where location or biometric data is involved (Decree 356 Art. 29)."""
    affected: int
    categories: list[CategoryOut] | None
    """Subjects per data category; in the listing, None."""
    notices: list[NoticeOut]
    subjects_notified_at: dt.datetime | None
    emails: dict[str, int] | None
    """The subjects' email by outbox status; in the listing, None."""
    outcome: str | None
    closing_measures: str | None
    closed_at: dt.datetime | None

    @classmethod
    def of(cls, i: Incident, now: dt.datetime, view: incidents.View | None = None) -> IncidentOut:
        due = i.authority_due
        waiting = due is not None and not i.notices and i.closed_at is None
        return cls(
            id=i.id, state=i.state.value, law_profile=i.law_profile, detected_at=i.detected_at,
            window_start=i.window.start, window_end=i.window.end, systems=list(i.systems),
            description=i.description, actors=list(i.scope.actors),
            subject_types=list(i.scope.subject_types), opened_by=i.opened_by,
            opened_at=i.opened_at, authority_due=due,
            authority_last_day=None if due is None else last_day(due),
            authority_overdue=i.is_authority_overdue(now) and i.closed_at is None,
            authority_time_left_seconds=int((due - now).total_seconds())
            if due is not None and waiting else None,
            subjects_due=i.subjects_due, affected=i.affected,
            categories=None if view is None else [
                CategoryOut(category=k, subjects=n, sensitive=s)
                for k, n, s in view.found.categories
            ],
            notices=[NoticeOut.of(n) for n in i.notices],
            subjects_notified_at=i.subjects_notified_at,
            emails=None if view is None else dict(view.emails),
            outcome=None if i.outcome is None else i.outcome.value,
            closing_measures=i.closing_measures, closed_at=i.closed_at,
        )  # fmt: skip


class Incidents(BaseModel):
    incidents: list[IncidentOut]


class AffectedOut(BaseModel):
    subject: str
    fields: list[str]
    categories: list[str]
    reads: int
    """Audited reads that found it; 0 when found by subject type."""
    language: str | None
    notified_at: dt.datetime | None

    @classmethod
    def of(cls, a: Affected) -> AffectedOut:
        return cls(
            subject=a.subject, fields=list(a.fields), categories=list(a.categories),
            reads=a.reads, language=a.language, notified_at=a.notified_at,
        )  # fmt: skip


class AffectedPage(BaseModel):
    subjects: list[AffectedOut]
    next_after: str | None
    """Pass as `after` for the next page; None on the last."""


def _view(uow: UowDep, tenant: str, incident_id: str, now: dt.datetime) -> IncidentOut:
    view = incidents.get(uow, tenant, incident_id)
    return IncidentOut.of(view.incident, now, view)


@router.post("/incidents", status_code=201, responses=errors.responses(400, 413))
def open_incident(
    body: NewIncident, staff: Handler, runtime: RuntimeDep, uow: UowDep, now: ClockDep
) -> IncidentOut:
    """Opens an incident, finds the affected subjects and holds their data; starts the clock."""
    policy = policy_of(runtime, staff.tenant)
    opened = incidents.open_incident(uow, policy, actor=staff.actor, at=now, **body.model_dump())
    return _view(runtime.app.uow(), staff.tenant, opened.id, now)


@router.get("/incidents")
def list_incidents(
    staff: Reader,
    uow: UowDep,
    now: ClockDep,
    state: Annotated[str | None, Query(max_length=32)] = None,
) -> Incidents:
    """The tenant's incidents, newest detection first; of one `state` if given."""
    found = incidents.listed(uow, staff.tenant, state)
    return Incidents(incidents=[IncidentOut.of(i, now) for i in found])


@router.get("/incidents/{incident_id}", responses=errors.responses(404))
def incident(incident_id: IncidentId, staff: Reader, uow: UowDep, now: ClockDep) -> IncidentOut:
    """One incident, with its clock, notices, counts by data category and email."""
    return _view(uow, staff.tenant, incident_id, now)


@router.get("/incidents/{incident_id}/subjects", responses=errors.responses(404))
def affected_subjects(
    incident_id: IncidentId,
    staff: Reader,
    uow: UowDep,
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> AffectedPage:
    """The affected subjects (pseudonymous ids), the fields and categories involved, in id
    order, a page at a time."""
    page = incidents.affected(uow, staff.tenant, incident_id, after=after or None, limit=limit)
    last = page[-1].subject if len(page) == limit else None
    return AffectedPage(subjects=[AffectedOut.of(a) for a in page], next_after=last)


@router.post(
    "/incidents/{incident_id}/notices",
    status_code=201,
    responses=errors.responses(400, 404, 409, 413),
)
def send_notice(
    incident_id: IncidentId,
    body: NewNotice,
    staff: Handler,
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> NoticeOut:
    """Records the notice to A05 sent now, in its phase; kept as HTML and PDF."""
    fields = body.model_dump()
    given = NoticeInput(phase=Phase(fields.pop("phase")), **fields)
    policy = policy_of(runtime, staff.tenant)
    return NoticeOut.of(
        incidents.notify_authority(uow, policy, incident_id, given, staff.actor, now)
    )


@router.get(
    "/incidents/{incident_id}/notices/{number}.html",
    response_class=Response,
    responses={**_HTML, **errors.responses(404)},
)
def notice_html(incident_id: IncidentId, number: Number, staff: Reader, uow: UowDep) -> Response:
    """The notice to A05 as sent, as HTML."""
    found = incidents.notice(uow, staff.tenant, incident_id, number)
    return _download(
        found.html.encode(), "text/html; charset=utf-8", f"{incident_id}-{number}.html"
    )


@router.get(
    "/incidents/{incident_id}/notices/{number}.pdf",
    response_class=Response,
    responses={**_PDF, **errors.responses(404)},
)
def notice_pdf(incident_id: IncidentId, number: Number, staff: Reader, uow: UowDep) -> Response:
    """The notice to A05 as sent, as PDF."""
    found = incidents.notice(uow, staff.tenant, incident_id, number)
    return _download(found.pdf, "application/pdf", f"{incident_id}-{number}.pdf")


@router.post(
    "/incidents/{incident_id}/subject-notices",
    responses=errors.responses(400, 404, 409, 413),
)
def notify_subjects(
    incident_id: IncidentId,
    body: SubjectMessage,
    staff: Handler,
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> IncidentOut:
    """Emails every affected subject, in their language, what happened and what they can do."""
    policy = policy_of(runtime, staff.tenant)
    summary = body.summary.model_dump(exclude_none=True)
    advice = None if body.advice is None else body.advice.model_dump(exclude_none=True)
    incidents.notify_subjects(uow, policy, incident_id, summary, advice, staff.actor, now)
    return _view(runtime.app.uow(), staff.tenant, incident_id, now)


@router.post("/incidents/{incident_id}/close", responses=errors.responses(400, 404, 409, 413))
def close_incident(
    incident_id: IncidentId,
    body: Closing,
    staff: Handler,
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> IncidentOut:
    """Closes the incident with the measures taken, releases its holds, writes the report."""
    policy = policy_of(runtime, staff.tenant)
    incidents.close(
        uow, policy, incident_id, body.outcome, body.measures, staff.actor, now,
        language=body.language,
    )  # fmt: skip
    return _view(runtime.app.uow(), staff.tenant, incident_id, now)


@router.get(
    "/incidents/{incident_id}/report.html",
    response_class=Response,
    responses={**_HTML, **errors.responses(404, 409)},
)
def incident_report(incident_id: IncidentId, staff: Reader, uow: UowDep) -> Response:
    """The report written when the incident closed; 409 while it is open."""
    html = incidents.report(uow, staff.tenant, incident_id)
    return _download(html.encode(), "text/html; charset=utf-8", f"{incident_id}-report.html")


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **_HEADERS},
    )
