"""The parts the record of processing (ROPA) and the draft DPIA share, from policy and figures.

    purposes(policy, activity, "vi") -> Section("Mục đích xử lý", table=((…), …))

Each function turns one part of the tenant's policy, with the live counts of
its store (`store.activity.Activity`), into one Section of a Document; labels
come from `data/labels/records.yaml` in Vietnamese and English. No personal
data value is ever read: only the policy and counts.
"""

from __future__ import annotations

import datetime as dt

from baomat.domain.periods import vietnam_tz
from baomat.policy.fides import retention_text
from baomat.policy.model import (
    SENSITIVE_CATEGORIES,
    ConsentMode,
    Dossier,
    Duration,
    FieldSpec,
    Policy,
    Purpose,
    Recipient,
    RecipientKind,
    SubjectType,
)
from baomat.services._breach_notice import category
from baomat.services._documents import Labels, Section
from baomat.store.activity import Activity

_LABELS = Labels("records")
say = _LABELS.say
label = _LABELS.label


def when(at: dt.datetime | None, lang: str) -> str:
    """An instant in Vietnam time: "13/02/2026 16:30 (giờ Việt Nam)"; "—" when unknown."""
    if at is None:
        return "—"
    return f"{at.astimezone(vietnam_tz()):%d/%m/%Y %H:%M} ({say('timezone', lang)})"


def day(at: dt.date | dt.datetime | None) -> str:
    if at is None:
        return "—"
    if isinstance(at, dt.datetime):
        at = at.astimezone(vietnam_tz()).date()
    return f"{at:%d/%m/%Y}"


def duration(d: Duration | None, lang: str) -> str:
    return "—" if d is None else f"{d.amount} {label('units', d.unit.value, lang)}"


def dossier(filed: Dossier | None, lang: str) -> str:
    """A recorded dossier: "reference A05-…, filed on 02/03/2026, last updated on 28/08/2026";
    "Not recorded in the policy: to be completed" when the policy records none."""
    if filed is None:
        return say("not_recorded", lang)
    return say(
        "dossier_value",
        lang,
        reference=filed.reference,
        filed=day(filed.filed_on),
        last=day(filed.last_filed()),
    )


def types_of(policy: Policy, purpose: Purpose) -> list[SubjectType]:
    """The subject types a purpose covers: those it names, else every type."""
    if purpose.subject_types is None:
        return list(policy.subject_types)
    return [t for t in policy.subject_types if t.id in purpose.subject_types]


def fields_named(ids: list[str] | str, types: list[SubjectType], lang: str) -> str:
    """Field ids → their labels, once each: "Họ tên, Email"; "all" → "Toàn bộ dữ liệu"."""
    if ids == "all":
        return say("all_fields", lang)
    found = {f.id: f for t in types for f in t.fields}
    return ", ".join(dict.fromkeys(found[i].label.in_(lang) for i in ids if i in found))


def sensitive_fields(policy: Policy) -> list[FieldSpec]:
    return [f for t in policy.subject_types for f in t.fields if f.category in SENSITIVE_CATEGORIES]


def outside(policy: Policy) -> list[Recipient]:
    return [r for r in policy.recipients if r.kind is not RecipientKind.INTERNAL]


# --- sections -------------------------------------------------------------------------------


def controller(policy: Policy, lang: str, heading: str = "controller") -> Section:
    org = policy.organisation
    rows = (
        (say("organisation", lang), org.name.in_(lang)),
        (say("address", lang), org.address.in_(lang)),
        (say("tax_code", lang), org.tax_code or ""),
        (say("website", lang), org.website or ""),
        (say("contact_unit", lang), org.contact_unit.in_(lang) if org.contact_unit else ""),
        (say("phones", lang), ", ".join(org.phones)),
        (say("emails", lang), ", ".join(org.emails)),
        (say("representative", lang), org.legal_representative or ""),
    )
    return Section(say(heading, lang), rows=tuple(r for r in rows if r[1]))


def purposes(policy: Policy, activity: Activity, lang: str) -> Section:
    """A short table (id, basis, consent, live consents), then each purpose in words.

    Long texts go in paragraphs, which flow over pages; a PDF table row cannot.
    """
    head = ("purpose", "legal_basis", "consent", "live_consents")
    rows = [tuple(say(h, lang) for h in head)]
    text = []
    for p in policy.purposes:
        types = types_of(policy, p)
        opt_in = p.consent is ConsentMode.OPT_IN
        rows.append(
            (
                p.id,
                label("legal_bases", p.legal_basis.value, lang),
                label("consent_modes", p.consent.value, lang),
                str(activity.consents.get(p.id, 0)) if opt_in else "—",
            )
        )
        data = fields_named(p.fields, types, lang)
        names = ", ".join(t.name.in_(lang) for t in types)
        text.append(
            f"{p.id}: {p.text.in_(lang)}\n{say('data', lang)}: {data}"
            f"\n{say('subject_types', lang)}: {names}"
        )
    return Section(say("purposes", lang), text=tuple(text), table=tuple(rows))


def categories(policy: Policy, lang: str) -> Section:
    by_category: dict[str, list[tuple[FieldSpec, SubjectType]]] = {}
    for t in policy.subject_types:
        for f in t.fields:
            by_category.setdefault(f.category.value, []).append((f, t))
    rows = [tuple(say(h, lang) for h in ("category", "fields", "sensitive", "subject_types"))]
    for key, found in by_category.items():
        sensitive = any(f.category in SENSITIVE_CATEGORIES for f, _ in found)
        rows.append(
            (
                category(key, lang),
                ", ".join(dict.fromkeys(f.label.in_(lang) for f, _ in found)),
                _yes(sensitive, lang),
                ", ".join(dict.fromkeys(t.name.in_(lang) for _, t in found)),
            )
        )
    kinds = sensitive_fields(policy)
    processed = ", ".join(f.label.in_(lang) for f in kinds) if kinds else say("no", lang)
    return Section(
        say("categories", lang),
        rows=((say("sensitive_processed", lang), processed),),
        table=tuple(rows),
    )


