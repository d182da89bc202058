"""Reminders before a deadline and the alert when it passes: when each is due.

    leads = (LeadTime(2, "working_days"), LeadTime(1, "days"))
    stages(due_at=end of Fri 6 Mar 2026, leads, cal)
    -> reminder:2_working_days at 2026-03-05 00:00 +07 (Thu and Fri left),
       reminder:1_days         at 2026-03-06 00:00 +07 (Fri left),
       overdue                 at 2026-03-07 00:00 +07 (the deadline itself)
    plan(due_at, leads, cal, now=Thu 5 Mar 09:00) -> Plan(fire=reminder:2_working_days,
                                                          next_at=2026-03-06 00:00 +07)

A lead time of n working days fires when n working days of the period are
left, its last day included: at the end of the n-th working day before the
last day, as `periods.due` ends a period at the end of its n-th working day.
Days and hours are taken off the deadline's instant. At most one alert fires
per look: the most urgent stage already reached, so a complaint recorded
after its deadline gets the overdue alert alone, not stale reminders too;
stages skipped that way are never raised later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from baomat.domain.periods import PeriodUnit, WorkingDays, end_of_day, last_day

OVERDUE = "overdue"
REMINDER = "reminder"

_UNITS = (PeriodUnit.HOURS, PeriodUnit.DAYS, PeriodUnit.WORKING_DAYS)
_TEXT = re.compile(r"\s*(\d{1,4})\s*(hours|days|working_days)\s*")


@dataclass(frozen=True, slots=True)
class LeadTime:
    """How long before a deadline a reminder fires: `LeadTime(2, "working_days")`."""

    amount: int
    unit: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not 1 <= self.amount <= 1000:
            raise ValueError(f"a lead time is 1 to 1000 units, got {self.amount}")
        if self.unit not in _UNITS:
            raise ValueError(f"a lead time is in hours, days or working_days, not {self.unit!r}")

    @classmethod
    def parse(cls, text: str) -> LeadTime:
        """`"2 working_days"`, `"1 days"`, `"4 hours"` → the lead time (for configuration)."""
        found = _TEXT.fullmatch(text)
        if found is None:
            raise ValueError(f"a lead time reads like '2 working_days', not {text!r}")
        return cls(int(found[1]), found[2])

    @property
    def key(self) -> str:
        """`reminder:2_working_days`: names the stage, so each is raised once per deadline."""
        return f"{REMINDER}:{self.amount}_{self.unit}"

    def fires_at(
        self, due_at: dt.datetime, calendar: WorkingDays, tz: dt.tzinfo | None = None
    ) -> dt.datetime:
        """The instant the reminder is due, for a deadline at `due_at` (exclusive)."""
        if self.unit == PeriodUnit.HOURS:
            return due_at - dt.timedelta(hours=self.amount)
        if self.unit == PeriodUnit.DAYS:
            return due_at - dt.timedelta(days=self.amount)
        day, counted = last_day(due_at, tz), 0
        while counted < self.amount:
            day -= dt.timedelta(days=1)
            counted += calendar.is_working_day(day)
        return end_of_day(day, tz)


DEFAULT_LEAD_TIMES = (LeadTime(2, PeriodUnit.WORKING_DAYS), LeadTime(1, PeriodUnit.DAYS))
"""Two working days before, and the day before."""


@dataclass(frozen=True, slots=True)
class Stage:
    key: str
    """`reminder:<amount>_<unit>` or `overdue`."""
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Plan:
    fire: Stage | None
    """The most urgent stage reached by now, if any."""
    next_at: dt.datetime | None
    """When the next stage is reached; None once overdue fired."""


def stages(
    due_at: dt.datetime, lead_times: Sequence[LeadTime], calendar: WorkingDays
) -> list[Stage]:
    """Every stage of a deadline, earliest first, the overdue stage last."""
    found = {lead.key: lead.fires_at(due_at, calendar) for lead in lead_times}
    ordered = sorted(found.items(), key=lambda item: item[1])
    return [Stage(key, at) for key, at in ordered] + [Stage(OVERDUE, due_at)]


def plan(
    due_at: dt.datetime,
    lead_times: Sequence[LeadTime],
    calendar: WorkingDays,
    now: dt.datetime,
) -> Plan:
    """What to raise at `now` for a deadline at `due_at`, and when to look again."""
    every = stages(due_at, lead_times, calendar)
    reached = [s for s in every if s.at <= now]
    upcoming = [s for s in every if s.at > now]
    return Plan(reached[-1] if reached else None, upcoming[0].at if upcoming else None)


__all__ = [
    "DEFAULT_LEAD_TIMES",
    "OVERDUE",
    "REMINDER",
    "LeadTime",
    "Plan",
    "Stage",
    "plan",
    "stages",
]
