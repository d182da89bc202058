"""Sharing (PRODUCT.md 4) on Wesale's published policy, on SQLite and PostgreSQL.

Wesale's technical partner receives only its contract's fields; the Procuracy,
Court and Police receive data on a formal request, once a second dpo approves;
nothing is ever sold.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from baomat import bootstrap
from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.decision import Denied
from baomat.domain.disclosure import PENDING_APPROVAL, REJECTED, RELEASED, Disclosure
from baomat.domain.errors import Conflict, Forbidden, Invalid, NotFound
from baomat.policy.errors import PolicyError
from baomat.policy.loader import load_policy, parse_policy
from baomat.policy.model import Policy
from baomat.services import disclosures, subjects, tenants
from tests.conftest import EXAMPLES
from tests.integration.shop import AT

WESALE_FILE = EXAMPLES / "wesale.yaml"
LATER = AT + dt.timedelta(hours=4)
SUPPORT = "technical_support_and_disputes"
SELLER = {
    "full_name": "Trần Văn Bảo",
    "address": "18 Kim Mã, Ba Đình, Hà Nội",
    "phone": "0912 345 678",
    "email": "bao.tran@example.vn",
    "tax_code": "0110375724",
    "id_issue_date": "2015-06-01",
    "id_issue_place": "Cục Cảnh sát QLHC về TTXH",
    "property_info": "Nhà 4 tầng, 60 m², sổ hồng chính chủ",
}
STORED = {**SELLER, "phone": "+84912345678"}
"""The seller's values as stored: the phone in its canonical form."""


@pytest.fixture
def wesale() -> Policy:
    return load_policy(WESALE_FILE)


@pytest.fixture
def app(settings: Settings, wesale: Policy) -> Iterator[App]:
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: AT)
    tenants.publish_policy(built.uow(), wesale, WESALE_FILE.read_text("utf-8"), "test", AT)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def seller(app: App, wesale: Policy) -> str:
    return subjects.register(app.uow(), wesale, "seller", [SELLER], "test", AT)[0]


def _police(app: App, policy: Policy, subject: str, **changes: Any) -> Disclosure:
    args: dict[str, Any] = {
        "recipient_id": "police_investigation",
        "body": "police",
        "document_number": "128/CSĐT-PC02",
        "document_date": dt.date(2026, 2, 10),
        "legal_basis": "legal_obligation",
        "fields": ["full_name", "phone", "tax_code"],
        "confidential": False,
        "actor": "dpo.an",
        "at": AT,
    }
    args.update(changes)
    return disclosures.record_authority_request(app.uow(), policy, subject, **args)


def _rows(app: App, sql: str) -> list[Any]:
    with app.engine.connect() as conn:
        return list(conn.execute(text(sql)))


def _trail(app: App, subject: str) -> list[tuple[Any, ...]]:
    with app.uow() as uow:
        entries = uow.audit.entries("wesale", subject=subject)
    return [(e["action"], e["outcome"], e["fields"]) for e in entries[1:]]


def test_the_contracted_partner_receives_only_its_contract_fields(
    app: App, wesale: Policy, seller: str
) -> None:
    d, values = disclosures.disclose_to_partner(
        app.uow(), wesale, seller, "technical_partner", SUPPORT, "support", AT
    )
    # The purpose also uses the property's information; the contract names three fields only.
    assert values == {f: STORED[f] for f in ("full_name", "phone", "email")}
    assert (d.status, d.fields, d.legal_basis, d.released_at) == (
        RELEASED, ("full_name", "phone", "email"), "contract", AT,
    )  # fmt: skip
    assert disclosures.list_for_subject(
        app.uow(), "wesale", seller, include_confidential=False
    ) == [d]
    assert _trail(app, seller) == [
        ("disclosure.decision", "allow", "email,full_name,phone"),
        ("disclosure.release", "ok", "email,full_name,phone"),
    ]


def test_a_partner_whose_contract_expired_is_denied(app: App, wesale: Policy, seller: str) -> None:
    document = (
        WESALE_FILE.read_text("utf-8")
        .replace("version: 1", "version: 2", 1)
        .replace("valid_until: 2027-12-31", "valid_until: 2025-12-31", 1)
    )
    v2 = parse_policy(document, "wesale v2")
    tenants.publish_policy(app.uow(), v2, document, "test", AT)
    with pytest.raises(Denied) as excinfo:
        disclosures.disclose_to_partner(
            app.uow(), v2, seller, "technical_partner", SUPPORT, "support", AT
        )
    assert excinfo.value.reason == "contract_expired"
    assert _rows(app, "SELECT count(*) FROM disclosures")[0][0] == 0
    assert _trail(app, seller) == [("disclosure.decision", "deny", "email,full_name,phone")]


