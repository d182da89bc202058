"""Law profiles: the statutory deadlines of one legal regime, as versioned data.

A profile is a YAML file in `baomat/data/law_profiles/` (LAW.md: deadlines
"live in a versioned, data-driven law profile ..., each rule with its source,
never as literals in code"). Each rule carries its amount, unit, the event the
period runs from, the extension the law allows, its source and LAW.md's
confidence mark. A request keeps the profile in force on the day it arrived:
`profile_for(day)`.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from enum import StrEnum
from importlib import resources
from typing import Annotated, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from baomat.domain.periods import WorkingDays
from baomat.domain.periods import due as period_due
from baomat.policy.model import Id, LocalText, NonEmpty, TimeUnit

LAW_PROFILE_FORMAT = "baomat/law-profile@1"

ProfileId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
"""The same spelling as a policy file's `law_profile` key, e.g. `law-91-2025`."""

StartEvent = Literal[
    "receipt",
    "discovery",
    "occurrence",
    "first_processing",
    "first_transfer",
    "last_filing",
    "major_change",
    "filing",
    "record_created",
]
"""The event a period runs from: a request's receipt, a breach's discovery, ..."""


class LawProfileError(LookupError):
    """A law profile or one of its rules is unknown, missing or malformed."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Confidence(StrEnum):
    """LAW.md's marks: seen in the text, from a summary, or uncertain (keep configurable)."""

    TEXT = "text"
    SUMMARY = "summary"
    CHECK = "check"


class RuleKind(StrEnum):
    DEADLINE = "deadline"
    """Act by the end of the period."""
    PROMPTLY = "promptly"
    """Act promptly ("kịp thời"); the law sets no count."""
    MINIMUM = "minimum"
    """Keep something for at least the period."""
    INTERVAL = "interval"
    """Repeat every period."""


class Extension(_Model):
    """How far the law lets a deadline be extended (Decree 356 Art. 5.2–5.5)."""

    max_amount: Annotated[int, Field(gt=0, le=1000)]
    once: bool = True
    reason_required: bool = True
    """The subject must be told why."""


class Rule(_Model):
    id: Id
    title: LocalText
    kind: RuleKind = RuleKind.DEADLINE
    amount: Annotated[int, Field(gt=0, le=100_000)] | None = None
    unit: TimeUnit | None = None
    starts_from: StartEvent
    extension: Extension | None = None
    source: NonEmpty
    confidence: Confidence
    unit_confidence: Confidence | None = None
    """Set when the unit's reading is less certain than the number (bare "ngày")."""
    note: NonEmpty | None = None

    @model_validator(mode="after")
    def _period_matches_kind(self) -> Self:
        has_period = self.amount is not None and self.unit is not None
        if (self.amount is None) != (self.unit is None):
            raise ValueError("amount and unit go together")
        if has_period == (self.kind is RuleKind.PROMPTLY):
            raise ValueError("a 'promptly' rule has no amount; every other rule has one")
        if self.extension is not None and self.kind is not RuleKind.DEADLINE:
            raise ValueError("only a deadline can be extended")
        return self

    def due(
        self,
        start: dt.datetime,
        calendar: WorkingDays,
        *,
        extended: bool = False,
        tz: dt.tzinfo | None = None,
    ) -> dt.datetime:
        """When this rule's period from `start` ends, per the Civil Code (`domain.periods`).

        `extended=True` adds the full extension the rule allows to the amount.
        """
        if self.amount is None or self.unit is None:
            raise LawProfileError(f"rule {self.id!r} must be met promptly; it has no period")
        amount = self.amount
        if extended:
            if self.extension is None:
                raise LawProfileError(f"rule {self.id!r} cannot be extended")
            amount += self.extension.max_amount
        return period_due(start, amount, self.unit.value, calendar, tz)


class TextRef(_Model):
    """A legal text the profile applies, with what it governs."""

    citation: NonEmpty
    about: NonEmpty
    confidence: Confidence


class RuleSetPeriod(_Model):
    """The e-commerce policy-content rule set in force for part of a profile's life."""

    name: Id
    valid_from: dt.date
    valid_until: dt.date | None = None
    source: NonEmpty
    confidence: Confidence


