"""A breach incident: what happened and when, whom it touched, and the notices it calls for.

    window = Window.check(start, end, now)          # end not in the future, start before end
    incident = Incident.open("i1", detected_at=fri_1630, window=window, ..., at=now)
    deadlines = breach_deadlines(law91, fri_1630, start, {"name", "contact"}, cal)
    deadlines.authority -> Mon 16:30 +07 (72 hours straight through, Law 91 Art. 23.1)
    incident.record_notice(Phase.INITIAL, sent_at, "staff:an", sha_html, sha_pdf) -> notice 1
    incident.notify_subjects(at, "staff:an"); incident.close(Outcome.BREACH, "…", at, "staff:an")

An incident runs open → authority_notified → subjects_notified → closed. The
notice to the Ministry of Public Security (A05) may go in phases (LAW.md
"Breach notification contents": notify in phases when facts are incomplete):
an initial notice, follow-ups, and a final one, after which no other; a
single complete notice may be final at once. Subjects are told once, before
or after the first notice. Notices to A05 may follow the subjects' email; the
state says how far the incident got. Closing a breach needs a notice to A05,
and the subjects told when any can be; an incident found to be no breach
(`Outcome.NO_BREACH`) closes without either.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from baomat.domain.errors import Invalid
from baomat.domain.periods import WorkingDays
from baomat.domain.periods import due as period_due
from baomat.domain.refusals import StepRefused


class State(StrEnum):
    OPEN = "open"
    AUTHORITY_NOTIFIED = "authority_notified"
    SUBJECTS_NOTIFIED = "subjects_notified"
    CLOSED = "closed"


class Phase(StrEnum):
    """Which notice to A05 this is: the first with the facts known, more, or the last."""

    INITIAL = "initial"
    FOLLOW_UP = "follow_up"
    FINAL = "final"


class Outcome(StrEnum):
    BREACH = "breach"
    NO_BREACH = "no_breach"
    """Investigated and found not to be a breach: closes without notices."""


AUTHORITY_RULE = "breach_notice_authority"
"""The law profile's rule for the notice to A05 (Law 91 Art. 23.1: 72 hours from discovery)."""
SUBJECTS_RULE = "breach_notice_subjects_location_biometric"
"""The rule for telling subjects when location or biometric data is involved (Decree 356
Art. 29), where the profile has it."""
SUBJECTS_RULE_CATEGORIES = frozenset({"location", "genetic_biometric"})

READ_ACTIONS = (
    "subject.read",
    "attachment.read",
    "disclosure.release",
    "disclosure.approve",
    "complaint.read",
)
"""Audit actions whose `ok` entries mean the actor obtained the named fields' values: a read
for a purpose (values, files, a rights request's access or export), a release to a
recipient, a state agency's request approved, a complaint's text and contact opened."""
READ_OUTCOME = "ok"

COMPLAINT_FIELDS = {"contact": "contact", "description": "user_content", "notes": "user_content"}
"""`complaint.read` names a complaint's parts, not policy fields: their categories."""

ACTOR = re.compile(r"^(staff|apikey|subject|system|job):\S{1,120}$")
"""An audit actor: `staff:<account>`, `apikey:<key id>`, `subject:<id>`, `system:…`, `job:…`."""

MAX_TEXT = 4000
MAX_SYSTEMS = 20
MAX_ACTORS = 50


class BreachRule(Protocol):
    """A law-profile rule (`baomat.policy.lawprofile.Rule`)."""

    @property
    def amount(self) -> int | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def starts_from(self) -> str: ...


class BreachRules(Protocol):
    """A law profile (`baomat.policy.lawprofile.LawProfile`)."""

    @property
    def id(self) -> str: ...
    def find(self, rule_id: str, /) -> BreachRule | None: ...


@dataclass(frozen=True, slots=True)
class Deadlines:
    """When A05 must have the notice, and the subjects theirs where the law counts it."""

    authority: dt.datetime | None
    subjects: dt.datetime | None


