"""A data subject's request to use a right (Law 91 Art. 4; Decree 356 Art. 5), and its deadlines.

    request = RightsRequest.receive("r1", "s1", "delete", "assisted", fri_13_feb, law91, cal)
    request.acknowledge_due -> 2026-02-25 00:00 +07 (end of Tue 24 Feb, after Tết)
    request.due_at          -> 2026-03-06 00:00 +07 (end of Thu 5 Mar: 20 days)

A request runs received → acknowledged → in_progress → done, or ends refused
with a reason told to the subject. Its deadlines come from the law profile
in force for the tenant when it arrived, and the request keeps that profile:
the acknowledgement (`acknowledge_request`, 2 working days under Law 91) and
the completion, by kind (`access_copy_correct`, `delete`,
`withdraw_restrict_object`), counted per the Civil Code (`periods.due`). The
completion deadline may be extended once, with a reason, by at most the
profile's `extension.max_amount` (Decree 356 Art. 5.2–5.4).

Who may file a request, and how, is the tenant's promise (policy key
`subject_access`), applied by `AccessRules.admit`. This module reads the law
profile and the policy through small protocols, so the domain imports
neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from baomat.domain.errors import Invalid
from baomat.domain.periods import WorkingDays
from baomat.domain.periods import due as period_due
from baomat.domain.refusals import NotOffered, StepRefused


class Kind(StrEnum):
    """The rights a request can use (Law 91 Art. 4; policy key `subject_access.rights`)."""

    ACCESS = "access"
    EXPORT = "export"
    CORRECT = "correct"
    DELETE = "delete"
    WITHDRAW = "withdraw"
    RESTRICT = "restrict"
    OBJECT = "object"


class Channel(StrEnum):
    SELF_SERVICE = "self_service"
    """Filed by the logged-in subject (the portal)."""
    ASSISTED = "assisted"
    """Entered by staff for the subject, after verifying who is asking."""


class State(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REFUSED = "refused"


OPEN_STATES = frozenset({State.RECEIVED, State.ACKNOWLEDGED, State.IN_PROGRESS})

ACKNOWLEDGE_RULE = "acknowledge_request"
"""Decree 356 Art. 5: acknowledge any request and explain the procedure."""

COMPLETION_RULE: dict[Kind, str] = {
    Kind.ACCESS: "access_copy_correct",  # Decree 356 Art. 5.3: view, copy
    Kind.EXPORT: "access_copy_correct",  # a copy, in a portable form
    Kind.CORRECT: "access_copy_correct",  # Art. 5.3: correct
    Kind.DELETE: "delete",  # Art. 5.4
    Kind.WITHDRAW: "withdraw_restrict_object",  # Art. 5.2
    Kind.RESTRICT: "withdraw_restrict_object",
    Kind.OBJECT: "withdraw_restrict_object",
}
"""The law profile's rule that sets each kind's completion deadline."""

LOGIN = "login"
"""The identity method of a self-service request: the subject's own logged-in session."""

LEGAL_RIGHT_PROVEN = "legal_right_proven"

IDENTITY_METHODS = ("document_checked", "contact_confirmed", LEGAL_RIGHT_PROVEN)
"""How staff verified an assisted requester: an identity document seen, a confirmation
through the contact details already on file, or proof of a legal right to the data."""

MAX_REASON = 2000


# --- what the domain reads of a law profile and of a policy ---------------------------


class ExtensionLimit(Protocol):
    @property
    def max_amount(self) -> int: ...


class DeadlineRule(Protocol):
    """A law-profile rule (`baomat.policy.lawprofile.Rule`)."""

    @property
    def amount(self) -> int | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def extension(self) -> ExtensionLimit | None: ...


class RuleBook(Protocol):
    """A law profile (`baomat.policy.lawprofile.LawProfile`)."""

    @property
    def id(self) -> str: ...
    def find(self, rule_id: str, /) -> DeadlineRule | None: ...


@dataclass(frozen=True, slots=True)
class Deadlines:
    """When a request must be acknowledged (None: the profile sets no such duty) and done."""

    acknowledge: dt.datetime | None
    complete: dt.datetime


