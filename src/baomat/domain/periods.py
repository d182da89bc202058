"""When a period ends, counted as the Civil Code 2015 counts (Arts. 145–148).

- Hours run straight through nights, weekends and holidays from the stated
  moment (Art. 147.1): received 09:00 Fri + 72 hours → 09:00 Mon.
- Days, months and years do not count the day of the event; counting starts
  the next day (Art. 147.2). The period ends at 24:00 of its last day
  (Art. 148.1, 148.3–148.4, 148.6); a month without the corresponding day ends
  on its last day (Art. 148.3). If the last day is a weekly rest day or a
  holiday, the period ends at the end of the next working day (Art. 148.5).
- Working days (Decree 356 Art. 5: "ngày làm việc"): the n-th working day after
  the day of the event, ending at 24:00 of that day.

24:00 of a day is represented as 00:00 of the following day in the deadline's
time zone, an exclusive bound: an act is in time when it happens strictly
before the returned instant. The day a deadline falls on is `last_day(due_at)`.
Times are counted in Asia/Ho_Chi_Minh unless a time zone is passed.

Units are plain strings (or `PeriodUnit`) so this bottom layer needs nothing
from the policy layer; `baomat.policy.model.TimeUnit` values are all accepted.
"""

from __future__ import annotations

import calendar as _gregorian
import datetime as dt
import functools
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

VIETNAM_TZ_NAME = "Asia/Ho_Chi_Minh"


class PeriodUnit(StrEnum):
    """How a period is measured; the values match the policy file's `TimeUnit`."""

    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


class WorkingDays(Protocol):
    """What deadline counting needs from a calendar (`WorkingCalendar` provides it)."""

    def is_working_day(self, day: dt.date, /) -> bool: ...

    def next_working_day(self, day: dt.date, /) -> dt.date: ...

    def add_working_days(self, day: dt.date, n: int, /) -> dt.date: ...

    def __hash__(self) -> int: ...  # counts may be cached per calendar


@functools.cache
def vietnam_tz() -> dt.tzinfo:
    """Asia/Ho_Chi_Minh, loaded on first use rather than at import."""
    try:
        return ZoneInfo(VIETNAM_TZ_NAME)
    except ZoneInfoNotFoundError:
        # No tz database (Windows, slim images without tzdata). Vietnam has kept
        # UTC+7 without daylight saving since 1975, so a fixed offset is exact here.
        return dt.timezone(dt.timedelta(hours=7), "+07")


def due(
    start: dt.datetime,
    amount: int,
    unit: PeriodUnit | str,
    calendar: WorkingDays,
    tz: dt.tzinfo | None = None,
) -> dt.datetime:
    """The instant a period of `amount` `unit`s from `start` ends (Civil Code Arts. 147–148).

    Fri 13 Feb 2026 10:00 +07, 20 days → 2026-03-06 00:00 +07 (end of Thu 5 Mar);
    2 working days → 2026-02-25 00:00 +07 (end of Tue 24 Feb, after Tết).
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    if amount < 0:
        raise ValueError(f"amount must be 0 or more, got {amount}")
    zone = tz or vietnam_tz()
    measure = _unit(unit)
    if measure is PeriodUnit.HOURS:
        # Art. 147.1: counted on the absolute time line, so no wall-clock surprises.
        utc = start.astimezone(dt.UTC) + dt.timedelta(hours=amount)
        return utc.astimezone(zone)
    event_day = start.astimezone(zone).date()
    if measure is PeriodUnit.WORKING_DAYS:
        return end_of_day(calendar.add_working_days(event_day, amount), zone)
    if measure is PeriodUnit.DAYS:
        last = event_day + dt.timedelta(days=amount)
    elif measure is PeriodUnit.MONTHS:
        last = add_months(event_day, amount)
    else:
        last = add_months(event_day, 12 * amount)
    if not calendar.is_working_day(last):
        last = calendar.next_working_day(last)  # Art. 148.5
    return end_of_day(last, zone)


def end_of_day(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """24:00 of `day` (Art. 148.6), as 00:00 of the next day: 5 Mar → 6 Mar 00:00."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz or vietnam_tz())


def last_day(due_at: dt.datetime, tz: dt.tzinfo | None = None) -> dt.date:
    """The day a deadline falls on, for display: 6 Mar 00:00 → 5 Mar; 9 Mar 16:30 → 9 Mar."""
    return (due_at - dt.timedelta(microseconds=1)).astimezone(tz or vietnam_tz()).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or that month's last day (Art. 148.3).

    31 Jan 2026 + 1 → 28 Feb 2026; 29 Feb 2028 + 12 → 28 Feb 2029.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, _gregorian.monthrange(year, month)[1]))


def _unit(unit: PeriodUnit | str) -> PeriodUnit:
    try:
        return PeriodUnit(unit)
    except ValueError:
        known = ", ".join(u.value for u in PeriodUnit)
        raise ValueError(f"unknown period unit {unit!r}; known units: {known}") from None


__all__ = [
    "VIETNAM_TZ_NAME",
    "PeriodUnit",
    "WorkingDays",
    "add_months",
    "due",
    "end_of_day",
    "last_day",
    "vietnam_tz",
]
