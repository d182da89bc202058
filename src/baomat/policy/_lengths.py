"""Is one length of time longer than another? Answered safely across units.

    compare(Duration(amount=6, unit=months), Duration(amount=1, unit=years))  -> Length.SHORTER
    compare(Duration(amount=30, unit=days), Duration(amount=1, unit=months))  -> Length.MAYBE_LONGER

The same unit compares amounts exactly. Across units each length is a range
of hours it may stand for (a month is 28 to 31 days, a year 365 or 366, a
working day at least one calendar day and at most what a week with Tết in
it stretches it to), and a new length counts as shorter only when its
longest reading is within the old one's shortest: when unsure, it may be
longer, which is the reading that tells subjects (policy.diff).
"""

from __future__ import annotations

import math
from enum import StrEnum

from baomat.policy.model import Duration, TimeUnit

_HOURS_PER_DAY = 24

HOLIDAYS_PER_YEAR = 16
"""Days off beyond weekends a year may hold: 11 statutory (Labour Code Art. 112), a Tết
stretched to nine with weekends, and the day a holiday on a rest day moves to. An upper
bound, used only to widen the range of a length in working days."""

WORKING_DAYS_PER_YEAR = 240


class Length(StrEnum):
    SAME = "same"
    SHORTER = "shorter"
    LONGER = "longer"
    MAYBE_LONGER = "maybe_longer"
    """The units do not compare exactly and the new length might be the longer one."""


def hours_range(amount: int, unit: TimeUnit) -> tuple[float, float]:
    """The fewest and the most hours `amount` of `unit` may stand for."""
    if unit is TimeUnit.HOURS:
        return float(amount), float(amount)
    if unit is TimeUnit.DAYS:
        days = float(amount)
        return days * _HOURS_PER_DAY, days * _HOURS_PER_DAY
    if unit is TimeUnit.WORKING_DAYS:
        most = math.ceil(amount * 7 / 5) + HOLIDAYS_PER_YEAR * (amount // WORKING_DAYS_PER_YEAR + 1)
        return float(amount * _HOURS_PER_DAY), float(most * _HOURS_PER_DAY)
    if unit is TimeUnit.MONTHS:
        return float(amount * 28 * _HOURS_PER_DAY), float(amount * 31 * _HOURS_PER_DAY)
    return float(amount * 365 * _HOURS_PER_DAY), float(amount * 366 * _HOURS_PER_DAY)


def compare_amounts(old: tuple[int, TimeUnit], new: tuple[int, TimeUnit]) -> Length:
    """(amount, unit) before and after → how the new length stands to the old one."""
    (old_amount, old_unit), (new_amount, new_unit) = old, new
    if old_unit is new_unit:
        if new_amount == old_amount:
            return Length.SAME
        return Length.LONGER if new_amount > old_amount else Length.SHORTER
    old_least, old_most = hours_range(old_amount, old_unit)
    new_least, new_most = hours_range(new_amount, new_unit)
    if (new_least, new_most) == (old_least, old_most) and new_least == new_most:
        return Length.SAME  # 24 hours and 1 day
    if new_most <= old_least:
        return Length.SHORTER
    if new_least > old_most:
        return Length.LONGER
    return Length.MAYBE_LONGER


def compare(old: Duration, new: Duration) -> Length:
    """Two Durations → how the new one stands to the old one (see `compare_amounts`)."""
    return compare_amounts((old.amount, old.unit), (new.amount, new.unit))
