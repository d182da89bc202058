"""Compliance documents from live data: the record of processing activities and the draft DPIA.

    doc = records.document(app.uow(read_only=True), policy, "ropa", "vi", now)
    records.render(doc, "pdf", now) -> b"%PDF-…"        # or "html" -> UTF-8 bytes

The record of processing (ROPA) lists, from the tenant's policy in force and
its store's counts: the controller, purposes with their legal basis and live
consents, data categories (sensitive ones marked), subject types with live
numbers, recipients with their disclosures of the last 12 months, transfers
abroad, retention, security measures, subject rights with the requests
received, open legal holds and incidents.

The impact-assessment dossier (DPIA) is a draft with the data-protection
notice's items (LAW.md, Decree 13 Art. 13 carried on): purpose, data types,
processing method, other parties incl. abroad, possible harm, start and end of
processing, subject rights, the data-protection contact, sensitive data; and
when it is due (law profile rules `dpia_filing`, `dpia_update_periodic`,
`dpia_update_major_change`: Law 91 Arts. 21–22, Decree 356 Art. 20). The
dossier filed (`impact_assessment`), each transfer's (`transfer_dossier`) and
the notice texts (`notice.processing_method`, `notice.possible_harm`) are
printed when the policy records them and marked "to be completed" when not.
What the data cannot say (harm's likelihood, proportionality, sign-off) is
marked "draft, to be completed", never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Literal

from baomat.domain.calendar import load_vn_calendar
from baomat.domain.errors import Invalid
from baomat.domain.periods import last_day, vietnam_tz
from baomat.policy.fides import retention_text
from baomat.policy.lawprofile import Rule, load_law_profile
from baomat.policy.model import LocalText, Policy
from baomat.services import _documents
from baomat.services import _records_text as t
from baomat.services._breach_notice import category
from baomat.services._documents import Document, Section
from baomat.store.activity import Activity
from baomat.store.uow import UnitOfWork

Kind = Literal["ropa", "dpia"]
KINDS: tuple[Kind, ...] = ("ropa", "dpia")
LANGUAGES = ("vi", "en")
FORMATS = ("html", "pdf")


def activity(uow: UnitOfWork, tenant: str, now: dt.datetime) -> Activity:
    """The tenant's live counts, the "last 12 months" ones from this day a year ago."""
    with uow:
        return uow.activity.counts(tenant, since=year_before(now))


def document(uow: UnitOfWork, policy: Policy, kind: str, lang: str, now: dt.datetime) -> Document:
    """The tenant's ROPA or draft DPIA, in `lang`; Invalid naming the field for a bad choice."""
    if kind not in KINDS:
        raise Invalid("kind", f"choose one of {', '.join(KINDS)}")
    if lang not in LANGUAGES:
        raise Invalid("lang", f"choose one of {', '.join(LANGUAGES)}")
    figures = activity(uow, policy.tenant, now)
    build = ropa if kind == "ropa" else dpia
    return build(policy, figures, lang, now)


def render(doc: Document, fmt: str, now: dt.datetime) -> bytes:
    """The document as HTML (UTF-8) or PDF bytes."""
    if fmt == "html":
        return _documents.html(doc).encode()
    if fmt == "pdf":
        return _documents.pdf(doc, created=now)
    raise Invalid("format", f"choose one of {', '.join(FORMATS)}")


def ropa(policy: Policy, figures: Activity, lang: str, now: dt.datetime) -> Document:
    """Policy + counts → the record of processing activities."""
    return Document(
        lang,
        t.say("ropa_title", lang),
        _heading_lines(policy, figures, lang, now),
        (
            t.controller(policy, lang),
            t.purposes(policy, figures, lang),
            t.categories(policy, lang),
            t.subjects(policy, figures, lang),
            t.recipients(policy, figures, lang),
            t.transfers(policy, lang),
            t.retention(policy, lang),
            t.security(policy, lang),
            t.rights(policy, figures, lang),
            t.figures(figures, lang),
        ),
        _footer(policy, lang, now),
    )


def dpia(policy: Policy, figures: Activity, lang: str, now: dt.datetime) -> Document:
    """Policy + counts → the draft impact-assessment dossier."""
    profile = load_law_profile(policy.law_profile)
    filing = profile.find("dpia_filing")
    basis = "; ".join(
        dict.fromkeys(
            r.source for r in (filing, profile.find("dpia_update_periodic")) if r is not None
        )
    )
    return Document(
        lang,
        t.say("dpia_title", lang),
        (
            *_heading_lines(policy, figures, lang, now),
            t.say("dpia_basis", lang, basis=basis or policy.law_profile),
            t.say("dpia_draft", lang),
        ),
        (
            t.controller(policy, lang, heading="dp_contact"),
            _filing(policy, figures, lang),
            t.purposes(policy, figures, lang),
            t.categories(policy, lang),
            _method(policy, lang),
            t.subjects(policy, figures, lang),
            t.recipients(policy, figures, lang, heading="others"),
            t.transfers(policy, lang),
            _period(policy, figures, lang),
            t.rights(policy, figures, lang),
            _harm(policy, figures, lang),
            _protection(policy, lang),
            Section(t.say("necessity", lang), text=(t.say("to_complete", lang),)),
            Section(t.say("signoff", lang), text=(t.say("signoff_todo", lang),)),
        ),
        _footer(policy, lang, now),
    )


