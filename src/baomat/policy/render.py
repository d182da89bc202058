"""A policy as the plain-text privacy notice people read, in Vietnamese or English.

The sections follow what Decree 52/2013 Art. 69 and Decree 13 Art. 13 ask a
notice to say (LAW.md "What a privacy policy must contain"): who collects and
how to reach them, what is collected (sensitive data marked), why and on what
legal basis, and how it is processed; who receives it (abroad too), how long
it is kept, how to see and change it, complaints, changes, security with the
harm processing may cause, and when the policy last changed.

    render(policy, "en") -> "Privacy policy — Demo Shop Co., Ltd.\\n=====...\\n\\n1. Who ..."
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml

from baomat.policy.model import (
    ComplaintDeadline,
    Duration,
    LocalText,
    Policy,
    RetentionRule,
    RetentionTrigger,
    Sensitivity,
)

Lang = Literal["vi", "en"]


@cache
def _labels() -> dict[str, dict[str, str]]:
    """The notice's labels in both languages, from `baomat/data/labels/notice.yaml`."""
    text = (resources.files("baomat") / "data" / "labels" / "notice.yaml").read_text("utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(text)
    return loaded


def label(key: str, lang: Lang) -> str:
    """("deadline", "vi") -> "Thời hạn trả lời"."""
    return _labels()[key][lang]


def render(policy: Policy, lang: Lang) -> str:
    """A Policy -> its privacy notice as plain text in `lang`, ending with a newline."""
    title = f"{label('title', lang)} — {policy.organisation.name.in_(lang)}"
    sections = [
        ("who", _organisation(policy, lang)),
        ("data", _data(policy, lang)),
        ("purposes", _purposes(policy, lang)),
        ("recipients", _recipients(policy, lang)),
        ("retention", [_retention(rule, policy, lang) for rule in policy.retention]),
        ("access", _access(policy, lang)),
        ("complaints", _complaints(policy, lang)),
        ("changes", _changes(policy, lang)),
        ("security", _security(policy, lang)),
    ]
    out = [title, "=" * len(title)]
    for number, (key, lines) in enumerate(sections, start=1):
        out += ["", f"{number}. {label(key, lang)}", *(f"   {line}" for line in lines)]
    updated = policy.last_updated
    when = updated.strftime("%d/%m/%Y") if lang == "vi" else updated.isoformat()
    out += [
        "",
        f"{label('last_updated', lang)}: {when} ({label('version', lang)} {policy.version})",
    ]
    return "\n".join(out) + "\n"


def _organisation(policy: Policy, lang: Lang) -> list[str]:
    org = policy.organisation
    lines = [org.name.in_(lang), f"{label('address', lang)}: {org.address.in_(lang)}"]
    if org.tax_code:
        lines.append(f"{label('tax_code', lang)}: {org.tax_code}")
    if org.legal_representative:
        lines.append(f"{label('representative', lang)}: {org.legal_representative}")
    if org.contact_unit:
        lines.append(f"{label('contact_unit', lang)}: {org.contact_unit.in_(lang)}")
    for key, values in (("phones", org.phones), ("emails", org.emails)):
        if values:
            lines.append(f"{label(key, lang)}: {', '.join(values)}")
    if org.website:
        lines.append(f"{label('website', lang)}: {org.website}")
    return lines


def _data(policy: Policy, lang: Lang) -> list[str]:
    lines: list[str] = []
    for st in policy.subject_types:
        lines.append(f"{st.name.in_(lang)}:")
        for spec in st.fields:
            marks = [label("required" if spec.required else "optional", lang)]
            if spec.sensitivity is Sensitivity.SENSITIVE:
                marks.append(label("sensitive", lang))
            lines.append(f"  - {spec.label.in_(lang)} ({', '.join(marks)})")
    if any(
        f.sensitivity is Sensitivity.SENSITIVE for st in policy.subject_types for f in st.fields
    ):
        lines.append(label("sensitive_note", lang))
    return lines


def _field_names(policy: Policy, ids: list[str], lang: Lang) -> str:
    labels: dict[str, LocalText] = {}
    for st in policy.subject_types:
        for spec in st.fields:
            labels.setdefault(spec.id, spec.label)
    return ", ".join(labels[i].in_(lang) if i in labels else i for i in ids)


def _purposes(policy: Policy, lang: Lang) -> list[str]:
    lines: list[str] = []
    for purpose in policy.purposes:
        lines += [
            f"- {purpose.text.in_(lang)}",
            f"  {label('legal_basis', lang)}: {label('basis.' + purpose.legal_basis, lang)}; "
            f"{label('consent', lang)}: {label('consent.' + purpose.consent, lang)}",
            f"  {label('data_used', lang)}: {_field_names(policy, purpose.fields, lang)}",
        ]
        if purpose.channels:
            via = ", ".join(label("via." + c, lang) for c in purpose.channels)
            lines.append(f"  {label('channels', lang)}: {via}")
    method = policy.notice.processing_method
    if method is not None:
        lines.append(f"{label('processing_method', lang)}: {method.in_(lang)}")
    return lines


def _recipients(policy: Policy, lang: Lang) -> list[str]:
    if not policy.recipients:
        return [label("no_recipients", lang)]
    lines: list[str] = []
    for rec in policy.recipients:
        notes = [label("kind." + rec.kind, lang)]
        if rec.contract is not None:
            notes.append(label("under_contract", lang))
        if rec.on_request_only:
            notes.append(label("on_request_only", lang))
        if rec.abroad:
            notes.append(f"{label('abroad', lang)}: {', '.join(rec.countries)}")
        scope = (
            label("all_data", lang)
            if rec.fields == "all"
            else _field_names(policy, rec.fields, lang)
        )
        lines += [f"- {rec.name.in_(lang)} ({'; '.join(notes)})", f"  {scope}"]
    return lines


def _duration(duration: Duration, lang: Lang) -> str:
    """({amount: 1, unit: years}, "en") -> "1 year"; ("vi") -> "1 năm"."""
    return _count(duration.amount, str(duration.unit), lang)


def _count(amount: int | str, unit: str, lang: Lang) -> str:
    singular, _, plural = label("unit." + unit, lang).partition("|")
    return f"{amount} {singular if amount == 1 or not plural else plural}"


def _retention(rule: RetentionRule, policy: Policy, lang: Lang) -> str:
    period = _duration(rule.period, lang) if rule.period else ""
    review = _duration(rule.review_every, lang) if rule.review_every else ""
    text = label("trigger." + rule.trigger, lang).format(period=period, review=review)
    if rule.trigger is RetentionTrigger.WHILE_NEEDED and not review:
        # only a policy that skipped the rules lacks it; drop the ", reviewed every" clause
        text = text.split(",")[0]
    extra = [
        f"{label(key, lang)} {_duration(d, lang)}"
        for key, d in (("at_least", rule.min_keep), ("at_most", rule.max_keep))
        if d is not None
    ]
    if rule.subject_types:
        names = [t.name.in_(lang) for t in policy.subject_types if t.id in rule.subject_types]
        extra.append(f"{label('applies_to', lang)}: {', '.join(names)}")
    note = f" {rule.note.in_(lang)}" if rule.note else ""
    text = text[:1].upper() + text[1:]
    return f"- {text}" + (f" ({'; '.join(extra)})" if extra else "") + "." + note


def _access(policy: Policy, lang: Lang) -> list[str]:
    access = policy.subject_access
    rights = ", ".join(label("right." + r, lang) for r in access.rights)
    lines = [
        f"{label('rights', lang)}: {rights}.",
        f"{label('how', lang)}: {label('mode.' + access.mode, lang)}; "
        f"{label('identity', lang)}: {label('proof.' + access.identity_proof, lang)}.",
    ]
    return lines + ([access.note.in_(lang)] if access.note else [])


def _deadline(deadline: ComplaintDeadline, lang: Lang) -> str:
    if deadline.amount is not None:
        return _count(deadline.amount, str(deadline.unit), lang)
    return _count(f"{deadline.min}–{deadline.max}", str(deadline.unit), lang)


def _complaints(policy: Policy, lang: Lang) -> list[str]:
    complaints = policy.complaints
    lines = [
        f"- {label('channel.' + c.kind, lang)}" + (f": {c.value}" if c.value else "")
        for c in complaints.channels
    ]
    if complaints.deadline is not None:
        lines.append(f"{label('deadline', lang)}: {_deadline(complaints.deadline, lang)}")
    if complaints.steps:
        steps = " → ".join(label("step." + s, lang) for s in complaints.steps)
        lines.append(f"{label('steps', lang)}: {steps}")
    return lines + ([complaints.note.in_(lang)] if complaints.note else [])


def _changes(policy: Policy, lang: Lang) -> list[str]:
    notice = policy.change_notice
    lines = [label("change." + notice.mode, lang)]
    return lines + ([notice.note.in_(lang)] if notice.note else [])


def _security(policy: Policy, lang: Lang) -> list[str]:
    security = policy.security
    lines = [f"- {m.text.in_(lang)}" for m in security.measures]
    breach = security.breach
    if breach is not None:
        if breach.notify_authority:
            lines.append(label("breach_authority", lang))
        if breach.notify_subjects:
            lines.append(label("breach_subjects", lang))
        if breach.text:
            lines.append(breach.text.in_(lang))
    lines.append(label("tracking" if security.third_party_tracking else "no_tracking", lang))
    harm = policy.notice.possible_harm
    if harm is not None:
        lines.append(f"{label('possible_harm', lang)}: {harm.in_(lang)}")
    return lines
