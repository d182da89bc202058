"""The Vietnamese working-day calendar on 2025–2027 dates (LAW.md "Working days")."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import holidays
import pytest
import yaml

from baomat.domain.calendar import (
    CalendarError,
    CalendarOverrides,
    WorkingCalendar,
    calendar_from_yaml,
    load_vn_calendar,
)

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_vn_calendar()


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# --- the holidays package checked against LAW.md ------------------------------------


def test_holidays_package_2026_tet_matches_the_public_sector_schedule_in_law_md() -> None:
    """LAW.md: public-sector Tết 2026 is Sat 14 – Sun 22 Feb [text], so Mon 16 – Fri 20 are off.

    The package (0.109) lists exactly Mon 16 – Fri 20 Feb for February 2026;
    with the weekends on either side that is the nine days Sat 14 – Sun 22.
    """
    listed = holidays.country_holidays("VN", years=2026)
    february = sorted(d for d in listed if d.month == 2)
    assert february == days(D(2026, 2, 16), D(2026, 2, 20))
    assert D(2026, 2, 14).weekday() == 5 and D(2026, 2, 22).weekday() == 6


def test_2026_tet_is_nine_days_off_between_two_working_fridays_and_mondays(
    cal: WorkingCalendar,
) -> None:
    assert cal.is_working_day(D(2026, 2, 13))
    assert not any(cal.is_working_day(d) for d in days(D(2026, 2, 14), D(2026, 2, 22)))
    assert cal.is_working_day(D(2026, 2, 23))


def test_2025_tet_gives_monday_27_to_friday_31_january_off(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(D(2025, 1, 24))
    assert not any(cal.is_working_day(d) for d in days(D(2025, 1, 25), D(2025, 2, 2)))
    assert cal.is_working_day(D(2025, 2, 3))


def test_2027_tet_follows_the_package_thursday_4_to_wednesday_10_february(
    cal: WorkingCalendar,
) -> None:
    """Lunar New Year's Day is Sat 6 Feb 2027; no official schedule yet [check]."""
    assert cal.is_working_day(D(2027, 2, 3))
    assert not any(cal.is_working_day(d) for d in days(D(2027, 2, 4), D(2027, 2, 10)))
    assert cal.is_working_day(D(2027, 2, 11))


# --- 30 April – 1 May -----------------------------------------------------------------


def test_2025_reunification_break_runs_30_april_to_4_may(cal: WorkingCalendar) -> None:
    """30 Apr and 1 May by statute, Fri 2 May swapped, then the weekend [text]."""
    assert not any(cal.is_working_day(d) for d in days(D(2025, 4, 30), D(2025, 5, 4)))
    assert cal.is_working_day(D(2025, 4, 29))
    assert cal.is_working_day(D(2025, 5, 5))


def test_swap_saturday_26_april_2025_counts_as_a_working_day(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(D(2025, 4, 26))
    assert not cal.is_working_day(D(2025, 4, 27))
    assert cal.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)


def test_2026_reunification_and_labour_day_fall_on_thursday_and_friday(
    cal: WorkingCalendar,
) -> None:
    assert not cal.is_working_day(D(2026, 4, 30))
    assert not cal.is_working_day(D(2026, 5, 1))
    assert cal.is_working_day(D(2026, 4, 29))
    assert cal.is_working_day(D(2026, 5, 4))