def subjects(policy: Policy, activity: Activity, lang: str) -> Section:
    rows = [tuple(say(h, lang) for h in ("subject_type", "fields", "active", "closed"))]
    for t in policy.subject_types:
        active, closed = activity.subjects.get(t.id, (0, 0))
        rows.append((t.name.in_(lang), str(len(t.fields)), str(active), str(closed)))
    return Section(say("subjects", lang), table=tuple(rows))


def recipients(
    policy: Policy, activity: Activity, lang: str, heading: str = "recipients"
) -> Section:
    """A short table (id, kind, contract, disclosures), then what each receives, in words."""
    if not policy.recipients:
        return Section(say(heading, lang), text=(say("none", lang),))
    rows = [tuple(say(h, lang) for h in ("recipient", "kind", "contract", "disclosures"))]
    text = []
    for r in policy.recipients:
        served = [p.id for p in policy.purposes if not r.purposes or p.id in r.purposes]
        contract = r.contract.reference if r.contract else ""
        if r.on_request_only:
            contract = f"{contract}; {say('on_request', lang)}".lstrip("; ")
        rows.append(
            (
                r.id,
                label("recipient_kinds", r.kind.value, lang),
                contract or "—",
                str(activity.disclosures.get(r.id, 0)),
            )
        )
        text.append(
            f"{r.id}: {r.name.in_(lang)}\n{say('purposes', lang)}: {', '.join(served)}"
            f"\n{say('data', lang)}: {fields_named(r.fields, policy.subject_types, lang)}"
        )
    return Section(say(heading, lang), text=tuple(text), table=tuple(rows))


def transfers(policy: Policy, lang: str) -> Section:
    abroad = [r for r in policy.recipients if r.abroad]
    if not abroad:
        return Section(say("abroad", lang), text=(say("no_transfer", lang),))
    rows = [tuple(say(h, lang) for h in ("recipient", "countries", "data", "transfer_dossier"))]
    for r in abroad:
        rows.append(
            (
                r.name.in_(lang),
                ", ".join(r.countries) or say("not_named", lang),
                fields_named(r.fields, policy.subject_types, lang),
                dossier(r.transfer_dossier, lang),
            )
        )
    return Section(say("abroad", lang), table=tuple(rows))


def retention(policy: Policy, lang: str) -> Section:
    head = ("rule", "subject_types", "kept", "min_keep", "max_keep")
    rows = [tuple(say(h, lang) for h in head)]
    for rule in policy.retention:
        types = [
            t.name.in_(lang)
            for t in policy.subject_types
            if rule.subject_types is None or t.id in rule.subject_types
        ]
        rows.append(
            (
                rule.id,
                ", ".join(types) if rule.subject_types else say("all_types", lang),
                retention_text(rule, lang),
                duration(rule.min_keep, lang),
                duration(rule.max_keep, lang),
            )
        )
    notes = tuple(f"{r.id}: {r.note.in_(lang)}" for r in policy.retention if r.note)
    return Section(say("retention", lang), text=notes, table=tuple(rows))


def security(policy: Policy, lang: str, heading: str = "security") -> Section:
    sec = policy.security
    rows: list[tuple[str, str]] = []
    if sec.breach is not None:
        rows.append((say("breach_authority", lang), _yes(sec.breach.notify_authority, lang)))
        rows.append((say("breach_subjects", lang), _yes(sec.breach.notify_subjects, lang)))
    rows.append((say("tracking", lang), _yes(sec.third_party_tracking, lang)))
    text = [m.text.in_(lang) for m in sec.measures] + [say("built_in", lang)]
    return Section(say(heading, lang), rows=tuple(rows), text=tuple(text))


def rights(policy: Policy, activity: Activity, lang: str) -> Section:
    access = policy.subject_access
    rows = [
        (say("rights_list", lang), ", ".join(label("rights", r, lang) for r in access.rights)),
        (say("access_mode", lang), label("access_modes", access.mode.value, lang)),
        (say("identity_proof", lang), label("identity_proofs", access.identity_proof.value, lang)),
    ]
    if access.note is not None:
        rows.append((say("note", lang), access.note.in_(lang)))
    deadline = policy.complaints.deadline
    if deadline is not None:
        amount = deadline.amount or f"{deadline.min}–{deadline.max}"
        unit = label("units", deadline.unit.value, lang)
        rows.append((say("complaint_deadline", lang), f"{amount} {unit}"))
    channels = [c.value or c.kind.value for c in policy.complaints.channels]
    if channels:
        rows.append((say("complaints", lang), "; ".join(channels)))
    table = [(say("request_kind", lang), say("count", lang))] + [
        (label("rights", kind, lang), str(n)) for kind, n in sorted(activity.rights.items())
    ]
    return Section(say("rights", lang), rows=tuple(rows), table=tuple(table) if table[1:] else ())


def figures(activity: Activity, lang: str) -> Section:
    return Section(
        say("figures", lang),
        rows=(
            (say("open_holds", lang), str(activity.open_holds)),
            (say("incidents_since", lang), str(activity.incidents_since)),
            (say("incidents_open", lang), str(activity.incidents_open)),
            (say("affected_since", lang), str(activity.affected_since)),
        ),
    )


def _yes(flag: bool, lang: str) -> str:
    return say("yes" if flag else "no", lang)