def test_a_police_request_releases_nothing_until_a_second_dpo_approves(
    app: App, wesale: Policy, seller: str
) -> None:
    d = _police(app, wesale, seller)
    assert (d.status, d.purpose, d.authority_body, d.released_at) == (
        PENDING_APPROVAL, "judicial_requests", "police", None,
    )  # fmt: skip
    assert [p.id for p in disclosures.list_pending(app.uow(), "wesale")] == [d.id]

    with pytest.raises(Forbidden, match="other than the person who entered it"):
        disclosures.approve(app.uow(), wesale, d.id, "dpo.an", "dpo", LATER)
    with pytest.raises(Forbidden, match="only a dpo"):
        disclosures.approve(app.uow(), wesale, d.id, "support.chi", "support", LATER)
    assert _rows(app, "SELECT status FROM disclosures") == [(PENDING_APPROVAL,)]

    values = disclosures.approve(app.uow(), wesale, d.id, "dpo.binh", "dpo", LATER)
    assert values == {f: STORED[f] for f in ("full_name", "phone", "tax_code")}
    with pytest.raises(Conflict, match="already released"):
        disclosures.approve(app.uow(), wesale, d.id, "dpo.cuong", "dpo", LATER)
    assert disclosures.list_pending(app.uow(), "wesale") == []
    (shown,) = disclosures.list_for_subject(app.uow(), "wesale", seller, include_confidential=True)
    assert (shown.status, shown.requested_by, shown.decided_by, shown.released_at) == (
        RELEASED, "dpo.an", "dpo.binh", LATER,
    )  # fmt: skip
    assert (shown.document_number, shown.document_date) == ("128/CSĐT-PC02", dt.date(2026, 2, 10))
    assert _trail(app, seller) == [
        ("disclosure.request", "pending", "full_name,phone,tax_code"),
        ("hold.place", "ok", ""),
        ("disclosure.approve", "denied", "full_name,phone,tax_code"),
        ("disclosure.approve", "denied", "full_name,phone,tax_code"),
        ("disclosure.decision", "allow", "full_name,phone,tax_code"),
        ("disclosure.approve", "ok", "full_name,phone,tax_code"),
        ("disclosure.approve", "denied", "full_name,phone,tax_code"),
    ]


def _refusals(app: App, subject: str) -> list[tuple[str, str, str, str]]:
    """(action, actor, reason, status the entry saw) of each refused step, in order."""
    with app.uow() as uow:
        entries = uow.audit.entries("wesale", subject=subject)
    found = []
    for e in entries:
        if e["outcome"] == "denied":
            detail = json.loads(e["detail"])
            found.append((e["action"], e["actor"], detail["reason"], detail["status"]))
    return found


def test_a_refused_approval_is_audited_and_the_request_stays_pending(
    app: App, wesale: Policy, seller: str
) -> None:
    d = _police(app, wesale, seller)

    with pytest.raises(Forbidden):
        disclosures.approve(app.uow(), wesale, d.id, "dpo.an", "dpo", LATER)
    with pytest.raises(Forbidden):
        disclosures.approve(app.uow(), wesale, d.id, "support.chi", "support", LATER)

    assert _refusals(app, seller) == [
        ("disclosure.approve", "dpo.an", "own_request", PENDING_APPROVAL),
        ("disclosure.approve", "support.chi", "not_dpo", PENDING_APPROVAL),
    ]
    assert _rows(app, "SELECT status, decided_by, released_at FROM disclosures") == [
        (PENDING_APPROVAL, None, None)
    ]
    assert [p.id for p in disclosures.list_pending(app.uow(), "wesale")] == [d.id]
    with app.uow() as uow:
        assert uow.audit.verify("wesale") == (len(uow.audit.entries("wesale")), None)
    audited = " ".join(str(row) for row in _rows(app, "SELECT * FROM audit_entries"))
    assert not [v for v in STORED.values() if v in audited]


def test_a_refused_rejection_and_a_late_approval_are_audited_too(
    app: App, wesale: Policy, seller: str
) -> None:
    d = _police(app, wesale, seller)
    with pytest.raises(Forbidden):
        disclosures.reject(app.uow(), "wesale", d.id, "auditor.dung", "auditor", "x", LATER)
    disclosures.reject(app.uow(), "wesale", d.id, "dpo.binh", "dpo", "entered_by_mistake", LATER)
    with pytest.raises(Conflict):
        disclosures.approve(app.uow(), wesale, d.id, "dpo.cuong", "dpo", LATER)

    assert _refusals(app, seller) == [
        ("disclosure.reject", "auditor.dung", "not_dpo", PENDING_APPROVAL),
        ("disclosure.approve", "dpo.cuong", "not_pending", REJECTED),
    ]
    assert _rows(app, "SELECT status, decided_by FROM disclosures") == [(REJECTED, "dpo.binh")]