@dataclass(frozen=True, slots=True)
class AccessRules:
    """A tenant's promise on how subjects use their rights (policy key `subject_access`).

    `mode` is self_service, assisted or both; `identity_proof` is login,
    verified_by_staff or legal_right; `rights` the kinds offered.
    """

    mode: str
    identity_proof: str
    rights: frozenset[str]

    def admit(
        self, kind: str, channel: str, actor: str, identity_method: str | None
    ) -> tuple[Kind, Channel, str]:
        """Checks a request against the promise → (kind, channel, identity method to record).

        Self-service only where the mode is self_service or both; an assisted
        request is entered by staff who verified the requester first and say
        how (`IDENTITY_METHODS`); under `identity_proof: legal_right` the
        requester must have proven a legal right to the data.
        """
        the_kind = _kind(kind)
        the_channel = _channel(channel)
        if the_kind.value not in self.rights:
            offered = ", ".join(sorted(self.rights)) or "none"
            raise NotOffered(
                "right_not_offered",
                f"kind: the policy does not offer the right '{the_kind.value}' "
                f"(subject_access.rights: {offered})",
            )
        if not actor.strip():
            raise Invalid("actor", "must name who files or enters the request")
        if the_channel is Channel.SELF_SERVICE:
            if self.mode not in ("self_service", "both"):
                raise NotOffered(
                    "self_service_not_offered",
                    "channel: this site takes data requests only through its staff "
                    f"(subject_access.mode: {self.mode}); ask them to enter the request",
                )
            if identity_method not in (None, LOGIN):
                raise Invalid(
                    "identity_method", f"a self-service request is proven by '{LOGIN}' only"
                )
            return the_kind, the_channel, LOGIN
        if self.mode not in ("assisted", "both"):
            raise NotOffered(
                "assisted_not_offered",
                "channel: this site takes data requests only in its self-service portal "
                f"(subject_access.mode: {self.mode})",
            )
        if identity_method is None:
            raise Invalid(
                "identity_method",
                "staff must verify who is asking before entering a request, and record how "
                f"(one of {', '.join(IDENTITY_METHODS)})",
            )
        if identity_method not in IDENTITY_METHODS:
            raise Invalid("identity_method", f"must be one of {', '.join(IDENTITY_METHODS)}")
        if self.identity_proof == "legal_right" and identity_method != LEGAL_RIGHT_PROVEN:
            raise Invalid(
                "identity_method",
                f"must be '{LEGAL_RIGHT_PROVEN}': the policy (subject_access.identity_proof: "
                "legal_right) asks the requester to prove a legal right to the data",
            )
        return the_kind, the_channel, identity_method


# --- the request ------------------------------------------------------------------------


@dataclass(slots=True)
class RightsRequest:
    """One request by one subject; times are aware datetimes, deadlines exclusive instants."""

    id: str
    subject: str
    kind: Kind
    channel: Channel
    law_profile: str
    received_at: dt.datetime
    due_at: dt.datetime
    acknowledge_due: dt.datetime | None = None
    state: State = State.RECEIVED
    purpose: str | None = None
    """withdraw, restrict, object: the purpose concerned; None for every purpose."""
    fields: tuple[str, ...] = ()
    """correct: the fields to correct; empty for any of the subject's fields."""
    identity_method: str | None = None
    identity_verified_by: str | None = None
    extended_due: dt.datetime | None = None
    extension_reason: str | None = None
    refusal_reason: str | None = None
    updated_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None

    @classmethod
    def receive(
        cls,
        request_id: str,
        subject: str,
        kind: Kind,
        channel: Channel,
        at: dt.datetime,
        profile: RuleBook,
        calendar: WorkingDays,
        *,
        purpose: str | None = None,
        fields: Collection[str] = (),
        identity_method: str | None = None,
        identity_verified_by: str | None = None,
    ) -> RightsRequest:
        """A request received at `at`, with its deadlines under `profile` (which it keeps)."""
        _aware(at)
        deadlines = _deadlines(kind, at, profile, calendar)
        return cls(
            id=request_id,
            subject=subject,
            kind=kind,
            channel=channel,
            law_profile=profile.id,
            received_at=at,
            due_at=deadlines.complete,
            acknowledge_due=deadlines.acknowledge,
            purpose=purpose,
            fields=tuple(fields),
            identity_method=identity_method,
            identity_verified_by=identity_verified_by,
            updated_at=at,
        )

    # -- deadlines --

    def due(self, profile: RuleBook, calendar: WorkingDays) -> Deadlines:
        """The request's deadlines under its law profile, before any extension."""
        if profile.id != self.law_profile:
            raise ValueError(
                f"request {self.id} keeps law profile {self.law_profile!r}, not {profile.id!r}"
            )
        return _deadlines(self.kind, self.received_at, profile, calendar)

    @property
    def current_due(self) -> dt.datetime:
        """The completion deadline in force: the extended one once extended."""
        return self.extended_due or self.due_at

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def next_deadline(self) -> dt.datetime:
        """The earliest deadline still to meet: the acknowledgement while unacknowledged."""
        if self.state is State.RECEIVED and self.acknowledge_due is not None:
            return min(self.acknowledge_due, self.current_due)
        return self.current_due

    def is_overdue(self, now: dt.datetime) -> bool:
        """Still open at or after a deadline it had to meet (deadlines are exclusive)."""
        return self.is_open and now >= self.next_deadline()

    # -- transitions --

    def acknowledge(self, at: dt.datetime) -> None:
        """Received → acknowledged: the subject is told it arrived and what happens next."""
        self._move(State.RECEIVED, State.ACKNOWLEDGED, at)

    def start(self, at: dt.datetime) -> None:
        """Acknowledged → in progress."""
        self._move(State.ACKNOWLEDGED, State.IN_PROGRESS, at)

    def complete(self, at: dt.datetime) -> None:
        """In progress → done."""
        self._move(State.IN_PROGRESS, State.DONE, at)
        self.completed_at = at

    def refuse(self, reason: str, at: dt.datetime) -> None:
        """An open request → refused, with the reason the subject is told."""
        text = _reason(reason)
        self._check_time(at)
        if not self.is_open:
            raise StepRefused(
                f"already_{self.state.value}", f"request: it is already {self.state.value}"
            )
        self.state = State.REFUSED
        self.refusal_reason = text
        self.completed_at = self.updated_at = at

    def extend(
        self,
        reason: str,
        at: dt.datetime,
        profile: RuleBook,
        calendar: WorkingDays,
        amount: int | None = None,
    ) -> None:
        """Extends the completion deadline once, with a reason, by at most the law's maximum.

        `amount` (in the rule's unit) defaults to the maximum
        (`extension.max_amount` of the kind's rule). The extended deadline is
        counted from receipt over the original and the extra amount together,
        as the law profile counts an extended period (`Rule.due(extended=True)`).
        """
        text = _reason(reason)
        self._check_time(at)
        if not self.is_open:
            raise StepRefused(
                f"already_{self.state.value}", f"request: it is already {self.state.value}"
            )
        if self.extended_due is not None:
            raise StepRefused(
                "already_extended",
                "request: its deadline was already extended; the law allows it once",
            )
        if at >= self.due_at:
            raise StepRefused(
                "deadline_passed", "request: its deadline has passed; it can no longer be extended"
            )
        if profile.id != self.law_profile:
            raise ValueError(
                f"request {self.id} keeps law profile {self.law_profile!r}, not {profile.id!r}"
            )
        rule_id = COMPLETION_RULE[self.kind]
        rule = _period_rule(profile, rule_id)
        if rule.extension is None:
            raise StepRefused(
                "no_extension",
                f"request: law profile '{profile.id}' allows no extension of '{rule_id}'",
            )
        limit = rule.extension.max_amount
        extra = limit if amount is None else amount
        if isinstance(extra, bool) or not 1 <= extra <= limit:
            raise Invalid(
                "amount", f"must be 1 to {limit} {rule.unit}: the law profile's extension maximum"
            )
        assert rule.amount is not None and rule.unit is not None  # _period_rule checked
        self.extended_due = period_due(self.received_at, rule.amount + extra, rule.unit, calendar)
        self.extension_reason = text
        self.updated_at = at

    def _move(self, expected: State, to: State, at: dt.datetime) -> None:
        self._check_time(at)
        if self.state is not expected:
            raise StepRefused(
                "wrong_state",
                f"request: it is {self.state.value}; only a request {expected.value} "
                f"can become {to.value}",
            )
        self.state = to
        self.updated_at = at

    def _check_time(self, at: dt.datetime) -> None:
        _aware(at)
        if at < self.received_at:
            raise Invalid("at", "is before the request was received")


