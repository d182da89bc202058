"""A tenant's data map in fideslang's format, drawn from its policy.

    manifest = export(policy)          # {"organization": [...], "system": [...], "dataset": [...]}
    yaml.safe_dump(manifest)           # a file `fides push` or fideslang's parser reads

One `system` for the tenant's website, with one privacy declaration per
purpose (its data categories, data use, data subjects, legal basis, retention,
recipients); one `system` per recipient outside the organisation, joined to it
by `egress`/`ingress` flows; one `dataset` with a collection per subject type.
Categories, uses and subjects are mapped onto fideslang's default taxonomy by
the table in `baomat/data/fides.yaml` (choices in docs/decisions/012). Pure: it
reads the policy and that table, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import yaml

from baomat.policy.model import (
    SENSITIVE_CATEGORIES,
    FieldSpec,
    LegalBasis,
    Policy,
    Purpose,
    Recipient,
    RecipientKind,
    RetentionRule,
    RetentionTrigger,
    SubjectType,
)

Manifest = dict[str, list[dict[str, Any]]]


@cache
def table() -> dict[str, Any]:
    """The mapping table, `baomat/data/fides.yaml`."""
    source = resources.files("baomat") / "data" / "fides.yaml"
    loaded: dict[str, Any] = yaml.safe_load(source.read_text("utf-8"))
    return loaded


def export(policy: Policy, lang: str = "en") -> Manifest:
    """The policy → a fideslang manifest; names and descriptions in `lang` ("vi" or "en")."""
    outside = [r for r in policy.recipients if r.kind is not RecipientKind.INTERNAL]
    return {
        "organization": [_organisation(policy, lang)],
        "system": [
            _website(policy, outside, lang),
            *(_recipient_system(policy, r, lang) for r in outside),
        ],
        "dataset": [_dataset(policy, lang)],
    }


def field_categories(field: FieldSpec) -> list[str]:
    """A field → its fideslang data categories: `contact`+`email` → ["user.contact.email"]."""
    mapping = table()
    pair = mapping["pairs"].get(f"{field.category.value}.{field.type.value}")
    return list(pair or mapping["categories"][field.category.value])


def data_use(policy: Policy, purpose: Purpose) -> str:
    """A purpose → its fideslang data use: `marketing_email` → "marketing.communications.email".

    A legal obligation that sends data outside the organisation is
    `third_party_sharing.legal_obligation`; otherwise the words of the purpose's
    id choose, and failing them its legal basis.
    """
    mapping = table()
    basis = mapping["bases"].get(purpose.legal_basis.value)
    if basis is not None:
        shared = any(r.kind is not RecipientKind.INTERNAL for r in _serving(policy, purpose))
        return str(basis["shared" if shared else "kept"])
    words = purpose.id.split("_")
    for rule in mapping["uses"]:
        if all(any(w.startswith(needed) for w in words) for needed in rule["words"]):
            return str(rule["use"])
    return str(mapping["fallback"].get(purpose.legal_basis.value, "essential"))


def data_subject(subject_type: SubjectType) -> str:
    """A subject type → its fideslang data subject: `employee` → "employee", else "customer"."""
    mapping = table()
    words = subject_type.id.split("_")
    for rule in mapping["subjects"]:
        if any(w.startswith(needed) for w in words for needed in rule["words"]):
            return str(rule["subject"])
    return str(mapping["default_subject"])


def taxonomy_keys() -> set[str]:
    """Every data category, use and subject the table can produce: what tests check exists."""
    mapping = table()
    keys = {k for ks in mapping["categories"].values() for k in ks}
    keys |= {k for ks in mapping["pairs"].values() for k in ks}
    keys |= {v for b in mapping["bases"].values() for v in b.values()}
    keys |= {r["use"] for r in mapping["uses"]} | set(mapping["fallback"].values())
    keys |= {r["subject"] for r in mapping["subjects"]} | {mapping["default_subject"]}
    return keys


# --- the resources --------------------------------------------------------------------------


def _organisation(policy: Policy, lang: str) -> dict[str, Any]:
    org = policy.organisation
    return {
        "fides_key": policy.tenant,
        "name": org.name.in_(lang),
        "description": _site(policy, lang),
        "controller": {
            "name": org.name.in_(lang),
            "address": org.address.in_(lang),
            "email": org.emails[0] if org.emails else "",
            "phone": org.phones[0] if org.phones else "",
        },
    }


def _website(policy: Policy, outside: list[Recipient], lang: str) -> dict[str, Any]:
    org = policy.organisation
    abroad = [r for r in outside if r.abroad]
    system: dict[str, Any] = {
        "fides_key": policy.tenant,
        "organization_fides_key": policy.tenant,
        "name": org.name.in_(lang),
        "description": _site(policy, lang),
        "system_type": "Service",
        "meta": {"baomat_policy_version": policy.version, "law_profile": policy.law_profile},
        "privacy_declarations": [_declaration(policy, p, lang) for p in policy.purposes],
        "dataset_references": [_dataset_key(policy)],
        "responsibility": ["Controller"],
        "legal_name": org.name.in_(lang),
        "legal_address": org.address.in_(lang),
        "does_international_transfers": bool(abroad),
        "requires_data_protection_assessments": True,
        "processes_personal_data": True,
    }
    if outside:
        system["egress"] = [_flow(_recipient_key(policy, r), _received(policy, r)) for r in outside]
    if org.contact_unit is not None:
        system["administrating_department"] = org.contact_unit.in_(lang)
    contacts = [*org.emails, *org.phones]
    if contacts:
        system["dpo"] = contacts[0]
    if org.website is not None and org.website.startswith(("https://", "http://")):
        system["privacy_policy"] = org.website
    measures = [m.text.in_(lang) for m in policy.security.measures]
    if measures:
        system["data_security_practices"] = " ".join(measures)
    return system


def _declaration(policy: Policy, purpose: Purpose, lang: str) -> dict[str, Any]:
    fields = _fields_of(policy, purpose, purpose.fields)
    categories = _categories(fields)
    sensitive = any(f.category in SENSITIVE_CATEGORIES for f in fields)
    shared = [r for r in _serving(policy, purpose) if r.kind is not RecipientKind.INTERNAL]
    declaration: dict[str, Any] = {
        "name": purpose.text.in_(lang),
        "data_categories": categories,
        "data_use": data_use(policy, purpose),
        "data_subjects": _subjects(_types_of(policy, purpose)),
        "dataset_references": [_dataset_key(policy)],
        "legal_basis_for_processing": table()["legal_bases"][purpose.legal_basis.value],
        "flexible_legal_basis_for_processing": False,
        "processes_special_category_data": sensitive,
        "data_shared_with_third_parties": bool(shared),
        "retention_period": _retention(policy, _types_of(policy, purpose), lang),
    }
    if sensitive and purpose.legal_basis is LegalBasis.CONSENT:
        declaration["special_category_legal_basis"] = "Explicit consent"
    if shared:
        declaration["egress"] = [_recipient_key(policy, r) for r in shared]
        declaration["third_parties"] = "; ".join(r.name.in_(lang) for r in shared)
        declaration["shared_categories"] = _categories(
            f for r in shared for f in _fields_of(policy, purpose, _within(r, purpose))
        )
    return declaration


def _recipient_system(policy: Policy, recipient: Recipient, lang: str) -> dict[str, Any]:
    kind = table()["recipients"][recipient.kind.value]
    served = [p for p in policy.purposes if recipient in _serving(policy, p)]
    declarations = []
    for purpose in served:
        fields = _fields_of(policy, purpose, _within(recipient, purpose))
        if fields:
            declarations.append(
                {
                    "name": purpose.text.in_(lang),
                    "data_categories": _categories(fields),
                    "data_use": data_use(policy, purpose),
                    "data_subjects": _subjects(_types_of(policy, purpose)),
                    "ingress": [policy.tenant],
                }
            )
    meta: dict[str, Any] = {
        "kind": recipient.kind.value,
        "on_request_only": recipient.on_request_only,
    }
    if recipient.abroad:
        meta["countries"] = list(recipient.countries)
    if recipient.contract is not None:
        meta["contract"] = recipient.contract.reference
    system: dict[str, Any] = {
        "fides_key": _recipient_key(policy, recipient),
        "organization_fides_key": policy.tenant,
        "name": recipient.name.in_(lang),
        "system_type": kind["system_type"],
        "responsibility": [kind["responsibility"]],
        "meta": meta,
        "privacy_declarations": declarations,
        "ingress": [_flow(policy.tenant, _received(policy, recipient))],
        "does_international_transfers": recipient.abroad,
    }
    if recipient.website is not None and recipient.website.startswith(("https://", "http://")):
        system["privacy_policy"] = recipient.website
    return system


def _dataset(policy: Policy, lang: str) -> dict[str, Any]:
    return {
        "fides_key": _dataset_key(policy),
        "organization_fides_key": policy.tenant,
        "name": policy.organisation.name.in_(lang),
        "description": _site(policy, lang),
        "data_subjects": _subjects(policy.subject_types),
        "collections": [
            {
                "name": t.id,
                "description": t.name.in_(lang),
                "data_subjects": [data_subject(t)],
                "fields": [
                    {
                        "name": f.id,
                        "description": f.label.in_(lang),
                        "data_categories": field_categories(f),
                    }
                    for f in t.fields
                ],
            }
            for t in policy.subject_types
        ],
    }


# --- helpers --------------------------------------------------------------------------------


def _site(policy: Policy, lang: str) -> str:
    name = policy.organisation.website or policy.organisation.name.in_(lang)
    if lang == "vi":
        return f"Dữ liệu cá nhân của {name}, theo chính sách phiên bản {policy.version}"
    return f"Personal data held by {name} under policy version {policy.version}"


def _dataset_key(policy: Policy) -> str:
    return f"{policy.tenant}-subjects"


def _recipient_key(policy: Policy, recipient: Recipient) -> str:
    return f"{policy.tenant}-{recipient.id}"


def _flow(key: str, categories: list[str]) -> dict[str, Any]:
    return {"fides_key": key, "type": "system", "data_categories": categories}


def _serving(policy: Policy, purpose: Purpose) -> list[Recipient]:
    """The recipients of a purpose: those naming it, and those naming no purpose at all."""
    return [r for r in policy.recipients if not r.purposes or purpose.id in r.purposes]


def _within(recipient: Recipient, purpose: Purpose) -> list[str]:
    """The purpose's fields that the recipient receives."""
    if recipient.fields == "all":
        return list(purpose.fields)
    return [f for f in purpose.fields if f in recipient.fields]