def breach_deadlines(
    profile: BreachRules,
    detected_at: dt.datetime,
    occurred_at: dt.datetime,
    categories: Collection[str],
    calendar: WorkingDays,
) -> Deadlines:
    """The profile's breach periods, from discovery or from occurrence as each rule says.

    Hours run straight through nights, weekends and holidays (Civil Code Art. 147.1).
    """

    def due(rule: BreachRule | None) -> dt.datetime | None:
        if rule is None or rule.amount is None or rule.unit is None:
            return None
        start = occurred_at if rule.starts_from == "occurrence" else detected_at
        return period_due(start, rule.amount, str(rule.unit), calendar)

    subjects = None
    if SUBJECTS_RULE_CATEGORIES & set(categories):
        subjects = due(profile.find(SUBJECTS_RULE))
    return Deadlines(due(profile.find(AUTHORITY_RULE)), subjects)


@dataclass(frozen=True, slots=True)
class Window:
    """When the breach ran: `start` to `end`, both included."""

    start: dt.datetime
    end: dt.datetime

    @classmethod
    def check(cls, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> Window:
        """Invalid naming the field: an end in the future, or a start not before the end."""
        _aware("window_start", start)
        _aware("window_end", end)
        if end > now:
            raise Invalid("window_end", "must not be in the future: the window is what happened")
        if start >= end:
            raise Invalid("window_start", "must be before window_end")
        return cls(start, end)


@dataclass(frozen=True, slots=True)
class Scope:
    """How the affected subjects are found: every subject whose fields one of `actors` read in
    the window, and every subject of `subject_types` whose data the store held then."""

    actors: tuple[str, ...] = ()
    subject_types: tuple[str, ...] = ()

    @classmethod
    def check(
        cls, actors: Sequence[str], subject_types: Sequence[str], known_types: Collection[str]
    ) -> Scope:
        if len(actors) > MAX_ACTORS:
            raise Invalid("actors", f"may name at most {MAX_ACTORS} actors")
        for actor in actors:
            if not ACTOR.match(actor):
                raise Invalid(
                    "actors", "each must be an audit actor: staff:<account> or apikey:<key id>"
                )
        for kind in subject_types:
            if kind not in known_types:
                raise Invalid("subject_types", f"'{kind}' is not a subject type of the policy")
        return cls(tuple(dict.fromkeys(actors)), tuple(dict.fromkeys(subject_types)))


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice to A05 as sent: its number, phase, time, sender and content hashes."""

    number: int
    phase: Phase
    sent_at: dt.datetime
    sent_by: str
    html_sha256: str
    pdf_sha256: str
    late: bool


@dataclass(slots=True)
class Incident:
    """One breach (or suspected breach) of a tenant. Times are aware; deadlines exclusive."""

    id: str
    law_profile: str
    detected_at: dt.datetime
    window: Window
    description: str
    systems: tuple[str, ...]
    scope: Scope
    opened_by: str
    opened_at: dt.datetime
    authority_due: dt.datetime | None = None
    subjects_due: dt.datetime | None = None
    affected: int = 0
    state: State = State.OPEN
    notices: list[Notice] = field(default_factory=list)
    subjects_notified_at: dt.datetime | None = None
    subjects_notified_by: str | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    outcome: Outcome | None = None
    closing_measures: str | None = None
    updated_at: dt.datetime | None = None

    @classmethod
    def open(
        cls,
        incident_id: str,
        *,
        law_profile: str,
        detected_at: dt.datetime,
        window: Window,
        description: str,
        systems: Sequence[str],
        scope: Scope,
        actor: str,
        at: dt.datetime,
    ) -> Incident:
        """Invalid naming the field: a detection in the future or before the window began,
        an empty description, no system named."""
        _aware("detected_at", detected_at)
        if detected_at > at:
            raise Invalid("detected_at", "must not be in the future")
        if detected_at < window.start:
            raise Invalid("detected_at", "must not be before window_start: found once it began")
        named = tuple(dict.fromkeys(text("systems", s, 200) for s in systems))
        if not named:
            raise Invalid("systems", "must name at least one affected system")
        if len(named) > MAX_SYSTEMS:
            raise Invalid("systems", f"may name at most {MAX_SYSTEMS} systems")
        return cls(
            incident_id, law_profile, detected_at, window, text("description", description),
            named, scope, actor, at, updated_at=at,
        )  # fmt: skip

    # -- the clock --

    @property
    def authority_notified_at(self) -> dt.datetime | None:
        return self.notices[0].sent_at if self.notices else None

    def is_authority_overdue(self, now: dt.datetime) -> bool:
        """No notice to A05 yet at or after its deadline (deadlines are exclusive)."""
        due = self.authority_due
        return due is not None and not self.notices and now >= due

    def is_late(self, at: dt.datetime) -> bool:
        """Whether a first notice sent at `at` misses the deadline."""
        return self.authority_due is not None and not self.notices and at >= self.authority_due

    # -- steps --

    def next_notice(self, phase: Phase, at: dt.datetime) -> int:
        """Checks `phase` may follow the notices sent → the new notice's number."""
        self._not_closed("send a notice")
        self._after_opening(at)
        if self.notices and self.notices[-1].phase is Phase.FINAL:
            raise StepRefused(
                "final_notice_sent",
                "incident: the final notice to the authority was sent; no other follows",
            )
        if phase is Phase.FOLLOW_UP and not self.notices:
            raise StepRefused(
                "no_initial_notice", "incident: a follow-up notice needs an initial notice first"
            )
        if phase is Phase.INITIAL and self.notices:
            raise StepRefused(
                "initial_notice_sent",
                "incident: the initial notice was sent; send a follow_up or final one",
            )
        return len(self.notices) + 1

    def record_notice(self, notice: Notice) -> None:
        if notice.number != self.next_notice(notice.phase, notice.sent_at):
            raise StepRefused(
                "notice_out_of_order", "incident: notices are numbered in the order they are sent"
            )
        self.notices.append(notice)
        if self.state is State.OPEN:
            self.state = State.AUTHORITY_NOTIFIED
        self.updated_at = notice.sent_at

    def notify_subjects(self, at: dt.datetime, actor: str) -> None:
        """Records that the affected subjects were told (once)."""
        self._not_closed("notify the subjects")
        self._after_opening(at)
        if self.subjects_notified_at is not None:
            raise StepRefused("subjects_notified", "incident: the subjects were already notified")
        if self.affected == 0:
            raise StepRefused(
                "no_affected_subjects",
                "incident: no subject is affected; there is no one to notify",
            )
        self.subjects_notified_at, self.subjects_notified_by = at, actor
        self.state = State.SUBJECTS_NOTIFIED
        self.updated_at = at

    def close(
        self, outcome: Outcome, measures: str, at: dt.datetime, actor: str, *, notifiable: int
    ) -> None:
        """Closes with the measures taken. A breach needs its notice to A05 first, and the
        subjects told when `notifiable` of them can be (not erased since)."""
        self._not_closed("close it")
        self._after_opening(at)
        summary = text("measures", measures)
        if outcome is Outcome.BREACH:
            if not self.notices:
                raise StepRefused(
                    "authority_not_notified",
                    "incident: notify the authority (A05) before closing a breach",
                )
            if notifiable and self.subjects_notified_at is None:
                raise StepRefused(
                    "subjects_not_notified",
                    "incident: notify the affected subjects before closing a breach",
                )
        self.outcome, self.closing_measures = outcome, summary
        self.closed_at, self.closed_by = at, actor
        self.state = State.CLOSED
        self.updated_at = at

    def _not_closed(self, doing: str) -> None:
        if self.state is State.CLOSED:
            raise StepRefused("incident_closed", f"incident: it is closed; cannot {doing}")

    def _after_opening(self, at: dt.datetime) -> None:
        _aware("at", at)
        if at < self.opened_at:
            raise Invalid("at", "is before the incident was opened")


def parse_phase(value: str) -> Phase:
    try:
        return Phase(value)
    except ValueError:
        raise Invalid("phase", "must be one of initial, follow_up, final") from None


def parse_outcome(value: str) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        raise Invalid("outcome", "must be breach or no_breach") from None


def text(field_name: str, value: str, limit: int = MAX_TEXT) -> str:
    """Stripped text of 1 to `limit` characters, else Invalid naming the field."""
    stripped = value.strip() if isinstance(value, str) else ""
    if not stripped:
        raise Invalid(field_name, "must not be empty")
    if len(stripped) > limit:
        raise Invalid(field_name, f"must be at most {limit} characters")
    return stripped


def _aware(field_name: str, at: dt.datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise Invalid(field_name, "must carry a time zone")


__all__ = [
    "AUTHORITY_RULE",
    "COMPLAINT_FIELDS",
    "READ_ACTIONS",
    "READ_OUTCOME",
    "SUBJECTS_RULE",
    "BreachRules",
    "Deadlines",
    "Incident",
    "Notice",
    "Outcome",
    "Phase",
    "Scope",
    "State",
    "Window",
    "breach_deadlines",
    "parse_outcome",
    "parse_phase",
    "text",
]
