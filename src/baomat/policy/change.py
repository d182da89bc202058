"""One change between two policy versions: what changed, whether it is material, whom it touches.

    Change("recipient_added", "recipients.analytics", {"recipient": "analytics", "name": {...}},
           scopes=(Scope(frozenset({"member"}), frozenset({"marketing_email"})),),
           purposes=frozenset({"marketing_email"}))
    .material -> True
    .text("en") -> "A new recipient, 'analytics' (Analytics Co.), may receive data."

The code is the reason the change is or is not material (`MATERIAL`,
`NOT_MATERIAL`); its texts are in `data/policy_changes.yaml`, filled with the
change's params: ids, names and lengths from the policies, never a personal
value. A change is stored as JSON with its version (`as_json`, `from_json`),
material flag and texts included, so what subjects were told stays readable
even if a later release words or classifies a code differently.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

Text = str | Mapping[str, str]
"""A param of a change's text: an id or number as is, or a text by language (`{"vi", "en"}`)."""

LANGUAGES = ("vi", "en")

MATERIAL = frozenset(
    {
        # more use of data
        "purpose_added",
        "purpose_fields_added",
        "purpose_subject_types_widened",
        "purpose_channels_added",
        # a weaker ground for using it
        "purpose_legal_basis_changed",
        "purpose_consent_weakened",
        # more people or places that get it
        "recipient_added",
        "recipient_fields_added",
        "recipient_purposes_added",
        "recipient_kind_changed",
        "recipient_routine",
        "recipient_confidential",
        "transfer_abroad",
        "transfer_countries_added",
        # more data collected
        "subject_type_added",
        "field_added",
        "category_added",
        "field_category_changed",
        "field_sensitivity_changed",
        "field_now_required",
        "field_pii_kept",
        # kept longer
        "retention_rule_added",
        "retention_trigger_changed",
        "retention_scope_changed",
        "retention_longer",
        "retention_may_be_longer",
        "retention_unbounded",
        # fewer or slower ways to complain, reach one's data, or learn of changes
        "complaint_deadline_longer",
        "complaint_deadline_may_be_longer",
        "complaint_deadline_removed",
        "complaint_channel_removed",
        "complaint_step_removed",
        "access_narrowed",
        "identity_proof_stricter",
        "rights_removed",
        "change_notice_weakened",
        "language_removed",
        # weaker protection, or someone else in charge
        "security_measure_removed",
        "breach_notice_weakened",
        "third_party_tracking_allowed",
        "controller_changed",
        # more ways to lose the service, or a lock that stops more
        "lock_violation_added",
        "lock_purposes_added",
    }
)
"""Changes a subject must be told of, by the tenant's change-notice mode."""

NOT_MATERIAL = frozenset(
    {
        "wording_changed",
        "purpose_removed",
        "purpose_fields_removed",
        "purpose_subject_types_narrowed",
        "purpose_channels_removed",
        "purpose_consent_strengthened",
        "recipient_removed",
        "recipient_fields_removed",
        "recipient_purposes_removed",
        "recipient_on_request_only",
        "recipient_not_confidential",
        "recipient_contract_changed",
        "recipient_details_changed",
        "transfer_abroad_ended",
        "transfer_countries_removed",
        "subject_type_removed",
        "field_removed",
        "field_format_changed",
        "field_no_longer_required",
        "retention_rule_removed",
        "retention_shorter",
        "retention_bounded",
        "complaint_deadline_shorter",
        "complaint_deadline_added",
        "complaint_channel_added",
        "complaint_step_added",
        "complaint_categories_changed",
        "access_widened",
        "identity_proof_relaxed",
        "rights_added",
        "change_notice_strengthened",
        "language_added",
        "security_measure_added",
        "breach_notice_strengthened",
        "third_party_tracking_stopped",
        "lock_violation_removed",
        "lock_purposes_removed",
        "organisation_changed",
        "law_profile_changed",
        # a dossier filed with the authority, or a notice text: nothing about the data changes
        "dossier_recorded",
        "dossier_removed",
        "notice_text_removed",
    }
)
"""Recorded with the version, told to no one: wording, removals, narrowing, shortening.

A removed purpose is its own kind: not material, but the consents given for
it are closed and their subjects told (`services.policy_changes`)."""


@cache
def texts() -> Mapping[str, Mapping[str, str]]:
    """`data/policy_changes.yaml`: each code's text in vi and en, read once."""
    raw = (resources.files("baomat") / "data" / "policy_changes.yaml").read_text("utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(raw)
    return loaded


@dataclass(frozen=True, slots=True)
class Scope:
    """Subjects a change touches: of these types (None: any type) and, when `consented`
    names purposes, only those holding a consent in force to one of them."""

    subject_types: frozenset[str] | None = None
    consented: frozenset[str] = frozenset()

    def touches(self, subject_type: str, consented: Collection[str]) -> bool:
        if self.subject_types is not None and subject_type not in self.subject_types:
            return False
        return not self.consented or any(p in self.consented for p in consented)

    def as_json(self) -> dict[str, Any]:
        types = None if self.subject_types is None else sorted(self.subject_types)
        return {"subject_types": types, "consented": sorted(self.consented)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scope:
        types = data.get("subject_types")
        return cls(
            None if types is None else frozenset(types), frozenset(data.get("consented", ()))
        )


EVERYONE = Scope()


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions; `material` follows from `code` when made."""

    code: str
    path: str
    """Where in the file: `purposes.marketing_email.fields`, `complaints.deadline`."""
    params: Mapping[str, Text] = field(default_factory=dict)
    scopes: tuple[Scope, ...] = (EVERYONE,)
    purposes: frozenset[str] = frozenset()
    """Purposes of the new version whose use this change alters (fresh consent)."""
    material: bool = field(default=False)

    def __post_init__(self) -> None:
        if self.code not in MATERIAL | NOT_MATERIAL:
            raise ValueError(f"unknown change code '{self.code}'")
        object.__setattr__(self, "material", self.code in MATERIAL)

    def touches(self, subject_type: str, consented: Collection[str]) -> bool:
        """Whether a subject of `subject_type` with consents in force to `consented` is touched."""
        return any(scope.touches(subject_type, consented) for scope in self.scopes)

    def text(self, lang: str) -> str:
        """The change in words, in `lang` ('vi' or 'en')."""
        values = {k: v if isinstance(v, str) else v[lang] for k, v in self.params.items()}
        return texts()[self.code][lang].format_map(values)

    def as_json(self) -> dict[str, Any]:
        """What is stored: code, material, path, params, scopes, purposes and both texts."""
        return {
            "code": self.code,
            "material": self.material,
            "path": self.path,
            "params": {k: v if isinstance(v, str) else dict(v) for k, v in self.params.items()},
            "scopes": [s.as_json() for s in self.scopes],
            "purposes": sorted(self.purposes),
            "text": {lang: self.text(lang) for lang in LANGUAGES},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Change:
        change = cls(
            data["code"],
            data["path"],
            dict(data["params"]),
            tuple(Scope.from_json(s) for s in data["scopes"]),
            frozenset(data["purposes"]),
        )
        # As classified when stored, should a later release classify the code otherwise.
        object.__setattr__(change, "material", bool(data["material"]))
        return change
