"""Every reason a decision gives, on Wesale's policy (examples/policies/wesale.yaml)."""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.consent import Consent
from baomat.domain.decision import (
    EVERY_PURPOSE,
    Decision,
    DecisionTable,
    Denied,
    SubjectState,
    decide,
    reason_codes,
)
from baomat.policy.loader import load_policy
from tests.conftest import EXAMPLES

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
BUYER = SubjectState("b1", "buyer")
SELLER = SubjectState("s1", "seller")

TABLE = DecisionTable.build(load_policy(EXAMPLES / "wesale.yaml"))


def _consent(purpose: str = "marketing_email", **times: dt.datetime | None) -> Consent:
    return Consent(
        id="c1",
        subject="b1",
        purpose=purpose,
        policy_version=1,
        text_sha256="0" * 64,
        language="vi",
        channel="web",
        given_at=times.get("given_at") or NOW - dt.timedelta(days=1),
        withdrawn_at=times.get("withdrawn_at"),
    )


def _decide(
    subject: SubjectState | None = BUYER,
    purpose: str = "answer_questions",
    fields: tuple[str, ...] = ("email",),
    recipient: str | None = None,
    consents: tuple[Consent, ...] = (),
    now: dt.datetime = NOW,
) -> Decision:
    return decide(TABLE, subject, consents, purpose, fields, recipient, now)


def test_a_purpose_that_needs_no_consent_is_allowed_with_its_legal_basis() -> None:
    d = _decide()
    assert (d.allowed, d.reason, d.legal_basis, d.policy_version) == (
        True, "allowed", "contract", 1,
    )  # fmt: skip
    assert (
        d.text_en == "Allowed for purpose 'answer_questions' on the basis of performing a contract."
    )
    assert d.text_vi.startswith("Được phép sử dụng cho mục đích 'answer_questions'")


def test_an_allowed_decision_is_built_once_per_purpose() -> None:
    assert _decide() is _decide(fields=("phone", "full_name"))


def test_marketing_email_is_denied_until_the_subject_opts_in() -> None:
    d = _decide(purpose="marketing_email")
    assert (d.allowed, d.reason, d.legal_basis) == (False, "no_consent", "consent")
    assert "marketing_email" in d.text_en and "chưa đồng ý" in d.text_vi


def test_marketing_email_is_allowed_while_consent_is_in_force() -> None:
    assert _decide(purpose="marketing_email", consents=(_consent(),)).reason == "allowed"


def test_withdrawn_consent_denies_marketing_email() -> None:
    withdrawn = _consent(withdrawn_at=NOW - dt.timedelta(hours=1))
    d = _decide(purpose="marketing_email", consents=(withdrawn,))
    assert (d.allowed, d.reason) == (False, "consent_withdrawn")


def test_consent_withdrawn_later_still_covers_now() -> None:
    later = _consent(withdrawn_at=NOW + dt.timedelta(hours=1))
    assert _decide(purpose="marketing_email", consents=(later,)).allowed


def test_consent_given_after_now_does_not_count() -> None:
    future = _consent(given_at=NOW + dt.timedelta(seconds=1))
    assert _decide(purpose="marketing_email", consents=(future,)).reason == "no_consent"


def test_consent_given_again_after_withdrawal_allows_again() -> None:
    old = _consent(given_at=NOW - dt.timedelta(days=9), withdrawn_at=NOW - dt.timedelta(days=8))
    again = _consent(given_at=NOW - dt.timedelta(days=1))
    assert _decide(purpose="marketing_email", consents=(old, again)).allowed


def test_consent_to_another_purpose_does_not_count() -> None:
    d = _decide(purpose="marketing_email", consents=(_consent("customer_care"),))
    assert d.reason == "no_consent"


def test_an_unknown_subject_is_not_found() -> None:
    d = _decide(subject=None)
    assert (d.allowed, d.reason, d.legal_basis) == (False, "subject_not_found", None)


def test_an_erased_subject_is_refused() -> None:
    assert _decide(subject=SubjectState("b1", "buyer", erased=True)).reason == "subject_erased"


def test_an_undeclared_purpose_is_refused() -> None:
    d = _decide(purpose="resale")
    assert (d.reason, d.legal_basis) == ("unknown_purpose", None)
    assert "resale" not in d.text_en and "version 1" in d.text_en


def test_a_purpose_for_sellers_is_refused_for_a_buyer() -> None:
    d = _decide(purpose="fit_listing_to_layout", fields=("property_info",))
    assert d.reason == "purpose_not_for_subject_type"
    assert _decide(SELLER, "fit_listing_to_layout", ("property_info",)).allowed


def test_a_field_the_purpose_does_not_use_is_refused() -> None:
    d = _decide(purpose="marketing_email", fields=("email", "phone"))
    assert (d.reason, d.legal_basis) == ("field_not_in_purpose", "consent")
    assert d.text_en == "phone not used by purpose 'marketing_email'."
    assert d.text_vi == "Mục đích 'marketing_email' không sử dụng trường: phone."


def test_a_field_name_the_policy_does_not_declare_is_never_echoed() -> None:
    d = _decide(fields=("email", "nguyen.van.an@example.vn"))
    assert d.reason == "field_not_in_purpose"
    assert "nguyen" not in d.text_en + d.text_vi
    assert "(an undeclared field)" in d.text_en


