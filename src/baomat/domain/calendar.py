"""Which days are working days in Vietnam, for counting statutory deadlines.

A day is a working day unless it is a weekly rest day or a day off (LAW.md
"Working days"). Statutory deadlines use the public-sector calendar, built in
layers where a later layer wins over an earlier one:

1. Saturday and Sunday are weekly rest days;
2. the `holidays` package's VN calendar: the holidays of Labour Code 2019
   Art. 112, days off in lieu of a holiday on a rest day (Art. 111) and the
   swaps the package knows;
3. holidays the data file removes (`remove_holidays`);
4. the data file's days off and working days (`data/calendars/vn.yaml`): the
   Government's yearly schedule, each entry with its source;
5. a tenant's own days off and working days (`CalendarOverrides`).

Nothing is read at import time: `WorkingCalendar` loads a year of holidays the
first time a date in it is asked about, and `load_vn_calendar()` reads the data
file on its first call.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import holidays
import yaml

CALENDAR_FORMAT = "baomat/calendar@1"
CONFIDENCE_MARKS = frozenset({"text", "summary", "check"})
"""LAW.md's marks: seen in the text, from a summary, or uncertain."""

_MAX_DAYS_SCANNED = 3_660
"""No real calendar has ten years without a working day; past that, the data is wrong."""


class CalendarError(ValueError):
    """A calendar's data contradicts itself or is malformed; the message names where."""


@dataclass(frozen=True, slots=True)
class RemovedHoliday:
    """A holiday of the `holidays` package not to be treated as a day off.

    `holiday` is the package's English (en_US) name; its observed (in lieu)
    days are removed with it.
    """

    holiday: str
    from_year: int
    until_year: int | None = None

    def applies_to(self, year: int) -> bool:
        return self.from_year <= year and (self.until_year is None or year <= self.until_year)

    def matches(self, name: str) -> bool:
        return name == self.holiday or name.startswith(self.holiday + " (")


@dataclass(frozen=True, slots=True)
class CalendarOverrides:
    """A tenant's own calendar changes (LAW.md: "A tenant may override its calendar")."""

    days_off: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        _check_disjoint("tenant overrides", self.days_off, self.working_days)


@dataclass(frozen=True, slots=True)
class _HolidayYear:
    days_off: frozenset[dt.date]
    working_days: frozenset[dt.date]


class WorkingCalendar:
    """Working days: the public-sector week, holidays, swaps and overrides.

    >>> cal = WorkingCalendar(days_off=[dt.date(2025, 5, 2)])
    >>> cal.is_working_day(dt.date(2025, 5, 2))
    False
    """

    def __init__(
        self,
        *,
        country: str = "VN",
        days_off: Iterable[dt.date] = (),
        working_days: Iterable[dt.date] = (),
        remove_holidays: Iterable[RemovedHoliday] = (),
        overrides: CalendarOverrides | None = None,
    ) -> None:
        self._country = country
        self._days_off = frozenset(days_off)
        self._working_days = frozenset(working_days)
        _check_disjoint("calendar data", self._days_off, self._working_days)
        self._removed = tuple(remove_holidays)
        self._overrides = overrides or CalendarOverrides()
        # Only the holidays-package layer is cached; calendars made by
        # `with_overrides` share it, so a tenant calendar costs nothing to build.
        self._years: dict[int, _HolidayYear] = {}

    def with_overrides(self, overrides: CalendarOverrides) -> WorkingCalendar:
        """The same calendar with a tenant's days off and working days on top."""
        other = WorkingCalendar(
            country=self._country,
            days_off=self._days_off,
            working_days=self._working_days,
            remove_holidays=self._removed,
            overrides=overrides,
        )
        other._years = self._years
        return other

    def is_working_day(self, day: dt.date) -> bool:
        """Whether `day` is a working day (Labour Code 2019 Arts. 111–112 and swaps).

        2 May 2025 → False (swapped day off); Sat 26 Apr 2025 → True (made-up day).
        """
        if isinstance(day, dt.datetime):
            raise TypeError("is_working_day takes a date, not a datetime")
        for working, off in (
            (self._overrides.working_days, self._overrides.days_off),
            (self._working_days, self._days_off),
        ):
            if day in working:
                return True
            if day in off:
                return False
        year = self._holiday_year(day.year)
        if day in year.working_days:
            return True
        if day in year.days_off:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`: Fri 13 Feb 2026 → Mon 23 Feb 2026."""
        return self.add_working_days(day, 1)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day`, which itself is not counted (Civil Code Art. 147.2).

        `n == 0` gives `day` back. Fri 13 Feb 2026 + 2 → Tue 24 Feb 2026 (Tết in between).
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        current, counted, scanned = day, 0, 0
        while counted < n:
            current += dt.timedelta(days=1)
            scanned += 1
            if self.is_working_day(current):
                counted, scanned = counted + 1, 0
            elif scanned > _MAX_DAYS_SCANNED:
                raise CalendarError(f"no working day within {_MAX_DAYS_SCANNED} days of {day}")
        return current

    def count_working_days(self, after: dt.date, through: dt.date) -> int:
        """Working days in (after, through]: the count `add_working_days(after, n)` reaches."""
        total, current = 0, after
        while current < through:
            current += dt.timedelta(days=1)
            total += self.is_working_day(current)
        return total

    def _holiday_year(self, year: int) -> _HolidayYear:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._load_holiday_year(year)
        return cached

    def _load_holiday_year(self, year: int) -> _HolidayYear:
        # A swap can cross a year boundary (the package files the made-up
        # Saturday 27 Dec 2014 under 2015), so neighbouring years are read too.
        days_off: set[dt.date] = set()
        working: set[dt.date] = set()
        removed = [r for r in self._removed if r.applies_to(year)]
        for y in (year - 1, year, year + 1):
            found = holidays.country_holidays(self._country, years=y, language="en_US")
            working.update(d for d in getattr(found, "weekend_workdays", ()) if d.year == year)
            if y != year:
                continue
            for day in found:
                names = [n for n in found.get_list(day) if not any(r.matches(n) for r in removed)]
                if names:
                    days_off.add(day)
        return _HolidayYear(frozenset(days_off), frozenset(working))


