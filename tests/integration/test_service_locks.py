"""Service locks over a real store, on SQLite and PostgreSQL, with WeSoft's policy.

WeSoft may lock a customer's service for five violations (seeds/PROMISES.md; issue 4 item 5):
staff lock with an evidence note, the customer is emailed why, unlocking is recorded, and the
customer's data rights keep working while locked.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator

import pytest

from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.periods import vietnam_tz
from baomat.domain.rights import State
from baomat.domain.roles import Role
from baomat.policy.model import Policy
from baomat.services import decisions, locks, outbox, rights, staff, subject_login, subjects
from baomat.services.tenants import PolicyCache
from tests.integration.logins import PASSWORD
from tests.integration.mailserver import MailServer
from tests.integration.tenancy import example_policy, examples_app, http

TZ = vietnam_tz()
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
LATER = NOW + dt.timedelta(days=2)
STAFF = "staff:lan"
CUSTOMER = {
    "full_name": "Đỗ Văn Khải",
    "address": "12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
    "phone": "0912 345 678",
    "email": "khai.do@example.vn",
}
EVIDENCE = "Báo cáo lạm dụng #88: trang phishing-ngan-hang.example trên máy chủ của khách"
BUYER = {"full_name": "Lê Hồng", "phone": "0912 000 111", "email": "hong.le@example.vn"}
MALWARE_VI = (
    "Sử dụng dịch vụ máy chủ hoặc tài nguyên máy chủ để phát tán và lưu trữ các loại mã độc"
)


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    with examples_app(settings, ("wesoft", "wesale"), NOW) as built:
        yield built


@pytest.fixture
def wesoft() -> Policy:
    return example_policy("wesoft")


@pytest.fixture
def customer(app: App, wesoft: Policy) -> str:
    return subjects.register(app.uow(), wesoft, "customer", [CUSTOMER], "test", NOW)[0]


def _lock(app: App, policy: Policy, subject: str, violation: str = "malware") -> locks.LockRecord:
    return locks.lock(app.uow(), policy, subject, violation, EVIDENCE, STAFF, NOW)


def _staff_token(app: App, staff_id: str, role: Role) -> str:
    staff.create_staff(app.uow(), "wesoft", staff_id, role, PASSWORD, "test", NOW)
    return staff.login_staff(app.uow(), "wesoft", staff_id, PASSWORD, NOW).token


def _subject_token(app: App, subject: str) -> str:
    subject_login.set_password(app.uow(), "wesoft", subject, PASSWORD, "test", NOW)
    return subject_login.login_subject_password(app.uow(), "wesoft", subject, PASSWORD, NOW).token


def _reason(app: App, policy: Policy, subject: str, purpose: str) -> str:
    decision = decisions.decide(app.uow(), policy, subject, purpose, ["email"], None, STAFF, NOW)
    return decision.reason


def test_a_locked_service_denies_the_service_purpose_and_leaves_the_others(
    app: App, wesoft: Policy, customer: str
) -> None:
    assert _reason(app, wesoft, customer, "provide_services") == "allowed"
    lock = _lock(app, wesoft, customer)
    assert (lock.violation, lock.evidence, lock.is_open) == ("malware", EVIDENCE, True)
    assert _reason(app, wesoft, customer, "provide_services") == "service_locked"
    assert _reason(app, wesoft, customer, "exchange_notices") == "allowed"
    assert _reason(app, wesoft, customer, "judicial_requests") == "allowed"


def test_the_customer_is_emailed_why_in_the_language_of_the_violation(
    app: App, wesoft: Policy, customer: str
) -> None:
    lock = _lock(app, wesoft, customer)
    with app.uow() as uow:
        [queued] = uow.outbox.of_subject("wesoft", customer)
    assert (queued["template"], queued["language"]) == ("service_locked", "vi")
    with MailServer() as server:
        sent = outbox.deliver(app.uow, PolicyCache(), server.transport(), lambda: NOW)
    assert sent.sent == 1
    [message] = server.received
    assert message["To"] == CUSTOMER["email"]
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert MALWARE_VI in text and lock.id in text
    assert EVIDENCE not in text  # the staff's note stays with staff


def test_only_a_violation_the_policy_lists_and_a_note_lock_a_service(
    app: App, wesoft: Policy, customer: str
) -> None:
    with pytest.raises(Invalid) as unlisted:
        _lock(app, wesoft, customer, "spam")
    assert unlisted.value.field == "violation" and "copyright_infringement" in unlisted.value.rule
    with pytest.raises(Invalid) as empty:
        locks.lock(app.uow(), wesoft, customer, "malware", "   ", STAFF, NOW)
    assert empty.value.field == "evidence"
    wesale = example_policy("wesale")  # lists no violation at all
    [buyer] = subjects.register(app.uow(), wesale, "buyer", [BUYER], "t", NOW)
    with pytest.raises(Invalid) as none_listed:
        _lock(app, wesale, buyer)
    assert none_listed.value.field == "violation"
    assert locks.of_subject(app.uow(), "wesoft", customer) == []
    with app.uow() as uow:
        assert uow.outbox.of_subject("wesoft", customer) == []


def test_one_lock_at_a_time_and_unlocking_restores_the_service(
    app: App, wesoft: Policy, customer: str
) -> None:
    lock = _lock(app, wesoft, customer)
    with pytest.raises(Conflict):
        _lock(app, wesoft, customer, "impersonation")
    ended = locks.unlock(app.uow(), wesoft, customer, lock.id, "Đã gỡ mã độc", STAFF, LATER)
    assert (ended.unlocked_at, ended.unlocked_by, ended.unlock_note) == (
        LATER, STAFF, "Đã gỡ mã độc",
    )  # fmt: skip
    assert _reason(app, wesoft, customer, "provide_services") == "allowed"
    with pytest.raises(NotFound):
        locks.unlock(app.uow(), wesoft, customer, lock.id, "again", STAFF, LATER)
    with app.uow() as uow:
        templates = [m["template"] for m in uow.outbox.of_subject("wesoft", customer)]
    assert templates == ["service_locked", "service_unlocked"]
    # a new lock once the first ended
    again = locks.lock(app.uow(), wesoft, customer, "impersonation", EVIDENCE, STAFF, LATER)
    assert [x.id for x in locks.of_subject(app.uow(), "wesoft", customer)] == [lock.id, again.id]


def test_data_rights_keep_working_while_locked(app: App, wesoft: Policy, customer: str) -> None:
    _lock(app, wesoft, customer)
    exported = rights.submit(
        app.uow(), wesoft, customer, "export", "assisted", None, STAFF, NOW,
        identity_method="document_checked",
    )  # fmt: skip
    archive = rights.export(app.uow(), wesoft, exported.id, STAFF, NOW)
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        data = json.loads(z.read("data.json"))
    assert CUSTOMER["email"] in json.dumps(data, ensure_ascii=False)
    deletion = rights.submit(
        app.uow(), wesoft, customer, "delete", "assisted", None, STAFF, NOW,
        identity_method="document_checked",
    )  # fmt: skip
    assert rights.delete(app.uow(), wesoft, deletion.id, STAFF, NOW).state is State.DONE
    with app.uow() as uow:
        record = uow.subjects.get("wesoft", customer)
    assert record is not None and record.status == "erased"


def test_another_tenants_subject_is_not_found(app: App, wesoft: Policy) -> None:
    wesale = example_policy("wesale")
    [buyer] = subjects.register(app.uow(), wesale, "buyer", [BUYER], "t", NOW)
    with pytest.raises(NotFound):
        _lock(app, wesoft, buyer)
    with pytest.raises(NotFound):
        locks.of_subject(app.uow(), "wesoft", buyer)


def test_the_evidence_and_unlock_notes_never_enter_the_audit_chain(
    app: App, wesoft: Policy, customer: str
) -> None:
    lock = _lock(app, wesoft, customer)
    locks.unlock(app.uow(), wesoft, customer, lock.id, "Ghi chú mở khóa riêng", STAFF, LATER)
    with app.uow() as uow:
        entries = uow.audit.entries("wesoft", subject=customer)
    said = json.dumps(entries, default=str, ensure_ascii=False)
    assert EVIDENCE not in said and "Ghi chú mở khóa riêng" not in said
    placed = [e for e in entries if e["action"] in ("lock.place", "lock.release")]
    assert [e["action"] for e in placed] == ["lock.place", "lock.release"]
    assert all(json.dumps(e["detail"], default=str).count("malware") == 1 for e in placed)


@pytest.mark.usefixtures("fast_passwords")
def test_staff_lock_over_http_and_the_locked_customer_still_logs_in_to_read_why(
    app: App, wesoft: Policy, customer: str
) -> None:
    support = _staff_token(app, "hoa", Role.SUPPORT)
    auditor = _staff_token(app, "tuan", Role.AUDITOR)
    path = f"/v1/subjects/{customer}/locks"
    with http(app, auditor) as c:
        assert c.post(path, json={"violation": "malware", "evidence": EVIDENCE}).status_code == 403
    with http(app, support) as c:
        made = c.post(path, json={"violation": "malware", "evidence": EVIDENCE})
        assert made.status_code == 201, made.text
        assert made.json()["evidence"] == EVIDENCE
        again = c.post(path, json={"violation": "malware", "evidence": EVIDENCE})
        assert again.status_code == 409
        unlisted = c.post(path, json={"violation": "spam", "evidence": EVIDENCE})
        assert (unlisted.status_code, unlisted.json()["error"]["field"]) == (422, "violation")
    token = _subject_token(app, customer)  # a locked customer still logs in
    with http(app, token) as c:
        mine = c.get("/v1/me/locks", params={"language": "en"})
    assert mine.status_code == 200
    [shown] = mine.json()["locks"]
    assert shown["violation"] == "malware" and shown["open"] is True
    assert "malware" in shown["reason"] and shown["evidence"] is None
    lock_id = made.json()["id"]
    with http(app, support) as c:
        ended = c.post(f"{path}/{lock_id}/unlock", json={"note": "Đã gỡ mã độc"})
        assert ended.status_code == 200 and ended.json()["open"] is False
        listed = c.get(path)
    assert [x["id"] for x in listed.json()["locks"]] == [lock_id]
