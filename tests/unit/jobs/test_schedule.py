"""Slots of periodic jobs on the Vietnam clock, and the cron lines the queue gets."""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.jobs.schedule import Daily, Every

VN = dt.timezone(dt.timedelta(hours=7))
TWO_AM = Daily(dt.time(2, 0))


def vn(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def test_after_two_in_the_morning_the_daily_slot_is_todays() -> None:
    assert TWO_AM.latest(vn(2026, 3, 1, 3, 0)) == vn(2026, 3, 1, 2, 0)
    assert TWO_AM.latest(vn(2026, 3, 1, 3, 0)).tzinfo == dt.UTC


def test_before_two_in_the_morning_the_daily_slot_is_yesterdays() -> None:
    assert TWO_AM.latest(vn(2026, 3, 1, 1, 59, 59)) == vn(2026, 2, 28, 2, 0)


def test_the_slot_begins_at_two_sharp() -> None:
    assert TWO_AM.latest(vn(2026, 3, 1, 2, 0)) == vn(2026, 3, 1, 2, 0)
    assert TWO_AM.following(vn(2026, 3, 1, 2, 0)) == vn(2026, 3, 2, 2, 0)


def test_the_local_day_decides_not_the_utc_day() -> None:
    # 20:00 UTC on 28 Feb is 03:00 on 1 Mar in Vietnam: 1 Mar's slot has begun.
    assert TWO_AM.latest(dt.datetime(2026, 2, 28, 20, 0, tzinfo=dt.UTC)) == vn(2026, 3, 1, 2, 0)


def test_the_cron_line_names_the_same_instant_in_utc() -> None:
    assert TWO_AM.cron() == "0 19 * * *"
    assert Daily(dt.time(7, 30)).cron() == "30 0 * * *"
    assert Daily(dt.time(6, 15, 5)).cron() == "15 23 * * * 5"


def test_cron_and_slots_agree_over_a_year() -> None:
    croniter = pytest.importorskip("croniter").croniter
    for schedule in (TWO_AM, Daily(dt.time(23, 45)), Every(1), Every(15), Every(300), Every(7200)):
        now = vn(2026, 1, 1, 0, 0, 7) + dt.timedelta(milliseconds=250)  # off any slot
        for _ in range(40):
            now += dt.timedelta(days=9, minutes=37, seconds=11)
            # The queue reads cron lines in UTC (it passes croniter POSIX timestamps).
            utc = now.astimezone(dt.UTC)
            assert croniter(schedule.cron(), utc).get_prev(dt.datetime) == schedule.latest(now)
            assert croniter(schedule.cron(), utc).get_next(dt.datetime) == schedule.following(now)


def test_every_counts_from_the_epoch() -> None:
    assert Every(300).latest(dt.datetime(2026, 3, 1, 10, 7, 30, tzinfo=dt.UTC)) == dt.datetime(
        2026, 3, 1, 10, 5, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("seconds", [0, 7, 45, 90, 5400, 86400])
def test_a_period_that_no_cron_line_can_say_is_refused(seconds: int) -> None:
    with pytest.raises(ValueError, match="must divide a minute, an hour or a day"):
        Every(seconds)