def test_2026_hung_kings_day_on_a_sunday_moves_to_monday_27_april(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(D(2026, 4, 27))
    assert cal.is_working_day(D(2026, 4, 28))


# --- National Day ---------------------------------------------------------------------


def test_2025_national_day_gives_monday_1_and_tuesday_2_september_off(
    cal: WorkingCalendar,
) -> None:
    assert not cal.is_working_day(D(2025, 9, 1))
    assert not cal.is_working_day(D(2025, 9, 2))
    assert cal.is_working_day(D(2025, 9, 3))


def test_2026_national_day_break_runs_29_august_to_2_september(cal: WorkingCalendar) -> None:
    """Mon 31 Aug is swapped against the working Saturday 22 Aug [summary]."""
    assert not any(cal.is_working_day(d) for d in days(D(2026, 8, 29), D(2026, 9, 2)))
    assert cal.is_working_day(D(2026, 8, 28))
    assert cal.is_working_day(D(2026, 9, 3))


def test_saturday_22_august_2026_is_a_made_up_working_day(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(D(2026, 8, 22))
    assert not cal.is_working_day(D(2026, 8, 23))


def test_2027_national_day_on_a_thursday_adds_friday_3_september(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(D(2027, 9, 2))
    assert not cal.is_working_day(D(2027, 9, 3))
    assert cal.is_working_day(D(2027, 9, 1))
    assert cal.is_working_day(D(2027, 9, 6))


# --- 24 November ----------------------------------------------------------------------


def test_vietnam_culture_day_listed_by_the_package_is_removed_by_the_data_file(
    cal: WorkingCalendar,
) -> None:
    """The package lists 24 Nov from 2026 [check]; vn.yaml's remove_holidays takes it out."""
    assert D(2026, 11, 24) in holidays.country_holidays("VN", years=2026)
    assert cal.is_working_day(D(2026, 11, 24))
    assert cal.is_working_day(D(2027, 11, 24))


def test_removing_culture_day_also_removes_its_day_in_lieu(cal: WorkingCalendar) -> None:
    """24 Nov 2029 is a Saturday; the package then gives Mon 26 Nov off."""
    assert D(2029, 11, 26) in holidays.country_holidays("VN", years=2029)
    assert cal.is_working_day(D(2029, 11, 26))


def test_a_calendar_without_removals_keeps_culture_day_off() -> None:
    assert not WorkingCalendar().is_working_day(D(2026, 11, 24))


def test_a_tenant_can_reinstate_culture_day_through_its_overrides(cal: WorkingCalendar) -> None:
    tenant = cal.with_overrides(CalendarOverrides(days_off=frozenset({D(2026, 11, 24)})))
    assert not tenant.is_working_day(D(2026, 11, 24))
    assert cal.is_working_day(D(2026, 11, 24))


# --- overrides and layering -----------------------------------------------------------


def test_tenant_working_day_overrides_a_public_holiday(cal: WorkingCalendar) -> None:
    tenant = load_vn_calendar(CalendarOverrides(working_days=frozenset({D(2026, 2, 16)})))
    assert tenant.is_working_day(D(2026, 2, 16))
    assert tenant.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 16)


def test_tenant_cannot_list_a_day_both_off_and_working() -> None:
    with pytest.raises(CalendarError, match="2026-03-02"):
        CalendarOverrides(
            days_off=frozenset({D(2026, 3, 2)}), working_days=frozenset({D(2026, 3, 2)})
        )


def test_data_file_days_off_and_working_days_override_the_plain_week() -> None:
    cal = WorkingCalendar(days_off=[D(2025, 6, 4)], working_days=[D(2025, 6, 7)])
    assert not cal.is_working_day(D(2025, 6, 4))
    assert cal.is_working_day(D(2025, 6, 7))
    assert not cal.is_working_day(D(2025, 6, 8))


def test_is_working_day_refuses_a_datetime(cal: WorkingCalendar) -> None:
    with pytest.raises(TypeError):
        cal.is_working_day(dt.datetime(2026, 2, 13, 9, 0))


# --- counting -------------------------------------------------------------------------


def test_next_working_day_after_the_friday_before_tet_2026_is_monday_23_february(
    cal: WorkingCalendar,
) -> None:
    assert cal.next_working_day(D(2026, 2, 13)) == D(2026, 2, 23)


def test_adding_zero_working_days_gives_the_same_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2026, 2, 14), 0) == D(2026, 2, 14)


def test_adding_negative_working_days_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        cal.add_working_days(D(2026, 2, 13), -1)


def test_add_working_days_lands_on_a_working_day_and_counts_exactly_n(
    cal: WorkingCalendar,
) -> None:
    """Property over every day of 2025–2027 and n in 0..25, checked by brute force."""
    for start in days(D(2025, 1, 1), D(2027, 12, 31)):
        for n in (0, 1, 2, 3, 5, 10, 15, 20, 25):
            end = cal.add_working_days(start, n)
            between = days(start + dt.timedelta(days=1), end)
            assert sum(cal.is_working_day(d) for d in between) == n, (start, n)
            if n:
                assert cal.is_working_day(end), (start, n)
                assert cal.count_working_days(start, end) == n


# --- the data file --------------------------------------------------------------------


def test_the_data_file_ships_as_package_data() -> None:
    data = resources.files("baomat") / "data" / "calendars" / "vn.yaml"
    assert data.is_file()
    assert "baomat/calendar@1" in data.read_text(encoding="utf-8")


def test_every_data_file_entry_has_a_source_and_a_confidence_mark() -> None:
    text = (resources.files("baomat") / "data" / "calendars" / "vn.yaml").read_text("utf-8")
    doc = yaml.safe_load(text)
    entries = list(doc["remove_holidays"])
    for spec in doc["years"].values():
        entries += spec.get("days_off", []) + spec.get("working_days", [])
    assert entries
    for entry in entries:
        assert entry["source"].strip()
        assert entry["confidence"] in {"text", "summary", "check"}


BAD = """
format: baomat/calendar@1
country: VN
years:
  2026:
    days_off:
      - date: 2026-03-02
        name: x
        source: y
        confidence: {confidence}
"""


def test_an_entry_without_a_known_confidence_mark_is_refused_with_its_location() -> None:
    with pytest.raises(CalendarError, match=r"years\.2026\.days_off\[0\]: confidence"):
        calendar_from_yaml(BAD.format(confidence="sure"), origin="t.yaml")


def test_an_entry_outside_its_year_is_refused() -> None:
    text = BAD.format(confidence="text").replace("2026-03-02", "2027-03-02")
    with pytest.raises(CalendarError, match="not in year 2026"):
        calendar_from_yaml(text)


def test_a_well_formed_document_builds_a_calendar() -> None:
    cal = calendar_from_yaml(BAD.format(confidence="check"))
    assert not cal.is_working_day(D(2026, 3, 2))