def test_an_undeclared_recipient_is_refused() -> None:
    assert _decide(recipient="data_broker").reason == "recipient_unknown"


def test_a_recipient_only_receives_for_its_purposes() -> None:
    d = _decide(purpose="customer_care", recipient="technical_partner")
    assert d.reason == "recipient_not_for_purpose"
    assert "technical_partner" in d.text_en and "customer_care" in d.text_en


def test_a_partner_gets_only_its_contracts_fields() -> None:
    d = _decide(
        SELLER, "technical_support_and_disputes", ("email", "property_info"), "technical_partner"
    )
    assert d.reason == "recipient_not_allowed_for_field"
    assert "property_info" in d.text_en and "email" not in d.text_en
    ok = _decide(SELLER, "technical_support_and_disputes", ("email",), "technical_partner")
    assert ok.allowed


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        # 2024-12-31 23:59 in Hanoi: the day before the contract's first day.
        (dt.datetime(2024, 12, 31, 16, 59, tzinfo=dt.UTC), "contract_not_yet_valid"),
        # 2025-01-01 00:00 in Hanoi, still 31 December in UTC.
        (dt.datetime(2024, 12, 31, 17, 0, tzinfo=dt.UTC), "allowed"),
        # 2027-12-31 23:59 in Hanoi: the contract's last day.
        (dt.datetime(2027, 12, 31, 16, 59, tzinfo=dt.UTC), "allowed"),
        # 2028-01-01 00:00 in Hanoi.
        (dt.datetime(2027, 12, 31, 17, 0, tzinfo=dt.UTC), "contract_expired"),
    ],
)
def test_a_contract_is_in_force_on_its_days_in_vietnam(now: dt.datetime, reason: str) -> None:
    d = _decide(purpose="technical_support_and_disputes", recipient="technical_partner", now=now)
    assert d.reason == reason


def test_an_expired_contract_names_its_last_day() -> None:
    d = _decide(
        purpose="technical_support_and_disputes",
        recipient="technical_partner",
        now=dt.datetime(2028, 6, 1, tzinfo=dt.UTC),
    )
    assert "2027-12-31" in d.text_en and "2027-12-31" in d.text_vi


def test_a_state_agency_may_receive_every_field_for_its_purpose() -> None:
    fields = ("full_name", "tax_code", "legal_documents")
    assert _decide(SELLER, "judicial_requests", fields, "procuracy").allowed


@pytest.mark.parametrize("scope", ["answer_questions", EVERY_PURPOSE])
def test_a_restriction_stops_processing(scope: str) -> None:
    restricted = SubjectState("b1", "buyer", restricted=frozenset({scope}))
    d = _decide(restricted)
    assert (d.allowed, d.reason) == (False, "subject_restricted")


def test_a_service_lock_stops_the_purposes_it_blocks_and_only_those() -> None:
    locked = SubjectState("b1", "buyer", locked=frozenset({"answer_questions"}))
    d = _decide(locked)
    assert (d.allowed, d.reason) == (False, "service_locked")
    assert _decide(locked, "marketing_email", consents=(_consent(),)).allowed


def test_a_restriction_of_one_purpose_leaves_the_others() -> None:
    restricted = SubjectState("b1", "buyer", restricted=frozenset({"customer_care"}))
    assert _decide(restricted).allowed


@pytest.mark.parametrize("scope", ["marketing_email", EVERY_PURPOSE])
def test_an_objection_stops_processing_even_with_consent(scope: str) -> None:
    objected = SubjectState("b1", "buyer", objected=frozenset({scope}))
    d = _decide(objected, "marketing_email", consents=(_consent(),))
    assert d.reason == "subject_objected"


def test_a_legal_obligation_goes_on_despite_restriction_and_objection() -> None:
    limited = SubjectState(
        "b1", "buyer", restricted=frozenset({EVERY_PURPOSE}), objected=frozenset({EVERY_PURPOSE})
    )
    assert _decide(limited, "judicial_requests").allowed


def test_the_first_refusal_wins() -> None:
    erased = SubjectState("b1", "buyer", erased=True)
    assert _decide(erased, "resale", ("x",), "nobody").reason == "subject_erased"
    assert _decide(BUYER, "marketing_email", ("phone",)).reason == "field_not_in_purpose"


def test_every_reason_has_texts_in_both_languages() -> None:
    assert reason_codes() == {
        "allowed", "subject_not_found", "subject_erased", "unknown_purpose",
        "purpose_not_for_subject_type", "field_not_in_purpose", "recipient_unknown",
        "recipient_not_for_purpose", "recipient_not_allowed_for_field",
        "contract_not_yet_valid", "contract_expired", "service_locked", "subject_restricted",
        "subject_objected", "no_consent", "consent_withdrawn", "fresh_consent_needed",
    }  # fmt: skip
    for reason in reason_codes():
        d = TABLE.deny(reason, TABLE.purposes["marketing_email"], fields=("email",),
                       recipient="r", date="2027-12-31")  # fmt: skip
        assert d.text_vi and d.text_en and d.text_vi != d.text_en
        assert "{" not in d.text_vi + d.text_en


def test_a_denial_raised_carries_its_reason_code() -> None:
    err = Denied(_decide(purpose="marketing_email"))
    assert (err.code, err.reason) == ("denied", "no_consent")
    assert str(err).startswith("no_consent: ")
