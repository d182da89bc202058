"""End to end through `baomat.client.Client`, on Wesale's policy: a buyer files a complaint and
follows it, staff record one taken by phone, work the queue, and see the reminder sweep's alerts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.client import ApiError, Client
from baomat.config import Settings
from baomat.domain.roles import Role
from baomat.policy.loader import load_policy
from baomat.services import complaints, subjects, tenants
from tests.asgi import SyncASGITransport
from tests.conftest import EXAMPLES
from tests.integration.logins import staff_token, subject_token
from tests.integration.shop import AT
from tests.integration.tenancy import publish_shop

pytestmark = pytest.mark.usefixtures("fast_passwords")

WESALE_FILE = EXAMPLES / "wesale.yaml"
VN = dt.timezone(dt.timedelta(hours=7))
FRI_13_FEB = dt.datetime(2026, 2, 13, 9, 0, tzinfo=VN)  # the app's clock: AT, 16:30 that day
BUYER = {"full_name": "Lê Thị Hồng", "phone": "0912 345 678", "email": "hong.le@example.vn"}
OTHER = {"full_name": "Trần Văn Nam", "phone": "0987 654 321", "email": "nam.tran@example.vn"}
STORY = "Tôi nhận thư quảng cáo dù chưa từng đăng ký."

Connect = Callable[[str], Client]


@pytest.fixture
def app(settings: Settings) -> Iterator[bootstrap.App]:
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: AT)
    policy = load_policy(WESALE_FILE)
    tenants.publish_policy(built.uow(), policy, WESALE_FILE.read_text("utf-8"), "test", AT)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def connect(app: bootstrap.App) -> Iterator[Connect]:
    """A client on the app in process, calling with the token given."""
    transport = SyncASGITransport(create_app(app))
    opened: list[Client] = []

    def open_with(token: str) -> Client:
        opened.append(Client("http://testserver", token, transport=transport))
        return opened[-1]

    yield open_with
    for client in opened:
        client.close()


@pytest.fixture
def buyers(app: bootstrap.App) -> list[str]:
    policy = load_policy(WESALE_FILE)
    return subjects.register(app.uow(), policy, "buyer", [BUYER, OTHER], "test", AT)


def test_a_buyer_files_a_complaint_and_follows_it_to_its_resolution(
    app: bootstrap.App, connect: Connect, buyers: list[str]
) -> None:
    hong, nam = (connect(subject_token(app, "wesale", b)) for b in buyers)
    support = connect(staff_token(app, "wesale", "lan", Role.SUPPORT))

    filed = hong.file_complaint("beyond_purpose", STORY, contact_email="hong.le@example.vn")
    assert (filed["state"], filed["channel"], filed["last_day"]) == (
        "received",
        "web",
        "2026-03-06",
    )
    [queued] = support.complaint_queue()
    assert queued["id"] == filed["id"] and queued["description"] is None
    support.complaint_step(filed["id"], "acknowledge", "Chúng tôi đã nhận khiếu nại.")
    support.complaint_step(filed["id"], "investigate")
    done = support.complaint_step(filed["id"], "resolve", "Đã gỡ bạn khỏi danh sách nhận thư.")
    assert done["state"] == "resolved" and support.complaint_queue() == []

    seen = hong.my_complaint(filed["id"])
    assert [(e["action"], e["actor"], e["note"]) for e in seen["history"]] == [
        ("receive", "subject", None),
        ("acknowledge", "staff", "Chúng tôi đã nhận khiếu nại."),
        ("investigate", "staff", None),
        ("resolve", "staff", "Đã gỡ bạn khỏi danh sách nhận thư."),
    ]
    assert [c["id"] for c in hong.my_complaints()] == [filed["id"]]
    assert nam.my_complaints() == []
    with pytest.raises(ApiError) as hidden:
        nam.my_complaint(filed["id"])
    assert hidden.value.status == 404


def test_staff_record_a_phone_call_of_friday_13_february_due_the_10th_working_day_after_tet(
    app: bootstrap.App, connect: Connect, buyers: list[str]
) -> None:
    support = connect(staff_token(app, "wesale", "lan", Role.SUPPORT))
    recorded = support.record_complaint(
        buyers[0], "hotline", FRI_13_FEB, "leak", STORY, contact_phone="0912 345 678"
    )
    # Tết: Sat 14 – Sun 22 Feb 2026. Mon 23 Feb is the 1st working day, Fri 6 Mar the 10th.
    assert recorded["last_day"] == "2026-03-06"
    assert recorded["term"] == {"amount": 10, "unit": "working_days", "source": "policy"}
    assert recorded["contact"] == {"email": None, "phone": "+84912345678"}

    with pytest.raises(ApiError) as no_contact:
        support.record_complaint(buyers[0], "post", FRI_13_FEB, "leak", STORY)
    assert (no_contact.value.status, no_contact.value.field) == (422, "contact")
    with pytest.raises(ApiError) as future:
        support.record_complaint(
            buyers[0], "email", FRI_13_FEB + dt.timedelta(days=1), "leak", STORY,
            contact_phone="0912 345 678",
        )  # fmt: skip
    assert (future.value.status, future.value.field) == (422, "received_at")


def test_a_complaint_about_another_tenants_subject_is_not_found(
    app: bootstrap.App, connect: Connect, buyers: list[str]
) -> None:
    publish_shop(app, "shop")
    shop_staff = connect(staff_token(app, "shop", "lan", Role.DPO))
    with pytest.raises(ApiError) as refused:
        shop_staff.record_complaint(
            buyers[0], "hotline", FRI_13_FEB, "leak", STORY, contact_phone="0912 345 678"
        )
    assert refused.value.status == 404


def test_the_overdue_alert_reaches_staff_who_acknowledge_it_and_the_auditor_only_reads(
    app: bootstrap.App, connect: Connect, buyers: list[str]
) -> None:
    support = connect(staff_token(app, "wesale", "lan", Role.SUPPORT))
    auditor = connect(staff_token(app, "wesale", "hoa", Role.AUDITOR))
    recorded = support.record_complaint(
        buyers[0], "hotline", FRI_13_FEB, "leak", STORY, contact_phone="0912 345 678"
    )
    deadline = dt.datetime(2026, 3, 7, 0, 0, tzinfo=VN)
    report = complaints.sweep(app.uow, lambda: deadline)
    assert report.overdue == 1
    [alert] = support.alerts(kind="complaint")
    assert (alert["kind"], alert["reference"]) == ("complaint.overdue", recorded["id"])
    assert auditor.alerts()[0]["id"] == alert["id"]
    with pytest.raises(ApiError) as read_only:
        auditor.acknowledge_alert(alert["id"])
    assert read_only.value.status == 403
    assert support.acknowledge_alert(alert["id"])["acknowledged_by"] == "staff:lan"
    assert support.alerts() == []

    register = auditor.complaint(recorded["id"])
    assert register["state"] == "received" and register["description"] is None
    assert support.complaint(recorded["id"])["description"] == STORY
    with pytest.raises(ApiError) as no_step:
        auditor.complaint_step(recorded["id"], "acknowledge")
    assert no_step.value.status == 403
