"""A subject's own rights requests, carried out as filed where the tenant promises self-service.

Wesale and Clever Group let members change or delete their data in the account
page (`subject_access.mode: both`); ecomviet takes requests only through its
staff. The request is still recorded, with its receipt and deadlines, and
audited, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.consent import ConsentRequest
from baomat.domain.errors import Forbidden, Invalid, NotFound
from baomat.domain.rights import State
from baomat.policy.model import Policy
from baomat.services import (
    audit,
    consents,
    decisions,
    disclosures,
    holds,
    rights,
    subjects,
)
from tests.integration.shop import AT
from tests.integration.tenancy import example_policy, examples_app

LATER = AT + dt.timedelta(hours=1)
BUYER = {"full_name": "Lê Thị Hồng", "phone": "0912 345 678", "email": "hong.le@example.vn"}
SELF = "subject:buyer"


def _policy(name: str) -> Policy:
    return example_policy(name)


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    with examples_app(settings, ("wesale", "ecomviet"), AT) as built:
        yield built


@pytest.fixture
def wesale() -> Policy:
    return _policy("wesale")


@pytest.fixture
def buyer(app: App, wesale: Policy) -> str:
    return subjects.register(app.uow(), wesale, "buyer", [BUYER], "test", AT)[0]


def _file(
    app: App,
    policy: Policy,
    subject: str,
    kind: str,
    detail: dict[str, object] | None = None,
    values: dict[str, str] | None = None,
) -> rights.Filed:
    return rights.file_own(app.uow(), policy, subject, kind, detail, values, SELF, LATER)


def _actions(app: App, subject: str) -> list[str]:
    with app.uow() as uow:
        return [str(e["action"]) for e in uow.audit.entries("wesale", subject=subject)]


def _requests(app: App) -> int:
    with app.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM rights_requests")).scalar_one())


def _decide(app: App, policy: Policy, subject: str, purpose: str) -> str:
    return decisions.decide(
        app.uow(), policy, subject, purpose, ["email"], None, "crm", LATER
    ).reason


def _consent(app: App, policy: Policy, subject: str) -> None:
    found = policy.purpose("marketing_email")
    assert found is not None
    shown = hashlib.sha256(found.text.vi.encode()).hexdigest()
    request = ConsentRequest(subject, "marketing_email", 1, shown, "vi", "web", given=True)
    consents.give(app.uow(), policy, request, "web", AT)


def test_an_access_request_is_answered_as_filed_with_its_receipt_and_audit(
    app: App, wesale: Policy, buyer: str
) -> None:
    filed = _file(app, wesale, buyer, "access")
    request = filed.request
    assert (request.channel.value, request.state, request.identity_method) == (
        "self_service", State.DONE, "login",
    )  # fmt: skip
    assert request.acknowledge_due is not None and request.completed_at == LATER
    assert filed.report is not None
    assert {v["field"]: v["value"] for v in filed.report.as_dict()["data"]}["phone"] == (
        "+84912345678"
    )
    assert rights.get(app.uow(), "wesale", request.id).state is State.DONE
    assert _actions(app, buyer)[-5:] == [
        "rights.submit", "rights.acknowledge", "rights.start", "subject.read", "rights.complete",
    ]  # fmt: skip
    assert rights.list_requests(app.uow(), "wesale") == []
    assert audit.verify(app.uow())[1] is None  # the receipt and the answer chained in turn


def test_a_correction_with_its_values_is_carried_out_and_a_bad_one_stores_nothing(
    app: App, wesale: Policy, buyer: str
) -> None:
    with pytest.raises(Invalid) as bad:
        _file(app, wesale, buyer, "correct", values={"phone": "12345"})
    assert bad.value.field == "phone"
    with pytest.raises(Invalid, match="values: only a correction takes values"):
        _file(app, wesale, buyer, "delete", values={"phone": "0987 654 321"})
    with pytest.raises(Invalid, match="email: was not named"):
        _file(app, wesale, buyer, "correct", {"fields": ["phone"]}, {"email": "a@example.vn"})
    assert _requests(app) == 0

    filed = _file(app, wesale, buyer, "correct", values={"phone": "0987 654 321"})
    assert (filed.request.state, filed.request.fields) == (State.DONE, ("phone",))
    with app.uow() as uow:
        assert uow.subjects.values("wesale", buyer, ["phone"]) == {"phone": "+84987654321"}
    assert "subject.correct" in _actions(app, buyer)


def test_what_needs_a_person_waits_for_staff(app: App, wesale: Policy, buyer: str) -> None:
    waiting = [
        _file(app, wesale, buyer, "export"),  # the subject's own download carries it out
        _file(app, wesale, buyer, "correct", {"fields": ["phone"]}),  # no values given
        _file(app, wesale, buyer, "object", {"purpose": "customer_care"}),  # a contract's
        _file(app, wesale, buyer, "restrict"),  # every purpose, the contract's among them
    ]
    assert all(f.request.state is State.RECEIVED and f.report is None for f in waiting)
    queued = [r.id for r in rights.list_requests(app.uow(), "wesale")]
    assert sorted(queued) == sorted(f.request.id for f in waiting)
    assert _decide(app, wesale, buyer, "customer_care") == "allowed"


def test_an_objection_to_a_consented_purpose_and_a_withdrawal_take_effect_at_once(
    app: App, wesale: Policy, buyer: str
) -> None:
    refused = _file(app, wesale, buyer, "withdraw", {"purpose": "marketing_email"})
    assert (refused.request.state, refused.request.refusal_reason) == (
        State.REFUSED, "no consent to purpose 'marketing_email' is in force",
    )  # fmt: skip
    _consent(app, wesale, buyer)
    assert _file(app, wesale, buyer, "withdraw").request.state is State.DONE
    assert _decide(app, wesale, buyer, "marketing_email") == "consent_withdrawn"
    objection = _file(app, wesale, buyer, "object", {"purpose": "marketing_email"})
    assert objection.request.state is State.DONE
    assert _decide(app, wesale, buyer, "marketing_email") == "subject_objected"
    assert _decide(app, wesale, buyer, "answer_questions") == "allowed"


def test_a_deletion_erases_at_once_unless_a_legal_hold_or_an_authority_request_keeps_the_data(
    app: App, wesale: Policy, buyer: str
) -> None:
    hold = holds.place(app.uow(), "wesale", buyer, "complaint", "KN-2026-001", "dpo", AT)
    held = _file(app, wesale, buyer, "delete")
    assert held.request.state is State.REFUSED
    assert held.request.refusal_reason is not None and "legal hold" in held.request.refusal_reason
    holds.release(app.uow(), "wesale", hold, "dpo", AT)

    asked = disclosures.record_authority_request(
        app.uow(), wesale, buyer, "police_investigation", "police", "128/CSĐT",
        dt.date(2026, 2, 12), "legal_obligation", ["full_name"], False, "dpo.an", AT,
    )  # fmt: skip
    pending = _file(app, wesale, buyer, "delete")
    assert pending.request.state is State.REFUSED
    assert "authority_request" in (pending.request.refusal_reason or "")
    with app.uow() as uow:
        assert uow.subjects.values("wesale", buyer, ["email"]) == {"email": BUYER["email"]}

    disclosures.reject(app.uow(), "wesale", asked.id, "dpo.binh", "dpo", "not_a_formal_request", AT)
    done = _file(app, wesale, buyer, "delete")
    assert done.request.state is State.DONE
    with app.uow() as uow:
        record = uow.subjects.get("wesale", buyer)
    assert record is not None and record.status == "erased"
    assert app.keystore.get("wesale", buyer) is None
    with pytest.raises(NotFound):
        _file(app, wesale, buyer, "access")


def test_a_tenant_taking_requests_only_through_staff_keeps_the_staff_path(app: App) -> None:
    ecomviet = _policy("ecomviet")
    customer = {**BUYER, "request_details": "Tư vấn chữ ký số"}
    [subject] = subjects.register(app.uow(), ecomviet, "customer", [customer], "test", AT)
    with pytest.raises(Forbidden, match="only through its staff"):
        rights.file_own(app.uow(), ecomviet, subject, "delete", None, None, SELF, LATER)
    assert _requests(app) == 0
