"""Consent with proof and audited decisions, on Wesale's policy, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from baomat import bootstrap
from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.consent import ConsentRequest
from baomat.domain.decision import Denied
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.policy.loader import load_policy
from baomat.policy.model import Policy
from baomat.services import consents, decisions, subjects, tenants
from tests.conftest import EXAMPLES
from tests.integration.shop import AT

WESALE_FILE = EXAMPLES / "wesale.yaml"
BUYER = {"full_name": "Lê Thị Hồng", "phone": "0912 345 678", "email": "hong.le@example.vn"}
IP = "203.113.131.77"
AGENT = "Mozilla/5.0 (Linux; Android 14; SM-A546E) Chrome/124.0"
LATER = AT + dt.timedelta(days=2)


@pytest.fixture
def wesale() -> Policy:
    return load_policy(WESALE_FILE)


@pytest.fixture
def app(settings: Settings, wesale: Policy) -> Iterator[App]:
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: AT)
    document = WESALE_FILE.read_text("utf-8")
    tenants.publish_policy(built.uow(), wesale, document, "test", AT)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def buyer(app: App, wesale: Policy) -> str:
    return subjects.register(app.uow(), wesale, "buyer", [BUYER], "test", AT)[0]


def _request(policy: Policy, subject: str, **changes: Any) -> ConsentRequest:
    purpose = policy.purpose(changes.pop("purpose", "marketing_email"))
    assert purpose is not None
    values: dict[str, Any] = {
        "subject": subject,
        "purpose": purpose.id,
        "policy_version": policy.version,
        "text_sha256": hashlib.sha256(purpose.text.vi.encode()).hexdigest(),
        "language": "vi",
        "channel": "web",
        "given": True,
        "ip": IP,
        "user_agent": AGENT,
    }
    values.update(changes)
    return ConsentRequest(**values)


def _marketing(app: App, policy: Policy, subject: str, at: dt.datetime) -> str:
    decision = decisions.decide(
        app.uow(), policy, subject, "marketing_email", ["email"], None, "crm", at
    )
    return decision.reason


def _rows(app: App, sql: str) -> list[Any]:
    with app.engine.connect() as conn:
        return list(conn.execute(text(sql)))


def test_marketing_email_needs_opt_in_and_stops_at_withdrawal(
    app: App, wesale: Policy, buyer: str
) -> None:
    assert _marketing(app, wesale, buyer, AT) == "no_consent"
    consents.give(app.uow(), wesale, _request(wesale, buyer), "web", AT)
    assert _marketing(app, wesale, buyer, AT) == "allowed"
    withdrawn = consents.withdraw(app.uow(), "wesale", buyer, "marketing_email", "web", LATER)
    assert [c.withdrawn_at for c in withdrawn] == [LATER]
    assert _marketing(app, wesale, buyer, AT + dt.timedelta(days=1)) == "allowed"
    assert _marketing(app, wesale, buyer, LATER) == "consent_withdrawn"

    with app.uow() as uow:
        entries = uow.audit.entries("wesale", subject=buyer)
    trail = [(e["action"], e["outcome"], e["purpose"]) for e in entries[1:]]
    assert trail == [
        ("decision", "deny", "marketing_email"),
        ("consent.give", "ok", "marketing_email"),
        ("decision", "allow", "marketing_email"),
        ("consent.withdraw", "ok", "marketing_email"),
        ("decision", "allow", "marketing_email"),
        ("decision", "deny", "marketing_email"),
    ]
    assert '"reason":"no_consent"' in entries[1]["detail"]
    assert '"policy_version":1' in entries[2]["detail"]


def test_reading_values_goes_through_the_same_decision(
    app: App, wesale: Policy, buyer: str
) -> None:
    with pytest.raises(Denied) as excinfo:
        subjects.read(app.uow(), wesale, buyer, ["email"], "marketing_email", "crm", AT)
    assert excinfo.value.reason == "no_consent"
    consents.give(app.uow(), wesale, _request(wesale, buyer), "web", AT)
    got = subjects.read(app.uow(), wesale, buyer, ["email"], "marketing_email", "crm", AT)
    assert got == {"email": "hong.le@example.vn"}
    with app.uow() as uow:
        reads = [
            e for e in uow.audit.entries("wesale", subject=buyer) if e["action"] == "subject.read"
        ]
    assert [(e["outcome"], e["purpose"]) for e in reads] == [
        ("denied", "marketing_email"), ("ok", "marketing_email"),
    ]  # fmt: skip


def test_consent_citing_an_old_policy_version_is_refused(
    app: App, wesale: Policy, buyer: str
) -> None:
    v2 = wesale.model_copy(update={"version": 2})
    document = WESALE_FILE.read_text("utf-8").replace("version: 1", "version: 2", 1)
    tenants.publish_policy(app.uow(), v2, document, "test", AT)
    with pytest.raises(Invalid, match="consent cites policy version 1; the current version is 2"):
        consents.give(app.uow(), v2, _request(wesale, buyer), "web", AT)
    consents.give(app.uow(), v2, _request(v2, buyer), "web", AT)
    assert _marketing(app, v2, buyer, AT) == "allowed"


def test_consent_for_a_purpose_that_needs_none_is_refused(
    app: App, wesale: Policy, buyer: str
) -> None:
    with pytest.raises(Invalid, match="needs no consent"):
        consents.give(
            app.uow(), wesale, _request(wesale, buyer, purpose="customer_care"), "web", AT
        )


def test_preticked_consent_is_refused_and_nothing_is_stored(
    app: App, wesale: Policy, buyer: str
) -> None:
    before = _rows(app, "SELECT count(*) FROM audit_entries")[0][0]
    with pytest.raises(Invalid, match="pre-ticked box is not consent"):
        consents.give(app.uow(), wesale, _request(wesale, buyer, preticked=True), "web", AT)
    with pytest.raises(Invalid, match="given: must be true"):
        consents.give(app.uow(), wesale, _request(wesale, buyer, given=None), "web", AT)
    assert _rows(app, "SELECT count(*) FROM consents")[0][0] == 0
    assert _rows(app, "SELECT count(*) FROM audit_entries")[0][0] == before
    assert _marketing(app, wesale, buyer, AT) == "no_consent"


def test_the_same_consent_twice_is_a_conflict_and_withdrawing_nothing_too(
    app: App, wesale: Policy, buyer: str
) -> None:
    with pytest.raises(Conflict, match="none is in force"):
        consents.withdraw(app.uow(), "wesale", buyer, "marketing_email", "web", AT)
    consents.give(app.uow(), wesale, _request(wesale, buyer), "web", AT)
    with pytest.raises(Conflict, match="already given"):
        consents.give(app.uow(), wesale, _request(wesale, buyer), "web", AT)


def test_a_partner_is_denied_once_its_contract_has_expired(
    app: App, wesale: Policy, buyer: str
) -> None:
    def partner(at: dt.datetime) -> str:
        return decisions.decide(
            app.uow(), wesale, buyer, "technical_support_and_disputes", ["phone"],
            "technical_partner", "support", at,
        ).reason  # fmt: skip

    assert partner(AT) == "allowed"
    assert partner(dt.datetime(2028, 1, 2, tzinfo=dt.UTC)) == "contract_expired"
    with app.uow() as uow:
        last = uow.audit.entries("wesale", subject=buyer)[-1]
    assert (last["action"], last["outcome"]) == ("decision", "deny")
    assert '"recipient":"technical_partner"' in last["detail"]


def test_evidence_is_stored_encrypted_and_read_back_audited(
    app: App, wesale: Policy, buyer: str, settings: Settings
) -> None:
    consents.give(app.uow(), wesale, _request(wesale, buyer), "web", AT)
    plain = consents.list_for_subject(app.uow(), "wesale", buyer, "dpo", AT)
    assert [c.evidence for c in plain] == [None]
    shown = consents.list_for_subject(app.uow(), "wesale", buyer, "dpo", AT, with_evidence=True)
    assert shown[0].evidence is not None
    assert (shown[0].evidence.ip, shown[0].evidence.user_agent) == (IP, AGENT)

    # Neither the consent row nor any audit entry holds the IP or the user agent.
    rows = _rows(app, "SELECT * FROM consents") + _rows(app, "SELECT * FROM audit_entries")
    dumped = repr(rows)
    for secret in (IP, AGENT):
        assert secret not in dumped and secret.encode().hex() not in dumped
    with app.uow() as uow:
        actions = [e["action"] for e in uow.audit.entries("wesale", subject=buyer)]
    assert actions[-1] == "consent.evidence.read"
    if app.engine.dialect.name == "sqlite":
        app.engine.dispose()
        for path in Path(settings.home).glob("baomat.sqlite3*"):
            assert IP.encode() not in path.read_bytes()


def test_erasing_the_subject_leaves_no_evidence(app: App, wesale: Policy, buyer: str) -> None:
    consents.give(app.uow(), wesale, _request(wesale, buyer), "web", AT)
    subjects.erase(app.uow(), "wesale", buyer, "subject_request", "test", LATER)
    assert _rows(app, "SELECT evidence FROM consents") == [(None,)]
    with pytest.raises(NotFound):
        consents.give(app.uow(), wesale, _request(wesale, buyer), "web", LATER)
    assert _marketing(app, wesale, buyer, LATER) == "subject_erased"


def test_a_restriction_stops_all_but_what_the_law_requires(
    app: App, wesale: Policy, buyer: str
) -> None:
    with app.uow() as uow:
        uow.limits.place("wesale", buyer, "restricted", None, AT)
        uow.commit()

    def reason(purpose: str) -> str:
        return decisions.decide(
            app.uow(), wesale, buyer, purpose, ["email"], None, "crm", AT
        ).reason

    assert reason("answer_questions") == "subject_restricted"
    assert reason("judicial_requests") == "allowed"


def test_another_tenants_subject_looks_like_no_subject(
    app: App, wesale: Policy, settings: Settings
) -> None:
    wesoft = load_policy(EXAMPLES / "wesoft.yaml")
    tenants.publish_policy(
        app.uow(), wesoft, (EXAMPLES / "wesoft.yaml").read_text("utf-8"), "test", AT
    )
    theirs = subjects.register(
        app.uow(), wesoft, wesoft.subject_types[0].id,
        [{"full_name": "Phạm Minh", "address": "12 Kim Giang, Hà Nội",
          "phone": "0987 654 321", "email": "minh@example.vn"}],
        "test", AT,
    )[0]  # fmt: skip
    d = decisions.decide(app.uow(), wesale, theirs, "answer_questions", ["email"], None, "x", AT)
    assert (d.allowed, d.reason) == (False, "subject_not_found")
    with app.uow() as uow:
        last = uow.audit.entries("wesale")[-1]
        assert uow.audit.entries("wesale", subject=theirs) == []
    assert (last["action"], last["outcome"], last["subject"]) == ("decision", "deny", None)
    with pytest.raises(NotFound):
        consents.give(app.uow(), wesale, _request(wesale, theirs), "web", AT)
    with pytest.raises(NotFound):
        subjects.read(app.uow(), wesale, theirs, ["email"], "answer_questions", "x", AT)
