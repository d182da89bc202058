"""When a subject's data must go, by the tenant's retention rules.

Rules come from the policy file's `retention` list (`until_cancelled`,
`after_closure`, `while_needed`, with `min_keep` and `max_keep`); periods
are counted as the Civil Code counts them (`periods.due`). A legal hold (an
open complaint, authority request or incident) blocks any purge.

This decides; it erases nothing. `baomat.services.retention` acts on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from baomat.domain.errors import Conflict, Invalid
from baomat.domain.periods import WorkingDays, due, last_day, vietnam_tz


class Action(StrEnum):
    KEEP = "keep"
    ERASE = "erase"
    REVIEW = "review"
    """The need for the data is due for review (while_needed); nothing is erased."""
    HELD = "held"
    """Erasure is due but a legal hold blocks it."""


class Period(Protocol):
    """A policy `Duration`: an amount of hours, days, working days, months or years."""

    @property
    def amount(self) -> int: ...

    @property
    def unit(self) -> str: ...


class Rule(Protocol):
    """A policy `RetentionRule`, as far as deciding needs it."""

    @property
    def id(self) -> str: ...

    @property
    def subject_types(self) -> list[str] | None: ...

    @property
    def trigger(self) -> str: ...

    @property
    def period(self) -> Period | None: ...

    @property
    def review_every(self) -> Period | None: ...

    @property
    def min_keep(self) -> Period | None: ...

    @property
    def max_keep(self) -> Period | None: ...


@dataclass(frozen=True, slots=True)
class Life:
    """What retention needs to know of a subject: no values, only dates and state."""

    subject: str
    subject_type: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    reviewed_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    subject: str
    action: Action
    rule: str
    reason: str
    """Plain words, e.g. 'account closed 2025-01-05; kept 1 years after closure'."""
    due: dt.datetime | None


_VN = vietnam_tz()


def _after(start: dt.datetime, period: Period, calendar: WorkingDays) -> dt.datetime:
    unit = str(period.unit)
    if unit == "hours":
        return due(start, period.amount, unit, calendar)
    # For day-based units the end depends only on the day of the event in
    # Vietnam (Civil Code Art. 147.2), and a sweep meets the same days again
    # and again: one count per (day, period) is enough.
    return _after_day(start.astimezone(_VN).date(), period.amount, unit, calendar)


@lru_cache(maxsize=1 << 16)
def _after_day(day: dt.date, amount: int, unit: str, calendar: WorkingDays) -> dt.datetime:
    return due(dt.datetime.combine(day, dt.time(12), _VN), amount, unit, calendar)


def _describe(period: Period) -> str:
    return f"{period.amount} {str(period.unit).replace('_', ' ')}"


def decide(rule: Rule, life: Life, now: dt.datetime, held: bool, calendar: WorkingDays) -> Verdict:
    """A subject's life under its retention rule → keep, erase, review or held.

    - `until_cancelled`: erase once the account is closed (cancelled);
    - `after_closure`: erase `period` after the account closed;
    - `while_needed`: erase once the account is closed; while open, a review
      falls due `review_every` after creation, then after each recorded review
      (`next_review`);
    - `min_keep` delays an erasure (never a subject's own deletion request,
      which does not pass through here); `max_keep` forces one, open or not.
    """
    erase_at: dt.datetime | None = None
    reason = ""
    trigger = str(rule.trigger)
    if life.closed_at is not None:
        if trigger == "after_closure" and rule.period is not None:
            erase_at = _after(life.closed_at, rule.period, calendar)
            reason = f"account closed; kept {_describe(rule.period)} after closure"
        else:
            erase_at = life.closed_at
            reason = "account closed"
    if erase_at is not None and rule.min_keep is not None:
        floor = _after(life.created_at, rule.min_keep, calendar)
        if floor > erase_at:
            erase_at, reason = floor, f"{reason}; kept at least {_describe(rule.min_keep)}"
    if rule.max_keep is not None:
        ceiling = _after(life.created_at, rule.max_keep, calendar)
        if erase_at is None or ceiling < erase_at:
            erase_at, reason = ceiling, f"kept at most {_describe(rule.max_keep)}"
    if erase_at is not None and erase_at <= now:
        action = Action.HELD if held else Action.ERASE
        return Verdict(life.subject, action, rule.id, reason, erase_at)
    if trigger == "while_needed":  # the sweep meets every subject: skip the call otherwise
        review_at = next_review(rule, life, calendar)
        if review_at is not None and review_at <= now:
            assert rule.review_every is not None  # next_review found one
            reason = f"need to be reviewed every {_describe(rule.review_every)}"
            return Verdict(life.subject, Action.REVIEW, rule.id, reason, review_at)
    return Verdict(life.subject, Action.KEEP, rule.id, reason or "not due", erase_at)


def next_review(rule: Rule, life: Life, calendar: WorkingDays) -> dt.datetime | None:
    """When the need for an open account's data is next to be reviewed, under a `while_needed`
    rule: `review_every` after the last review (`Life.reviewed_at`), or after creation before
    any; None under another rule or once the account is closed (the sweep then erases it).
    """
    if str(rule.trigger) != "while_needed" or rule.review_every is None:
        return None
    if life.closed_at is not None:
        return None
    return _after(life.reviewed_at or life.created_at, rule.review_every, calendar)


class ReviewOutcome(StrEnum):
    KEEP = "keep"
    """Still needed: kept until the next review, `review_every` from now."""
    ERASE = "erase"
    """No longer needed: erased now, as the sweep erases."""


def review(
    rule: Rule, life: Life, outcome: str, at: dt.datetime, calendar: WorkingDays
) -> tuple[ReviewOutcome, dt.datetime | None]:
    """Staff review whether an open account's data is still needed (`while_needed`) →
    (the outcome, the next review for keep or None for erase).

    Invalid for an unknown outcome; Conflict under a rule without reviews, for a closed
    account (the sweep erases it), or for an erasure before `min_keep` has run.
    """
    try:
        the_outcome = ReviewOutcome(outcome)
    except ValueError:
        known = ", ".join(o.value for o in ReviewOutcome)
        raise Invalid("outcome", f"must be one of {known}") from None
    if str(rule.trigger) != "while_needed" or rule.review_every is None:
        raise Conflict(
            f"subject: its retention rule '{rule.id}' ({rule.trigger}) has no reviews; only "
            "while_needed rules do"
        )
    if life.closed_at is not None:
        raise Conflict("subject: the account is closed; the retention sweep erases its data")
    if the_outcome is ReviewOutcome.ERASE:
        if rule.min_keep is not None:
            floor = _after(life.created_at, rule.min_keep, calendar)
            if at < floor:
                raise Conflict(
                    f"subject: kept at least {_describe(rule.min_keep)}, until the end of "
                    f"{last_day(floor).isoformat()}"
                )
        return the_outcome, None
    reviewed = Life(life.subject, life.subject_type, life.created_at, life.closed_at, at)
    return the_outcome, next_review(rule, reviewed, calendar)


def rule_for(rules: Sequence[Rule], subject_type: str) -> Rule:
    """The first rule that names the subject type, or that applies to every type."""
    for rule in rules:
        if rule.subject_types is None or subject_type in rule.subject_types:
            return rule
    raise LookupError(f"no retention rule covers subject type '{subject_type}'")
