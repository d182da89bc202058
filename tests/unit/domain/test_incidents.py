"""A breach incident's rules: its window, its clock, its notices in phases, its closing."""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.calendar import load_vn_calendar
from baomat.domain.errors import Conflict, Invalid
from baomat.domain.incidents import (
    Incident,
    Notice,
    Outcome,
    Phase,
    Scope,
    State,
    Window,
    breach_deadlines,
)
from baomat.domain.periods import vietnam_tz
from baomat.policy.lawprofile import load_law_profile

TZ = vietnam_tz()
FRI_1630 = dt.datetime(2026, 2, 13, 16, 30, tzinfo=TZ)
NOW = dt.datetime(2026, 2, 13, 18, 0, tzinfo=TZ)
HOUR = dt.timedelta(hours=1)


def _incident(*, affected: int = 3) -> Incident:
    window = Window.check(FRI_1630 - 4 * HOUR, FRI_1630 - HOUR, NOW)
    incident = Incident.open(
        "i1", law_profile="law-91-2025", detected_at=FRI_1630, window=window,
        description="Một tài khoản nhân viên đọc dữ liệu khách hàng", systems=["CRM"],
        scope=Scope(("staff:mallory",)), actor="staff:an", at=NOW,
    )  # fmt: skip
    incident.affected = affected
    incident.authority_due = FRI_1630 + 72 * HOUR
    return incident


def _notice(incident: Incident, phase: Phase, at: dt.datetime) -> Notice:
    number = incident.next_notice(phase, at)
    notice = Notice(number, phase, at, "staff:an", "a" * 64, "b" * 64, incident.is_late(at))
    incident.record_notice(notice)
    return notice


def test_a_window_that_ends_in_the_future_is_refused_naming_the_field() -> None:
    with pytest.raises(Invalid) as refused:
        Window.check(NOW - HOUR, NOW + dt.timedelta(minutes=1), NOW)
    assert refused.value.field == "window_end"
    assert "future" in refused.value.rule


def test_a_window_wholly_in_the_future_is_refused_too() -> None:
    with pytest.raises(Invalid) as refused:
        Window.check(NOW + HOUR, NOW + 2 * HOUR, NOW)
    assert refused.value.field == "window_end"


def test_a_window_must_start_before_it_ends() -> None:
    with pytest.raises(Invalid) as refused:
        Window.check(NOW - HOUR, NOW - HOUR, NOW)
    assert (refused.value.field, refused.value.rule) == (
        "window_start",
        "must be before window_end",
    )


def test_a_naive_time_is_refused_naming_the_field() -> None:
    with pytest.raises(Invalid) as refused:
        Window.check(dt.datetime(2026, 2, 13, 8), NOW - HOUR, NOW)
    assert refused.value.field == "window_start"


@pytest.mark.parametrize(
    ("detected_at", "rule"),
    [
        (NOW + dt.timedelta(seconds=1), "must not be in the future"),
        (FRI_1630 - 5 * HOUR, "must not be before window_start: found once it began"),
    ],
)
def test_a_detection_in_the_future_or_before_the_breach_is_refused(
    detected_at: dt.datetime, rule: str
) -> None:
    window = Window.check(FRI_1630 - 4 * HOUR, FRI_1630 - HOUR, NOW)
    with pytest.raises(Invalid) as refused:
        Incident.open(
            "i1", law_profile="law-91-2025", detected_at=detected_at, window=window,
            description="x", systems=["CRM"], scope=Scope(), actor="staff:an", at=NOW,
        )  # fmt: skip
    assert (refused.value.field, refused.value.rule) == ("detected_at", rule)


def test_an_incident_names_at_least_one_system_and_says_what_happened() -> None:
    window = Window.check(FRI_1630 - HOUR, FRI_1630, NOW)
    for systems, description, field in (([], "x", "systems"), (["CRM"], "  ", "description")):
        with pytest.raises(Invalid) as refused:
            Incident.open(
                "i1", law_profile="law-91-2025", detected_at=FRI_1630, window=window,
                description=description, systems=systems, scope=Scope(), actor="a", at=NOW,
            )  # fmt: skip
        assert refused.value.field == field


def test_a_scope_names_audit_actors_and_declared_subject_types() -> None:
    assert Scope.check(["staff:lan", "apikey:k1", "staff:lan"], ["member"], {"member"}) == Scope(
        ("staff:lan", "apikey:k1"), ("member",)
    )
    with pytest.raises(Invalid) as bad_actor:
        Scope.check(["lan"], [], {"member"})
    with pytest.raises(Invalid) as bad_type:
        Scope.check([], ["seller"], {"member"})
    assert (bad_actor.value.field, bad_type.value.field) == ("actors", "subject_types")


