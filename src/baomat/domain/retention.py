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

from baomat.domain.periods import WorkingDays, due, vietnam_tz


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
      falls due every `review_every` from creation;
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
    if trigger == "while_needed" and life.closed_at is None and rule.review_every is not None:
        review_at = _after(life.reviewed_at or life.created_at, rule.review_every, calendar)
        if review_at <= now:
            reason = f"need to be reviewed every {_describe(rule.review_every)}"
            return Verdict(life.subject, Action.REVIEW, rule.id, reason, review_at)
    return Verdict(life.subject, Action.KEEP, rule.id, reason or "not due", erase_at)


def rule_for(rules: Sequence[Rule], subject_type: str) -> Rule:
    """The first rule that names the subject type, or that applies to every type."""
    for rule in rules:
        if rule.subject_types is None or subject_type in rule.subject_types:
            return rule
    raise LookupError(f"no retention rule covers subject type '{subject_type}'")
