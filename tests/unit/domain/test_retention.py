"""Each seed's retention promise, decided on dates; nothing is erased here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from baomat.domain.calendar import WorkingCalendar, load_vn_calendar
from baomat.domain.errors import Conflict, Invalid
from baomat.domain.retention import (
    Action,
    Life,
    ReviewOutcome,
    Verdict,
    decide,
    next_review,
    review,
    rule_for,
)
from baomat.policy.loader import load_policy
from baomat.policy.model import Policy

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "policies"
VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return load_vn_calendar()


def _policy(name: str) -> Policy:
    return load_policy(EXAMPLES / f"{name}.yaml")


def _at(y: int, m: int, d: int, h: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=VN)


def _decide(
    name: str, life: Life, now: dt.datetime, cal: WorkingCalendar, held: bool = False
) -> Verdict:
    policy = _policy(name)
    return decide(rule_for(policy.retention, life.subject_type), life, now, held, cal)


def test_wecan_keeps_a_closed_account_one_year_then_erases(calendar: WorkingCalendar) -> None:
    """[R] kept while the user uses the marketplace, then 1 more year."""
    life = Life("s1", "member", _at(2024, 3, 1), closed_at=_at(2025, 5, 20))
    assert _decide("wecan", life, _at(2026, 5, 20, 9), calendar).action is Action.KEEP
    verdict = _decide("wecan", life, _at(2026, 5, 21, 9), calendar)
    assert verdict.action is Action.ERASE
    assert verdict.due == dt.datetime(2026, 5, 21, tzinfo=VN)  # end of Wed 20 May 2026
    assert "1 years after closure" in verdict.reason


def test_wecan_keeps_an_open_account(calendar: WorkingCalendar) -> None:
    life = Life("s1", "member", _at(2020, 1, 1), closed_at=None)
    assert _decide("wecan", life, _at(2030, 1, 1), calendar).action is Action.KEEP


def test_wesale_erases_a_cancelled_member_only_after_two_years(calendar: WorkingCalendar) -> None:
    """[R] until cancellation; kept at least 2 years (the seed's capacity sentence)."""
    life = Life("s1", "buyer", _at(2025, 6, 2), closed_at=_at(2025, 9, 1))
    assert _decide("wesale", life, _at(2027, 6, 1), calendar).action is Action.KEEP
    verdict = _decide("wesale", life, _at(2027, 6, 3), calendar)
    assert verdict.action is Action.ERASE
    assert "at least 2 years" in verdict.reason


def test_wesale_erases_an_open_account_after_ten_years(calendar: WorkingCalendar) -> None:
    """[R] at most 10 years."""
    life = Life("s1", "seller", _at(2016, 1, 4), closed_at=None)
    verdict = _decide("wesale", life, _at(2026, 1, 6), calendar)
    assert verdict.action is Action.ERASE
    assert verdict.reason == "kept at most 10 years"


def test_ecomviet_erases_as_soon_as_the_customer_cancels(calendar: WorkingCalendar) -> None:
    """[R] kept until the customer asks for cancellation."""
    policy = _policy("ecomviet")
    stype = policy.subject_types[0].id
    life = Life("s1", stype, _at(2026, 1, 5), closed_at=_at(2026, 3, 2))
    assert _decide("ecomviet", life, _at(2026, 3, 2, 13), calendar).action is Action.ERASE
    open_life = Life("s2", stype, _at(2026, 1, 5), closed_at=None)
    assert _decide("ecomviet", open_life, _at(2040, 1, 1), calendar).action is Action.KEEP


def test_wesoft_asks_for_a_review_every_six_months(calendar: WorkingCalendar) -> None:
    """[R] kept as long as needed to serve the customer's requests."""
    stype = _policy("wesoft").subject_types[0].id
    life = Life("s1", stype, _at(2026, 1, 5), closed_at=None)
    assert _decide("wesoft", life, _at(2026, 7, 1), calendar).action is Action.KEEP
    verdict = _decide("wesoft", life, _at(2026, 7, 7), calendar)
    assert verdict.action is Action.REVIEW
    reviewed = Life("s1", stype, _at(2026, 1, 5), closed_at=None, reviewed_at=_at(2026, 7, 7))
    assert _decide("wesoft", reviewed, _at(2026, 7, 8), calendar).action is Action.KEEP


def test_clevergroups_review_keeps_the_data_a_year_from_the_review(
    calendar: WorkingCalendar,
) -> None:
    """[R] until the user asks for deletion or the company deems it unneeded (reviewed yearly)."""
    rule = _policy("clevergroup").retention[0]
    life = Life("s1", "user", _at(2026, 1, 5), closed_at=None)
    assert next_review(rule, life, calendar) == dt.datetime(2027, 1, 6, tzinfo=VN)
    outcome, due = review(rule, life, "keep", _at(2026, 12, 30), calendar)
    # Twelve months from Wed 30 Dec 2026: Thu 30 Dec 2027, ending at its 24:00.
    assert (outcome, due) == (ReviewOutcome.KEEP, dt.datetime(2027, 12, 31, tzinfo=VN))
    assert review(rule, life, "erase", _at(2026, 12, 30), calendar) == (ReviewOutcome.ERASE, None)
    closed = Life("s1", "user", _at(2026, 1, 5), closed_at=_at(2026, 6, 1))
    assert next_review(rule, closed, calendar) is None
    with pytest.raises(Conflict, match="the account is closed"):
        review(rule, closed, "keep", _at(2026, 12, 30), calendar)
    with pytest.raises(Invalid, match="outcome"):
        review(rule, life, "maybe", _at(2026, 12, 30), calendar)


def test_a_rule_that_is_not_while_needed_takes_no_review(calendar: WorkingCalendar) -> None:
    rule = _policy("wecan").retention[0]
    life = Life("s1", "member", _at(2026, 1, 5), closed_at=None)
    assert next_review(rule, life, calendar) is None
    with pytest.raises(Conflict, match="has no reviews"):
        review(rule, life, "keep", _at(2026, 12, 30), calendar)


def test_a_legal_hold_turns_an_erasure_into_held(calendar: WorkingCalendar) -> None:
    stype = _policy("ecomviet").subject_types[0].id
    life = Life("s1", stype, _at(2026, 1, 5), closed_at=_at(2026, 3, 2))
    verdict = _decide("ecomviet", life, _at(2026, 4, 1), calendar, held=True)
    assert verdict.action is Action.HELD


def test_a_subject_type_no_rule_covers_is_a_clear_error() -> None:
    policy = _policy("wecan")
    restricted = [r.model_copy(update={"subject_types": ["nobody"]}) for r in policy.retention]
    with pytest.raises(LookupError, match="no retention rule covers subject type 'member'"):
        rule_for(restricted, "member")