class LawProfile(_Model):
    format: Literal["baomat/law-profile@1"]
    id: ProfileId
    title: LocalText
    valid_from: dt.date
    valid_until: dt.date | None = None
    default: bool = False
    texts: Annotated[list[TextRef], Field(min_length=1)]
    ecommerce_policy_rules: Annotated[list[RuleSetPeriod], Field(min_length=1)]
    rules: Annotated[list[Rule], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        ids = [r.id for r in self.rules]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"rule ids used twice: {', '.join(doubled)}")
        _check_rule_sets_cover(self)
        return self

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def find(self, rule_id: str) -> Rule | None:
        """The rule, or None when this regime has no such obligation."""
        return next((r for r in self.rules if r.id == rule_id), None)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id; an error lists the ids the profile has."""
        found = self.find(rule_id)
        if found is None:
            known = ", ".join(r.id for r in self.rules)
            raise LawProfileError(
                f"law profile {self.id!r} has no rule {rule_id!r}; it has {known}"
            )
        return found

    def ecommerce_rule_set(self, day: dt.date) -> str:
        """The name of the policy-content rule set in force on `day` (LAW.md "Which texts")."""
        for period in self.ecommerce_policy_rules:
            if period.valid_from <= day and (
                period.valid_until is None or day <= period.valid_until
            ):
                return period.name
        raise LawProfileError(f"law profile {self.id!r} has no e-commerce rule set on {day}")


def known_profiles() -> tuple[str, ...]:
    """The ids of the law profiles shipped with baomat, sorted."""
    folder = resources.files("baomat") / "data" / "law_profiles"
    names = (entry.name for entry in folder.iterdir() if entry.is_file())
    return tuple(sorted(n.removesuffix(".yaml") for n in names if n.endswith(".yaml")))


@functools.cache
def load_law_profile(profile_id: str) -> LawProfile:
    """The shipped profile with this id; an unknown id's error lists the known ones."""
    known = known_profiles()
    if profile_id not in known:
        raise LawProfileError(
            f"unknown law profile {profile_id!r}; known profiles: {', '.join(known)}"
        )
    source = resources.files("baomat") / "data" / "law_profiles" / f"{profile_id}.yaml"
    try:
        profile = LawProfile.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise LawProfileError(f"law profile {profile_id!r} is malformed: {exc}") from exc
    if profile.id != profile_id:
        raise LawProfileError(f"{profile_id}.yaml declares id {profile.id!r}")
    return profile


def profile_for(day: dt.date) -> LawProfile:
    """The profile in force on `day`: Decree 13 to 31 Dec 2025, Law 91 from 1 Jan 2026."""
    in_force = [p for p in map(load_law_profile, known_profiles()) if p.in_force_on(day)]
    if len(in_force) != 1:
        found = ", ".join(p.id for p in in_force) or "none"
        raise LawProfileError(f"expected one law profile in force on {day}, found {found}")
    return in_force[0]


def _check_rule_sets_cover(profile: LawProfile) -> None:
    """The e-commerce rule sets follow one another without gap or overlap over the profile."""
    periods = sorted(profile.ecommerce_policy_rules, key=lambda p: p.valid_from)
    if periods[0].valid_from > profile.valid_from:
        raise ValueError("no e-commerce rule set from the profile's valid_from")
    for earlier, later in itertools.pairwise(periods):
        if (
            earlier.valid_until is None
            or earlier.valid_until + dt.timedelta(days=1) != later.valid_from
        ):
            raise ValueError(f"e-commerce rule sets {earlier.name} and {later.name} do not meet")
    last = periods[-1].valid_until
    if last is not None and (profile.valid_until is None or last < profile.valid_until):
        raise ValueError(f"e-commerce rule set {periods[-1].name} ends before the profile")


__all__ = [
    "LAW_PROFILE_FORMAT",
    "Confidence",
    "Extension",
    "LawProfile",
    "LawProfileError",
    "Rule",
    "RuleKind",
    "RuleSetPeriod",
    "TextRef",
    "known_profiles",
    "load_law_profile",
    "profile_for",
]