# --- helpers ------------------------------------------------------------------------------


def _deadlines(
    kind: Kind, received: dt.datetime, profile: RuleBook, calendar: WorkingDays
) -> Deadlines:
    rule = _period_rule(profile, COMPLETION_RULE[kind])
    assert rule.amount is not None and rule.unit is not None
    complete = period_due(received, rule.amount, rule.unit, calendar)
    ack = profile.find(ACKNOWLEDGE_RULE)  # Decree 13 has no acknowledgement duty
    acknowledge = None
    if ack is not None and ack.amount is not None and ack.unit is not None:
        # Working days stop over Tết while calendar days run on, so 2 working days can end
        # after 10 days do: a request is acknowledged at the latest when it is done.
        acknowledge = min(period_due(received, ack.amount, ack.unit, calendar), complete)
    return Deadlines(acknowledge, complete)


def _period_rule(profile: RuleBook, rule_id: str) -> DeadlineRule:
    rule = profile.find(rule_id)
    if rule is None or rule.amount is None or rule.unit is None:
        raise ValueError(f"law profile {profile.id!r} sets no period for {rule_id!r}")
    return rule


def _kind(kind: str) -> Kind:
    try:
        return Kind(kind)
    except ValueError:
        raise Invalid("kind", f"must be one of {', '.join(k.value for k in Kind)}") from None


def _channel(channel: str) -> Channel:
    try:
        return Channel(channel)
    except ValueError:
        raise Invalid("channel", f"must be one of {', '.join(c.value for c in Channel)}") from None


def _reason(reason: str) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise Invalid("reason", "must say why: the subject is told the reason")
    if len(text) > MAX_REASON:
        raise Invalid("reason", f"is longer than {MAX_REASON} characters")
    return text


def _aware(at: dt.datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("times must be timezone-aware")


__all__ = [
    "ACKNOWLEDGE_RULE",
    "COMPLETION_RULE",
    "IDENTITY_METHODS",
    "LEGAL_RIGHT_PROVEN",
    "LOGIN",
    "OPEN_STATES",
    "AccessRules",
    "Channel",
    "DeadlineRule",
    "Deadlines",
    "Kind",
    "RightsRequest",
    "RuleBook",
    "State",
]
