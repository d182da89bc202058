"""Refused staff steps leave a `denied` audit entry and the record as it was, on SQLite and
PostgreSQL: rights requests, breach incidents and complaints (`services.refusals`).

Each refusal still reaches the caller as the same error; its entry names the actor, the
step, the record's id and the reason code, never a value or the staff's text, and the
tenant's audit chain still verifies.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.complaints import State as ComplaintState
from baomat.domain.errors import Conflict, Forbidden
from baomat.domain.incidents import Incident, Phase
from baomat.domain.incidents import State as IncidentState
from baomat.domain.periods import vietnam_tz
from baomat.domain.rights import RightsRequest, State
from baomat.policy.model import Policy
from baomat.services import audit, complaints, incidents, rights, subjects
from baomat.services._breach_notice import NoticeInput
from tests.integration.tenancy import example_policy, examples_app

TZ = vietnam_tz()
REGISTERED = dt.datetime(2026, 2, 13, 9, 0, tzinfo=TZ)
NOW = dt.datetime(2026, 2, 13, 11, 0, tzinfo=TZ)
LATER = NOW + dt.timedelta(days=3)
STAFF = "staff:lan"
BUYER = {"full_name": "Lê Thị Hồng", "phone": "0912 345 678", "email": "hong.le@example.vn"}


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    with examples_app(settings, ("wesale", "ecomviet"), REGISTERED) as built:
        yield built


@pytest.fixture
def wesale() -> Policy:
    return example_policy("wesale")


@pytest.fixture
def buyer(app: App, wesale: Policy) -> str:
    return subjects.register(app.uow(), wesale, "buyer", [BUYER], "test", REGISTERED)[0]


def _denied(app: App, tenant: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(action, actor, detail) of each `denied` entry of the tenant, in order."""
    with app.uow(read_only=True) as uow:
        entries = uow.audit.entries(tenant)
    return [
        (str(e["action"]), str(e["actor"]), json.loads(str(e["detail"])))
        for e in entries
        if e["outcome"] == "denied"
    ]


def _chain_verifies(app: App, tenant: str) -> bool:
    checked, broken = audit.verify(app.uow(read_only=True), tenant)
    return checked > 0 and broken is None


# --- rights requests --------------------------------------------------------------------------


def _submit(app: App, policy: Policy, subject: str, kind: str) -> RightsRequest:
    return rights.submit(
        app.uow(), policy, subject, kind, "assisted", None, STAFF, NOW,
        identity_method="document_checked",
    )  # fmt: skip


def test_a_second_extension_is_refused_audited_and_the_first_one_stands(
    app: App, wesale: Policy, buyer: str
) -> None:
    request = _submit(app, wesale, buyer, "delete")
    first = rights.extend(app.uow(), "wesale", request.id, "backups are searched", STAFF, LATER)

    with pytest.raises(Conflict, match="the law allows it once"):
        rights.extend(app.uow(), "wesale", request.id, "more time please", STAFF, LATER)

    assert _denied(app, "wesale") == [
        ("rights.extend", STAFF, {"request": request.id, "reason": "already_extended"})
    ]
    stored = rights.get(app.uow(), "wesale", request.id)
    assert (stored.extended_due, stored.extension_reason, stored.updated_at) == (
        first.extended_due, "backups are searched", LATER,
    )  # fmt: skip
    assert "more time" not in repr(_denied(app, "wesale"))
    assert _chain_verifies(app, "wesale")


def test_steps_on_a_finished_request_or_an_erased_subject_are_refused_and_audited(
    app: App, wesale: Policy, buyer: str
) -> None:
    first = _submit(app, wesale, buyer, "delete")
    second = _submit(app, wesale, buyer, "delete")
    rights.delete(app.uow(), wesale, first.id, STAFF, LATER)

    with pytest.raises(Conflict, match="already done"):
        rights.refuse(app.uow(), "wesale", first.id, "too late", STAFF, LATER)
    with pytest.raises(Conflict, match="erased"):
        rights.delete(app.uow(), wesale, second.id, STAFF, LATER)

    assert _denied(app, "wesale") == [
        ("rights.refuse", STAFF, {"request": first.id, "reason": "already_done"}),
        ("rights.delete", STAFF, {"request": second.id, "reason": "subject_erased"}),
    ]
    assert rights.get(app.uow(), "wesale", first.id).state is State.DONE
    assert rights.get(app.uow(), "wesale", second.id).state is State.RECEIVED
    assert _chain_verifies(app, "wesale")


