"""Complaints over a real store, on SQLite and PostgreSQL: intake, deadlines, the legal hold,
the complainant's view, email through the outbox, and the reminder sweep.

Wesale answers within 10 working days and mediates before court; Clever Group within 7 to 15
days by complexity; ecomviet promises no deadline (seeds/PROMISES.md [K] lines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.complaints import Complaint, State
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.periods import end_of_day, vietnam_tz
from baomat.domain.reminders import LeadTime
from baomat.policy.model import Policy
from baomat.services import alerts, complaints, outbox, subjects
from baomat.services.tenants import PolicyCache
from tests.integration.mailserver import MailServer
from tests.integration.tenancy import example_policy, examples_app

TZ = vietnam_tz()
FRI_13_FEB = dt.datetime(2026, 2, 13, 9, 30, tzinfo=TZ)
NOW = dt.datetime(2026, 2, 13, 11, 0, tzinfo=TZ)
STAFF = "staff:lan"
BUYER = {"full_name": "Lê Thị Hồng", "phone": "0912 345 678", "email": "hong.le@example.vn"}
OTHER = {"full_name": "Trần Văn Nam", "phone": "0987 654 321", "email": "nam.tran@example.vn"}
USER = {"email": "minh.vo@example.vn", "phone": "0938 765 432"}
STORY = "Tôi nhận thư quảng cáo bất động sản dù chưa từng đăng ký nhận."


def _policy(name: str) -> Policy:
    return example_policy(name)


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    with examples_app(settings, ("wesale", "clevergroup", "ecomviet"), NOW) as built:
        yield built


@pytest.fixture
def wesale() -> Policy:
    return _policy("wesale")


@pytest.fixture
def buyer(app: App, wesale: Policy) -> str:
    return subjects.register(app.uow(), wesale, "buyer", [BUYER], "test", NOW)[0]


def _record(app: App, policy: Policy, subject: str, **kw: Any) -> Complaint:
    fields: dict[str, Any] = {
        "channel": "hotline",
        "received_at": FRI_13_FEB,
        "category": "beyond_purpose",
        "description": STORY,
        "contact_phone": "0912 345 678",
        "actor": STAFF,
        "at": NOW,
    }
    return complaints.record(app.uow(), policy, subject, **(fields | kw))


def _walk(app: App, policy: Policy, complaint: str, *steps: str, at: dt.datetime = NOW) -> None:
    for step in steps:
        note = "Đã gỡ bạn khỏi danh sách." if step in ("resolve", "agree", "escalate") else None
        complaints.transition(app.uow(), policy, complaint, step, note, STAFF, at)


def _rows(app: App, sql: str, **params: Any) -> list[Any]:
    with app.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _sweep(app: App, at: dt.datetime, **kw: Any) -> complaints.SweepReport:
    return complaints.sweep(app.uow, lambda: at, **kw)


# --- intake and deadlines -------------------------------------------------------------------


def test_a_wesale_complaint_of_friday_13_february_is_due_at_the_end_of_friday_6_march(
    app: App, wesale: Policy, buyer: str
) -> None:
    """10 working days after Tết (Sat 14 – Sun 22 Feb 2026): Mon 23 Feb is the first, Fri 6 Mar
    the tenth (LAW.md "Working days")."""
    complaint = _record(app, wesale, buyer)
    assert complaint.due_at == end_of_day(dt.date(2026, 3, 6), TZ)
    stored = complaints.get(app.uow(), "wesale", complaint.id, reveal=True, actor=STAFF, at=NOW)
    assert (stored.due_at, stored.state, stored.channel.value) == (
        complaint.due_at, State.RECEIVED, "hotline",
    )  # fmt: skip
    assert (stored.description, stored.contact and stored.contact.phone) == (STORY, "+84912345678")
    assert stored.term is not None and (stored.term.amount, stored.term.unit) == (
        10,
        "working_days",
    )


def test_clever_group_answers_a_complex_complaint_in_15_days_and_a_simple_one_in_7(
    app: App,
) -> None:
    clever = _policy("clevergroup")
    user = subjects.register(app.uow(), clever, "user", [USER], "test", NOW)[0]
    received = dt.datetime(2026, 3, 2, 10, tzinfo=TZ)
    later = received + dt.timedelta(hours=1)
    complex_ = _record(app, clever, user, received_at=received, complexity="complex", at=later)
    simple = _record(app, clever, user, received_at=received, complexity="simple", at=later)
    assert complex_.due_at == end_of_day(dt.date(2026, 3, 17), TZ)  # Mon 2 Mar + 15 days
    assert simple.due_at == end_of_day(dt.date(2026, 3, 9), TZ)  # + 7 days
    with pytest.raises(Invalid) as refused:
        _record(app, clever, user, received_at=received, at=later)
    assert refused.value.field == "complexity"


def test_ecomviet_promises_no_deadline_and_its_complaints_get_none(app: App) -> None:
    ecomviet = _policy("ecomviet")
    customer = {"full_name": "Phạm Thu Trang", "phone": "0903 111 222",
                "email": "trang.pham@example.vn", "request_details": "Tư vấn"}  # fmt: skip
    [sid] = subjects.register(app.uow(), ecomviet, "customer", [customer], "test", NOW)
    complaint = _record(app, ecomviet, sid, category="leak", channel="email")
    assert (complaint.due_at, complaint.term) == (None, None)
    assert _sweep(app, NOW + dt.timedelta(days=400)) == complaints.SweepReport()


def test_a_complaint_without_contact_details_is_refused_naming_the_field(
    app: App, wesale: Policy, buyer: str
) -> None:
    with pytest.raises(Invalid) as refused:
        _record(app, wesale, buyer, contact_phone=None, contact_email="")
    assert refused.value.field == "contact"
    assert _rows(app, "SELECT id FROM complaints") == []


def test_a_complaint_about_another_tenants_subject_is_not_found(app: App, buyer: str) -> None:
    clever = _policy("clevergroup")
    with pytest.raises(NotFound):
        _record(app, clever, buyer, complexity="simple")
    with pytest.raises(NotFound):
        complaints.get(app.uow(), "clevergroup", "0" * 32, reveal=True, actor=STAFF, at=NOW)
    assert _rows(app, "SELECT id FROM complaints") == []
    assert _rows(app, "SELECT id FROM legal_holds") == []


def test_a_received_time_in_the_future_is_refused(app: App, wesale: Policy, buyer: str) -> None:
    with pytest.raises(Invalid) as refused:
        _record(app, wesale, buyer, received_at=NOW + dt.timedelta(minutes=5))
    assert refused.value.field == "received_at"


def test_the_text_and_contact_are_encrypted_and_the_audit_names_no_value(
    app: App, wesale: Policy, buyer: str
) -> None:
    complaint = _record(app, wesale, buyer, contact_email="hong.le@example.vn")
    _walk(app, wesale, complaint.id, "acknowledge", "investigate", "resolve")
    [(sealed,)] = _rows(app, "SELECT sealed FROM complaints")
    notes = [n for (n,) in _rows(app, "SELECT note FROM complaint_events") if n is not None]
    assert len(notes) == 1
    for blob in (bytes(sealed), *map(bytes, notes)):
        for plain in ("quảng cáo", "hong.le", "84912345678", "danh sách"):
            assert plain.encode() not in blob
    with app.uow() as uow:
        entries = uow.audit.entries("wesale")  # hold.release names the hold, not the subject
    actions = [e["action"] for e in entries if e["action"].startswith(("complaint", "hold"))]
    assert actions == [
        "complaint.receive", "hold.place", "complaint.acknowledge", "complaint.investigate",
        "complaint.resolve", "hold.release",
    ]  # fmt: skip
    trail = str(entries)
    assert "quảng cáo" not in trail and "hong.le" not in trail and "danh sách" not in trail


# --- the legal hold -------------------------------------------------------------------------


def test_an_open_complaint_keeps_the_subjects_data_until_it_is_resolved(
    app: App, wesale: Policy, buyer: str
) -> None:
    complaint = _record(app, wesale, buyer)
    with pytest.raises(Conflict, match=r"legal hold \(complaint\)"):
        subjects.erase(app.uow(), "wesale", buyer, "request", STAFF, NOW)
    _walk(app, wesale, complaint.id, "acknowledge", "investigate", "resolve")
    subjects.erase(app.uow(), "wesale", buyer, "request", STAFF, NOW)
    # Erased: the register stays, what was sealed with the subject's key is gone.
    gone = complaints.get(app.uow(), "wesale", complaint.id, reveal=True, actor=STAFF, at=NOW)
    assert (gone.state, gone.description, gone.contact) == (State.RESOLVED, None, None)
    assert [e.note for e in gone.history] == [None] * 4


def test_a_complaint_escalated_to_court_keeps_the_hold(
    app: App, wesale: Policy, buyer: str
) -> None:
    complaint = _record(app, wesale, buyer)
    _walk(app, wesale, complaint.id, "acknowledge", "mediate", "escalate")
    with pytest.raises(Conflict, match="legal hold"):
        subjects.erase(app.uow(), "wesale", buyer, "request", STAFF, NOW)


def test_a_step_its_state_does_not_allow_is_a_conflict_and_leaves_it_as_it_was(
    app: App, wesale: Policy, buyer: str
) -> None:
    complaint = _record(app, wesale, buyer)
    with pytest.raises(Conflict, match="it is received"):
        _walk(app, wesale, complaint.id, "resolve")
    with pytest.raises(Invalid) as unknown:
        complaints.transition(app.uow(), wesale, complaint.id, "close", None, STAFF, NOW)
    assert unknown.value.field == "action"
    stored = complaints.get(app.uow(), "wesale", complaint.id, reveal=False, actor=STAFF, at=NOW)
    assert (stored.state, len(stored.history)) == (State.RECEIVED, 1)


# --- what the complainant sees ---------------------------------------------------------------


def test_the_complainant_sees_the_status_and_history_of_their_own_complaints_only(
    app: App, wesale: Policy, buyer: str
) -> None:
    other = subjects.register(app.uow(), wesale, "buyer", [OTHER], "test", NOW)[0]
    own = complaints.file(
        app.uow(), wesale, buyer, category="leak", description=STORY,
        contact_email="hong.le@example.vn", at=NOW,
    )  # fmt: skip
    theirs = _record(app, wesale, other)
    _walk(app, wesale, own.id, "acknowledge")
    mine = complaints.list_own(app.uow(), "wesale", buyer)
    assert [c.id for c in mine] == [own.id]
    assert [(e.action, e.state) for e in mine[0].history] == [
        ("receive", State.RECEIVED), ("acknowledge", State.ACKNOWLEDGED),
    ]  # fmt: skip
    assert mine[0].channel.value == "web" and mine[0].history[0].actor == f"subject:{buyer}"
    assert complaints.get_own(app.uow(), "wesale", buyer, own.id).state is State.ACKNOWLEDGED
    with pytest.raises(NotFound):
        complaints.get_own(app.uow(), "wesale", buyer, theirs.id)


def test_the_complainant_is_emailed_on_receipt_and_on_resolution(
    app: App, wesale: Policy, buyer: str
) -> None:
    complaint = _record(app, wesale, buyer, language="en")
    _walk(app, wesale, complaint.id, "acknowledge", "investigate", "resolve")
    with MailServer() as server:
        sent = outbox.deliver(app.uow, PolicyCache(), server.transport(), lambda: NOW)
    assert sent.sent == 2
    received, resolved = sorted(server.received, key=lambda m: "settled" in str(m["Subject"]))
    assert received["To"] == resolved["To"] == BUYER["email"]
    assert received["Subject"] == "WESALE Group Joint Stock Company received your complaint"
    body = received.get_body().get_content()
    assert complaint.id in body and "by 6 March 2026 at the latest" in body
    assert "13 February 2026" in body
    answer = resolved.get_body().get_content()
    assert "was resolved on 13 February 2026" in answer
    assert "Đã gỡ bạn khỏi danh sách." in answer


# --- the queue and the sweep ----------------------------------------------------------------


def test_the_queue_puts_the_least_time_left_first(app: App, wesale: Policy, buyer: str) -> None:
    late = _record(app, wesale, buyer, received_at=FRI_13_FEB)
    early = _record(app, wesale, buyer, received_at=FRI_13_FEB - dt.timedelta(days=7))
    mediated = _record(app, wesale, buyer, received_at=FRI_13_FEB - dt.timedelta(days=9))
    _walk(app, wesale, mediated.id, "acknowledge", "mediate")
    queue = complaints.queue(app.uow(), "wesale", now=NOW)
    assert [c.id for c in queue] == [early.id, late.id, mediated.id]
    assert queue[0].description is None  # the register only
    overdue = complaints.queue(
        app.uow(), "wesale", now=end_of_day(dt.date(2026, 3, 1), TZ), overdue=True
    )
    assert [c.id for c in overdue] == [early.id]


def test_the_overdue_alert_fires_at_the_deadline_and_only_once(
    app: App, wesale: Policy, buyer: str
) -> None:
    complaint = _record(app, wesale, buyer)
    due = end_of_day(dt.date(2026, 3, 6), TZ)
    leads: tuple[LeadTime, ...] = ()
    assert _sweep(app, NOW, lead_times=leads) == complaints.SweepReport(looked_at=1)
    assert _sweep(app, due - dt.timedelta(seconds=1), lead_times=leads).overdue == 0
    assert _sweep(app, due, lead_times=leads) == complaints.SweepReport(looked_at=1, overdue=1)
    assert _sweep(app, due + dt.timedelta(days=3), lead_times=leads) == complaints.SweepReport()
    [alert] = alerts.list_alerts(app.uow(), "wesale")
    assert (alert.kind, alert.reference, alert.raised_at) == (
        "complaint.overdue",
        complaint.id,
        due,
    )
    assert alert.detail["last_day"] == "2026-03-06"


def test_reminders_fire_once_per_lead_time_and_none_once_the_complaint_is_answered(
    app: App, wesale: Policy, buyer: str
) -> None:
    first = _record(app, wesale, buyer)
    second = _record(app, wesale, buyer)
    _walk(app, wesale, second.id, "acknowledge", "investigate")
    thursday, friday = (dt.datetime(2026, 3, d, 8, tzinfo=TZ) for d in (5, 6))
    for _ in range(2):  # a run that repeats raises nothing twice
        _sweep(app, NOW, batch=1)
        _sweep(app, thursday, batch=1)
    _walk(app, wesale, second.id, "resolve", at=thursday)
    _sweep(app, friday)
    _sweep(app, friday + dt.timedelta(days=30))
    raised = alerts.list_alerts(app.uow(), "wesale", open_only=False)
    got = sorted((a.reference == first.id, a.detail["stage"]) for a in raised)
    assert got == [
        (False, "reminder:2_working_days"),
        (True, "overdue"),
        (True, "reminder:1_days"),
        (True, "reminder:2_working_days"),
    ]
    with app.uow() as uow:
        trail = [e for e in uow.audit.entries("wesale") if e["action"] == "alert.raise"]
    assert len(trail) == 4


def test_an_alert_is_acknowledged_once_and_leaves_the_open_list(
    app: App, wesale: Policy, buyer: str
) -> None:
    _record(app, wesale, buyer)
    _sweep(app, end_of_day(dt.date(2026, 3, 6), TZ))
    [alert] = alerts.list_alerts(app.uow(), "wesale", kind="complaint")
    done = alerts.acknowledge(app.uow(), "wesale", alert.id, STAFF, NOW)
    assert done.acknowledged_by == STAFF
    assert alerts.list_alerts(app.uow(), "wesale") == []
    assert len(alerts.list_alerts(app.uow(), "wesale", open_only=False)) == 1
    with pytest.raises(Conflict):
        alerts.acknowledge(app.uow(), "wesale", alert.id, "staff:minh", NOW)
    with pytest.raises(NotFound):
        alerts.acknowledge(app.uow(), "clevergroup", alert.id, STAFF, NOW)
