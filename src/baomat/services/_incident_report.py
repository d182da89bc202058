"""The report an incident closes with: the record of the breach (LAW.md: "write a record").

    doc = document(incident, tally, emails, "vi", at=closed_at)

It holds a summary (detection, window, systems, what happened, how the
affected subjects were found, the law profile, the outcome), the timeline
(the breach, its finding, each notice to A05 with its phase, the subjects'
email, the closing), the affected subjects counted by data category, the
notices sent with their SHA-256, how the subjects' email fared, and the
measures taken (the last notice's and those stated at closing).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from baomat.domain.incidents import Incident
from baomat.services._breach_notice import actor, category, label, say, when
from baomat.services._documents import Document, Section
from baomat.services._incident_scope import SENSITIVE

STATUSES = ("sent", "pending", "failed", "cancelled")


def document(
    incident: Incident,
    tally: tuple[int, int, Counter[str]],
    emails: Counter[str],
    measures: str | None,
    lang: str,
    *,
    at: dt.datetime,
) -> Document:
    """The report in `lang`; `measures` is the last notice's text, if any was sent."""
    subjects, items, per = tally
    i = incident
    scope = []
    if i.scope.actors:
        names = ", ".join(actor(a, lang) for a in i.scope.actors)
        scope.append(say("scope_actors", lang, actors=names))
    if i.scope.subject_types:
        scope.append(say("scope_types", lang, types=", ".join(i.scope.subject_types)))
    summary = Section(
        say("summary", lang),
        rows=(
            (say("state", lang), label("states", i.state.value, lang)),
            (say("outcome", lang), "—" if i.outcome is None
             else label("outcomes", i.outcome.value, lang)),
            (say("law_profile", lang), i.law_profile),
            (say("detected", lang), when(i.detected_at, lang)),
            (say("time", lang), say("time_value", lang, start=when(i.window.start, lang),
                                    end=when(i.window.end, lang))),
            (say("place", lang), "; ".join(i.systems)),
            (say("act", lang), i.description),
            (say("scope", lang), "\n".join(scope) or say("none", lang)),
            (say("due", lang), when(i.authority_due, lang) if i.authority_due
             else say("no_due", lang)),
        ),
    )  # fmt: skip
    yes, no = say("yes", lang), say("no", lang)
    affected = Section(
        say("affected", lang),
        rows=(
            (say("affected_total", lang), str(subjects)),
            (say("volume", lang), say("volume_value", lang, subjects=subjects, records=items)),
        ),
        table=(
            (say("category", lang), say("subjects", lang), say("sensitive", lang)),
            *(
                (category(k, lang), str(n), yes if k in SENSITIVE else no)
                for k, n in sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        )
        if per
        else (),
    )
    notices = Section(
        say("notices", lang),
        table=(
            (say("number", lang), say("phase", lang), say("when", lang), say("by", lang),
             say("sha256", lang)),
            *((str(n.number), label("phases", n.phase.value, lang), when(n.sent_at, lang),
               n.sent_by, f"{n.html_sha256} / {n.pdf_sha256}") for n in i.notices),
        )
        if i.notices
        else (),
        rows=((say("emails", lang), _emails(i, emails, subjects, lang)),),
    )  # fmt: skip
    closing = Section(
        say("measures", lang),
        rows=tuple(
            (heading, body)
            for heading, body in (
                (say("last_notice_measures", lang), measures or ""),
                (say("closing_measures", lang), i.closing_measures or ""),
            )
            if body
        ),
    )
    return Document(
        lang,
        say("report_title", lang),
        (say("report_line", lang, incident=i.id),),
        (summary, _timeline(i, sum(emails[s] for s in STATUSES), lang), affected, notices, closing),
        say("report_footer", lang, at=when(at, lang), incident=i.id),
    )


def _timeline(i: Incident, queued: int, lang: str) -> Section:
    events: list[tuple[dt.datetime, str, str]] = [
        (i.window.start, say("ev_window_start", lang), ""),
        (i.window.end, say("ev_window_end", lang), ""),
        (i.detected_at, say("ev_detected", lang), ""),
        (i.opened_at, say("ev_opened", lang), i.opened_by),
    ]
    for n in i.notices:
        phase = label("phases", n.phase.value, lang)
        events.append((n.sent_at, say("ev_notice", lang, phase=phase, number=n.number), n.sent_by))
    if i.subjects_notified_at is not None:
        told = say("ev_subjects", lang, count=queued)
        events.append((i.subjects_notified_at, told, i.subjects_notified_by or ""))
    if i.closed_at is not None:
        events.append((i.closed_at, say("ev_closed", lang), i.closed_by or ""))
    events.sort(key=lambda e: e[0])
    return Section(
        say("timeline", lang),
        table=(
            (say("when", lang), say("event", lang), say("by", lang)),
            *((when(at, lang), what, who) for at, what, who in events),
        ),
    )


def _emails(i: Incident, emails: Counter[str], subjects: int, lang: str) -> str:
    if i.subjects_notified_at is None:
        return say("subjects_not_yet", lang)
    queued = sum(emails[s] for s in STATUSES)
    counts = {s: emails[s] for s in STATUSES}
    return say("emails_value", lang, queued=queued, unreachable=subjects - queued, **counts)