def test_a_rejected_request_releases_nothing_and_stays_rejected(
    app: App, wesale: Policy, seller: str
) -> None:
    d = _police(app, wesale, seller, recipient_id="court", body="court")
    with pytest.raises(Forbidden):
        disclosures.reject(app.uow(), "wesale", d.id, "auditor.dung", "auditor", "x", LATER)
    rejected = disclosures.reject(
        app.uow(), "wesale", d.id, "dpo.binh", "dpo", "not_a_formal_request", LATER
    )
    assert (rejected.status, rejected.released_at) == (REJECTED, None)
    with pytest.raises(Conflict, match="already rejected"):
        disclosures.approve(app.uow(), wesale, d.id, "dpo.cuong", "dpo", LATER)
    with app.uow() as uow:
        last = uow.audit.entries("wesale", subject=seller)[-2]
    assert (last["action"], last["outcome"]) == ("disclosure.reject", "rejected")
    assert '"reason":"not_a_formal_request"' in last["detail"]


def test_the_subjects_list_excludes_confidential_ones(
    app: App, wesale: Policy, seller: str
) -> None:
    partner, _ = disclosures.disclose_to_partner(
        app.uow(), wesale, seller, "technical_partner", SUPPORT, "support", AT
    )
    secret = _police(app, wesale, seller, confidential=True, at=AT + dt.timedelta(minutes=1))
    court = _police(
        app, wesale, seller, recipient_id="court", body="court", at=AT + dt.timedelta(minutes=2)
    )
    seen = disclosures.list_for_subject(app.uow(), "wesale", seller, include_confidential=False)
    assert [d.id for d in seen] == [partner.id, court.id]
    staff = disclosures.list_for_subject(app.uow(), "wesale", seller, include_confidential=True)
    assert [d.id for d in staff] == [partner.id, secret.id, court.id]
    # Its release leaves no plain `decision` entry, which a subject's access report would list.
    disclosures.approve(app.uow(), wesale, secret.id, "dpo.binh", "dpo", LATER)
    assert "decision" not in {action for action, _, _ in _trail(app, seller)}


def test_values_never_appear_in_audit_entries_or_disclosure_rows(
    app: App, wesale: Policy, seller: str, settings: Settings
) -> None:
    disclosures.disclose_to_partner(
        app.uow(), wesale, seller, "technical_partner", SUPPORT, "support", AT
    )
    d = _police(app, wesale, seller, fields=list(SELLER))
    released = disclosures.approve(app.uow(), wesale, d.id, "dpo.binh", "dpo", LATER)
    assert released == STORED
    dumped = repr(
        _rows(app, "SELECT * FROM audit_entries") + _rows(app, "SELECT * FROM disclosures")
    )
    for value in {*SELLER.values(), *STORED.values()}:
        assert value not in dumped
    with app.uow() as uow:
        assert uow.audit.verify("wesale") == (len(uow.audit.entries("wesale")), None)


