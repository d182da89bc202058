"""Reminders before a deadline and the overdue alert at it: when each stage is reached."""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.calendar import WorkingCalendar, load_vn_calendar
from baomat.domain.periods import end_of_day, vietnam_tz
from baomat.domain.reminders import DEFAULT_LEAD_TIMES, OVERDUE, LeadTime, plan, stages

TZ = vietnam_tz()
DUE = end_of_day(dt.date(2026, 3, 6), TZ)  # Wesale's complaint of Fri 13 Feb 2026


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_vn_calendar()


def at(m: int, d: int, hh: int = 0) -> dt.datetime:
    return dt.datetime(2026, m, d, hh, tzinfo=TZ)


def test_two_working_days_before_the_end_of_friday_is_the_start_of_thursday(
    cal: WorkingCalendar,
) -> None:
    """From Thu 5 Mar 00:00 two working days are left: Thursday and Friday."""
    assert [(s.key, s.at) for s in stages(DUE, DEFAULT_LEAD_TIMES, cal)] == [
        ("reminder:2_working_days", at(3, 5)),
        ("reminder:1_days", at(3, 6)),
        (OVERDUE, at(3, 7)),
    ]


def test_working_day_leads_skip_weekends_and_tet(cal: WorkingCalendar) -> None:
    """A deadline at the end of Tue 24 Feb 2026: two working days before is the end of Fri 13
    Feb, the last working day before Tết (Sat 14 – Sun 22 Feb)."""
    due = end_of_day(dt.date(2026, 2, 24), TZ)
    assert LeadTime(2, "working_days").fires_at(due, cal) == end_of_day(dt.date(2026, 2, 13), TZ)
    assert LeadTime(1, "working_days").fires_at(due, cal) == end_of_day(dt.date(2026, 2, 23), TZ)
    assert LeadTime(4, "hours").fires_at(due, cal) == at(2, 24, 20)


def test_nothing_is_reached_before_the_first_reminder(cal: WorkingCalendar) -> None:
    found = plan(DUE, DEFAULT_LEAD_TIMES, cal, at(3, 4, 23))
    assert (found.fire, found.next_at) == (None, at(3, 5))


def test_each_stage_is_reached_in_turn_and_nothing_follows_the_overdue_alert(
    cal: WorkingCalendar,
) -> None:
    second = plan(DUE, DEFAULT_LEAD_TIMES, cal, at(3, 5, 9))
    assert second.fire is not None and second.fire.key == "reminder:2_working_days"
    assert second.next_at == at(3, 6)
    last = plan(DUE, DEFAULT_LEAD_TIMES, cal, at(3, 7))
    assert last.fire is not None and (last.fire.key, last.fire.at) == (OVERDUE, DUE)
    assert last.next_at is None


def test_a_late_look_raises_only_the_most_urgent_stage(cal: WorkingCalendar) -> None:
    """A complaint recorded after its deadline gets the overdue alert, not stale reminders."""
    found = plan(DUE, DEFAULT_LEAD_TIMES, cal, at(3, 20))
    assert found.fire is not None and found.fire.key == OVERDUE


def test_lead_times_read_from_text_and_refuse_nonsense() -> None:
    assert LeadTime.parse(" 2 working_days ") == LeadTime(2, "working_days")
    assert LeadTime.parse("1 days").key == "reminder:1_days"
    for text in ("2 weeks", "two days", "0 days"):
        with pytest.raises(ValueError):
            LeadTime.parse(text)
    with pytest.raises(ValueError):
        LeadTime(1, "months")
