"""The notice of a breach to the Ministry of Public Security's data-protection authority (A05).

    content = facts(incident, policy, notice_input, number=1, sent_at=now, found=counts)
    doc = document(content)      # Vietnamese; _documents.html(doc), _documents.pdf(doc, now)

What it holds, each item under its own label (`REQUIRED`), after LAW.md
"Breach notification contents" (Decree 13 Art. 23; Decree 356 Art. 28 and its
Form 08, as summarised there): the description of the breach (when, where,
the act, who, which kinds of data and how much), the data-protection contact,
the likely consequences and the measures taken. Besides: the controller, the
legal basis and which notice in the series this is (initial, follow-up,
final), the deadline and whether it was met (with the reason when late), and
whether the subjects have been told. `content` is the notice's facts as JSON,
kept with the notice; the document is drawn from it alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from baomat.domain.errors import Invalid
from baomat.domain.incidents import Incident, Phase, text
from baomat.domain.periods import vietnam_tz
from baomat.policy.model import Policy
from baomat.services._documents import Document, Labels, Section

REQUIRED = (
    "time",
    "place",
    "act",
    "who",
    "data_types",
    "volume",
    "contact",
    "consequences",
    "measures",
)
"""The labels (keys of `text` in `data/labels/incident.yaml`) every notice carries."""


@dataclass(frozen=True, slots=True)
class NoticeInput:
    """What staff say in a notice; the contact defaults to the policy's organisation."""

    phase: Phase
    consequences: str
    measures: str
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    responsible: str | None = None
    """Who did it, when known better than the audit actors say."""
    delay_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Found:
    """What the store says about the affected subjects."""

    subjects: int
    records: int
    categories: Sequence[tuple[str, int, bool]]
    """(category, subjects, sensitive), most subjects first."""


_LABELS = Labels("incident")
say = _LABELS.say
label = _LABELS.label


def category(key: str, lang: str) -> str:
    found = _LABELS.all()["categories"].get(key) or _LABELS.all()["categories"]["unclassified"]
    return str(found[lang])


def when(at: dt.datetime | str | None, lang: str) -> str:
    """An instant in Vietnam time: "13/02/2026 16:30 (giờ Việt Nam)"."""
    if at is None:
        return "—"
    moment = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    return f"{moment.astimezone(vietnam_tz()):%d/%m/%Y %H:%M} ({say('timezone', lang)})"


def actor(name: str, lang: str) -> str:
    """ "staff:mallory" → "Tài khoản nhân viên mallory"."""
    kind, _, rest = name.partition(":")
    known = _LABELS.all()["actors"].get(kind)
    return f"{known[lang]} {rest}" if known else name


def facts(
    incident: Incident,
    policy: Policy,
    given: NoticeInput,
    *,
    number: int,
    sent_at: dt.datetime,
    late: bool,
    found: Found,
) -> dict[str, Any]:
    """The notice's content as JSON-ready data; Invalid naming the field for what is missing."""
    org = policy.organisation
    unit = org.contact_unit.vi if org.contact_unit is not None else org.name.vi
    contact = {
        "name": _optional("contact_name", given.contact_name) or unit,
        "phone": _optional("contact_phone", given.contact_phone, 64)
        or (org.phones[0] if org.phones else ""),
        "email": _optional("contact_email", given.contact_email, 320)
        or (org.emails[0] if org.emails else ""),
    }
    if not contact["phone"] and not contact["email"]:
        raise Invalid(
            "contact_email",
            "give the data-protection contact's phone or email: the policy names neither",
        )
    delay = _optional("delay_reason", given.delay_reason)
    if late and delay is None:
        raise Invalid("delay_reason", "the notice is past its deadline: say why it is late")
    responsible = _optional("responsible", given.responsible)
    return {
        "incident": incident.id,
        "number": number,
        "phase": given.phase.value,
        "sent_at": sent_at.isoformat(),
        "law_profile": incident.law_profile,
        "controller": {
            "name": org.name.vi,
            "address": org.address.vi,
            "tax_code": org.tax_code or "",
            "website": org.website or "",
        },
        "contact": contact,
        "window": [incident.window.start.isoformat(), incident.window.end.isoformat()],
        "detected_at": incident.detected_at.isoformat(),
        "systems": list(incident.systems),
        "description": incident.description,
        "who": [responsible] if responsible else list(incident.scope.actors),
        "who_are_actors": responsible is None,
        "subjects": found.subjects,
        "records": found.records,
        "categories": [list(c) for c in found.categories],
        "consequences": text("consequences", given.consequences),
        "measures": text("measures", given.measures),
        "authority_due": None
        if incident.authority_due is None
        else incident.authority_due.isoformat(),
        "late": late,
        "delay_reason": delay,
        "subjects_notified_at": None
        if incident.subjects_notified_at is None
        else incident.subjects_notified_at.isoformat(),
    }