def load_vn_calendar(overrides: CalendarOverrides | None = None) -> WorkingCalendar:
    """The public-sector calendar: `holidays` VN plus `data/calendars/vn.yaml`, plus overrides."""
    national = _national_calendar()
    return national if overrides is None else national.with_overrides(overrides)


@functools.cache
def _national_calendar() -> WorkingCalendar:
    source = resources.files("baomat") / "data" / "calendars" / "vn.yaml"
    return calendar_from_yaml(source.read_text(encoding="utf-8"), origin="vn.yaml")


def calendar_from_yaml(text: str, *, origin: str = "calendar") -> WorkingCalendar:
    """Build a calendar from a `baomat/calendar@1` document; errors name the entry."""
    doc = yaml.safe_load(text)
    _expect_keys(doc, origin, required={"format", "country", "years"}, optional={"remove_holidays"})
    if doc["format"] != CALENDAR_FORMAT:
        raise CalendarError(f"{origin}: format must be {CALENDAR_FORMAT!r}, got {doc['format']!r}")
    removed = [
        _removed_holiday(item, f"{origin}: remove_holidays[{i}]")
        for i, item in enumerate(_as_list(doc.get("remove_holidays") or [], origin))
    ]
    years = doc["years"]
    if not isinstance(years, Mapping):
        raise CalendarError(f"{origin}: years must map a year to its days off and working days")
    days_off: list[dt.date] = []
    working_days: list[dt.date] = []
    for year, spec in years.items():
        where = f"{origin}: years.{year}"
        if not isinstance(year, int):
            raise CalendarError(f"{where}: a year must be a number such as 2026")
        _expect_keys(spec, where, required=set(), optional={"days_off", "working_days"})
        for key, into in (("days_off", days_off), ("working_days", working_days)):
            for i, entry in enumerate(_as_list(spec.get(key) or [], f"{where}.{key}")):
                into.extend(_entry_days(entry, year, f"{where}.{key}[{i}]"))
    return WorkingCalendar(
        country=str(doc["country"]),
        days_off=days_off,
        working_days=working_days,
        remove_holidays=removed,
    )


# --- parsing helpers ---------------------------------------------------------------


def _entry_days(entry: Any, year: Any, where: str) -> list[dt.date]:
    _expect_keys(
        entry, where, required={"date", "name", "source", "confidence"}, optional={"until", "note"}
    )
    _expect_source(entry, where)
    first, last = entry["date"], entry.get("until", entry["date"])
    if not (_is_date(first) and _is_date(last)):
        raise CalendarError(f"{where}: date and until must be dates (YYYY-MM-DD)")
    if last < first:
        raise CalendarError(f"{where}: until {last} is before date {first}")
    if first.year != year or last.year != year:
        raise CalendarError(f"{where}: {first}..{last} is not in year {year}")
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _removed_holiday(entry: Any, where: str) -> RemovedHoliday:
    _expect_keys(
        entry,
        where,
        required={"holiday", "from_year", "source", "confidence", "reason"},
        optional={"until_year"},
    )
    _expect_source(entry, where)
    until = entry.get("until_year")
    if not isinstance(entry["from_year"], int) or not (until is None or isinstance(until, int)):
        raise CalendarError(f"{where}: from_year and until_year must be years")
    return RemovedHoliday(str(entry["holiday"]), entry["from_year"], until)


def _expect_keys(value: Any, where: str, *, required: set[str], optional: set[str]) -> None:
    if not isinstance(value, Mapping):
        raise CalendarError(f"{where}: expected a mapping")
    missing = required - value.keys()
    unknown = value.keys() - required - optional
    if missing:
        raise CalendarError(f"{where}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise CalendarError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")


def _expect_source(entry: Mapping[str, Any], where: str) -> None:
    if not str(entry["source"]).strip():
        raise CalendarError(f"{where}: source must not be empty")
    if entry["confidence"] not in CONFIDENCE_MARKS:
        marks = ", ".join(sorted(CONFIDENCE_MARKS))
        raise CalendarError(f"{where}: confidence must be one of {marks}")


def _as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise CalendarError(f"{where}: expected a list")
    return value


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _check_disjoint(what: str, days_off: frozenset[dt.date], working: frozenset[dt.date]) -> None:
    both = sorted(days_off & working)
    if both:
        listed = ", ".join(d.isoformat() for d in both)
        raise CalendarError(f"{what}: {listed} listed both as day off and as working day")


__all__ = [
    "CALENDAR_FORMAT",
    "CONFIDENCE_MARKS",
    "CalendarError",
    "CalendarOverrides",
    "RemovedHoliday",
    "WorkingCalendar",
    "calendar_from_yaml",
    "load_vn_calendar",
]
