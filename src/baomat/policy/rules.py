"""Rules that relate one part of a policy file to another.

`model.py` checks each value on its own; these checks need the whole file
(does the field a purpose uses exist? does a processor have a contract?).
Each returns `Finding`s whose `loc` points at the offending node, so the
loader can add the line:

    check(policy) -> [Finding(("purposes", 1, "fields", 0),
                              "purpose 'marketing_email' uses field 'fax' that no "
                              "subject type declares"), ...]

Decided, and deliberately *not* an error: a purpose with consent `opt_in` and
a legal basis other than consent (say `contract`). Asking explicit consent on
top of another ground is stricter than the law asks, never lets data be used
without the subject's agreement, and is how a tenant meets the sensitive-data
rule below for data a contract needs (a card number taken for payment). The
reverse, basis `consent` with consent `not_needed`, would let data be used on
a consent nobody gave, and is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple, Protocol

from baomat.domain.validators import NAMED_VALIDATORS
from baomat.policy.errors import Loc
from baomat.policy.model import (
    SENSITIVE_CATEGORIES,
    ComplaintDeadline,
    ConsentMode,
    DataType,
    Dossier,
    Duration,
    LegalBasis,
    Policy,
    RecipientKind,
    RetentionTrigger,
    Sensitivity,
    SubjectType,
    TimeUnit,
)


class Finding(NamedTuple):
    loc: Loc
    rule: str


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_DAYS_PER_UNIT = {
    TimeUnit.HOURS: 1 / 24,
    TimeUnit.DAYS: 1.0,
    TimeUnit.WORKING_DAYS: 7 / 5,  # five working days to a week, holidays ignored
    TimeUnit.MONTHS: 30.0,
    TimeUnit.YEARS: 365.0,
}

COMPLAINT_DEADLINE_UNITS = frozenset({TimeUnit.DAYS, TimeUnit.WORKING_DAYS})
"""Every seed counts complaint deadlines in days or working days; hours are too
short to handle a complaint and months or years no longer read as a deadline."""


def approx_days(duration: Duration) -> float:
    """{amount: 2, unit: years} -> 730.0; only to compare durations, never to count a deadline."""
    return duration.amount * _DAYS_PER_UNIT[duration.unit]


def check(policy: Policy) -> list[Finding]:
    """A policy that passed the model -> every cross-reference mistake in it, by section."""
    return [
        *_duplicate_ids(policy),
        *_fields(policy),
        *_purposes(policy),
        *_recipients(policy),
        *_retention(policy),
        *_complaints(policy),
        *_service_locks(policy),
        *_languages(policy),
        *_dossiers(policy),
    ]


def _duplicates(items: Sequence[_HasId], loc: Loc, what: str) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in first:
            where = f"{loc[-1]}[{first[item.id]}]"
            yield Finding(
                (*loc, i, "id"), f"{what} id '{item.id}' is used twice (first at {where})"
            )
        else:
            first[item.id] = i


def _duplicate_ids(policy: Policy) -> Iterator[Finding]:
    yield from _duplicates(policy.subject_types, ("subject_types",), "subject type")
    for t, st in enumerate(policy.subject_types):
        yield from _duplicates(st.fields, ("subject_types", t, "fields"), f"'{st.id}' field")
    yield from _duplicates(policy.purposes, ("purposes",), "purpose")
    yield from _duplicates(policy.recipients, ("recipients",), "recipient")
    yield from _duplicates(policy.retention, ("retention",), "retention rule")
    yield from _duplicates(policy.security.measures, ("security", "measures"), "security measure")


def _fields(policy: Policy) -> Iterator[Finding]:
    opt_in_fields = {
        f for p in policy.purposes if p.consent is ConsentMode.OPT_IN for f in p.fields
    }
    for t, st in enumerate(policy.subject_types):
        for i, spec in enumerate(st.fields):
            loc: Loc = ("subject_types", t, "fields", i)
            name = f"field '{spec.id}'"
            sensitive = spec.sensitivity is Sensitivity.SENSITIVE
            if spec.category in SENSITIVE_CATEGORIES and not sensitive:
                yield Finding(
                    (*loc, "sensitivity"),
                    f"{name} has category '{spec.category.value}', which LAW.md lists as "
                    "sensitive data, but is marked basic; mark it sensitive",
                )
            if sensitive and spec.id not in opt_in_fields:
                yield Finding(
                    loc,
                    f"{name} is sensitive but no purpose with consent opt_in uses it; "
                    "sensitive data needs the subject's explicit consent",
                )
            if spec.file is not None and spec.type is not DataType.FILE:
                yield Finding(
                    (*loc, "file"),
                    f"{name} has file limits but its type is '{spec.type.value}', not 'file'",
                )
            if spec.choices is not None and spec.type is not DataType.CHOICE:
                yield Finding(
                    (*loc, "choices"),
                    f"{name} lists choices but its type is '{spec.type.value}', not 'choice'",
                )
            if spec.type is DataType.CHOICE and not spec.choices:
                yield Finding((*loc, "choices"), f"{name} has type 'choice' but lists no choices")
            if spec.pii is not None and not spec.free_text:
                yield Finding(
                    (*loc, "pii"),
                    f"{name} says what to do with personal data found in it, but only "
                    "free_text fields are scanned; add free_text: true or remove pii",
                )
            if spec.unique and not spec.searchable:
                yield Finding(
                    (*loc, "unique"),
                    f"{name} is unique but not searchable; a second holder of a value is "
                    "found by the blind index, so mark it searchable: true",
                )
            known = NAMED_VALIDATORS.get(spec.type.value, frozenset())
            if spec.validator is not None and spec.validator not in known:
                names = ", ".join(sorted(known)) or "none"
                yield Finding(
                    (*loc, "validator"),
                    f"{name} names validator '{spec.validator}', which type "
                    f"'{spec.type.value}' does not know (known: {names})",
                )


def _declares(types: Iterable[SubjectType]) -> set[str]:
    return {f.id for st in types for f in st.fields}


def _purposes(policy: Policy) -> Iterator[Finding]:
    known_types = {st.id for st in policy.subject_types}
    for p, purpose in enumerate(policy.purposes):
        loc: Loc = ("purposes", p)
        name = f"purpose '{purpose.id}'"
        if purpose.legal_basis is LegalBasis.CONSENT and purpose.consent is ConsentMode.NOT_NEEDED:
            yield Finding(
                (*loc, "consent"),
                f"{name} has legal basis consent, so its consent must be opt_in, not not_needed",
            )
        for s, type_id in enumerate(purpose.subject_types or []):
            if type_id not in known_types:
                yield Finding(
                    (*loc, "subject_types", s),
                    f"{name} names subject type '{type_id}' that the policy does not declare",
                )
        # with an unknown type named, the error above says enough; no field check on top
        scoped = purpose.subject_types is not None and known_types.issuperset(purpose.subject_types)
        own_types = [st for st in policy.subject_types if st.id in (purpose.subject_types or [])]
        everywhere = policy.field_ids()
        for f, field_id in enumerate(purpose.fields):
            if field_id not in everywhere:
                rule = f"{name} uses field '{field_id}' that no subject type declares"
            elif scoped and field_id not in _declares(own_types):
                types = ", ".join(purpose.subject_types or [])
                rule = (
                    f"{name} uses field '{field_id}' that none of its subject types "
                    f"({types}) declares"
                )
            else:
                continue
            yield Finding((*loc, "fields", f), rule)


def _recipients(policy: Policy) -> Iterator[Finding]:
    fields = policy.field_ids()
    purposes = {p.id for p in policy.purposes}
    for r, rec in enumerate(policy.recipients):
        loc: Loc = ("recipients", r)
        name = f"recipient '{rec.id}'"
        if rec.fields != "all":
            for f, field_id in enumerate(rec.fields):
                if field_id not in fields:
                    yield Finding(
                        (*loc, "fields", f),
                        f"{name} receives field '{field_id}' that no subject type declares",
                    )
        for p, purpose_id in enumerate(rec.purposes):
            if purpose_id not in purposes:
                yield Finding(
                    (*loc, "purposes", p),
                    f"{name} names purpose '{purpose_id}' that the policy does not declare",
                )
        if rec.kind in (RecipientKind.PROCESSOR, RecipientKind.PARTNER) and rec.contract is None:
            yield Finding(
                (*loc, "contract"),
                f"{name} is a {rec.kind.value} but has no contract; processors and partners "
                "receive data only under a contract",
            )
        contract = rec.contract
        if contract and contract.valid_until and contract.valid_until < contract.valid_from:
            yield Finding(
                (*loc, "contract", "valid_until"),
                f"the contract of {name} ends ({contract.valid_until}) before it starts "
                f"({contract.valid_from})",
            )
        # abroad without countries is allowed: a seed may promise a transfer abroad without
        # naming where (Clever Group); `baomat policy lint` warns, the file itself is valid.
        if rec.countries and not rec.abroad:
            yield Finding(
                (*loc, "abroad"), f"{name} lists countries but abroad is false; set abroad: true"
            )
        if "VN" in rec.countries:
            yield Finding(
                (*loc, "countries", rec.countries.index("VN")),
                f"{name} lists VN among its countries, which name only places outside Vietnam",
            )


def _retention(policy: Policy) -> Iterator[Finding]:
    known_types = {st.id for st in policy.subject_types}
    for i, rule in enumerate(policy.retention):
        loc: Loc = ("retention", i)
        name = f"retention rule '{rule.id}'"
        trigger = rule.trigger
        if trigger is RetentionTrigger.AFTER_CLOSURE and rule.period is None:
            yield Finding((*loc, "period"), f"{name} keeps data after_closure but gives no period")
        if trigger is RetentionTrigger.WHILE_NEEDED and rule.review_every is None:
            yield Finding(
                (*loc, "review_every"),
                f"{name} keeps data while_needed but gives no review_every to check the need",
            )
        if trigger is not RetentionTrigger.AFTER_CLOSURE and rule.period is not None:
            yield Finding(
                (*loc, "period"),
                f"{name} has a period, which only after_closure uses; '{trigger.value}' has none",
            )
        if trigger is not RetentionTrigger.WHILE_NEEDED and rule.review_every is not None:
            yield Finding(
                (*loc, "review_every"),
                f"{name} has review_every, which only while_needed uses, not '{trigger.value}'",
            )
        if (
            rule.min_keep
            and rule.max_keep
            and approx_days(rule.min_keep) > approx_days(rule.max_keep)
        ):
            yield Finding((*loc, "min_keep"), f"{name} has a min_keep longer than its max_keep")
        for s, type_id in enumerate(rule.subject_types or []):
            if type_id not in known_types:
                yield Finding(
                    (*loc, "subject_types", s),
                    f"{name} names subject type '{type_id}' that the policy does not declare",
                )


def _complaints(policy: Policy) -> Iterator[Finding]:
    deadline: ComplaintDeadline | None = policy.complaints.deadline
    if deadline is None:
        return
    loc: Loc = ("complaints", "deadline")
    ranged = deadline.min is not None or deadline.max is not None
    if deadline.amount is not None and ranged:
        yield Finding(loc, "the complaint deadline gives both amount and min/max; use one form")
    elif deadline.amount is None and (deadline.min is None or deadline.max is None):
        yield Finding(loc, "the complaint deadline needs either amount, or both min and max")
    elif deadline.min is not None and deadline.max is not None and deadline.min > deadline.max:
        yield Finding(
            (*loc, "min"),
            f"the complaint deadline's min ({deadline.min}) is above its max ({deadline.max})",
        )
    if deadline.unit not in COMPLAINT_DEADLINE_UNITS:
        yield Finding(
            (*loc, "unit"),
            f"the complaint deadline is in '{deadline.unit.value}'; complaint deadlines are "
            "counted in days or working_days",
        )


def _service_locks(policy: Policy) -> Iterator[Finding]:
    locks = policy.service_locks
    if locks is None:
        return
    yield from _duplicates(locks.violations, ("service_locks", "violations"), "violation")
    declared = {p.id for p in policy.purposes}
    for i, purpose in enumerate(locks.blocks_purposes):
        if purpose not in declared:
            yield Finding(
                ("service_locks", "blocks_purposes", i),
                f"a service lock blocks purpose '{purpose}' that the policy does not declare",
            )


def _languages(policy: Policy) -> Iterator[Finding]:
    if "vi" not in policy.languages:
        yield Finding(
            ("languages",), "languages must include vi: the notice is always shown in Vietnamese"
        )


def _dossiers(policy: Policy) -> Iterator[Finding]:
    """A transfer dossier belongs to a recipient abroad; a dossier's dates run in order and
    none is after the file's `last_updated`, since a file records only what was filed by then."""
    if policy.impact_assessment is not None:
        yield from _dossier_dates(
            policy, policy.impact_assessment, ("impact_assessment",), "the impact assessment"
        )
    for r, rec in enumerate(policy.recipients):
        if rec.transfer_dossier is None:
            continue
        loc: Loc = ("recipients", r, "transfer_dossier")
        if not rec.abroad:
            yield Finding(
                loc,
                f"recipient '{rec.id}' has a transfer_dossier but abroad is false; the "
                "cross-border dossier is only for recipients abroad",
            )
        what = f"the transfer dossier of recipient '{rec.id}'"
        yield from _dossier_dates(policy, rec.transfer_dossier, loc, what)


def _dossier_dates(policy: Policy, dossier: Dossier, loc: Loc, what: str) -> Iterator[Finding]:
    updated = dossier.updated_on
    if updated is not None and updated < dossier.filed_on:
        yield Finding(
            (*loc, "updated_on"),
            f"{what} is updated_on {updated}, before it was filed_on {dossier.filed_on}",
        )
    for key, day in (("filed_on", dossier.filed_on), ("updated_on", updated)):
        if day is not None and day > policy.last_updated:
            yield Finding(
                (*loc, key),
                f"{what} has {key} {day}, after the policy's last_updated "
                f"{policy.last_updated}; a policy records only filings made by its date",
            )
