"""Deadlines counted per the Civil Code 2015 Arts. 145–148 on the Vietnamese calendar.

The end of a day (24:00, Art. 148.6) is 00:00 of the next day, an exclusive bound.
"""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.calendar import WorkingCalendar, load_vn_calendar
from baomat.domain.periods import (
    PeriodUnit,
    add_months,
    due,
    end_of_day,
    last_day,
    vietnam_tz,
)

D = dt.date
TZ = vietnam_tz()


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return end_of_day(D(y, m, d), TZ)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_vn_calendar()


# --- the examples of LAW.md and the seeds ---------------------------------------------


def test_deletion_request_of_friday_13_february_2026_is_acknowledged_by_tuesday_24(
    cal: WorkingCalendar,
) -> None:
    """2 working days: Sat 14 – Sun 22 Feb is Tết, so Mon 23 is day 1 and Tue 24 day 2."""
    assert due(at(2026, 2, 13), 2, "working_days", cal) == end_of(2026, 2, 24)


def test_deletion_request_of_friday_13_february_2026_is_completed_by_thursday_5_march(
    cal: WorkingCalendar,
) -> None:
    """20 days from 14 Feb: 15 in February (14–28) and 5 in March; Thu 5 Mar is a working day."""
    assert due(at(2026, 2, 13), 20, "days", cal) == end_of(2026, 3, 5)


def test_wesale_complaint_of_friday_13_february_2026_is_due_friday_6_march(
    cal: WorkingCalendar,
) -> None:
    """10 working days, counted on the calendar:

    Fri 13 Feb is the day of receipt (not counted); Sat 14 – Sun 22 Feb are Tết
    and weekends; Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5),
    Mon 2 Mar (6), Tue 3 (7), Wed 4 (8), Thu 5 (9), Fri 6 Mar (10).
    """
    assert due(at(2026, 2, 13, 16, 45), 10, "working_days", cal) == end_of(2026, 3, 6)


def test_72_hour_breach_clock_runs_straight_through_the_weekend(cal: WorkingCalendar) -> None:
    """Art. 147.1: discovered Fri 6 Mar 2026 16:30 → notify by Mon 9 Mar 16:30."""
    assert due(at(2026, 3, 6, 16, 30), 72, "hours", cal) == at(2026, 3, 9, 16, 30)


def test_72_hour_clock_runs_straight_through_tet(cal: WorkingCalendar) -> None:
    assert due(at(2026, 2, 15, 8), 72, "hours", cal) == at(2026, 2, 18, 8)


def test_hours_are_counted_from_any_time_zone_and_returned_in_vietnam_time(
    cal: WorkingCalendar,
) -> None:
    start = dt.datetime(2026, 3, 6, 9, 30, tzinfo=dt.UTC)
    result = due(start, 72, "hours", cal)
    assert result == at(2026, 3, 9, 16, 30)
    assert result.utcoffset() == dt.timedelta(hours=7)


# --- Art. 148.5: a last day that is not a working day ---------------------------------


def test_period_ending_on_working_saturday_22_august_2026_does_not_move(
    cal: WorkingCalendar,
) -> None:
    """Fri 7 Aug + 15 days = Sat 22 Aug, a made-up working day: it ends at 24:00 that day."""
    assert due(at(2026, 8, 7), 15, "days", cal) == end_of(2026, 8, 22)


def test_period_ending_on_sunday_30_august_2026_moves_to_thursday_3_september(
    cal: WorkingCalendar,
) -> None:
    """Sat 15 Aug + 15 days = Sun 30 Aug; Mon 31 Aug, Tue 1 and Wed 2 Sep are off, so Thu 3 Sep."""
    result = due(at(2026, 8, 15), 15, "days", cal)
    assert result == end_of(2026, 9, 3)
    assert last_day(result) == D(2026, 9, 3)


def test_period_ending_on_30_april_2025_moves_past_the_swapped_break_to_monday_5_may(
    cal: WorkingCalendar,
) -> None:
    assert due(at(2025, 4, 20), 10, "days", cal) == end_of(2025, 5, 5)


def test_period_ending_on_1_may_2026_moves_to_monday_4_may(cal: WorkingCalendar) -> None:
    assert due(at(2026, 4, 21), 10, "days", cal) == end_of(2026, 5, 4)


def test_period_ending_on_2_september_2025_moves_to_wednesday_3_september(
    cal: WorkingCalendar,
) -> None:
    assert due(at(2025, 8, 23), 10, "days", cal) == end_of(2025, 9, 3)


