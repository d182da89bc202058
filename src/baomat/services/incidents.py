"""Use cases about breach incidents (issue 4 item 2; the seeds' [B] promises).

    incident = open_incident(uow, shop, detected_at=fri_1630, description="…", systems=["CRM"],
                             window_start=start, window_end=end, actors=["staff:mallory"],
                             actor="staff:an", at=now)
    incident.authority_due -> Mon 16:30 +07 (72 hours from detection, Law 91 Art. 23.1)
    notify_authority(uow, shop, incident.id, NoticeInput(Phase.INITIAL, "…", "…"), "staff:an", t1)
    notify_subjects(uow, shop, incident.id, {"vi": "…", "en": "…"}, None, "staff:an", t2)
    close(uow, shop, incident.id, "breach", "…", "staff:an", t3)   # writes the report

Opening works out the affected subjects once (`_incident_scope`) and keeps
them (`incident_subjects`): every later step and the report count that fixed
list. It places a legal hold (`incident`) on each affected subject still
held, released when the incident closes. The deadline of the notice to A05
comes from the tenant's law profile (`breach_notice_authority`), counted per
the Civil Code. Each notice to A05 is kept as sent, HTML and PDF with their
SHA-256 (`_breach_notice`); the subjects get an email each, in the language
of their latest consent (else the policy's first language, Vietnamese), through
the outbox. Every step is one unit of work with its audit entries
(`incident.<step>`: ids, counts, phases and hashes, never the staff's text).
A step refused (a notice out of order, subjects already told, closing a
breach before its notices, acting on a closed incident) leaves the incident
as it was and one `denied` entry with its reason code (`services.refusals`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from baomat.domain.audit import AuditEvent
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.incidents import (
    Incident,
    Notice,
    Scope,
    State,
    Window,
    breach_deadlines,
    parse_outcome,
    text,
)
from baomat.policy.lawprofile import load_law_profile
from baomat.policy.model import Policy
from baomat.services import (
    _breach_notice,
    _documents,
    _incident_report,
    _incident_scope,
    holds,
    outbox,
    refusals,
)
from baomat.services._breach_notice import Found, NoticeInput
from baomat.services._incident_scope import SENSITIVE
from baomat.store.incidents import Affected, Document
from baomat.store.subjects import SubjectShredded
from baomat.store.uow import UnitOfWork

HOLD_REASON = "incident"
TEMPLATE = "breach_notice"
MAX_LISTED = 500


@dataclass(frozen=True, slots=True)
class View:
    """An incident with what it found: counts by data category and how its email fared."""

    incident: Incident
    found: Found
    emails: Counter[str]


# --- opening --------------------------------------------------------------------------------


def open_incident(
    uow: UnitOfWork,
    policy: Policy,
    *,
    detected_at: dt.datetime,
    description: str,
    systems: Sequence[str],
    window_start: dt.datetime,
    window_end: dt.datetime,
    actors: Sequence[str] = (),
    subject_types: Sequence[str] = (),
    actor: str,
    at: dt.datetime,
) -> Incident:
    """Opens an incident, finds its affected subjects and holds their data → the incident.

    Invalid naming the field for a window or detection in the future, a window
    that ends before it starts, an unknown subject type or a malformed actor.
    """
    window = Window.check(window_start, window_end, at)
    scope = Scope.check(actors, subject_types, {t.id for t in policy.subject_types})
    profile = load_law_profile(policy.law_profile)
    incident = Incident.open(
        os.urandom(16).hex(), law_profile=profile.id, detected_at=detected_at, window=window,
        description=description, systems=systems, scope=scope, actor=actor, at=at,
    )  # fmt: skip
    tenant = policy.tenant
    with uow:
        if uow.tenants.get(tenant) is None:
            raise NotFound(f"tenant '{tenant}' does not exist")
        found = _incident_scope.find(uow, policy, scope, window)
        categories = {c for a in found.affected for c in a.categories}
        deadlines = breach_deadlines(
            profile, detected_at, window.start, categories, load_vn_calendar()
        )
        incident.authority_due, incident.subjects_due = deadlines.authority, deadlines.subjects
        incident.affected = len(found.affected)
        uow.incidents.add(tenant, incident)
        uow.incidents.add_affected(tenant, incident.id, found.affected)
        held = [a.subject for a in found.affected if a.subject not in found.erased]
        placed = holds.place_many_within(uow, tenant, held, HOLD_REASON, incident.id, actor, at)
        opened = _event(
            actor,
            "open",
            incident,
            subjects=incident.affected,
            erased=len(found.erased),
            actors=len(scope.actors),
            subject_types=",".join(scope.subject_types),
            authority_due=None if incident.authority_due is None else _iso(incident.authority_due),
        )
        uow.audit.append(tenant, [opened, *placed], at)
        uow.commit()
    return incident


# --- notices --------------------------------------------------------------------------------


def notify_authority(
    uow: UnitOfWork,
    policy: Policy,
    incident_id: str,
    given: NoticeInput,
    actor: str,
    at: dt.datetime,
) -> Notice:
    """Records the notice to A05 sent at `at`, in its phase → the notice, with its hashes.

    The first notice after the deadline must say why it is late (Invalid
    `delay_reason`); Conflict for a phase out of order or a closed incident.
    """
    with refusals.audited(uow, policy.tenant, actor, "incident.notice", at, incident=incident_id):
        tenant = policy.tenant
        with uow:
            incident = _locked(uow, tenant, incident_id)
            number = incident.next_notice(given.phase, at)
            late = incident.is_late(at)
            content = _breach_notice.facts(
                incident, policy, given, number=number, sent_at=at, late=late,
                found=_found(uow, tenant, incident.id),
            )  # fmt: skip
            doc = _breach_notice.document(content)
            html = _documents.html(doc)
            pdf = _documents.pdf(doc, at)
            notice = Notice(number, given.phase, at, actor, _sha(html.encode()), _sha(pdf), late)
            incident.record_notice(notice)
            uow.incidents.add_notice(tenant, incident.id, notice, Document(content, html, pdf))
            uow.incidents.save(tenant, incident)
            sent = _event(
                actor, "notice", incident, number=number, phase=notice.phase.value, late=late,
                html_sha256=notice.html_sha256, pdf_sha256=notice.pdf_sha256,
            )  # fmt: skip
            uow.audit.append(tenant, [sent], at)
            uow.commit()
        return notice


def notify_subjects(
    uow: UnitOfWork,
    policy: Policy,
    incident_id: str,
    summary: Mapping[str, str],
    advice: Mapping[str, str] | None,
    actor: str,
    at: dt.datetime,
) -> Incident:
    """Emails every affected subject, through the outbox, what happened and what they can do.

    `summary` (and `advice`, optional) give the text in each of the policy's
    languages. A subject erased since, or whose type has no email field, is
    counted and skipped. Conflict when already done or nobody is affected.
    """
    with refusals.audited(
        uow, policy.tenant, actor, "incident.notify_subjects", at, incident=incident_id
    ):
        said = {lang: text(f"summary.{lang}", summary.get(lang, "")) for lang in policy.languages}
        extra = {
            lang: text(f"advice.{lang}", value, 1000)
            for lang, value in (advice or {}).items()
            if lang in policy.languages and value.strip()
        }
        tenant = policy.tenant
        with uow:
            incident = _locked(uow, tenant, incident_id)
            incident.notify_subjects(at, actor)
            affected = uow.incidents.affected(tenant, incident.id)
            ids = [a.subject for a in affected]
            kinds = uow.incidents.kinds(tenant, ids)
            languages = uow.consents.latest_languages(tenant, ids)
            sent: list[tuple[str, str, str]] = []
            events = []
            for one in affected:
                subject_type, status = kinds.get(one.subject, ("", "erased"))
                if status == "erased" or outbox.email_field(policy, subject_type) is None:
                    continue
                lang = policy.reader_language(languages.get(one.subject))
                context = _email_context(
                    policy, incident, one, said[lang], extra.get(lang, ""), lang
                )
                try:
                    message = outbox.queue(uow, tenant, one.subject, TEMPLATE, lang, context, at)
                except SubjectShredded:
                    continue
                sent.append((one.subject, lang, message))
                events.append(
                    AuditEvent(
                        actor,
                        "incident.notify_subject",
                        one.subject,
                        detail={"incident": incident.id, "message": message, "language": lang},
                    )
                )
            uow.incidents.mark_notified(tenant, incident.id, sent, at)
            uow.incidents.save(tenant, incident)
            told = _event(actor, "notify_subjects", incident, queued=len(sent),
                          unreachable=len(affected) - len(sent))  # fmt: skip
            uow.audit.append(tenant, [told, *events], at)
            uow.commit()
        return incident


def _email_context(
    policy: Policy, incident: Incident, one: Affected, summary: str, advice: str, lang: str
) -> dict[str, object]:
    org = policy.organisation
    contact = "; ".join([*org.emails, *org.phones]) or org.address.in_(lang)
    return {
        "incident": incident.id[:8].upper(),
        "summary": summary,
        "advice": advice,
        "categories": "; ".join(_breach_notice.category(c, lang) for c in one.categories),
        "window_start": _breach_notice.when(incident.window.start, lang),
        "window_end": _breach_notice.when(incident.window.end, lang),
        "contact": contact,
    }


# --- closing --------------------------------------------------------------------------------


def close(
    uow: UnitOfWork,
    policy: Policy,
    incident_id: str,
    outcome: str,
    measures: str,
    actor: str,
    at: dt.datetime,
    *,
    language: str = "vi",
) -> Incident:
    """Closes the incident with the measures taken, releases its holds and writes its report
    (in `language`). A breach needs its notice to A05 and the subjects told first (Conflict)."""
    with refusals.audited(uow, policy.tenant, actor, "incident.close", at, incident=incident_id):
        if language not in ("vi", "en"):
            raise Invalid("language", "must be vi or en")
        the_outcome = parse_outcome(outcome)
        tenant = policy.tenant
        with uow:
            incident = _locked(uow, tenant, incident_id)
            affected = [a.subject for a in uow.incidents.affected(tenant, incident.id)]
            kinds = uow.incidents.kinds(tenant, affected)
            live = sum(1 for s in affected if kinds.get(s, ("", "erased"))[1] != "erased")
            incident.close(the_outcome, measures, at, actor, notifiable=live)
            released = holds.release_all_within(uow, tenant, HOLD_REASON, incident.id, actor, at)
            uow.incidents.save(tenant, incident)
            last_measures = None
            if incident.notices:
                last = uow.incidents.notice(tenant, incident.id, incident.notices[-1].number)
                last_measures = None if last is None else str(last.content["measures"])
            doc = _incident_report.document(
                incident,
                uow.incidents.tally(tenant, incident.id),
                uow.incidents.message_statuses(tenant, incident.id),
                last_measures,
                language,
                at=at,
            )
            report = _documents.html(doc)
            digest = _sha(report.encode())
            uow.incidents.set_report(tenant, incident.id, report, digest)
            closed = _event(
                actor, "close", incident, outcome=the_outcome.value, report_sha256=digest,
                holds_released=len(released),
            )  # fmt: skip
            uow.audit.append(tenant, [closed, *released], at)
            uow.commit()
        return incident


# --- reading --------------------------------------------------------------------------------


def get(uow: UnitOfWork, tenant: str, incident_id: str) -> View:
    """One incident with its counts; NotFound when it is not this tenant's."""
    with uow:
        incident = uow.incidents.get(tenant, incident_id)
        if incident is None:
            raise NotFound("incident not found")
        return View(
            incident,
            _found(uow, tenant, incident.id),
            uow.incidents.message_statuses(tenant, incident.id),
        )