def test_the_authority_notice_is_due_72_hours_after_detection_through_the_weekend() -> None:
    """Law 91 Art. 23.1: 72 hours from discovery, counted straight through (Civil Code Art.
    147.1): found Friday 16:30, due Monday 16:30, Tết notwithstanding."""
    deadlines = breach_deadlines(
        load_law_profile("law-91-2025"), FRI_1630, FRI_1630 - 4 * HOUR, {"name"},
        load_vn_calendar(),
    )  # fmt: skip
    assert deadlines.authority == dt.datetime(2026, 2, 16, 16, 30, tzinfo=TZ)
    assert deadlines.authority.weekday() == 0
    assert deadlines.subjects is None


def test_decree_13_counts_from_the_breach_itself_and_law_91_tells_subjects_of_location_data() -> (
    None
):
    began = FRI_1630 - 4 * HOUR
    old = breach_deadlines(
        load_law_profile("decree-13-2023"), FRI_1630, began, {"name"}, load_vn_calendar()
    )
    new = breach_deadlines(
        load_law_profile("law-91-2025"), FRI_1630, began, {"location"}, load_vn_calendar()
    )
    assert old.authority == began + 72 * HOUR
    assert new.subjects == FRI_1630 + 72 * HOUR


def test_notices_go_initial_then_follow_ups_then_one_final() -> None:
    incident = _incident()
    with pytest.raises(Conflict, match="needs an initial notice first"):
        incident.next_notice(Phase.FOLLOW_UP, NOW)
    first = _notice(incident, Phase.INITIAL, NOW)
    assert (first.number, incident.state) == (1, State.AUTHORITY_NOTIFIED)
    with pytest.raises(Conflict, match="initial notice was sent"):
        incident.next_notice(Phase.INITIAL, NOW)
    assert _notice(incident, Phase.FOLLOW_UP, NOW + HOUR).number == 2
    assert _notice(incident, Phase.FINAL, NOW + 2 * HOUR).number == 3
    with pytest.raises(Conflict, match="final notice"):
        incident.next_notice(Phase.FOLLOW_UP, NOW + 3 * HOUR)


def test_a_complete_notice_may_be_final_at_once() -> None:
    incident = _incident()
    assert _notice(incident, Phase.FINAL, NOW).number == 1


def test_a_first_notice_at_or_after_the_deadline_is_late_and_the_clock_stops_once_sent() -> None:
    incident = _incident()
    due = FRI_1630 + 72 * HOUR
    assert not incident.is_authority_overdue(due - dt.timedelta(seconds=1))
    assert incident.is_authority_overdue(due)
    assert _notice(incident, Phase.INITIAL, due).late
    assert not incident.is_authority_overdue(due + HOUR)


def test_subjects_are_told_once_and_the_state_says_so() -> None:
    incident = _incident()
    incident.notify_subjects(NOW, "staff:an")
    assert incident.state is State.SUBJECTS_NOTIFIED
    with pytest.raises(Conflict, match="already notified"):
        incident.notify_subjects(NOW, "staff:an")
    _notice(incident, Phase.INITIAL, NOW + HOUR)  # A05 may be told after the subjects
    assert incident.state is State.SUBJECTS_NOTIFIED


def test_nobody_to_tell_when_no_subject_is_affected() -> None:
    with pytest.raises(Conflict, match="no subject is affected"):
        _incident(affected=0).notify_subjects(NOW, "staff:an")


def test_a_breach_closes_only_after_the_authority_and_the_subjects_are_told() -> None:
    incident = _incident()
    with pytest.raises(Conflict, match="notify the authority"):
        incident.close(Outcome.BREACH, "Khóa tài khoản", NOW, "staff:an", notifiable=3)
    _notice(incident, Phase.INITIAL, NOW)
    with pytest.raises(Conflict, match="notify the affected subjects"):
        incident.close(Outcome.BREACH, "Khóa tài khoản", NOW, "staff:an", notifiable=3)
    incident.close(Outcome.BREACH, "Khóa tài khoản", NOW, "staff:an", notifiable=0)
    assert (incident.state, incident.closed_at) == (State.CLOSED, NOW)
    with pytest.raises(Conflict, match="closed"):
        incident.next_notice(Phase.FOLLOW_UP, NOW)


def test_an_incident_found_to_be_no_breach_closes_without_notices() -> None:
    incident = _incident()
    incident.close(Outcome.NO_BREACH, "Không có truy cập trái phép", NOW, "staff:an", notifiable=3)
    assert incident.outcome is Outcome.NO_BREACH


def test_no_step_is_dated_before_the_incident_was_opened() -> None:
    incident = _incident()
    with pytest.raises(Invalid) as refused:
        incident.next_notice(Phase.INITIAL, NOW - HOUR)
    assert refused.value.field == "at"