def test_period_ending_on_2_september_2027_moves_to_monday_6_september(
    cal: WorkingCalendar,
) -> None:
    """2 Sep 2027 is a Thursday and the package gives Fri 3 Sep too [check]."""
    assert due(at(2027, 8, 23), 10, "days", cal) == end_of(2027, 9, 6)


def test_period_ending_in_tet_2025_moves_to_monday_3_february(cal: WorkingCalendar) -> None:
    assert due(at(2025, 1, 19), 10, "days", cal) == end_of(2025, 2, 3)


def test_period_ending_in_tet_2027_moves_to_thursday_11_february(cal: WorkingCalendar) -> None:
    assert due(at(2027, 1, 27), 10, "days", cal) == end_of(2027, 2, 11)


# --- working days across holidays -----------------------------------------------------


def test_working_days_skip_the_2025_reunification_break_but_count_saturday_26_april(
    cal: WorkingCalendar,
) -> None:
    """From Fri 25 Apr 2025: Sat 26 (1), Mon 28 (2), Tue 29 (3), 30 Apr – 4 May off, Mon 5 (4)."""
    assert due(at(2025, 4, 25), 4, "working_days", cal) == end_of(2025, 5, 5)


def test_working_days_skip_2_september_2026_break(cal: WorkingCalendar) -> None:
    """From Fri 28 Aug 2026: 29 Aug – 2 Sep off, so Thu 3 Sep is day 1 and Fri 4 day 2."""
    assert due(at(2026, 8, 28), 2, "working_days", cal) == end_of(2026, 9, 4)


def test_working_days_skip_tet_2027(cal: WorkingCalendar) -> None:
    assert due(at(2027, 2, 3), 1, "working_days", cal) == end_of(2027, 2, 11)


# --- day boundaries and time zones ----------------------------------------------------


def test_the_day_of_the_event_is_its_date_in_vietnam_not_in_utc(cal: WorkingCalendar) -> None:
    """20:00 UTC on Thu 12 Feb 2026 is 03:00 on Fri 13 Feb in Hà Nội."""
    start = dt.datetime(2026, 2, 12, 20, 0, tzinfo=dt.UTC)
    assert due(start, 2, "working_days", cal) == end_of(2026, 2, 24)


def test_an_act_at_23_59_on_the_last_day_is_in_time_and_at_midnight_is_late(
    cal: WorkingCalendar,
) -> None:
    deadline = due(at(2026, 2, 13), 20, "days", cal)
    assert at(2026, 3, 5, 23, 59) < deadline
    assert not at(2026, 3, 6, 0, 0) < deadline


def test_a_naive_start_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due(dt.datetime(2026, 2, 13, 10, 0), 2, "days", cal)


def test_an_unknown_unit_is_refused_with_the_known_units(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="known units: hours, days, working_days"):
        due(at(2026, 2, 13), 2, "fortnights", cal)


def test_a_negative_amount_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        due(at(2026, 2, 13), -1, "days", cal)


def test_period_unit_enum_and_plain_string_give_the_same_deadline(cal: WorkingCalendar) -> None:
    assert due(at(2026, 2, 13), 2, PeriodUnit.WORKING_DAYS, cal) == due(
        at(2026, 2, 13), 2, "working_days", cal
    )


# --- months and years (Art. 148.3–148.4) ----------------------------------------------


def test_a_month_ends_on_the_corresponding_day(cal: WorkingCalendar) -> None:
    assert due(at(2026, 3, 10), 1, "months", cal) == end_of(2026, 4, 10)


def test_a_month_without_the_corresponding_day_ends_on_its_last_day() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2025, 12, 15), 14) == D(2027, 2, 15)


def test_a_year_from_29_february_ends_on_28_february() -> None:
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)


def test_twelve_months_ending_on_a_sunday_move_to_the_next_working_day(
    cal: WorkingCalendar,
) -> None:
    """Art. 148.5 applies to every period counted in days or longer: Sun 7 Mar 2027 → Mon 8."""
    assert due(at(2026, 3, 7), 12, "months", cal) == end_of(2027, 3, 8)
    assert due(at(2026, 3, 7), 1, "years", cal) == end_of(2027, 3, 8)


def test_last_day_reports_the_day_a_deadline_falls_on() -> None:
    assert last_day(end_of(2026, 3, 5)) == D(2026, 3, 5)
    assert last_day(at(2026, 3, 9, 16, 30)) == D(2026, 3, 9)
