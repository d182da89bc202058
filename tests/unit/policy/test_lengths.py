"""Lengths of time compare exactly in one unit and safely across units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baomat.policy._lengths import Length, compare, compare_amounts, hours_range
from baomat.policy.model import Duration, TimeUnit


def _d(amount: int, unit: str) -> Duration:
    return Duration(amount=amount, unit=TimeUnit(unit))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ((6, "months"), (12, "months"), Length.LONGER),
        ((12, "months"), (6, "months"), Length.SHORTER),
        ((6, "months"), (6, "months"), Length.SAME),
        ((6, "months"), (1, "years"), Length.LONGER),
        ((1, "years"), (6, "months"), Length.SHORTER),
        ((1, "months"), (28, "days"), Length.SHORTER),
        ((1, "months"), (30, "days"), Length.MAYBE_LONGER),  # February is 28 days
        ((30, "days"), (1, "months"), Length.MAYBE_LONGER),
        ((24, "hours"), (1, "days"), Length.SAME),
        ((72, "hours"), (2, "days"), Length.SHORTER),
        ((10, "working_days"), (14, "days"), Length.MAYBE_LONGER),
        ((10, "working_days"), (9, "days"), Length.SHORTER),
        ((10, "working_days"), (2, "months"), Length.LONGER),
        ((12, "months"), (1, "years"), Length.MAYBE_LONGER),
    ],
)
def test_lengths_compare_exactly_in_one_unit_and_conservatively_across_units(
    old: tuple[int, str], new: tuple[int, str], expected: Length
) -> None:
    assert compare(_d(*old), _d(*new)) is expected


def test_a_month_may_be_28_to_31_days_and_a_working_day_at_least_a_day() -> None:
    assert hours_range(1, TimeUnit.MONTHS) == (28 * 24, 31 * 24)
    least, most = hours_range(5, TimeUnit.WORKING_DAYS)
    assert least == 5 * 24
    assert most >= 7 * 24 + 9 * 24  # a week, and Tết in it


units = st.sampled_from(list(TimeUnit))
amounts = st.integers(min_value=1, max_value=100_000)


@given(amounts, units)
def test_a_length_is_the_same_as_itself(amount: int, unit: TimeUnit) -> None:
    assert compare_amounts((amount, unit), (amount, unit)) is Length.SAME


@given(amounts, units, amounts, units)
def test_shorter_is_said_only_when_the_new_length_can_never_be_longer(
    a: int, unit_a: TimeUnit, b: int, unit_b: TimeUnit
) -> None:
    verdict = compare_amounts((a, unit_a), (b, unit_b))
    if verdict is Length.SHORTER and unit_a is not unit_b:
        assert hours_range(b, unit_b)[1] <= hours_range(a, unit_a)[0]
    if verdict is Length.LONGER:
        assert compare_amounts((b, unit_b), (a, unit_a)) is Length.SHORTER


@given(amounts, amounts, units)
def test_in_one_unit_the_larger_amount_is_longer(a: int, b: int, unit: TimeUnit) -> None:
    verdict = compare_amounts((a, unit), (b, unit))
    assert verdict is (Length.LONGER if b > a else Length.SHORTER if b < a else Length.SAME)