def document(content: Mapping[str, Any], lang: str = "vi") -> Document:
    """The notice as a Document, in Vietnamese unless asked otherwise (a staff copy)."""
    c = content
    profile = c["law_profile"]
    basis = _LABELS.all()["basis"].get(profile, {}).get(lang, profile)
    phase = label("phases", c["phase"], lang)
    controller = c["controller"]
    who = c["who"]
    if c["who_are_actors"]:
        who = [actor(a, lang) for a in who]
    kinds = [category(key, lang) for key, _, _ in c["categories"]]
    yes, no = say("yes", lang), say("no", lang)
    table = tuple(
        [(say("category", lang), say("subjects", lang), say("sensitive", lang))]
        + [(category(k, lang), str(n), yes if s else no) for k, n, s in c["categories"]]
    )
    sections = (
        Section(
            say("controller", lang),
            rows=_present(
                (say("organisation", lang), controller["name"]),
                (say("address", lang), controller["address"]),
                (say("tax_code", lang), controller["tax_code"]),
                (say("website", lang), controller["website"]),
            ),
        ),
        Section(
            say("contact", lang),
            rows=_present(
                (say("contact_name", lang), c["contact"]["name"]),
                (say("contact_phone", lang), c["contact"]["phone"]),
                (say("contact_email", lang), c["contact"]["email"]),
            ),
        ),
        Section(
            say("description", lang),
            rows=(
                (
                    say("time", lang),
                    say(
                        "time_value",
                        lang,
                        start=when(c["window"][0], lang),
                        end=when(c["window"][1], lang),
                    ),
                ),
                (say("detected", lang), when(c["detected_at"], lang)),
                (say("place", lang), "; ".join(c["systems"])),
                (say("act", lang), c["description"]),
                (say("who", lang), "; ".join(who) or say("unknown", lang)),
                (say("data_types", lang), "; ".join(kinds) or say("none", lang)),
                (
                    say("volume", lang),
                    say("volume_value", lang, subjects=c["subjects"], records=c["records"]),
                ),
            ),
            table=table if c["categories"] else (),
        ),
        Section(say("consequences", lang), text=(c["consequences"],)),
        Section(say("measures", lang), text=(c["measures"],)),
        Section(
            say("deadline", lang),
            rows=_present(
                (
                    say("due", lang),
                    when(c["authority_due"], lang) if c["authority_due"] else say("no_due", lang),
                ),
                (say("sent", lang), when(c["sent_at"], lang)),
                (say("timeliness", lang), say("late", lang) if c["late"] else say("in_time", lang)),
                (say("delay_reason", lang), c["delay_reason"] or ""),
            ),
        ),
        Section(
            say("subjects_told", lang),
            text=(
                say("subjects_told_at", lang, at=when(c["subjects_notified_at"], lang))
                if c["subjects_notified_at"]
                else say("subjects_not_yet", lang),
            ),
        ),
    )
    authority = str(_LABELS.all()["authority"][lang])
    return Document(
        lang,
        say("notice_title", lang),
        (
            say("to", lang, authority=authority),
            say("basis", lang, basis=basis),
            say(
                "which_notice",
                lang,
                phase=phase,
                number=c["number"],
                sent_at=when(c["sent_at"], lang),
            ),
        ),
        sections,
        say("notice_footer", lang, incident=c["incident"], number=c["number"]),
    )


def _present(*rows: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """Rows with something to say."""
    return tuple(row for row in rows if row[1])


def _optional(field_name: str, value: str | None, limit: int = 4000) -> str | None:
    if value is None or not value.strip():
        return None
    return text(field_name, value, limit)