def listed(uow: UnitOfWork, tenant: str, state: str | None = None) -> list[Incident]:
    """The tenant's incidents, newest detection first (at most `MAX_LISTED`)."""
    the_state = None
    if state is not None:
        try:
            the_state = State(state)
        except ValueError:
            raise Invalid("state", f"must be one of {', '.join(s.value for s in State)}") from None
    with uow:
        return uow.incidents.listed(tenant, the_state, MAX_LISTED)


def affected(
    uow: UnitOfWork, tenant: str, incident_id: str, *, after: str | None, limit: int
) -> list[Affected]:
    """The incident's affected subjects in id order, a page at a time."""
    with uow:
        if uow.incidents.get(tenant, incident_id) is None:
            raise NotFound("incident not found")
        return uow.incidents.affected(tenant, incident_id, after=after, limit=limit)


def notice(uow: UnitOfWork, tenant: str, incident_id: str, number: int) -> Document:
    """A notice to A05 exactly as it was sent: its content, HTML and PDF."""
    with uow:
        found = uow.incidents.notice(tenant, incident_id, number)
    if found is None:
        raise NotFound("notice not found")
    return found


def report(uow: UnitOfWork, tenant: str, incident_id: str) -> str:
    """The closing report (HTML); Conflict while the incident is open."""
    with uow:
        incident = uow.incidents.get(tenant, incident_id)
        if incident is None:
            raise NotFound("incident not found")
        written = uow.incidents.report(tenant, incident_id)
    if written is None:
        raise Conflict("incident: the report is written when the incident closes")
    return written


# --- helpers --------------------------------------------------------------------------------


def _locked(uow: UnitOfWork, tenant: str, incident_id: str) -> Incident:
    incident = uow.incidents.get(tenant, incident_id, lock=True)
    if incident is None:
        raise NotFound("incident not found")
    return incident


def _found(uow: UnitOfWork, tenant: str, incident_id: str) -> Found:
    subjects, items, per = uow.incidents.tally(tenant, incident_id)
    ordered = sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))
    return Found(subjects, items, [(k, n, k in SENSITIVE) for k, n in ordered])


def _event(
    actor: str, step: str, incident: Incident, **detail: str | int | bool | None
) -> AuditEvent:
    """`incident.<step>`: the incident's id and state, counts and codes; never staff's text."""
    return AuditEvent(
        actor,
        f"incident.{step}",
        detail={"incident": incident.id, "state": incident.state.value, **detail},
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat()