def _received(policy: Policy, recipient: Recipient) -> list[str]:
    served = [p for p in policy.purposes if recipient in _serving(policy, p)]
    return _categories(f for p in served for f in _fields_of(policy, p, _within(recipient, p)))


def _types_of(policy: Policy, purpose: Purpose) -> list[SubjectType]:
    """The subject types a purpose covers: those it names, else every type."""
    if purpose.subject_types is None:
        return list(policy.subject_types)
    return [t for t in policy.subject_types if t.id in purpose.subject_types]


def _fields_of(policy: Policy, purpose: Purpose, ids: Iterable[str]) -> list[FieldSpec]:
    """The field specs of `ids` in the subject types the purpose covers."""
    wanted = set(ids)
    return [f for t in _types_of(policy, purpose) for f in t.fields if f.id in wanted]


def _categories(fields: Iterable[FieldSpec]) -> list[str]:
    return sorted({c for f in fields for c in field_categories(f)})


def _subjects(types: Iterable[SubjectType]) -> list[str]:
    return sorted({data_subject(t) for t in types})


def _retention(policy: Policy, types: list[SubjectType], lang: str) -> str:
    ids = {t.id for t in types}
    rules = [r for r in policy.retention if r.subject_types is None or ids & set(r.subject_types)]
    return "; ".join(retention_text(r, lang) for r in rules)


def retention_text(rule: RetentionRule, lang: str) -> str:
    """A retention rule in words: "1 years after the account is closed"."""
    phrases = table()["retention"]
    units = table()["units"]
    period = rule.period if rule.trigger is RetentionTrigger.AFTER_CLOSURE else rule.review_every
    if rule.trigger is RetentionTrigger.UNTIL_CANCELLED or period is None:
        return str(phrases[f"{rule.trigger.value}_unset"][lang])
    unit = units[period.unit.value][lang]
    return str(phrases[rule.trigger.value][lang]).format(amount=period.amount, unit=unit)