def test_a_disclosure_about_another_tenants_subject_looks_like_not_found(
    app: App, wesale: Policy, seller: str
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
    with pytest.raises(NotFound):
        disclosures.disclose_to_partner(
            app.uow(), wesale, theirs, "technical_partner", SUPPORT, "support", AT
        )
    with pytest.raises(NotFound):
        _police(app, wesale, theirs, fields=["full_name"])
    with pytest.raises(NotFound):
        disclosures.list_for_subject(app.uow(), "wesale", theirs, include_confidential=True)

    recipient = next(r for r in wesoft.recipients if r.kind.value == "state_agency")
    foreign = _police(app, wesoft, theirs, recipient_id=recipient.id, fields=["full_name"])
    with pytest.raises(NotFound, match="disclosure not found"):
        disclosures.approve(app.uow(), wesale, foreign.id, "dpo.binh", "dpo", LATER)
    with pytest.raises(NotFound, match="disclosure not found"):
        disclosures.reject(
            app.uow(), "wesale", foreign.id, "dpo.binh", "dpo", "no_legal_basis", LATER
        )
    assert [p.id for p in disclosures.list_pending(app.uow(), "wesale")] == []
    with app.uow() as uow:
        assert uow.audit.entries("wesale", subject=theirs) == []


def test_a_pending_authority_request_holds_the_data_until_a_dpo_decides(
    app: App, wesale: Policy, seller: str
) -> None:
    d = _police(app, wesale, seller)
    with pytest.raises(Conflict, match="legal hold \\(authority_request\\)"):
        subjects.erase(app.uow(), "wesale", seller, "subject_request", "test", AT)
    disclosures.reject(app.uow(), "wesale", d.id, "dpo.binh", "dpo", "not_a_formal_request", LATER)
    subjects.erase(app.uow(), "wesale", seller, "subject_request", "test", LATER)


def test_an_erased_subject_is_not_found(app: App, wesale: Policy, seller: str) -> None:
    subjects.erase(app.uow(), "wesale", seller, "subject_request", "test", AT)
    with pytest.raises(NotFound):
        disclosures.disclose_to_partner(
            app.uow(), wesale, seller, "technical_partner", SUPPORT, "support", LATER
        )
    with pytest.raises(NotFound):
        _police(app, wesale, seller, at=LATER)
    with pytest.raises(NotFound):
        disclosures.list_for_subject(app.uow(), "wesale", seller, include_confidential=True)
    assert _rows(app, "SELECT count(*) FROM disclosures") == [(0,)]


def test_a_restriction_stops_partners_but_not_an_authority_request(
    app: App, wesale: Policy, seller: str
) -> None:
    with app.uow() as uow:
        uow.limits.place("wesale", seller, "restricted", None, AT)
        uow.commit()
    with pytest.raises(Denied) as excinfo:
        disclosures.disclose_to_partner(
            app.uow(), wesale, seller, "technical_partner", SUPPORT, "support", AT
        )
    assert excinfo.value.reason == "subject_restricted"
    d = _police(app, wesale, seller)
    assert d.status == PENDING_APPROVAL
    values = disclosures.approve(app.uow(), wesale, d.id, "dpo.binh", "dpo", LATER)
    assert set(values) == {"full_name", "phone", "tax_code"}


def test_nothing_can_be_sold(app: App, wesale: Policy, seller: str) -> None:
    with pytest.raises(Denied) as excinfo:
        disclosures.disclose_to_partner(
            app.uow(), wesale, seller, "technical_partner", "sale", "sales", AT
        )
    assert excinfo.value.reason == "unknown_purpose"
    with pytest.raises(Invalid) as invalid:
        _police(app, wesale, seller, legal_basis="sale")
    assert invalid.value.field == "legal_basis"
    with pytest.raises(Invalid) as invalid:
        disclosures.disclose_to_partner(app.uow(), wesale, seller, "buyer_list", "sale", "x", AT)
    assert invalid.value.field == "recipient"
    selling = WESALE_FILE.read_text("utf-8").replace("kind: partner", "kind: sale", 1)
    with pytest.raises(PolicyError, match="kind"):
        parse_policy(selling, "wesale-selling.yaml")
    assert _rows(app, "SELECT count(*) FROM disclosures")[0][0] == 0
    with app.uow() as uow:
        (denied,) = uow.audit.entries("wesale", subject=seller)[1:]
    assert (denied["action"], denied["outcome"], denied["purpose"]) == (
        "disclosure.decision", "deny", None,
    )  # fmt: skip


def test_a_state_agency_gets_data_only_through_a_formal_request(
    app: App, wesale: Policy, seller: str
) -> None:
    with pytest.raises(Invalid, match="only on a formal request"):
        disclosures.disclose_to_partner(
            app.uow(), wesale, seller, "police_investigation", "judicial_requests", "x", AT
        )
    with pytest.raises(Invalid, match="not a state agency"):
        _police(app, wesale, seller, recipient_id="technical_partner")
    assert _rows(app, "SELECT count(*) FROM disclosures")[0][0] == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"document_date": dt.date(2026, 2, 14)}, "document_date"),
        ({"fields": ["full_name", "national_id"]}, "fields"),
        ({"fields": []}, "fields"),
        ({"body": "army"}, "body"),
        ({"document_number": " "}, "document_number"),
        ({"legal_basis": "consent"}, "legal_basis"),
        ({"legal_basis": "vital_interest"}, "legal_basis"),
    ],
)
def test_a_malformed_request_is_refused_and_nothing_is_stored(
    app: App, wesale: Policy, seller: str, changes: dict[str, Any], field: str
) -> None:
    before = _rows(app, "SELECT count(*) FROM audit_entries")[0][0]
    with pytest.raises(Invalid) as excinfo:
        _police(app, wesale, seller, **changes)
    assert excinfo.value.field == field
    assert _rows(app, "SELECT count(*) FROM disclosures")[0][0] == 0
    assert _rows(app, "SELECT count(*) FROM audit_entries")[0][0] == before


def test_a_request_names_only_fields_the_subjects_type_holds(
    app: App, wesale: Policy, seller: str
) -> None:
    buyer = subjects.register(
        app.uow(), wesale, "buyer",
        [{"full_name": "Lê Thị Hồng", "phone": "0912 345 679", "email": "hong@example.vn"}],
        "test", AT,
    )[0]  # fmt: skip
    with pytest.raises(Invalid, match="not held by subject type 'buyer': tax_code"):
        _police(app, wesale, buyer)
    d = _police(app, wesale, buyer, fields=["full_name", "email"])
    assert d.fields == ("full_name", "email")
