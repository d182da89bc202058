"""A complaint about how a tenant handles someone's personal data, and its deadline.

    term = resolution_term(wesale.complaints.deadline, None, law91)  # 10 working_days
    complaint = Complaint.receive("c1", "s1", Category.BEYOND_PURPOSE, Channel.HOTLINE, "vi",
                                  fri_13_feb, fri_13_feb, "staff:lan", 1, ("mediation",),
                                  "…", Contact("an@example.vn", None), None, term, cal)
    complaint.due_at -> 2026-03-07 00:00 +07 (end of Fri 6 Mar: the 10th working day after Tết)
    complaint.acknowledge(at, "staff:lan", None)

A complaint runs received → acknowledged → investigating → resolved, or, where
the tenant's policy offers the steps (`complaints.steps`), from acknowledged
or investigating to mediation, then agreed or escalated to court (from
investigating straight to court when the policy has court but no mediation).
Every transition keeps its actor, time and note; the note is what the
complainant is told, so resolve, agree and escalate need one.

The deadline is the tenant's promise (policy key `complaints.deadline`): one
`amount`, or `min`..`max` chosen by complexity (simple → min, complex → max),
in days or working days, counted per the Civil Code (`periods.due`) from the
day the complaint was received. LAW.md's law profiles set no complaint
deadline: a complaint is not a rights request (Decree 356 Art. 5), and
reading it as a "request for protection measures" (Art. 5.5, a single
[check] source) would invent a promise. So a tenant whose policy names none
(ecomviet, wecan, wesoft) gets a complaint with no deadline, unless its law
profile one day carries a rule `complaint_resolution`, which is then used.

The deadline is met once the complainant has an answer: resolved, or
mediation proposed (which then runs at the parties' pace). A legal hold
keeps the subject's data while the complaint is not settled: it ends when
resolved or agreed; escalated to court keeps it, the data being evidence,
until the DPO releases the hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from baomat.domain.errors import Invalid
from baomat.domain.normalise import InvalidValue
from baomat.domain.periods import WorkingDays
from baomat.domain.periods import due as period_due
from baomat.domain.refusals import StepRefused
from baomat.domain.rights import RuleBook
from baomat.domain.validators import validate


class Category(StrEnum):
    """What the complaint is about (issue 4). The policy's own `complaints.categories`
    (`wrong_purpose_or_scope`, `information_theft`) are promises the notice shows; every
    one falls under these, and no complaint is refused for its category."""

    BEYOND_PURPOSE = "beyond_purpose"
    """Data used for a purpose the policy does not state."""
    BEYOND_SCOPE = "beyond_scope"
    """Data used beyond the stated scope (more fields, more recipients)."""
    LEAK = "leak"
    ACCESS_REFUSED = "access_refused"
    OTHER = "other"


class Complexity(StrEnum):
    SIMPLE = "simple"
    COMPLEX = "complex"


class Channel(StrEnum):
    """How it arrived; the values are the policy's channel kinds (`ChannelKind`)."""

    WEB = "web"
    """Filed by the logged-in subject."""
    HOTLINE = "hotline"
    EMAIL = "email"
    POST = "post"
    IN_PERSON = "in_person"


STAFF_CHANNELS = frozenset({Channel.HOTLINE, Channel.EMAIL, Channel.POST, Channel.IN_PERSON})
"""What staff record: a phone call, an email, a letter, a visit."""


