"""May these fields of a subject be used for a purpose, by a recipient? → a `Decision`.

    decide(table, SubjectState("a1", "buyer"), [], "marketing_email", ["email"], None, now)
    -> Decision(allowed=False, reason="no_consent", text_vi="Chủ thể ...", ...)

The first refusal wins, in this order:

1. the subject is one of the tenant's and is not erased (`subject_not_found`,
   `subject_erased`);
2. the purpose is declared (`unknown_purpose`), applies to the subject's type
   (`purpose_not_for_subject_type`, policy key `purposes[].subject_types`) and
   uses every field asked for (`field_not_in_purpose`, `purposes[].fields`);
3. a named recipient is declared (`recipient_unknown`), serves the purpose
   (`recipient_not_for_purpose`, `recipients[].purposes`; a recipient naming no
   purpose serves none), may receive every field
   (`recipient_not_allowed_for_field`, `recipients[].fields`: a partner gets
   only its contract's fields) and its contract is in force on that day in
   Vietnam (`contract_not_yet_valid`, `contract_expired`, `recipients[].contract`);
4. no open service lock stops the purpose (`service_locked`, policy key
   `service_locks.blocks_purposes`: staff locked the subject's service for a
   violation the policy lists);
5. the subject has not restricted or objected to the purpose
   (`subject_restricted`, `subject_objected`: Decree 13 Art. 9), unless its
   legal basis is one where the law lets processing go on without the
   subject's say (Decree 13 Art. 17): a legal obligation, vital interest,
   public interest or a state agency's function;
6. an opt-in purpose has a consent in force (`no_consent`,
   `consent_withdrawn`: Decree 13 Arts. 11–12; silence is not consent) and,
   where the policy's change notice is `fresh_consent` and the purpose is new
   or materially changed since, one citing that policy version or a later one
   (`fresh_consent_needed`; `consent_from`, `policy.diff.consent_from`).

Otherwise `allowed`. A `DecisionTable` (`decision_table.py`) compiles one
policy version once into sets and dicts, so a decision is a handful of
lookups returning a Decision built in advance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from baomat.domain.decision_table import Decision, DecisionTable, PurposeRule, reason_codes
from baomat.domain.errors import DomainError
from baomat.domain.periods import vietnam_tz

__all__ = [
    "EVERY_PURPOSE",
    "LIMIT_KINDS",
    "NOT_FOUND_REASONS",
    "OBJECTED",
    "RESTRICTED",
    "ConsentView",
    "Decision",
    "DecisionTable",
    "Denied",
    "SubjectState",
    "decide",
    "reason_codes",
]

EVERY_PURPOSE = "*"
"""In `SubjectState.restricted` / `.objected`: the whole subject, every purpose."""

RESTRICTED = "restricted"
OBJECTED = "objected"
LIMIT_KINDS = (RESTRICTED, OBJECTED)
"""A subject's limits on processing (Decree 13 Art. 9), as the store records them."""

NOT_FOUND_REASONS = frozenset({"subject_not_found", "subject_erased"})


class Denied(DomainError):
    """A decision refused a use of personal data; `reason` is its code."""

    code = "denied"

    def __init__(self, decision: Decision) -> None:
        super().__init__(f"{decision.reason}: {decision.text_en}")
        self.decision = decision
        self.reason = decision.reason


@dataclass(frozen=True, slots=True)
class SubjectState:
    """What a decision needs to know of a subject; `None` in its place: not found."""

    id: str
    subject_type: str
    erased: bool = False
    restricted: frozenset[str] = frozenset()
    """Purposes the subject restricted processing for, or EVERY_PURPOSE (Decree 13 Art. 9)."""
    objected: frozenset[str] = frozenset()
    """Purposes the subject objected to, or EVERY_PURPOSE (Decree 13 Art. 9)."""
    policy_version: int | None = None
    """The policy version the subject was registered under; None when not known."""
    locked: frozenset[str] = frozenset()
    """Purposes an open service lock stops (policy key `service_locks.blocks_purposes`)."""


