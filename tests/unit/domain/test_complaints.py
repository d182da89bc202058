"""Complaints: the deadline the tenant's policy promises, on the Vietnamese calendar (Tết
included), the steps the policy offers, contact details, and a history of every step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from baomat.domain.calendar import WorkingCalendar, load_vn_calendar
from baomat.domain.complaints import (
    Category,
    Channel,
    Complaint,
    Complexity,
    Contact,
    State,
    Term,
    parse_category,
    parse_staff_channel,
    resolution_term,
)
from baomat.domain.errors import Conflict, Invalid
from baomat.domain.periods import end_of_day, vietnam_tz
from baomat.policy.lawprofile import load_law_profile

TZ = vietnam_tz()
LAW_91 = load_law_profile("law-91-2025")
STAFF = "staff:lan"


@dataclass(frozen=True)
class Promise:
    """The policy's `complaints.deadline`, as the seeds write it."""

    unit: str
    amount: int | None = None
    min: int | None = None
    max: int | None = None


WESALE = Promise("working_days", amount=10)  # "answered within 10 working days of receipt"
CLEVER = Promise("days", min=7, max=15)  # "within 7 to 15 days depending on complexity"
WESALE_STEPS = ("negotiation", "mediation", "court")


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_vn_calendar()


def at(y: int, m: int, d: int, hh: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, hh, 0, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return end_of_day(dt.date(y, m, d), TZ)


def _complaint(
    cal: WorkingCalendar,
    term: Term | None,
    received: dt.datetime | None = None,
    steps: tuple[str, ...] = WESALE_STEPS,
    complexity: Complexity | None = None,
) -> Complaint:
    when = received or at(2026, 2, 13)
    return Complaint.receive(
        "c1", "s1", Category.BEYOND_PURPOSE, Channel.HOTLINE, "vi", when, when, STAFF, 1, steps,
        "Tôi nhận thư quảng cáo dù chưa đăng ký.", Contact.of(None, "0912 345 678"), complexity,
        term, cal,
    )  # fmt: skip


# --- deadlines ------------------------------------------------------------------------------


def test_a_wesale_complaint_of_friday_13_february_2026_is_due_by_the_end_of_friday_6_march(
    cal: WorkingCalendar,
) -> None:
    """10 working days after Fri 13 Feb, Tết (Sat 14 – Sun 22 Feb, LAW.md) not counted:
    Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5), Mon 2 Mar (6), Tue 3 (7),
    Wed 4 (8), Thu 5 (9), Fri 6 Mar (10); due at 24:00 of Fri 6 Mar 2026."""
    term = resolution_term(WESALE, None, LAW_91)
    assert term == Term(10, "working_days", "policy")
    complaint = _complaint(cal, term)
    assert complaint.due_at == end_of(2026, 3, 6)
    assert not complaint.is_overdue(end_of(2026, 3, 6) - dt.timedelta(microseconds=1))
    assert complaint.is_overdue(end_of(2026, 3, 6))


def test_a_complex_clever_group_complaint_is_due_15_days_after_receipt_and_a_simple_one_7(
    cal: WorkingCalendar,
) -> None:
    """Received Mon 2 Mar 2026: complex → Tue 17 Mar, simple → Mon 9 Mar (working days both)."""
    complex_ = _complaint(
        cal, resolution_term(CLEVER, Complexity.COMPLEX, LAW_91), at(2026, 3, 2), ()
    )
    simple = _complaint(cal, resolution_term(CLEVER, Complexity.SIMPLE, LAW_91), at(2026, 3, 2), ())
    assert complex_.term == Term(15, "days", "policy")
    assert complex_.due_at == end_of(2026, 3, 17)
    assert simple.due_at == end_of(2026, 3, 9)


def test_a_calendar_day_deadline_ending_in_tet_moves_to_the_next_working_day(
    cal: WorkingCalendar,
) -> None:
    """Clever Group, simple, received Fri 13 Feb 2026: day 7 is Fri 20 Feb, inside Tết, so the
    period ends with Mon 23 Feb (Civil Code Art. 148.5); complex: day 15 is Sat 28 Feb, so it
    ends with Mon 2 Mar."""
    simple = _complaint(cal, resolution_term(CLEVER, Complexity.SIMPLE, None), steps=())
    complex_ = _complaint(cal, resolution_term(CLEVER, Complexity.COMPLEX, None), steps=())
    assert simple.due_at == end_of(2026, 2, 23)
    assert complex_.due_at == end_of(2026, 3, 2)


def test_a_range_deadline_needs_the_complexity_and_names_the_field() -> None:
    with pytest.raises(Invalid) as refused:
        resolution_term(CLEVER, None, LAW_91)
    assert refused.value.field == "complexity"
    assert "7 to 15 days" in refused.value.rule


def test_a_tenant_that_promises_no_deadline_gets_none_as_the_law_profiles_set_none() -> None:
    assert LAW_91.find("complaint_resolution") is None
    assert resolution_term(None, None, LAW_91) is None
    assert resolution_term(None, Complexity.COMPLEX, load_law_profile("decree-13-2023")) is None


def test_a_law_profile_rule_for_complaints_would_be_the_fallback() -> None:
    @dataclass(frozen=True)
    class Rule:
        amount: int | None = 30
        unit: str | None = "days"
        extension: None = None

    @dataclass(frozen=True)
    class Profile:
        id: str = "future"

        def find(self, rule_id: str, /) -> Rule | None:
            return Rule() if rule_id == "complaint_resolution" else None

    assert resolution_term(None, None, Profile()) == Term(30, "days", "law_profile:future")
    assert resolution_term(WESALE, None, Profile()) == Term(10, "working_days", "policy")


def test_no_deadline_means_never_overdue(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, None)
    assert complaint.due_at is None
    assert complaint.time_left(at(2027, 1, 1)) is None
    assert not complaint.is_overdue(at(2027, 1, 1))


# --- intake ---------------------------------------------------------------------------------


def test_a_complaint_without_contact_details_is_refused_naming_the_field() -> None:
    with pytest.raises(Invalid) as refused:
        Contact.of(None, "  ")
    assert refused.value.field == "contact"


def test_contact_details_are_validated_and_kept_canonical() -> None:
    assert Contact.of(" An.Tran@Example.VN ", "0912 345 678") == Contact(
        "An.Tran@example.vn", "+84912345678"
    )
    with pytest.raises(Invalid) as bad_email:
        Contact.of("not an address", None)
    assert bad_email.value.field == "contact_email"
    with pytest.raises(Invalid) as bad_phone:
        Contact.of(None, "12")
    assert bad_phone.value.field == "contact_phone"


def test_a_received_time_in_the_future_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(Invalid) as refused:
        Complaint.receive(
            "c1", "s1", Category.LEAK, Channel.POST, "vi", at(2026, 2, 14), at(2026, 2, 13),
            STAFF, 1, (), "Thư bị lộ", Contact.of("an@example.vn", None), None, None, cal,
        )  # fmt: skip
    assert refused.value.field == "received_at"


def test_a_letter_received_last_week_counts_from_the_day_it_arrived(cal: WorkingCalendar) -> None:
    received = at(2026, 3, 2)
    complaint = Complaint.receive(
        "c1", "s1", Category.LEAK, Channel.POST, "en", received, at(2026, 3, 9), STAFF, 1, (),
        "My data leaked", Contact.of("an@example.vn", None), None,
        Term(10, "working_days", "policy"), cal,
    )  # fmt: skip
    assert complaint.due_at == end_of(2026, 3, 16)
    assert complaint.history[0].at == at(2026, 3, 9)


def test_categories_and_staff_channels_are_closed_lists() -> None:
    assert parse_category("leak") is Category.LEAK
    with pytest.raises(Invalid, match="category: must be one of beyond_purpose"):
        parse_category("wrong_purpose_or_scope")
    assert parse_staff_channel("hotline") is Channel.HOTLINE
    with pytest.raises(Invalid, match="channel"):
        parse_staff_channel("web")  # the subject's own channel, not one staff record


# --- steps ----------------------------------------------------------------------------------


def test_every_step_keeps_its_actor_time_and_note(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, resolution_term(WESALE, None, None))
    complaint.acknowledge(at(2026, 2, 23), STAFF, "Đã nhận")
    complaint.investigate(at(2026, 2, 24), "staff:minh")
    complaint.resolve(at(2026, 2, 27), STAFF, "Đã gỡ bạn khỏi danh sách nhận thư.")
    assert [(e.action, e.state, e.actor, e.note) for e in complaint.history] == [
        ("receive", State.RECEIVED, STAFF, None),
        ("acknowledge", State.ACKNOWLEDGED, STAFF, "Đã nhận"),
        ("investigate", State.INVESTIGATING, "staff:minh", None),
        ("resolve", State.RESOLVED, STAFF, "Đã gỡ bạn khỏi danh sách nhận thư."),
    ]
    assert complaint.closed_at == at(2026, 2, 27)
    assert not complaint.holds_data
    assert not complaint.is_overdue(at(2026, 4, 1))  # answered: the deadline was met


def test_a_step_out_of_order_is_a_conflict_and_changes_nothing(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, None)
    with pytest.raises(Conflict, match="it is received; 'resolve' applies only to a complaint "):
        complaint.resolve(at(2026, 2, 23), STAFF, "Xong")
    assert complaint.state is State.RECEIVED
    assert len(complaint.history) == 1


def test_resolving_needs_the_answer_the_complainant_is_told(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, None)
    complaint.acknowledge(at(2026, 2, 23), STAFF)
    complaint.investigate(at(2026, 2, 23), STAFF)
    with pytest.raises(Invalid) as refused:
        complaint.resolve(at(2026, 2, 24), STAFF, " ")
    assert refused.value.field == "note"


def test_wesale_mediates_and_then_escalates_to_court_keeping_the_hold(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, resolution_term(WESALE, None, None))
    complaint.acknowledge(at(2026, 2, 23), STAFF)
    complaint.mediate(at(2026, 2, 24), STAFF, "Mời hòa giải ngày 3/3")
    assert not complaint.awaiting_answer  # mediation proposed: the deadline is met
    assert not complaint.is_overdue(at(2026, 3, 30))
    complaint.escalate(at(2026, 3, 30), STAFF, "Không đạt thỏa thuận; khách hàng khởi kiện")
    assert complaint.state is State.ESCALATED_TO_COURT
    assert complaint.holds_data  # the data is evidence now


def test_mediation_ends_in_an_agreement_that_releases_the_hold(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, None)
    complaint.acknowledge(at(2026, 2, 23), STAFF)
    complaint.investigate(at(2026, 2, 23), STAFF)
    complaint.mediate(at(2026, 2, 24), STAFF)
    complaint.agree(at(2026, 3, 3), STAFF, "Hai bên thỏa thuận bồi thường")
    assert (complaint.state, complaint.holds_data) == (State.AGREED, False)


def test_a_policy_without_mediation_or_court_offers_neither(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, None, steps=())
    complaint.acknowledge(at(2026, 2, 23), STAFF)
    with pytest.raises(Conflict, match=r"no mediation .*complaints.steps: none"):
        complaint.mediate(at(2026, 2, 24), STAFF)
    complaint.investigate(at(2026, 2, 24), STAFF)
    with pytest.raises(Conflict, match="no court"):
        complaint.escalate(at(2026, 2, 25), STAFF, "Khởi kiện")


def test_court_without_mediation_is_reached_from_the_investigation(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, None, steps=("court",))
    complaint.acknowledge(at(2026, 2, 23), STAFF)
    complaint.investigate(at(2026, 2, 23), STAFF)
    complaint.escalate(at(2026, 2, 25), STAFF, "Khởi kiện")
    assert complaint.state is State.ESCALATED_TO_COURT


def test_a_step_before_the_complaint_was_recorded_is_refused(cal: WorkingCalendar) -> None:
    complaint = _complaint(cal, None)
    with pytest.raises(Invalid) as refused:
        complaint.acknowledge(at(2026, 2, 12), STAFF)
    assert refused.value.field == "at"