def year_before(now: dt.datetime) -> dt.datetime:
    """The same instant a year earlier; 29 February → 28 February."""
    try:
        return now.replace(year=now.year - 1)
    except ValueError:
        return now.replace(year=now.year - 1, day=28)


# --- DPIA parts -----------------------------------------------------------------------------


def _filing(policy: Policy, figures: Activity, lang: str) -> Section:
    profile = load_law_profile(policy.law_profile)
    first = figures.first_processing
    rows: list[tuple[str, str]] = [(t.say("first_processing", lang), t.day(first))]
    filing = profile.find("dpia_filing")
    if filing is not None:
        rows.append((t.say("filing_due", lang), _due(filing, first, lang)))
    rows.append((t.say("assessment", lang), t.dossier(policy.impact_assessment, lang)))
    periodic = profile.find("dpia_update_periodic")
    if periodic is not None and periodic.amount is not None and periodic.unit is not None:
        unit = t.label("units", periodic.unit.value, lang)
        rows.append(
            (t.say("periodic", lang), t.say("every", lang, amount=periodic.amount, unit=unit))
        )
        if policy.impact_assessment is not None:
            last = dt.datetime.combine(
                policy.impact_assessment.last_filed(), dt.time(), tzinfo=vietnam_tz()
            )
            rows.append((t.say("next_update", lang), _due(periodic, last, lang)))
    major = profile.find("dpia_update_major_change")
    if major is not None and major.amount is not None and major.unit is not None:
        unit = t.label("units", major.unit.value, lang)
        at = t.when(figures.last_published, lang)
        value = t.say("major_change_value", lang, amount=major.amount, unit=unit, at=at)
        rows.append((t.say("major_change", lang), value))
    if filing is not None and filing.note:
        kept = sum(active + closed for active, closed in figures.subjects.values())
        sensitive = t.say("yes" if t.sensitive_fields(policy) else "no", lang)
        exemption = t.say("exemption_value", lang, sensitive=sensitive, subjects=kept)
        rows.append((t.say("exemption", lang), exemption))
    return Section(t.say("filing", lang), rows=tuple(rows))


def _method(policy: Policy, lang: str) -> Section:
    """The policy's own account of how data is processed (`notice.processing_method`), or a
    mark to complete it, then how baomat itself collects, stores and discloses the data."""
    stated = _stated(policy.notice.processing_method, "notice.processing_method", lang)
    return Section(t.say("method", lang), text=(stated, t.say("method_text", lang)))


def _stated(text: LocalText | None, key: str, lang: str) -> str:
    if text is None:
        return t.say("not_stated", lang, item=key)
    return t.say("stated", lang, text=text.in_(lang))


def _protection(policy: Policy, lang: str) -> Section:
    """The policy's measures and baomat's own, then what the controller must add."""
    measures = t.security(policy, lang, heading="protect")
    return replace(measures, text=(*measures.text, t.say("protect_todo", lang)))


def _due(rule: Rule, start: dt.datetime | None, lang: str) -> str:
    if start is None:
        return "—"
    due = rule.due(start, load_vn_calendar(), tz=vietnam_tz())
    return t.day(last_day(due, vietnam_tz()))


def _period(policy: Policy, figures: Activity, lang: str) -> Section:
    ends = "; ".join(retention_text(r, lang) for r in policy.retention)
    return Section(
        t.say("period", lang),
        rows=((t.say("start", lang), t.day(figures.first_processing)), (t.say("end", lang), ends)),
    )


def _harm(policy: Policy, figures: Activity, lang: str) -> Section:
    signals = [t.say("risk_signals", lang)]
    sensitive = t.sensitive_fields(policy)
    if sensitive:
        kinds = ", ".join(dict.fromkeys(category(f.category.value, lang) for f in sensitive))
        signals.append(f"– {t.say('risk_sensitive', lang, kinds=kinds)}")
    abroad = [r.name.in_(lang) for r in policy.recipients if r.abroad]
    if abroad:
        signals.append(f"– {t.say('risk_abroad', lang, names='; '.join(abroad))}")
    kept = sum(active + closed for active, closed in figures.subjects.values())
    signals.append(f"– {t.say('risk_volume', lang, n=kept)}")
    signals.append(f"– {t.say('risk_incidents', lang, n=figures.incidents_since)}")
    stated = _stated(policy.notice.possible_harm, "notice.possible_harm", lang)
    return Section(t.say("harm", lang), text=(stated, "\n".join(signals), t.say("harm_todo", lang)))


# --- shared ---------------------------------------------------------------------------------


def _heading_lines(
    policy: Policy, figures: Activity, lang: str, now: dt.datetime
) -> tuple[str, ...]:
    updated = t.day(policy.last_updated)
    return (
        t.say("of_controller", lang, name=policy.organisation.name.in_(lang)),
        t.say(
            "policy_line", lang, version=policy.version, updated=updated, profile=policy.law_profile
        ),
        t.say("figures_line", lang, at=t.when(now, lang), since=t.day(figures.since)),
    )


def _footer(policy: Policy, lang: str, now: dt.datetime) -> str:
    return t.say("footer", lang, version=policy.version, tenant=policy.tenant, at=t.when(now, lang))