class ConsentView(Protocol):
    """A consent as decisions read it (`baomat.domain.consent.Consent`)."""

    @property
    def purpose(self) -> str: ...
    @property
    def policy_version(self) -> int: ...
    def is_active(self, now: dt.datetime) -> bool: ...
    def is_withdrawn(self, now: dt.datetime) -> bool: ...


def decide(
    table: DecisionTable,
    subject: SubjectState | None,
    consents: Sequence[ConsentView],
    purpose_id: str,
    fields: Collection[str],
    recipient_id: str | None,
    now: dt.datetime,
    consent_from: Mapping[str, int] | None = None,
) -> Decision:
    """Applies the rules of the module docstring, in order → the first refusal, or allowed.

    `consents` are the subject's (any purpose); `now` is an aware datetime;
    `consent_from` maps a purpose to the oldest policy version a consent to
    it must cite (a purpose not in it takes a consent of any version).
    """
    if subject is None:
        return table.deny("subject_not_found")
    if subject.erased:
        return table.deny("subject_erased")
    rule = table.purposes.get(purpose_id)
    if rule is None:
        return table.deny("unknown_purpose")
    if rule.subject_types is not None and subject.subject_type not in rule.subject_types:
        return table.deny("purpose_not_for_subject_type", rule)
    if not rule.fields.issuperset(fields):
        outside = [f for f in fields if f not in rule.fields]
        return table.deny("field_not_in_purpose", rule, fields=outside)
    if recipient_id is not None:
        refusal = _recipient_refusal(table, rule, recipient_id, fields, now)
        if refusal is not None:
            return refusal
    if subject.locked and purpose_id in subject.locked:
        return table.deny("service_locked", rule)
    if not rule.limit_exempt:
        if subject.restricted and (
            purpose_id in subject.restricted or EVERY_PURPOSE in subject.restricted
        ):
            return table.deny("subject_restricted", rule)
        if subject.objected and (
            purpose_id in subject.objected or EVERY_PURPOSE in subject.objected
        ):
            return table.deny("subject_objected", rule)
    if rule.opt_in:
        since = consent_from.get(purpose_id, 0) if consent_from else 0
        withdrawn = stale = False
        for consent in consents:
            if consent.purpose == purpose_id:
                if consent.is_active(now):
                    if not since or consent.policy_version >= since:
                        return rule.allowed
                    stale = True  # given before the purpose was new or changed
                else:
                    withdrawn = withdrawn or consent.is_withdrawn(now)
        if stale or (not withdrawn and _predates(subject, since)):
            return table.deny("fresh_consent_needed", rule)
        return table.deny("consent_withdrawn" if withdrawn else "no_consent", rule)
    return rule.allowed


def _predates(subject: SubjectState, since: int) -> bool:
    """Whether the subject was registered before the version that made the purpose new or
    changed it: such a subject is asked for fresh consent, not merely for consent."""
    return bool(since) and subject.policy_version is not None and subject.policy_version < since


def _recipient_refusal(
    table: DecisionTable,
    rule: PurposeRule,
    recipient_id: str,
    fields: Collection[str],
    now: dt.datetime,
) -> Decision | None:
    recipient = table.recipients.get(recipient_id)
    if recipient is None:
        return table.deny("recipient_unknown", rule)
    if rule.id not in recipient.purposes:
        return table.deny("recipient_not_for_purpose", rule, recipient=recipient.id)
    if recipient.fields is not None and not recipient.fields.issuperset(fields):
        outside = [f for f in fields if f not in recipient.fields]
        return table.deny(
            "recipient_not_allowed_for_field",
            rule,
            recipient=recipient.id,
            fields=outside,
        )
    if recipient.valid_from is not None or recipient.valid_until is not None:
        # A contract's dates are days in Vietnam: valid from the first day's 00:00
        # to the last day's 24:00, Vietnam time (UTC+7).
        today = now.astimezone(vietnam_tz()).date()
        if recipient.valid_from is not None and today < recipient.valid_from:
            return table.deny(
                "contract_not_yet_valid",
                rule,
                recipient=recipient.id,
                date=recipient.valid_from.isoformat(),
            )
        if recipient.valid_until is not None and today > recipient.valid_until:
            return table.deny(
                "contract_expired",
                rule,
                recipient=recipient.id,
                date=recipient.valid_until.isoformat(),
            )
    return None
