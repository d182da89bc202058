"""Disclosure rules (PRODUCT.md "Sharing"): four eyes on state agencies' requests, no sale."""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.disclosure import (
    AUTHORITY_BASES,
    AUTHORITY_BODIES,
    AUTHORITY_KIND,
    PENDING_APPROVAL,
    REJECTED,
    REJECTION_REASONS,
    RELEASED,
    ROUTINE_KINDS,
    STATUSES,
    Disclosure,
    FormalRequest,
    check_approver_role,
)
from baomat.domain.errors import Conflict, Forbidden, Invalid
from baomat.policy.model import LegalBasis, RecipientKind

AT = dt.datetime(2026, 2, 13, 9, 30, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(hours=3)


def _formal(
    body: str = "police",
    document_number: str = " 128/CSĐT-PC02 ",
    document_date: dt.date = dt.date(2026, 2, 10),
    legal_basis: str = "legal_obligation",
    at: dt.datetime = AT,
) -> FormalRequest:
    return FormalRequest.check(body, document_number, document_date, legal_basis, at)


def _request(by: str = "dpo.an", confidential: bool = False) -> Disclosure:
    return Disclosure.requested_by_authority(
        "d1", "s1", "police_investigation", "state_agency", "judicial_requests",
        ("full_name", "phone"), _formal(), confidential, by, AT,
    )  # fmt: skip


def _rule(excinfo: pytest.ExceptionInfo[Invalid]) -> tuple[str, str]:
    return excinfo.value.field, excinfo.value.rule


def test_a_state_agency_request_releases_nothing_until_approved() -> None:
    d = _request()
    assert (d.status, d.released_at, d.decided_by) == (PENDING_APPROVAL, None, None)
    assert (d.authority_body, d.document_number, d.document_date) == (
        "police", "128/CSĐT-PC02", dt.date(2026, 2, 10),
    )  # fmt: skip
    assert d.legal_basis == "legal_obligation"


def test_a_second_dpo_approves_and_the_data_is_released_then() -> None:
    d = _request()
    d.approve("dpo.binh", LATER)
    assert (d.status, d.decided_by, d.decided_at, d.released_at) == (
        RELEASED, "dpo.binh", LATER, LATER,
    )  # fmt: skip


def test_the_person_who_entered_a_request_cannot_approve_it() -> None:
    d = _request()
    with pytest.raises(Forbidden, match="a dpo other than the person who entered it"):
        d.approve("dpo.an", LATER)
    assert d.status == PENDING_APPROVAL


def test_only_a_dpo_decides_on_a_request() -> None:
    check_approver_role("dpo")
    for role in ("support", "admin", "auditor", "DPO", ""):
        with pytest.raises(Forbidden, match="only a dpo"):
            check_approver_role(role)


def test_a_decided_request_cannot_be_decided_again() -> None:
    d = _request()
    d.approve("dpo.binh", LATER)
    with pytest.raises(Conflict, match="already released"):
        d.approve("dpo.chi", LATER)
    with pytest.raises(Conflict, match="already released"):
        d.reject("dpo.chi", LATER, "no_legal_basis")


def test_a_rejection_names_a_reason_code_and_releases_nothing() -> None:
    d = _request()
    with pytest.raises(Invalid) as excinfo:
        d.reject("dpo.binh", LATER, "Nguyễn Văn A asked us not to")
    assert excinfo.value.field == "reason"
    d.reject("dpo.binh", LATER, "not_a_formal_request")
    assert (d.status, d.decided_by, d.released_at) == (REJECTED, "dpo.binh", None)


def test_the_person_who_entered_a_request_may_withdraw_it_by_rejecting() -> None:
    d = _request()
    d.reject("dpo.an", LATER, "entered_by_mistake")
    assert d.status == REJECTED


def test_a_decision_cannot_come_before_the_request() -> None:
    with pytest.raises(Invalid) as excinfo:
        _request().approve("dpo.binh", AT - dt.timedelta(seconds=1))
    assert excinfo.value.field == "at"


def test_a_formal_request_names_its_body_document_and_basis() -> None:
    with pytest.raises(Invalid) as excinfo:
        _formal(body="ministry")
    assert _rule(excinfo) == ("body", "must be one of procuracy, court, police, other")
    with pytest.raises(Invalid) as excinfo:
        _formal(document_number="   ")
    assert excinfo.value.field == "document_number"
    with pytest.raises(Invalid) as excinfo:
        _formal(document_number="x" * 129)
    assert excinfo.value.field == "document_number"
    for basis in ("consent", "contract"):
        with pytest.raises(Invalid) as excinfo:
            _formal(legal_basis=basis)
        assert excinfo.value.field == "legal_basis"


def test_a_document_dated_in_the_future_is_refused_by_the_day_in_vietnam() -> None:
    # 18:00 UTC on 13 Feb is 01:00 on 14 Feb in Vietnam: a document of the 14th exists.
    evening = dt.datetime(2026, 2, 13, 18, 0, tzinfo=dt.UTC)
    assert _formal(document_date=dt.date(2026, 2, 14), at=evening).document_date.day == 14
    with pytest.raises(Invalid) as excinfo:
        _formal(document_date=dt.date(2026, 2, 15), at=evening)
    assert excinfo.value.field == "document_date"
    with pytest.raises(Invalid):
        _formal(document_date=dt.date(2026, 2, 14), at=AT)


def test_a_partner_release_is_released_at_once() -> None:
    d = Disclosure.release(
        "d2", "s1", "technical_partner", "partner", "technical_support_and_disputes",
        ("full_name", "phone", "email"), "contract", "support", AT,
    )  # fmt: skip
    assert (d.status, d.released_at, d.requested_by) == (RELEASED, AT, "support")
    assert d.authority_body is None and d.visible_to_subject()


def test_a_state_agency_gets_nothing_as_a_routine_release() -> None:
    with pytest.raises(Invalid, match="only on a formal request"):
        Disclosure.release(
            "d3", "s1", "police_investigation", "state_agency", "judicial_requests",
            ("full_name",), "legal_obligation", "support", AT,
        )  # fmt: skip
    with pytest.raises(Invalid, match="only on a formal request"):
        Disclosure.release(
            "d3", "s1", "partner_x", "partner", "p", ("full_name",), "contract", "support", AT,
            on_request_only=True,
        )  # fmt: skip


def test_only_a_state_agency_makes_a_formal_request() -> None:
    with pytest.raises(Invalid, match="is not a state agency"):
        Disclosure.requested_by_authority(
            "d4", "s1", "technical_partner", "partner", "technical_support_and_disputes",
            ("full_name",), _formal(), False, "dpo.an", AT,
        )  # fmt: skip


def test_a_confidential_disclosure_is_kept_from_the_subject() -> None:
    assert not _request(confidential=True).visible_to_subject()
    assert _request(confidential=False).visible_to_subject()


def test_nothing_can_be_recorded_as_a_sale() -> None:
    names = {
        *ROUTINE_KINDS, AUTHORITY_KIND, *AUTHORITY_BASES, *AUTHORITY_BODIES, *STATUSES,
        *REJECTION_REASONS, *(k.value for k in RecipientKind), *(b.value for b in LegalBasis),
    }  # fmt: skip
    assert not any("sale" in name or "sell" in name for name in names)
    with pytest.raises(Invalid) as excinfo:
        _formal(legal_basis="sale")
    assert excinfo.value.field == "legal_basis"
    with pytest.raises(Invalid, match="of no kind that receives data"):
        Disclosure.release(
            "d5", "s1", "buyer_list", "sale", "sale", ("email",), "sale", "sales", AT,
        )  # fmt: skip