def test_a_channel_the_policy_does_not_offer_is_forbidden_and_audited(app: App) -> None:
    ecomviet = example_policy("ecomviet")
    customer = {
        "full_name": "Phạm Thu Trang", "phone": "0903 111 222",
        "email": "trang.pham@example.vn", "request_details": "Tư vấn chữ ký số",
    }  # fmt: skip
    subject = subjects.register(
        app.uow(), ecomviet, ecomviet.subject_types[0].id, [customer], "test", REGISTERED
    )[0]

    with pytest.raises(Forbidden, match="only through its staff"):
        rights.submit(app.uow(), ecomviet, subject, "access", "self_service", None, "subject", NOW)

    assert _denied(app, "ecomviet") == [
        ("rights.submit", "subject", {"reason": "self_service_not_offered"})
    ]
    assert rights.list_for_subject(app.uow(), "ecomviet", subject) == []
    assert _chain_verifies(app, "ecomviet")


# --- breach incidents -------------------------------------------------------------------------


def _open(app: App, policy: Policy) -> Incident:
    return incidents.open_incident(
        app.uow(), policy, detected_at=NOW - dt.timedelta(hours=1),
        description="Máy chủ sao lưu bị truy cập trái phép.", systems=["Máy chủ sao lưu"],
        window_start=REGISTERED - dt.timedelta(days=1), window_end=REGISTERED, actors=[],
        actor=STAFF, at=NOW,
    )  # fmt: skip


SAID = {"vi": "Máy chủ sao lưu bị truy cập.", "en": "A backup server was accessed."}


def test_incident_steps_out_of_order_or_after_closing_are_refused_and_audited(
    app: App, wesale: Policy
) -> None:
    incident = _open(app, wesale)
    follow_up = NoticeInput(Phase.FOLLOW_UP, "Hậu quả", "Biện pháp")

    with pytest.raises(Conflict, match="initial notice first"):
        incidents.notify_authority(app.uow(), wesale, incident.id, follow_up, STAFF, NOW)
    with pytest.raises(Conflict, match="notify the authority"):
        incidents.close(app.uow(), wesale, incident.id, "breach", "Đã khoá.", STAFF, NOW)
    incidents.close(app.uow(), wesale, incident.id, "no_breach", "Không lộ dữ liệu.", STAFF, NOW)
    with pytest.raises(Conflict, match="it is closed"):
        incidents.notify_subjects(app.uow(), wesale, incident.id, SAID, None, STAFF, NOW)

    assert _denied(app, "wesale") == [
        ("incident.notice", STAFF, {"incident": incident.id, "reason": "no_initial_notice"}),
        ("incident.close", STAFF, {"incident": incident.id, "reason": "authority_not_notified"}),
        ("incident.notify_subjects", STAFF, {"incident": incident.id, "reason": "incident_closed"}),
    ]
    view = incidents.get(app.uow(), "wesale", incident.id)
    assert (view.incident.state, view.incident.notices, view.incident.subjects_notified_at) == (
        IncidentState.CLOSED, [], None,
    )  # fmt: skip
    assert _chain_verifies(app, "wesale")


# --- complaints -------------------------------------------------------------------------------


def test_a_complaint_step_its_state_does_not_allow_is_refused_and_audited(
    app: App, wesale: Policy, buyer: str
) -> None:
    complaint = complaints.record(
        app.uow(), wesale, buyer, channel="hotline", received_at=NOW, category="beyond_purpose",
        description="Tôi nhận thư quảng cáo dù chưa đăng ký.", contact_phone="0912 345 678",
        actor=STAFF, at=NOW,
    )  # fmt: skip

    with pytest.raises(Conflict, match="it is received"):
        complaints.transition(app.uow(), wesale, complaint.id, "resolve", "Đã xử lý.", STAFF, NOW)

    assert _denied(app, "wesale") == [
        ("complaint.resolve", STAFF, {"complaint": complaint.id, "reason": "wrong_state"})
    ]
    stored = complaints.get(app.uow(), "wesale", complaint.id, reveal=False, actor=STAFF, at=NOW)
    assert (stored.state, len(stored.history)) == (ComplaintState.RECEIVED, 1)
    assert _chain_verifies(app, "wesale")
