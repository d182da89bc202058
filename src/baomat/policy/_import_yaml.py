"""An imported draft written as a `baomat/policy@1` file, every item under its source line.

    draft_yaml(draft) -> '''# Draft imported from a privacy policy in prose (vi) ...
                           format: baomat/policy@1
                           review:
                           - key: organisation.tax_code
                             en: the text states no tax code
                           ...
                           organisation:
                             # line 41: Cty TNHH WeGroup Holdings
                             name: {vi: Cty TNHH WeGroup Holdings}'''

The `review` list is not a policy key: `baomat policy check` refuses the file
until every item is settled and the list removed, so a draft cannot go live
by mistake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from baomat.policy._import_contact import Found
from baomat.policy.model import FORMAT, SENSITIVE_CATEGORIES

if TYPE_CHECKING:
    from baomat.policy.importer import Draft

_HEADER = """\
# Draft imported from a privacy policy in prose ({language}) by `baomat policy import`.
# Each item is copied from the line named above it. Items the text does not state are left
# out and listed under `review`: settle each one, then delete `review`.
"""


def draft_yaml(draft: Draft) -> str:
    lang = draft.language
    out = [_HEADER.format(language=lang).rstrip("\n")]
    out += _dump({"format": FORMAT, "version": 1, "languages": [lang]})
    out.append("review:")
    for item in draft.review:
        entry: dict[str, Any] = {"key": item.key}
        if item.line is not None:
            entry["line"] = item.line
        out += _list_item({**entry, "en": item.en, "vi": item.vi}, 2)
    out += _organisation(draft)
    out += _fields(draft)
    out += _purposes(draft)
    out += _recipients(draft)
    out += _retention(draft)
    out += _access(draft)
    out += _complaints(draft)
    return "\n".join(out) + "\n"


def _organisation(draft: Draft) -> list[str]:
    found, lang = draft.contact, draft.language
    out = ["organisation:"]
    for key, item in (("name", found.organisation), ("address", found.address)):
        if item is not None:
            out += [_comment(item, 2), *_dump({key: {lang: item.value}}, 2)]
    if found.tax_code is not None:
        out += [_comment(found.tax_code, 2), *_dump({"tax_code": found.tax_code.value}, 2)]
    for key, items in (("phones", found.phones), ("emails", found.emails)):
        out.append(f"  {key}:" + ("" if items else " []"))
        for item in items:
            out += [_comment(item, 4), *_dump([item.value], 4)]
    return out


def _fields(draft: Draft) -> list[str]:
    out = ["subject_types:", "  - id: subject", "    fields:" + ("" if draft.fields else " []")]
    for field in draft.fields:
        sensitivity = "sensitive" if field.category in SENSITIVE_CATEGORIES else "basic"
        spec = {
            "id": field.id,
            "label": {draft.language: field.label},
            "type": field.type.value,
            "category": field.category.value,
            "sensitivity": sensitivity,
        }
        out += [_comment(field.source, 6), *_list_item(spec, 6)]
    return out


def _purposes(draft: Draft) -> list[str]:
    out = ["purposes:" + ("" if draft.purposes else " []")]
    for number, purpose in enumerate(draft.purposes, start=1):
        spec: dict[str, Any] = {"id": f"purpose_{number}", "text": {draft.language: purpose.text}}
        if purpose.legal_basis is not None:
            # Both grounds are cases where the law needs no consent (Law 91 Art. 19).
            spec["legal_basis"] = purpose.legal_basis.value
            spec["consent"] = "not_needed"
        out += [_comment(purpose.source, 2), *_list_item(spec, 2)]
    return out


def _recipients(draft: Draft) -> list[str]:
    out = ["recipients:" + ("" if draft.recipients else " []")]
    for number, recipient in enumerate(draft.recipients, start=1):
        spec: dict[str, Any] = {
            "id": f"recipient_{number}",
            "name": {draft.language: recipient.name.value},
        }
        if len(recipient.kinds) == 1:
            spec["kind"] = recipient.kinds[0]
        out += [_comment(recipient.name, 2), *_list_item(spec, 2)]
    return out


def _retention(draft: Draft) -> list[str]:
    found = draft.retention
    if not found.phrases:
        return ["retention: []"]
    rule: dict[str, Any] = {"id": "retention"}
    if len(found.triggers) == 1:
        rule["trigger"] = found.triggers[0]
    for key, duration in (
        ("period", found.period),
        ("min_keep", found.min_keep),
        ("max_keep", found.max_keep),
    ):
        if duration is not None:
            rule[key] = {"amount": duration.amount, "unit": duration.unit.value}
    rule["note"] = {draft.language: " ".join(p.value for p in found.phrases)}
    return ["retention:", _comment(found.phrases[0], 2), *_list_item(rule, 2)]


def _access(draft: Draft) -> list[str]:
    found = draft.access
    spec: dict[str, Any] = {}
    if found.mode is not None:
        spec["mode"] = found.mode
    if found.legal_right:
        spec["identity_proof"] = "legal_right"
    if not spec:
        return ["subject_access: {}"]
    return ["subject_access:", _comment(found.sources[0], 2), *_dump(spec, 2)]


def _complaints(draft: Draft) -> list[str]:
    out = ["complaints:", "  channels:" + ("" if draft.channels else " []")]
    for channel in draft.channels:
        spec = {"kind": channel.kind} | ({"value": channel.value} if channel.value else {})
        out += [_comment(channel.source, 4), *_list_item(spec, 4)]
    deadline = draft.deadline
    if deadline is not None:
        spec_d: dict[str, Any] = {"unit": deadline.unit.value}
        spec_d |= (
            {"amount": deadline.amount}
            if deadline.amount
            else {"min": deadline.min, "max": deadline.max}
        )
        out += [_comment(deadline.source, 2), *_dump({"deadline": spec_d}, 2)]
    return out


def _comment(found: Found, indent: int) -> str:
    sentence = found.sentence if len(found.sentence) <= 110 else found.sentence[:107] + "..."
    return " " * indent + f"# line {found.line}: {sentence}"


def _dump(data: object, indent: int = 0) -> list[str]:
    text = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False
    )
    return [" " * indent + line for line in text.rstrip("\n").split("\n")]


def _list_item(data: dict[str, Any], indent: int) -> list[str]:
    lines = _dump(data)
    return [" " * indent + ("- " if i == 0 else "  ") + line for i, line in enumerate(lines)]
