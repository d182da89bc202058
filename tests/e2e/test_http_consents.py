"""A website records a customer's consent, asks for decisions, and the customer withdraws."""

from __future__ import annotations

from typing import Any

import pytest

from baomat.client import ApiError, Client
from baomat.domain.consent import shown_text_sha256

AN = {"full_name": "Lê Văn An", "email": "an.le@example.vn"}
MARKETING_VI = "Gửi thư quảng cáo"


def _consent(**overrides: Any) -> dict[str, Any]:
    proof: dict[str, Any] = {
        "policy_version": 1,
        "text_sha256": shown_text_sha256(MARKETING_VI),
        "language": "vi",
        "channel": "web",
        "given": True,
        "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (An's phone)",
    }
    return proof | overrides


def test_consent_turns_a_refused_decision_into_an_allowed_one_until_it_is_withdrawn(
    client: Client,
) -> None:
    subject_id = client.create_subject("member", AN)
    before = client.decide(subject_id, "marketing_email", ["email"])

    consent = client.give_consent(subject_id, "marketing_email", **_consent())
    during = client.decide(subject_id, "marketing_email", ["email"])
    withdrawn = client.withdraw_consent(subject_id, "marketing_email")
    after = client.decide(subject_id, "marketing_email", ["email"])

    assert (before["allowed"], before["reason"]) == (False, "no_consent")
    assert (during["allowed"], during["legal_basis"]) == (True, "consent")
    assert (after["allowed"], after["reason"]) == (False, "consent_withdrawn")
    assert [c["id"] for c in withdrawn] == [consent["id"]]
    assert withdrawn[0]["withdrawn_at"] is not None
    assert "ip" not in consent and "user_agent" not in consent


def test_a_read_for_an_opt_in_purpose_needs_the_consent(client: Client) -> None:
    subject_id = client.create_subject("member", AN)
    with pytest.raises(ApiError) as refused:
        client.read_subject(subject_id, "marketing_email", ["email"])

    client.give_consent(subject_id, "marketing_email", **_consent())

    assert (refused.value.status, refused.value.code) == (403, "denied")
    assert client.read_subject(subject_id, "marketing_email", ["email"]) == {
        "email": "an.le@example.vn"
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"given": False}, "given"),
        ({"preticked": True}, "preticked"),
        ({"text_sha256": "0" * 64}, "text_sha256"),
        ({"policy_version": 7}, "policy_version"),
        ({"channel": "carrier pigeon"}, "channel"),
    ],
)
def test_consent_without_a_real_act_or_proof_is_refused_naming_the_field(
    client: Client, overrides: dict[str, Any], field: str
) -> None:
    subject_id = client.create_subject("member", AN)

    with pytest.raises(ApiError) as refused:
        client.give_consent(subject_id, "marketing_email", **_consent(**overrides))

    assert (refused.value.status, refused.value.field) == (422, field)


def test_an_implied_yes_is_not_true_and_is_refused(client: Client) -> None:
    subject_id = client.create_subject("member", AN)
    with pytest.raises(ApiError) as refused:
        client.give_consent(subject_id, "marketing_email", **_consent(given="yes"))
    assert (refused.value.status, refused.value.field) == (422, "given")


def test_withdrawing_what_was_never_given_is_a_conflict(client: Client) -> None:
    subject_id = client.create_subject("member", AN)
    with pytest.raises(ApiError) as refused:
        client.withdraw_consent(subject_id, "marketing_email")
    assert refused.value.status == 409


def test_a_decision_about_an_unknown_subject_is_404(client: Client) -> None:
    with pytest.raises(ApiError) as unknown:
        client.decide("0" * 32, "service", ["email"])
    assert unknown.value.status == 404