class State(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    MEDIATION = "mediation"
    AGREED = "agreed"
    ESCALATED_TO_COURT = "escalated_to_court"


AWAITING_ANSWER = frozenset({State.RECEIVED, State.ACKNOWLEDGED, State.INVESTIGATING})
"""The deadline runs: reminders and the overdue alert concern these states only."""
SETTLED = frozenset({State.RESOLVED, State.AGREED})
"""The legal hold ends; every other state keeps it."""
OPEN = frozenset(State) - SETTLED - {State.ESCALATED_TO_COURT}
"""Still worked by staff: the queue's default."""

FALLBACK_RULE = "complaint_resolution"
"""A law profile's rule that would set the deadline of a tenant that promises none."""

MAX_TEXT = 4000
MAX_NOTE = 2000


class PromisedDeadline(Protocol):
    """The policy's `complaints.deadline` (`baomat.policy.model.ComplaintDeadline`)."""

    @property
    def unit(self) -> str: ...
    @property
    def amount(self) -> int | None: ...
    @property
    def min(self) -> int | None: ...
    @property
    def max(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Term:
    """The period a complaint must be answered in, and where it comes from."""

    amount: int
    unit: str
    source: str
    """`policy`, or `law_profile:<id>`."""


@dataclass(frozen=True, slots=True)
class Contact:
    """How to reach the complainant: at least an email or a phone number, each validated."""

    email: str | None = None
    phone: str | None = None

    @classmethod
    def of(cls, email: str | None, phone: str | None) -> Contact:
        """→ the canonical contact (E.164 phone, normalised address); Invalid naming the field."""
        email = (email or "").strip() or None
        phone = (phone or "").strip() or None
        if email is None and phone is None:
            raise Invalid(
                "contact", "give an email address or a phone number to reach the complainant"
            )
        return cls(
            None if email is None else _checked("contact_email", "email", email, 320),
            None if phone is None else _checked("contact_phone", "phone", phone, 32),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """One step of a complaint's history: who moved it to which state, when, saying what."""

    action: str
    state: State
    actor: str
    at: dt.datetime
    note: str | None = None


def resolution_term(
    promise: PromisedDeadline | None, complexity: Complexity | None, profile: RuleBook | None
) -> Term | None:
    """The policy's deadline → its term (min for simple, max for complex), else the law
    profile's `complaint_resolution`, else None. Invalid when the range needs a complexity."""
    if promise is not None:
        if promise.amount is not None:
            return Term(promise.amount, str(promise.unit), "policy")
        if promise.min is not None and promise.max is not None:
            if complexity is None:
                raise Invalid(
                    "complexity",
                    f"must be simple or complex: the policy's deadline ({promise.min} to "
                    f"{promise.max} {promise.unit}) depends on it",
                )
            chosen = promise.min if complexity is Complexity.SIMPLE else promise.max
            return Term(chosen, str(promise.unit), "policy")
    rule = None if profile is None else profile.find(FALLBACK_RULE)
    if profile is not None and rule is not None and rule.amount is not None and rule.unit:
        return Term(rule.amount, rule.unit, f"law_profile:{profile.id}")
    return None


@dataclass(slots=True)
class Complaint:
    """One complaint by one subject. Times are aware; `due_at` is an exclusive instant.

    `description`, `contact` and the notes are personal data: the store keeps
    them sealed with the subject's key, and they read as None once it is shredded.
    """

    id: str
    subject: str
    category: Category
    channel: Channel
    language: str
    received_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    policy_version: int
    steps: tuple[str, ...]
    """The policy's `complaints.steps` when it arrived: whether mediation and court exist."""
    description: str | None
    contact: Contact | None
    complexity: Complexity | None = None
    term: Term | None = None
    due_at: dt.datetime | None = None
    state: State = State.RECEIVED
    updated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    history: list[Event] = field(default_factory=list)

    @classmethod
    def receive(
        cls,
        complaint_id: str,
        subject: str,
        category: Category,
        channel: Channel,
        language: str,
        received_at: dt.datetime,
        recorded_at: dt.datetime,
        recorded_by: str,
        policy_version: int,
        steps: Collection[str],
        description: str,
        contact: Contact,
        complexity: Complexity | None,
        term: Term | None,
        calendar: WorkingDays,
    ) -> Complaint:
        """A complaint received at `received_at` (never after `recorded_at`), due per `term`."""
        _aware(received_at)
        _aware(recorded_at)
        if received_at > recorded_at:
            raise Invalid("received_at", "is in the future: a complaint is recorded once received")
        text = _text("description", description, MAX_TEXT)
        due_at = None if term is None else period_due(received_at, term.amount, term.unit, calendar)
        complaint = cls(
            complaint_id, subject, category, channel, language, received_at, recorded_at,
            recorded_by, policy_version, tuple(steps), text, contact, complexity, term, due_at,
            updated_at=recorded_at,
        )  # fmt: skip
        complaint.history.append(Event("receive", State.RECEIVED, recorded_by, recorded_at))
        return complaint

    # -- deadline --

    @property
    def awaiting_answer(self) -> bool:
        return self.state in AWAITING_ANSWER

    @property
    def holds_data(self) -> bool:
        """Whether its legal hold still keeps the subject's data."""
        return self.state not in SETTLED

    def time_left(self, now: dt.datetime) -> dt.timedelta | None:
        """Until the deadline (negative once past); None without a deadline or once answered."""
        if self.due_at is None or not self.awaiting_answer:
            return None
        return self.due_at - now

    def is_overdue(self, now: dt.datetime) -> bool:
        """Still awaiting its answer at or after the deadline (deadlines are exclusive)."""
        left = self.time_left(now)
        return left is not None and left <= dt.timedelta(0)

    # -- transitions, named after the step --

    def acknowledge(self, at: dt.datetime, actor: str, note: str | None = None) -> None:
        """Received → acknowledged: the complainant is told it arrived."""
        self._move("acknowledge", {State.RECEIVED}, State.ACKNOWLEDGED, at, actor, note)

    def investigate(self, at: dt.datetime, actor: str, note: str | None = None) -> None:
        """Acknowledged → investigating."""
        self._move("investigate", {State.ACKNOWLEDGED}, State.INVESTIGATING, at, actor, note)

    def resolve(self, at: dt.datetime, actor: str, note: str) -> None:
        """Investigating → resolved, with the answer the complainant is told."""
        self._move("resolve", {State.INVESTIGATING}, State.RESOLVED, at, actor, note, True)

    def mediate(self, at: dt.datetime, actor: str, note: str | None = None) -> None:
        """Acknowledged or investigating → mediation, where the policy offers it."""
        self._offered("mediation")
        before = {State.ACKNOWLEDGED, State.INVESTIGATING}
        self._move("mediate", before, State.MEDIATION, at, actor, note)

    def agree(self, at: dt.datetime, actor: str, note: str) -> None:
        """Mediation → agreed, with what was agreed."""
        self._move("agree", {State.MEDIATION}, State.AGREED, at, actor, note, True)

    def escalate(self, at: dt.datetime, actor: str, note: str) -> None:
        """Mediation → escalated to court, the last step (or investigating → court where the
        policy has court but no mediation)."""
        self._offered("court")
        before = {State.MEDIATION} if "mediation" in self.steps else {State.INVESTIGATING}
        self._move("escalate", before, State.ESCALATED_TO_COURT, at, actor, note, True)

    def _offered(self, step: str) -> None:
        if step not in self.steps:
            offered = ", ".join(self.steps) or "none"
            raise StepRefused(
                "step_not_offered",
                f"complaint: the policy offers no {step} for complaints "
                f"(complaints.steps: {offered})",
            )

    def _move(
        self,
        action: str,
        before: Collection[State],
        to: State,
        at: dt.datetime,
        actor: str,
        note: str | None,
        note_required: bool = False,
    ) -> None:
        _aware(at)
        if at < self.recorded_at:
            raise Invalid("at", "is before the complaint was recorded")
        if not actor.strip():
            raise Invalid("actor", "must name who acts")
        if self.state not in before:
            allowed = " or ".join(sorted(s.value for s in before))
            raise StepRefused(
                "wrong_state",
                f"complaint: it is {self.state.value}; '{action}' applies only to a complaint "
                f"{allowed}",
            )
        text = None
        if note is not None and note.strip():
            text = _text("note", note, MAX_NOTE)
        elif note_required:
            raise Invalid("note", f"must say what the complainant is told when it is {to.value}")
        self.state = to
        self.updated_at = at
        if to in SETTLED or to is State.ESCALATED_TO_COURT:
            self.closed_at = at
        self.history.append(Event(action, to, actor, at, text))


def parse_category(value: str) -> Category:
    """A category id → Category; Invalid naming the choices."""
    try:
        return Category(value)
    except ValueError:
        names = ", ".join(c.value for c in Category)
        raise Invalid("category", f"must be one of {names}") from None


def parse_complexity(value: str | None) -> Complexity | None:
    if value is None:
        return None
    try:
        return Complexity(value)
    except ValueError:
        raise Invalid("complexity", "must be simple or complex") from None


def parse_staff_channel(value: str) -> Channel:
    """How staff received it: hotline, email, post or in_person."""
    try:
        channel = Channel(value)
    except ValueError:
        channel = None
    if channel not in STAFF_CHANNELS:
        names = ", ".join(sorted(c.value for c in STAFF_CHANNELS))
        raise Invalid("channel", f"must be one of {names}")
    assert channel is not None
    return channel


def _checked(field_name: str, kind: str, value: str, limit: int) -> str:
    try:
        return validate(kind, value, max_length=limit)
    except InvalidValue as bad:
        raise Invalid(field_name, bad.rule) from None


def _text(field_name: str, value: str, limit: int) -> str:
    text = _checked(field_name, "long_text", value if isinstance(value, str) else "", limit)
    if not text:
        raise Invalid(field_name, "must not be empty")
    return text


def _aware(at: dt.datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("times must be timezone-aware")


__all__ = [
    "AWAITING_ANSWER",
    "FALLBACK_RULE",
    "OPEN",
    "SETTLED",
    "STAFF_CHANNELS",
    "Category",
    "Channel",
    "Complaint",
    "Complexity",
    "Contact",
    "Event",
    "PromisedDeadline",
    "State",
    "Term",
    "parse_category",
    "parse_complexity",
    "parse_staff_channel",
    "resolution_term",
]
