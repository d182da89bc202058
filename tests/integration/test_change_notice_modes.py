"""One test per change-notice mode, on the example tenant that promises it.

WeSoft emails every affected customer of a material change; Wecan asks for
fresh consent before data is used for a new or changed purpose; ecomviet shows
the change at the next login and takes continued use as acceptance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from baomat import bootstrap
from baomat.config import Settings
from baomat.domain.consent import Consent, ConsentRequest, shown_text_sha256
from baomat.policy.model import Policy
from baomat.services import consents, decisions, outbox, subject_login, subjects, tenants
from baomat.services.tenants import PolicyCache
from tests.integration.logins import PASSWORD
from tests.integration.mailserver import MailServer
from tests.integration.shop import AT
from tests.integration.tenancy import http
from tests.integration.versions import next_version, publish_example, purpose

LATER = AT + dt.timedelta(days=30)


@pytest.fixture
def clock() -> list[dt.datetime]:
    return [AT]


@pytest.fixture
def app(settings: Settings, clock: list[dt.datetime]) -> Iterator[bootstrap.App]:
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: clock[0])
    try:
        yield built
    finally:
        built.close()


# --- WeSoft: email on material change ----------------------------------------

NEWSLETTER = {
    "id": "newsletter",
    "text": {"vi": "Gửi bản tin về sản phẩm mới.", "en": "Send a newsletter about new products."},
    "legal_basis": "contract",
    "consent": "not_needed",
    "fields": ["full_name", "email"],
    "channels": ["email"],
}
MAILER = {
    "id": "mailer",
    "name": {"vi": "Công ty Gửi thư", "en": "Mailer Pte. Ltd."},
    "kind": "processor",
    "contract": {"reference": "HD-MAIL-2026", "valid_from": "2026-01-01"},
    "fields": ["full_name", "email"],
    "purposes": ["newsletter"],
    "abroad": True,
    "countries": ["SG"],
}


def _wesoft_v2(data: dict[str, Any]) -> None:
    data["purposes"].append(NEWSLETTER)
    data["recipients"].append(MAILER)
    data["retention"][0]["review_every"] = {"amount": 12, "unit": "months"}  # was 6
    purpose(data, "provide_services")["text"] = {
        "vi": "Cung cấp các dịch vụ của WeSoft.Vn cho người dùng.",
        "en": "Provide WeSoft.Vn's services to users.",
    }


def _customers(app: bootstrap.App, wesoft: Policy, n: int) -> dict[str, str]:
    people = [
        {"full_name": f"Khách Hàng {i}", "address": f"{i} Lê Lợi, Quận 1",
         "phone": "0912345678", "email": f"khach{i}@example.vn"}
        for i in range(n)
    ]  # fmt: skip
    ids = subjects.register(app.uow(), wesoft, "customer", people, "test", AT)
    return {sid: p["email"] for sid, p in zip(ids, people, strict=True)}


def test_wesoft_emails_every_customer_the_material_changes_of_a_new_version(
    app: bootstrap.App, clock: list[dt.datetime]
) -> None:
    wesoft = publish_example(app, "wesoft", AT)
    customers = _customers(app, wesoft, 3)
    v2, document = next_version(wesoft, _wesoft_v2)

    clock[0] = LATER
    published = tenants.publish(app.uow(), v2, document, "staff:dpo", LATER)

    assert published.outcome == "published"
    assert published.notice_mode == "email_on_material_change"
    assert [(c.code, c.material) for c in published.changes] == [
        ("purpose_added", True),
        ("wording_changed", False),
        ("recipient_added", True),
        ("transfer_abroad", True),
        ("retention_longer", True),
    ]
    [run] = published.notices
    assert (run.queued, run.closed, run.unreachable, run.done) == (3, 0, 0, True)
    with app.uow(read_only=True) as uow:
        for subject_id in customers:
            [message] = uow.outbox.of_subject("wesoft", subject_id)
            assert (message["template"], message["language"], message["status"]) == (
                "policy_changed", "vi", "pending",
            )  # fmt: skip
        row = uow.policy_changes.get("wesoft", 2)
        told = [e for e in uow.audit.entries("wesoft") if e["action"] == "policy.notice"]
    assert row is not None and (row.notices, row.notices_queued) == ("done", 3)
    assert {e["subject"] for e in told} == set(customers)

    with MailServer() as server:
        delivered = outbox.deliver(app.uow, PolicyCache(), server.transport(), lambda: LATER)
        assert delivered.sent == 3
        received = {m["To"]: m for m in server.received}
    assert set(received) == set(customers.values())
    email = received["khach0@example.vn"]
    assert email["Subject"] == (
        "Cty TNHH WeGroup Holdings cập nhật chính sách bảo vệ dữ liệu cá nhân (phiên bản 2)"
    )
    body = email.get_content()
    assert "cập nhật lần cuối ngày 15/03/2026" in body  # the day it was published, not the file's
    assert "Mục đích sử dụng mới 'newsletter': Gửi bản tin về sản phẩm mới." in body
    assert "chuyển ra nước ngoài cho bên nhận 'mailer'" in body and "SG" in body
    assert "từ 6 tháng lên 12 tháng" in body
    assert "Sửa lời văn" not in body  # wording is not material: not told


def test_wesoft_tells_no_one_of_a_version_that_only_rewords(app: bootstrap.App) -> None:
    wesoft = publish_example(app, "wesoft", AT)
    [customer] = _customers(app, wesoft, 1)

    def reword(data: dict[str, Any]) -> None:
        purpose(data, "provide_services")["text"] = {"vi": "Cung cấp dịch vụ.", "en": "Service."}

    v2, document = next_version(wesoft, reword)
    published = tenants.publish(app.uow(), v2, document, "test", LATER)

    assert [c.material for c in published.changes] == [False]
    assert published.notices == ()
    with app.uow(read_only=True) as uow:
        assert uow.outbox.of_subject("wesoft", customer) == []


# --- Wecan: fresh consent ----------------------------------------------------

LOYALTY = {
    "id": "loyalty_programme",
    "text": {"vi": "Tích điểm thành viên.", "en": "Member loyalty points."},
    "legal_basis": "consent",
    "consent": "opt_in",
    "fields": ["full_name", "email"],
}


def _wecan_v2(data: dict[str, Any]) -> None:
    data["purposes"].append(LOYALTY)
    purpose(data, "marketing_email")["fields"].append("mobile")  # more data for it


def _consent(
    app: bootstrap.App, policy: Policy, member: str, purpose_id: str, at: dt.datetime
) -> Consent:
    declared = policy.purpose(purpose_id)
    assert declared is not None
    request = ConsentRequest(
        member, purpose_id, policy.version, shown_text_sha256(declared.text.vi), "vi", "web", True
    )
    return consents.give(app.uow(), policy, request, f"subject:{member}", at)


def test_wecan_asks_fresh_consent_for_a_new_or_changed_purpose_before_any_use(
    app: bootstrap.App, clock: list[dt.datetime]
) -> None:
    wecan = publish_example(app, "wecan", AT)
    [member] = subjects.register(
        app.uow(), wecan, "member", [{"full_name": "Lê Hồng", "email": "hong@example.vn"}],
        "test", AT,
    )  # fmt: skip
    for purpose_id in ("marketing_email", "answer_questions"):
        _consent(app, wecan, member, purpose_id, AT)
    v2, document = next_version(wecan, _wecan_v2)

    clock[0] = LATER
    published = tenants.publish(app.uow(), v2, document, "staff:dpo", LATER)
    current = PolicyCache().current(app.uow(), "wecan")  # what the API decides with

    def reason(purpose_id: str, fields: list[str], at: dt.datetime = LATER) -> str:
        d = decisions.decide(app.uow(), current, member, purpose_id, fields, None, "crm", at)
        return d.reason

    assert published.notice_mode == "fresh_consent"
    assert published.notices == ()  # no message: the next use asks
    with app.uow(read_only=True) as uow:
        assert uow.outbox.of_subject("wecan", member) == []
    assert reason("marketing_email", ["email"]) == "fresh_consent_needed"
    assert reason("loyalty_programme", ["email"]) == "fresh_consent_needed"
    assert reason("answer_questions", ["email"]) == "allowed"  # unchanged: its consent holds

    _consent(app, current, member, "marketing_email", LATER)
    _consent(app, current, member, "loyalty_programme", LATER)

    after = LATER + dt.timedelta(minutes=1)
    assert reason("marketing_email", ["email", "mobile"], after) == "allowed"
    assert reason("loyalty_programme", ["email"], after) == "allowed"

    # Someone who joins under version 2 has simply not consented yet.
    [newcomer] = subjects.register(
        app.uow(), current, "member", [{"full_name": "Trần An", "email": "an@example.vn"}],
        "test", LATER,
    )  # fmt: skip
    d = decisions.decide(
        app.uow(), current, newcomer, "loyalty_programme", ["email"], None, "crm", after
    )
    assert d.reason == "no_consent"


# --- ecomviet: continued use -------------------------------------------------

VSIGN_MORE = ["full_name", "phone", "email", "request_details"]


def _ecomviet_v2(data: dict[str, Any]) -> None:
    vsign = next(r for r in data["recipients"] if r["id"] == "vsign")
    vsign["fields"] = VSIGN_MORE  # the request's details now go to vsign.vn too
    data["complaints"]["channels"] = data["complaints"]["channels"][:1]


@pytest.mark.usefixtures("fast_passwords")
def test_ecomviet_shows_the_change_at_the_next_login_and_records_its_acceptance(
    app: bootstrap.App, clock: list[dt.datetime]
) -> None:
    ecomviet = publish_example(app, "ecomviet", AT)
    people = [
        {"full_name": f"Khách {i}", "phone": "0912345678", "email": f"k{i}@example.vn",
         "request_details": "Tư vấn chữ ký số"}
        for i in range(2)
    ]  # fmt: skip
    reader, returner = subjects.register(app.uow(), ecomviet, "customer", people, "test", AT)
    for subject_id in (reader, returner):
        subject_login.set_password(app.uow(), "ecomviet", subject_id, PASSWORD, "test", AT)
    v2, document = next_version(ecomviet, _ecomviet_v2)

    clock[0] = LATER
    published = tenants.publish(app.uow(), v2, document, "staff:dpo", LATER)
    assert published.notice_mode == "continued_use"
    assert published.notices == ()
    material = [c.code for c in published.changes if c.material]
    assert material == ["recipient_fields_added", "complaint_channel_removed"]

    with http(app) as api:

        def login(subject_id: str) -> dict[str, str]:
            body = {"tenant": "ecomviet", "subject_id": subject_id, "password": PASSWORD}
            token = api.post("/v1/subjects/login", json=body).json()["token"]
            return {"Authorization": f"Bearer {token}"}

        # The first login after publishing carries the notice.
        session = login(reader)
        [notice] = api.get("/v1/me", headers=session).json()["policy_notices"]
        assert notice["version"] == 2
        assert notice["last_updated"] == "2026-03-15"
        assert [c["code"] for c in notice["changes"]] == material
        assert "vsign" in notice["changes"][0]["text"]["vi"]
        assert (
            api.get("/v1/me/policy-notices", headers=session)
            .json()["notices"][0]["shown_at"]
            .startswith("2026-03-15")
        )

        clock[0] = LATER + dt.timedelta(minutes=5)
        answer = api.post("/v1/me/policy-notices/2/acknowledge", headers=session)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"accepted": [2]}
        assert api.get("/v1/me", headers=session).json()["policy_notices"] == []
        again = api.post("/v1/me/policy-notices/2/acknowledge", headers=session)
        assert again.status_code == 409

        # Shown at one login, the service used again at the next: continued use.
        clock[0] = LATER + dt.timedelta(hours=2)
        first = login(returner)
        assert len(api.get("/v1/me", headers=first).json()["policy_notices"]) == 1
        clock[0] = LATER + dt.timedelta(days=3)
        second = login(returner)
        assert api.get("/v1/me", headers=second).json()["policy_notices"] == []

    with app.uow(read_only=True) as uow:
        acknowledged = uow.policy_notices.of_subject("ecomviet", reader)
        continued = uow.policy_notices.of_subject("ecomviet", returner)
        accepted = [e for e in uow.audit.entries("ecomviet") if e["action"] == "policy.accept"]
        assert uow.outbox.of_subject("ecomviet", reader) == []
    assert [(a.version, a.how, a.accepted_at) for a in acknowledged] == [
        (2, "acknowledged", LATER + dt.timedelta(minutes=5))
    ]
    assert [(a.version, a.how, a.accepted_at) for a in continued] == [
        (2, "continued_use", LATER + dt.timedelta(days=3))
    ]
    assert [(e["subject"], e["actor"]) for e in accepted] == [
        (reader, f"subject:{reader}"),
        (returner, f"subject:{returner}"),
    ]
