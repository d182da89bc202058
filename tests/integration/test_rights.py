"""Data subjects' rights requests over a real store, on SQLite and PostgreSQL.

Wesale takes requests both ways, ecomviet only through its staff, Clever Group
asks assisted requesters to prove a legal right (seeds/PROMISES.md [A] lines).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import insert, text

from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.consent import ConsentRequest
from baomat.domain.errors import Conflict, Forbidden, Invalid, NotFound
from baomat.domain.periods import end_of_day, vietnam_tz
from baomat.domain.rights import RightsRequest, State
from baomat.policy.model import Policy
from baomat.services import consents, decisions, holds, rights, subjects
from baomat.store.tables import disclosures
from baomat.store.uow import UnitOfWork
from tests.integration.shop import AT
from tests.integration.tenancy import example_policy, examples_app

TZ = vietnam_tz()
LATER = AT + dt.timedelta(days=3)
BUYER = {"full_name": "Lê Thị Hồng", "phone": "0912 345 678", "email": "hong.le@example.vn"}
OTHER = {"full_name": "Trần Văn Nam", "phone": "0987 654 321", "email": "nam.tran@example.vn"}
CUSTOMER = {
    "full_name": "Phạm Thu Trang",
    "phone": "0903 111 222",
    "email": "trang.pham@example.vn",
    "request_details": "Tư vấn chữ ký số",
}
USER = {"email": "minh.vo@example.vn", "phone": "0938 765 432", "address": "12 Lý Tự Trọng"}
STAFF = "support.lan"
SELF = "subject"


def _policy(name: str) -> Policy:
    return example_policy(name)


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    with examples_app(settings, ("wesale", "ecomviet", "clevergroup"), AT) as built:
        yield built


@pytest.fixture
def wesale() -> Policy:
    return _policy("wesale")


@pytest.fixture
def buyer(app: App, wesale: Policy) -> str:
    return subjects.register(app.uow(), wesale, "buyer", [BUYER], "test", AT)[0]


def _submit(app: App, policy: Policy, subject: str, kind: str, **kw: Any) -> RightsRequest:
    detail = kw.pop("detail", None)
    return rights.submit(
        app.uow(), policy, subject, kind, "assisted", detail, STAFF, AT,
        identity_method=kw.pop("identity_method", "document_checked"),
    )  # fmt: skip


def _values(app: App, tenant: str, subject: str) -> dict[str, str]:
    with app.uow() as uow:
        return uow.subjects.values(tenant, subject)


def _rows(app: App, sql: str, **params: Any) -> list[Any]:
    with app.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _consent(app: App, policy: Policy, subject: str, purpose: str = "marketing_email") -> None:
    found = policy.purpose(purpose)
    assert found is not None
    consents.give(
        app.uow(), policy,
        ConsentRequest(subject, purpose, policy.version,
                       hashlib.sha256(found.text.vi.encode()).hexdigest(), "vi", "web",
                       given=True, ip="203.113.131.77"),
        "web", AT,
    )  # fmt: skip


def _decide(app: App, policy: Policy, subject: str, purpose: str, field: str) -> str:
    return decisions.decide(app.uow(), policy, subject, purpose, [field], None, "crm", LATER).reason


# --- receipt and channel rules --------------------------------------------------------------


def test_the_receipt_of_a_deletion_of_friday_13_february_names_24_february_and_5_march(
    app: App, wesale: Policy, buyer: str
) -> None:
    receipt = _submit(app, wesale, buyer, "delete")
    assert receipt.state is State.RECEIVED
    assert receipt.acknowledge_due == end_of_day(dt.date(2026, 2, 24), TZ)
    assert receipt.due_at == end_of_day(dt.date(2026, 3, 5), TZ)
    assert (receipt.identity_method, receipt.identity_verified_by) == ("document_checked", STAFF)
    stored = rights.get(app.uow(), "wesale", receipt.id)
    assert (stored.kind, stored.acknowledge_due, stored.due_at, stored.law_profile) == (
        receipt.kind, receipt.acknowledge_due, receipt.due_at, "law-91-2025",
    )  # fmt: skip
    with app.uow() as uow:
        last = uow.audit.entries("wesale", subject=buyer)[-1]
    assert (last["action"], last["actor"]) == ("rights.submit", STAFF)
    assert '"identity_method":"document_checked"' in str(last["detail"])


def test_ecomviet_takes_requests_only_through_its_staff(app: App) -> None:
    ecomviet = _policy("ecomviet")
    customer = subjects.register(app.uow(), ecomviet, "customer", [CUSTOMER], "test", AT)[0]
    with pytest.raises(Forbidden, match=r"only through its staff \(subject_access.mode: assisted"):
        rights.submit(app.uow(), ecomviet, customer, "access", "self_service", None, SELF, AT)
    with pytest.raises(Invalid, match="identity_method: staff must verify who is asking"):
        rights.submit(app.uow(), ecomviet, customer, "access", "assisted", None, STAFF, AT)
    assert rights.list_requests(app.uow(), "ecomviet") == []
    receipt = _submit(app, ecomviet, customer, "access")
    assert [r.id for r in rights.list_requests(app.uow(), "ecomviet")] == [receipt.id]


def test_wesale_members_file_their_own_requests_proven_by_login(
    app: App, wesale: Policy, buyer: str
) -> None:
    receipt = rights.submit(app.uow(), wesale, buyer, "access", "self_service", None, SELF, AT)
    assert (receipt.identity_method, receipt.identity_verified_by) == ("login", None)


def test_clever_group_staff_enter_a_request_only_once_a_legal_right_is_proven(app: App) -> None:
    clever = _policy("clevergroup")
    user = subjects.register(app.uow(), clever, "user", [USER], "test", AT)[0]
    with pytest.raises(Invalid, match="must be 'legal_right_proven'"):
        _submit(app, clever, user, "delete", identity_method="document_checked")
    receipt = _submit(app, clever, user, "delete", identity_method="legal_right_proven")
    assert receipt.identity_method == "legal_right_proven"
    assert rights.delete(app.uow(), clever, receipt.id, STAFF, LATER).state is State.DONE


def test_a_request_names_only_what_the_policy_declares(
    app: App, wesale: Policy, buyer: str
) -> None:
    with pytest.raises(Invalid, match="'tax_code' is not a field of this subject's type"):
        _submit(app, wesale, buyer, "correct", detail={"fields": ["tax_code"]})
    with pytest.raises(Invalid, match="'selling' is not a purpose"):
        _submit(app, wesale, buyer, "restrict", detail={"purpose": "selling"})
    with pytest.raises(Invalid, match=r"detail\.purpose: a 'delete' request takes nothing"):
        _submit(app, wesale, buyer, "delete", detail={"purpose": "marketing_email"})
    with pytest.raises(NotFound):
        _submit(app, wesale, "no-such-subject", "access")
    assert rights.list_requests(app.uow(), "wesale") == []


# --- the request's own steps -------------------------------------------------------------------


def test_staff_acknowledge_extend_once_and_refuse_with_reasons(
    app: App, wesale: Policy, buyer: str
) -> None:
    receipt = _submit(app, wesale, buyer, "delete")
    rights.acknowledge(app.uow(), "wesale", receipt.id, STAFF, AT)
    extended = rights.extend(
        app.uow(), "wesale", receipt.id, "backups are searched too", STAFF, LATER
    )
    assert extended.extended_due == end_of_day(dt.date(2026, 3, 25), TZ)
    with pytest.raises(Conflict, match="the law allows it once"):
        rights.extend(app.uow(), "wesale", receipt.id, "more", STAFF, LATER)
    refused = rights.refuse(app.uow(), "wesale", receipt.id, "asked by mistake", STAFF, LATER)
    stored = rights.get(app.uow(), "wesale", receipt.id)
    assert (stored.state, stored.refusal_reason, stored.extension_reason) == (
        State.REFUSED, "asked by mistake", "backups are searched too",
    )  # fmt: skip
    assert stored.extended_due == extended.extended_due and refused.completed_at == LATER
    with app.uow() as uow:
        entries = uow.audit.entries("wesale", subject=buyer)
    assert [e["action"] for e in entries[-4:]] == [
        "rights.submit", "rights.acknowledge", "rights.extend", "rights.refuse",
    ]  # fmt: skip
    assert "backups" not in repr(entries) and "mistake" not in repr(entries)


def test_the_staff_queue_puts_least_time_left_first_and_finds_the_overdue(
    app: App, wesale: Policy, buyer: str
) -> None:
    delete = _submit(app, wesale, buyer, "delete")  # acknowledge by 24 Feb
    access = _submit(app, wesale, buyer, "access")
    rights.acknowledge(app.uow(), "wesale", access.id, STAFF, AT)  # then done by 23 Feb
    withdraw = _submit(app, wesale, buyer, "withdraw")
    rights.acknowledge(app.uow(), "wesale", withdraw.id, STAFF, AT)  # then by 2 Mar
    queue = rights.list_requests(app.uow(), "wesale")
    assert [r.id for r in queue] == [access.id, delete.id, withdraw.id]
    on_25_feb = end_of_day(dt.date(2026, 2, 24), TZ)
    overdue = rights.list_requests(app.uow(), "wesale", overdue_at=on_25_feb)
    assert [r.id for r in overdue] == [access.id, delete.id]
    acknowledged = rights.list_requests(app.uow(), "wesale", state="acknowledged")
    assert [r.id for r in acknowledged] == [access.id, withdraw.id]
    with pytest.raises(Invalid, match="state: must be one of"):
        rights.list_requests(app.uow(), "wesale", state="lost")


# --- access and export ------------------------------------------------------------------------


def _disclose(app: App, subject: str, recipient: str, *, confidential: bool) -> None:
    with app.uow() as uow:
        uow.conn.execute(
            insert(disclosures).values(
                tenant_id="wesale", id=hashlib.sha256(recipient.encode()).hexdigest()[:32],
                subject_id=subject, recipient=recipient, purpose="technical_support_and_disputes",
                fields="full_name,phone", legal_basis="contract", status="released",
                confidential=confidential, requested_by="support", requested_at=AT,
                released_at=AT,
            )
        )  # fmt: skip
        uow.commit()


def test_access_shows_values_consents_disclosures_and_decisions_and_is_audited(
    app: App, wesale: Policy, buyer: str
) -> None:
    _consent(app, wesale, buyer)
    _decide(app, wesale, buyer, "marketing_email", "email")
    _disclose(app, buyer, "technical_partner", confidential=False)
    _disclose(app, buyer, "police_investigation", confidential=True)
    receipt = rights.submit(app.uow(), wesale, buyer, "access", "self_service", None, SELF, AT)

    report = rights.access(app.uow(), wesale, receipt.id, SELF, LATER)

    assert {v.field: v.value for v in report.values} == {
        "full_name": "Lê Thị Hồng", "phone": "+84912345678", "email": "hong.le@example.vn",
    }  # fmt: skip
    assert "Lê Thị Hồng" not in repr(report)
    assert [(c.purpose, c.evidence) for c in report.consents] == [("marketing_email", None)]
    assert [d.recipient for d in report.disclosures] == ["technical_partner"]
    assert [(e.action, e.purpose, e.outcome, e.reason) for e in report.log] == [
        ("decision", "marketing_email", "allow", "allowed"),
    ]
    assert rights.get(app.uow(), "wesale", receipt.id).state is State.DONE
    with app.uow() as uow:
        actions = [e["action"] for e in uow.audit.entries("wesale", subject=buyer)]
    assert actions[-5:] == [
        "rights.submit", "rights.acknowledge", "rights.start", "subject.read", "rights.complete",
    ]  # fmt: skip


def test_export_is_one_zip_of_json_and_csv_with_nothing_of_another_subject(
    app: App, wesale: Policy, buyer: str
) -> None:
    other = subjects.register(app.uow(), wesale, "buyer", [OTHER], "test", AT)[0]
    _consent(app, wesale, buyer)
    _consent(app, wesale, other)
    _disclose(app, buyer, "technical_partner", confidential=False)
    receipt = _submit(app, wesale, buyer, "export")

    blob = rights.export(app.uow(), wesale, receipt.id, STAFF, LATER)

    archive = zipfile.ZipFile(io.BytesIO(blob))
    assert sorted(archive.namelist()) == [
        "consents.csv", "data.csv", "data.json", "decisions.csv", "disclosures.csv",
    ]  # fmt: skip
    doc = json.loads(archive.read("data.json").decode("utf-8"))
    assert doc["subject"] == buyer
    assert {d["field"]: d["value"] for d in doc["data"]}["full_name"] == "Lê Thị Hồng"
    assert [c["purpose"] for c in doc["consents"]] == ["marketing_email"]
    assert [d["recipient"] for d in doc["disclosures"]] == ["technical_partner"]
    data_csv = archive.read("data.csv")
    assert data_csv.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads Vietnamese
    rows = list(csv.reader(io.StringIO(data_csv.decode("utf-8-sig"))))
    assert rows[0] == ["field", "value"]
    assert dict(rows[1:]) == {
        "full_name": "Lê Thị Hồng",
        "phone": "'+84912345678",  # guarded so a spreadsheet does not run it as a formula
        "email": "hong.le@example.vn",
    }
    consents_csv = archive.read("consents.csv").decode("utf-8-sig")
    assert "marketing_email" in consents_csv and "203.113" not in consents_csv
    assert "technical_partner" in archive.read("disclosures.csv").decode("utf-8-sig")
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8-sig")
    for value in [*OTHER.values(), other, "84987654321"]:
        assert value not in everything


def test_access_to_an_erased_subject_is_a_conflict(app: App, wesale: Policy, buyer: str) -> None:
    receipt = _submit(app, wesale, buyer, "access")
    subjects.erase(app.uow(), "wesale", buyer, "retention:x", "retention", AT)
    with pytest.raises(Conflict, match="erased"):
        rights.access(app.uow(), wesale, receipt.id, STAFF, LATER)
    with pytest.raises(Invalid, match="is a 'access' request, not export"):
        rights.export(app.uow(), wesale, receipt.id, STAFF, LATER)


# --- correction -------------------------------------------------------------------------------


def test_a_correction_is_validated_as_collection_and_moves_the_blind_index(
    app: App, wesale: Policy, buyer: str
) -> None:
    receipt = _submit(app, wesale, buyer, "correct", detail={"fields": ["phone"]})
    with pytest.raises(Invalid, match="phone"):
        rights.correct(app.uow(), wesale, receipt.id, {"phone": "12345"}, STAFF, LATER)
    with pytest.raises(Invalid, match="email: was not named in the correction request"):
        rights.correct(app.uow(), wesale, receipt.id, {"email": "a@b.vn"}, STAFF, LATER)
    with pytest.raises(Invalid, match="phone: is required"):
        rights.correct(app.uow(), wesale, receipt.id, {"phone": ""}, STAFF, LATER)
    assert _values(app, "wesale", buyer)["phone"] == "+84912345678"
    assert rights.get(app.uow(), "wesale", receipt.id).state is State.RECEIVED

    done = rights.correct(app.uow(), wesale, receipt.id, {"phone": "0977 000 111"}, STAFF, LATER)

    assert done.state is State.DONE
    assert _values(app, "wesale", buyer) == {
        "full_name": "Lê Thị Hồng", "phone": "+84977000111", "email": "hong.le@example.vn",
    }  # fmt: skip
    with app.uow() as uow:
        assert uow.subjects.find("wesale", "phone", "+84977000111") == [buyer]
        assert uow.subjects.find("wesale", "phone", "+84912345678") == []
        last = uow.audit.entries("wesale", subject=buyer)[-2]
    assert (last["action"], last["fields"]) == ("subject.correct", "phone")
    assert "977000111" not in repr(last)  # the new value is named, never shown


def test_an_optional_field_is_removed_by_correcting_it_to_nothing(app: App) -> None:
    clever = _policy("clevergroup")
    user = subjects.register(app.uow(), clever, "user", [USER], "test", AT)[0]
    receipt = rights.submit(app.uow(), clever, user, "correct", "self_service", None, SELF, AT)
    rights.correct(
        app.uow(), clever, receipt.id, {"address": "", "full_name": "Võ Minh"}, SELF, LATER
    )
    assert _values(app, "clevergroup", user) == {
        "email": "minh.vo@example.vn", "phone": "+84938765432", "full_name": "Võ Minh",
    }  # fmt: skip


# --- deletion ---------------------------------------------------------------------------------


def test_a_deletion_erases_for_good_and_keeps_a_tombstone(
    app: App, wesale: Policy, buyer: str
) -> None:
    receipt = _submit(app, wesale, buyer, "delete")
    done = rights.delete(app.uow(), wesale, receipt.id, STAFF, LATER)
    assert (done.state, done.completed_at) == (State.DONE, LATER)
    assert app.keystore.get("wesale", buyer) is None
    assert _rows(app, "SELECT count(*) FROM field_values WHERE subject_id = :s", s=buyer) == [(0,)]
    assert _rows(app, "SELECT reason FROM tombstones WHERE subject_id = :s", s=buyer) == [
        (f"request:{receipt.id}",)
    ]
    assert _decide(app, wesale, buyer, "answer_questions", "email") == "subject_erased"
    with pytest.raises(Conflict, match="already done"):
        rights.delete(app.uow(), wesale, receipt.id, STAFF, LATER)


def test_a_deletion_under_a_legal_hold_is_refused_with_the_holds_reason(
    app: App, wesale: Policy, buyer: str
) -> None:
    holds.place(app.uow(), "wesale", buyer, "complaint", "KN-2026-014", "dpo", AT)
    receipt = _submit(app, wesale, buyer, "delete")

    answered = rights.delete(app.uow(), wesale, receipt.id, STAFF, LATER)

    assert answered.state is State.REFUSED
    assert answered.refusal_reason == "a legal hold (complaint) keeps the data until it is released"
    assert rights.get(app.uow(), "wesale", receipt.id).state is State.REFUSED
    assert _values(app, "wesale", buyer)["email"] == "hong.le@example.vn"
    with app.uow() as uow:
        last = uow.audit.entries("wesale", subject=buyer)[-1]
    assert last["action"] == "rights.refuse" and '"refusal":"legal_hold"' in str(last["detail"])


# --- withdrawal, restriction, objection -------------------------------------------------------


def test_a_withdrawal_request_ends_the_consent_from_then_on(
    app: App, wesale: Policy, buyer: str
) -> None:
    _consent(app, wesale, buyer)
    receipt = _submit(app, wesale, buyer, "withdraw", detail={"purpose": "marketing_email"})
    assert rights.withdraw(app.uow(), wesale, receipt.id, STAFF, LATER).state is State.DONE
    assert _decide(app, wesale, buyer, "marketing_email", "email") == "consent_withdrawn"
    again = _submit(app, wesale, buyer, "withdraw")
    refused = rights.withdraw(app.uow(), wesale, again.id, STAFF, LATER)
    assert (refused.state, refused.refusal_reason) == (
        State.REFUSED, "no consent to any purpose is in force",
    )  # fmt: skip


def test_restriction_and_objection_limit_decisions_until_lifted(
    app: App, wesale: Policy, buyer: str
) -> None:
    restrict = _submit(app, wesale, buyer, "restrict", detail={"purpose": "customer_care"})
    rights.limit(app.uow(), wesale, restrict.id, STAFF, AT)
    assert _decide(app, wesale, buyer, "customer_care", "email") == "subject_restricted"
    assert _decide(app, wesale, buyer, "answer_questions", "email") == "allowed"

    objection = _submit(app, wesale, buyer, "object")  # every purpose
    assert rights.limit(app.uow(), wesale, objection.id, STAFF, AT).state is State.DONE
    assert _decide(app, wesale, buyer, "answer_questions", "email") == "subject_objected"
    assert _decide(app, wesale, buyer, "judicial_requests", "email") == "allowed"

    assert rights.lift_limit(app.uow(), "wesale", buyer, "object", None, SELF, LATER) == 1
    assert _decide(app, wesale, buyer, "answer_questions", "email") == "allowed"
    with pytest.raises(Conflict, match="no objected limit is in force"):
        rights.lift_limit(app.uow(), "wesale", buyer, "object", None, SELF, LATER)
    rights.lift_limit(app.uow(), "wesale", buyer, "restrict", "customer_care", SELF, LATER)
    assert _decide(app, wesale, buyer, "customer_care", "email") == "allowed"


# --- concurrency ------------------------------------------------------------------------------


class _WaitsBeforeWriting(UnitOfWork):
    """Holds a fulfilment between reading the subject and writing, until the other is there too."""

    def __init__(self, app: App, barrier: threading.Barrier) -> None:
        super().__init__(app.engine, app.keystore, app.index)
        self._barrier = barrier
        self._entries = 0

    def __enter__(self) -> UnitOfWork:
        self._entries += 1
        if self._entries == 2:
            self._barrier.wait(timeout=30)
        return super().__enter__()


@pytest.mark.parametrize("round_", range(3))
def test_a_correction_and_a_deletion_at_the_same_time_never_leave_half_of_each(
    app: App, wesale: Policy, buyer: str, round_: int
) -> None:
    correction = _submit(app, wesale, buyer, "correct")
    deletion = _submit(app, wesale, buyer, "delete")
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        uow = _WaitsBeforeWriting(app, barrier)
        try:
            if name == "correct":
                values = {"phone": "0977 000 111", "email": "hong@example.vn"}
                rights.correct(uow, wesale, correction.id, values, STAFF, LATER)
            else:
                rights.delete(uow, wesale, deletion.id, STAFF, LATER)
            outcomes[name] = "ok"
        except Exception as exc:  # the test inspects it below
            outcomes[name] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in ("correct", "delete")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    won = [n for n, o in outcomes.items() if o == "ok"]
    lost = [o for o in outcomes.values() if o != "ok"]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Conflict), lost[0]
    count = _rows(app, "SELECT count(*) FROM field_values WHERE subject_id = :s", s=buyer)[0][0]
    if won == ["delete"]:
        assert count == 0 and app.keystore.get("wesale", buyer) is None
        assert rights.get(app.uow(), "wesale", correction.id).state is State.RECEIVED
    else:
        assert _values(app, "wesale", buyer) == {
            "full_name": "Lê Thị Hồng", "phone": "+84977000111", "email": "hong@example.vn",
        }  # fmt: skip
        assert rights.get(app.uow(), "wesale", deletion.id).state is State.RECEIVED
