"""A policy version compiled for fast decisions, and the `Decision` it answers with.

    DecisionTable.build(wesale).purposes["marketing_email"].opt_in -> True

`baomat.domain.decision.decide` reads only this table: purposes, recipients
and declared fields as sets and dicts, each purpose's allowed Decision built
once, refusals kept once made. Texts in Vietnamese and English come from
`data/reasons.yaml`, read on first use (never at import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from baomat.domain.policy_view import PolicyView

LIMIT_EXEMPT_BASES = frozenset(
    {"legal_obligation", "vital_interest", "public_interest", "state_function"}
)
"""Legal bases a restriction or objection does not stop (Decree 13 Art. 17)."""

_REFUSALS_KEPT = 4096
"""Enough for every refusal a policy can give to the usual field lists; past it, no more kept."""

_ByLang = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Texts:
    reasons: Mapping[str, _ByLang]
    legal_bases: Mapping[str, _ByLang]
    undeclared_field: _ByLang


@cache
def _texts() -> _Texts:
    """`data/reasons.yaml`: reason, legal-basis and field texts in vi and en, read once."""
    text = (resources.files("baomat") / "data" / "reasons.yaml").read_text("utf-8")
    loaded = yaml.safe_load(text)
    return _Texts(loaded["reasons"], loaded["legal_bases"], loaded["undeclared_field"])


def reason_codes() -> frozenset[str]:
    """Every reason a Decision can carry."""
    return frozenset(_texts().reasons)


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer, why (a reason code and its text in both languages) and on what ground."""

    allowed: bool
    reason: str
    text_vi: str
    text_en: str
    legal_basis: str | None
    """The purpose's legal basis (policy key `purposes[].legal_basis`); None if undeclared."""
    policy_version: int


@dataclass(frozen=True, slots=True)
class PurposeRule:
    """One purpose of one policy version, compiled (policy key `purposes[]`)."""

    id: str
    legal_basis: str
    opt_in: bool
    fields: frozenset[str]
    subject_types: frozenset[str] | None
    text: Mapping[str, str]
    """The purpose's text by language, as the policy holds it: what a subject is shown."""
    limit_exempt: bool
    allowed: Decision

    def applies_to(self, subject_type: str) -> bool:
        return self.subject_types is None or subject_type in self.subject_types


@dataclass(frozen=True, slots=True)
class RecipientRule:
    """One recipient, compiled (policy key `recipients[]`); `fields` None means all."""

    id: str
    fields: frozenset[str] | None
    purposes: frozenset[str]
    valid_from: dt.date | None
    valid_until: dt.date | None


class DecisionTable:
    """A policy version compiled for fast decisions: build once per version, share freely."""

    __slots__ = (
        "_refusals",
        "field_ids",
        "languages",
        "purposes",
        "recipients",
        "tenant",
        "version",
    )

    def __init__(
        self,
        tenant: str,
        version: int,
        languages: frozenset[str],
        purposes: Mapping[str, PurposeRule],
        recipients: Mapping[str, RecipientRule],
        field_ids: frozenset[str],
    ) -> None:
        self.tenant = tenant
        self.version = version
        self.languages = languages
        self.purposes = purposes
        self.recipients = recipients
        self.field_ids = field_ids
        self._refusals: dict[tuple[object, ...], Decision] = {}
        """Refusals kept once made; their texts hold only ids and dates of the policy."""

    @classmethod
    def build(cls, policy: PolicyView) -> DecisionTable:
        field_ids = frozenset(f.id for t in policy.subject_types for f in t.fields)
        purposes: dict[str, PurposeRule] = {}
        for p in policy.purposes:
            basis = str(p.legal_basis)
            purposes[p.id] = PurposeRule(
                id=p.id,
                legal_basis=basis,
                opt_in=p.consent == "opt_in",
                fields=frozenset(p.fields),
                subject_types=None if p.subject_types is None else frozenset(p.subject_types),
                text={"vi": p.text.vi, "en": p.text.en},
                limit_exempt=basis in LIMIT_EXEMPT_BASES,
                allowed=_allowed(p.id, basis, policy.version),
            )
        recipients = {
            r.id: RecipientRule(
                id=r.id,
                fields=None if isinstance(r.fields, str) else frozenset(r.fields),
                purposes=frozenset(r.purposes),
                valid_from=None if r.contract is None else r.contract.valid_from,
                valid_until=None if r.contract is None else r.contract.valid_until,
            )
            for r in policy.recipients
        }
        return cls(
            policy.tenant,
            policy.version,
            frozenset(policy.languages),
            purposes,
            recipients,
            field_ids,
        )

    def deny(
        self,
        reason: str,
        purpose: PurposeRule | None = None,
        fields: Collection[str] = (),
        **params: str,
    ) -> Decision:
        """A refusal under this version, its texts filled with ids and dates, never values.

        Fields are named only when the policy declares them; any other name
        shows as "an undeclared field", so a caller's text is never echoed and
        the refusals kept stay bounded by the policy's size.
        """
        declared = tuple(sorted({f for f in fields if f in self.field_ids}))
        undeclared = len(declared) < len(set(fields))
        key = (
            reason,
            None if purpose is None else purpose.id,
            declared,
            undeclared,
            *params.items(),
        )
        kept = self._refusals.get(key)
        if kept is not None:
            return kept
        basis = None if purpose is None else purpose.legal_basis
        if purpose is not None:
            params.setdefault("purpose", purpose.id)
        texts = []
        for lang in ("vi", "en"):
            names = [*declared, _texts().undeclared_field[lang]] if undeclared else declared
            texts.append(_fill(reason, lang, self.version, basis, params, ", ".join(names)))
        decision = Decision(False, reason, texts[0], texts[1], basis, self.version)
        if len(self._refusals) < _REFUSALS_KEPT:
            self._refusals[key] = decision
        return decision


def _allowed(purpose: str, basis: str, version: int) -> Decision:
    params = {"purpose": purpose}
    vi = _fill("allowed", "vi", version, basis, params, "")
    en = _fill("allowed", "en", version, basis, params, "")
    return Decision(True, "allowed", vi, en, basis, version)


def _fill(
    reason: str,
    lang: str,
    version: int,
    basis: str | None,
    params: Mapping[str, str],
    fields: str,
) -> str:
    texts = _texts()
    values = {**params, "version": str(version), "fields": fields}
    if basis is not None:
        values["legal_basis"] = texts.legal_bases[basis][lang]
    return texts.reasons[reason][lang].format_map(values)
