"""Rights requests: deadlines from the law profile on the Vietnamese calendar, one extension
at most, the state machine, and the tenant's channel rules (policy key `subject_access`)."""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.calendar import WorkingCalendar, load_vn_calendar
from baomat.domain.errors import Conflict, Forbidden, Invalid
from baomat.domain.periods import end_of_day, last_day, vietnam_tz
from baomat.domain.rights import (
    AccessRules,
    Channel,
    Kind,
    RightsRequest,
    State,
)
from baomat.policy.lawprofile import LawProfile, load_law_profile

TZ = vietnam_tz()
LAW_91 = load_law_profile("law-91-2025")
DECREE_13 = load_law_profile("decree-13-2023")
ALL_RIGHTS = frozenset(k.value for k in Kind)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_vn_calendar()


def at(y: int, m: int, d: int, hh: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, hh, 0, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return end_of_day(dt.date(y, m, d), TZ)


def _request(
    cal: WorkingCalendar,
    kind: Kind = Kind.DELETE,
    received: dt.datetime | None = None,
    profile: LawProfile = LAW_91,
) -> RightsRequest:
    return RightsRequest.receive(
        "r1", "s1", kind, Channel.ASSISTED, received or at(2026, 2, 13), profile, cal
    )


# --- deadlines ------------------------------------------------------------------------------


def test_deletion_request_of_friday_13_february_2026_is_acknowledged_by_24_and_done_by_5_march(
    cal: WorkingCalendar,
) -> None:
    """LAW.md's example: 2 working days after Tết (Sat 14 – Sun 22 Feb), then 20 days."""
    request = _request(cal)
    assert request.acknowledge_due == end_of(2026, 2, 24)
    assert request.due_at == end_of(2026, 3, 5)
    assert last_day(request.due_at) == dt.date(2026, 3, 5)
    assert request.law_profile == "law-91-2025"


def test_due_recomputes_the_deadlines_from_the_profile_the_request_keeps(
    cal: WorkingCalendar,
) -> None:
    request = _request(cal)
    deadlines = request.due(LAW_91, cal)
    assert (deadlines.acknowledge, deadlines.complete) == (end_of(2026, 2, 24), end_of(2026, 3, 5))
    with pytest.raises(ValueError, match="keeps law profile 'law-91-2025'"):
        request.due(DECREE_13, cal)


@pytest.mark.parametrize(
    ("kind", "last"),
    [
        (Kind.ACCESS, dt.date(2026, 2, 23)),  # 10 days: Mon 23 Feb, the first day after Tết
        (Kind.EXPORT, dt.date(2026, 2, 23)),
        (Kind.CORRECT, dt.date(2026, 2, 23)),
        (Kind.WITHDRAW, dt.date(2026, 3, 2)),  # 15 days: Sat 28 Feb moves to Mon 2 Mar
        (Kind.RESTRICT, dt.date(2026, 3, 2)),
        (Kind.OBJECT, dt.date(2026, 3, 2)),
        (Kind.DELETE, dt.date(2026, 3, 5)),
    ],
)
def test_each_kind_runs_on_its_own_rule_of_decree_356_article_5(
    cal: WorkingCalendar, kind: Kind, last: dt.date
) -> None:
    assert last_day(_request(cal, kind).due_at) == last


def test_a_last_day_inside_tet_moves_to_the_first_working_day_after_it(
    cal: WorkingCalendar,
) -> None:
    """Access asked Wed 4 Feb 2026: day 10 is Sat 14 Feb, Tết until Sun 22, so Mon 23 Feb."""
    assert _request(cal, Kind.ACCESS, at(2026, 2, 4)).due_at == end_of(2026, 2, 23)


@pytest.mark.parametrize(
    ("received", "acknowledged_by"),
    [
        (at(2026, 2, 11), dt.date(2026, 2, 13)),  # Wed before Tết: Thu 12, Fri 13
        (at(2026, 2, 14), dt.date(2026, 2, 24)),  # first day of Tết: Mon 23, Tue 24
        (at(2026, 2, 20, 23), dt.date(2026, 2, 24)),  # a late evening inside Tết
    ],
)
def test_acknowledgement_counts_working_days_around_tet(
    cal: WorkingCalendar, received: dt.datetime, acknowledged_by: dt.date
) -> None:
    request = _request(cal, Kind.ACCESS, received)
    assert request.acknowledge_due == end_of_day(acknowledged_by, TZ)


def test_an_acknowledgement_falling_after_the_completion_across_tet_is_due_with_it(
    cal: WorkingCalendar,
) -> None:
    """Access asked Fri 13 Feb 2026: 2 working days end Tue 24 Feb, after Tết, but the 10 days
    to answer end Mon 23 Feb; a request is acknowledged at the latest when it is done."""
    request = _request(cal, Kind.ACCESS, at(2026, 2, 13))
    assert request.due_at == end_of(2026, 2, 23)
    assert request.acknowledge_due == end_of(2026, 2, 23)
    assert request.due(LAW_91, cal).acknowledge == end_of(2026, 2, 23)
    # A deletion's 20 days end later: its acknowledgement keeps its own 2 working days.
    assert _request(cal, Kind.DELETE, at(2026, 2, 13)).acknowledge_due == end_of(2026, 2, 24)


def test_under_decree_13_requests_run_72_hours_and_need_no_acknowledgement(
    cal: WorkingCalendar,
) -> None:
    received = at(2025, 12, 30, 9)
    request = _request(cal, Kind.DELETE, received, DECREE_13)
    assert request.acknowledge_due is None
    assert request.due_at == received + dt.timedelta(hours=72)


# --- one extension, bounded ------------------------------------------------------------------


def test_a_deletion_is_extended_once_by_at_most_20_days_with_a_reason(
    cal: WorkingCalendar,
) -> None:
    """40 days from Fri 13 Feb 2026 is Wed 25 Mar, a working day."""
    request = _request(cal)
    request.extend("the backups must be searched too", at(2026, 3, 2), LAW_91, cal)
    assert request.extended_due == end_of(2026, 3, 25)
    assert request.current_due == end_of(2026, 3, 25)
    assert request.due_at == end_of(2026, 3, 5)
    assert request.extension_reason == "the backups must be searched too"
    with pytest.raises(Conflict, match="already extended; the law allows it once"):
        request.extend("more time", at(2026, 3, 3), LAW_91, cal)


def test_an_extension_may_be_shorter_but_never_longer_than_the_maximum(
    cal: WorkingCalendar,
) -> None:
    request = _request(cal)
    with pytest.raises(Invalid, match="amount: must be 1 to 20 days"):
        request.extend("reason", at(2026, 3, 2), LAW_91, cal, amount=21)
    with pytest.raises(Invalid, match="amount"):
        request.extend("reason", at(2026, 3, 2), LAW_91, cal, amount=0)
    assert request.extended_due is None
    request.extend("reason", at(2026, 3, 2), LAW_91, cal, amount=5)
    assert request.extended_due == end_of(2026, 3, 10)  # 25 days: Tue 10 Mar


def test_an_access_request_is_extended_by_at_most_10_days(cal: WorkingCalendar) -> None:
    request = _request(cal, Kind.ACCESS)
    with pytest.raises(Invalid, match="must be 1 to 10 days"):
        request.extend("reason", at(2026, 2, 16), LAW_91, cal, amount=11)


def test_an_extension_needs_a_reason_and_comes_before_the_deadline(
    cal: WorkingCalendar,
) -> None:
    request = _request(cal)
    with pytest.raises(Invalid, match="reason: must say why"):
        request.extend("  ", at(2026, 3, 2), LAW_91, cal)
    with pytest.raises(Conflict, match="deadline has passed"):
        request.extend("late", end_of(2026, 3, 5), LAW_91, cal)


def test_decree_13_allows_no_extension(cal: WorkingCalendar) -> None:
    request = _request(cal, Kind.DELETE, at(2025, 12, 30), DECREE_13)
    with pytest.raises(Conflict, match="allows no extension of 'delete'"):
        request.extend("reason", at(2025, 12, 31), DECREE_13, cal)


def test_a_closed_request_cannot_be_extended(cal: WorkingCalendar) -> None:
    request = _request(cal)
    request.refuse("a legal hold keeps the data", at(2026, 2, 16))
    with pytest.raises(Conflict, match="already refused"):
        request.extend("reason", at(2026, 2, 17), LAW_91, cal)


# --- states ---------------------------------------------------------------------------------


def test_a_request_runs_received_acknowledged_in_progress_done(cal: WorkingCalendar) -> None:
    request = _request(cal)
    states = [request.state]
    request.acknowledge(at(2026, 2, 23))
    states.append(request.state)
    request.start(at(2026, 2, 24))
    states.append(request.state)
    request.complete(at(2026, 2, 25))
    states.append(request.state)
    assert states == [State.RECEIVED, State.ACKNOWLEDGED, State.IN_PROGRESS, State.DONE]
    assert request.completed_at == at(2026, 2, 25)
    assert not request.is_open


def test_steps_cannot_be_skipped_or_repeated(cal: WorkingCalendar) -> None:
    request = _request(cal)
    with pytest.raises(Conflict, match="it is received; only a request acknowledged"):
        request.start(at(2026, 2, 23))
    with pytest.raises(Conflict):
        request.complete(at(2026, 2, 23))
    request.acknowledge(at(2026, 2, 23))
    with pytest.raises(Conflict):
        request.acknowledge(at(2026, 2, 23))


def test_a_refusal_needs_a_reason_and_ends_the_request(cal: WorkingCalendar) -> None:
    request = _request(cal)
    with pytest.raises(Invalid, match="reason"):
        request.refuse("", at(2026, 2, 16))
    request.refuse("the requester could not prove a legal right", at(2026, 2, 16))
    assert request.state is State.REFUSED
    assert request.refusal_reason == "the requester could not prove a legal right"
    with pytest.raises(Conflict, match="already refused"):
        request.refuse("again", at(2026, 2, 17))
    with pytest.raises(Conflict):
        request.acknowledge(at(2026, 2, 17))


def test_a_step_before_receipt_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(Invalid, match="before the request was received"):
        _request(cal).acknowledge(at(2026, 2, 12))


def test_overdue_once_a_deadline_it_had_to_meet_has_come(cal: WorkingCalendar) -> None:
    request = _request(cal)
    assert not request.is_overdue(at(2026, 2, 24, 23))
    assert request.is_overdue(end_of(2026, 2, 24))  # not acknowledged in 2 working days
    request.acknowledge(end_of(2026, 2, 24))
    assert not request.is_overdue(at(2026, 3, 5, 23))
    assert request.is_overdue(end_of(2026, 3, 5))


def test_an_extended_request_is_overdue_only_after_the_extended_deadline(
    cal: WorkingCalendar,
) -> None:
    request = _request(cal)
    request.acknowledge(at(2026, 2, 23))
    request.extend("reason", at(2026, 3, 2), LAW_91, cal)
    assert not request.is_overdue(end_of(2026, 3, 5))
    assert request.is_overdue(end_of(2026, 3, 25))
    request.start(at(2026, 3, 26))
    request.complete(at(2026, 3, 26))
    assert not request.is_overdue(at(2026, 4, 1))


def test_next_deadline_is_the_acknowledgement_until_acknowledged(cal: WorkingCalendar) -> None:
    request = _request(cal)
    assert request.next_deadline() == end_of(2026, 2, 24)
    request.acknowledge(at(2026, 2, 23))
    assert request.next_deadline() == end_of(2026, 3, 5)


# --- channel rules (policy key subject_access) ----------------------------------------------


def test_an_assisted_only_site_refuses_self_service_requests() -> None:
    ecomviet = AccessRules("assisted", "verified_by_staff", ALL_RIGHTS)
    with pytest.raises(Forbidden, match=r"only through its staff \(subject_access.mode: assisted"):
        ecomviet.admit("delete", "self_service", "subject:s1", None)
    assert ecomviet.admit("delete", "assisted", "support.lan", "document_checked") == (
        Kind.DELETE, Channel.ASSISTED, "document_checked",
    )  # fmt: skip


def test_a_self_service_request_is_proven_by_login() -> None:
    wesale = AccessRules("both", "verified_by_staff", ALL_RIGHTS)
    assert wesale.admit("access", "self_service", "subject:s1", None)[2] == "login"
    with pytest.raises(Invalid, match="identity_method"):
        wesale.admit("access", "self_service", "subject:s1", "document_checked")


def test_staff_record_how_they_verified_the_requester_first() -> None:
    wesale = AccessRules("both", "verified_by_staff", ALL_RIGHTS)
    with pytest.raises(Invalid, match="identity_method: staff must verify who is asking"):
        wesale.admit("correct", "assisted", "support.lan", None)
    with pytest.raises(Invalid, match="identity_method: must be one of"):
        wesale.admit("correct", "assisted", "support.lan", "trust_me")
    with pytest.raises(Invalid, match="actor"):
        wesale.admit("correct", "assisted", " ", "document_checked")


def test_clever_group_asks_the_requester_to_prove_a_legal_right() -> None:
    clever = AccessRules("both", "legal_right", ALL_RIGHTS)
    with pytest.raises(Invalid, match="must be 'legal_right_proven'"):
        clever.admit("delete", "assisted", "support.minh", "document_checked")
    assert clever.admit("delete", "assisted", "support.minh", "legal_right_proven")[2] == (
        "legal_right_proven"
    )
    assert clever.admit("delete", "self_service", "subject:s1", None)[2] == "login"


def test_a_right_the_policy_does_not_offer_is_refused() -> None:
    rules = AccessRules("both", "login", frozenset({"access", "correct"}))
    with pytest.raises(Forbidden, match="does not offer the right 'export'"):
        rules.admit("export", "self_service", "subject:s1", None)
    with pytest.raises(Invalid, match="kind: must be one of"):
        rules.admit("sell", "self_service", "subject:s1", None)
    with pytest.raises(Invalid, match="channel: must be one of"):
        rules.admit("access", "fax", "subject:s1", None)


def test_a_self_service_only_site_takes_no_assisted_request() -> None:
    rules = AccessRules("self_service", "login", ALL_RIGHTS)
    with pytest.raises(Forbidden, match="only in its self-service portal"):
        rules.admit("access", "assisted", "support.lan", "document_checked")
