"""Consent rules (Decree 13 Arts. 11–12), on Wesale's policy (examples/policies/wesale.yaml)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import pytest
import yaml

from baomat.domain.consent import Consent, ConsentRequest, Evidence, shown_text_sha256
from baomat.domain.decision import DecisionTable
from baomat.domain.errors import Conflict, Invalid
from baomat.policy.loader import load_policy
from baomat.policy.model import Policy
from tests.conftest import EXAMPLES

AT = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
POLICY = load_policy(EXAMPLES / "wesale.yaml")
TABLE = DecisionTable.build(POLICY)
MARKETING = POLICY.purpose("marketing_email")
assert MARKETING is not None
VI_HASH = hashlib.sha256(MARKETING.text.vi.encode("utf-8")).hexdigest()
IP = "203.113.131.7"
AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)"


def _request(**changes: Any) -> ConsentRequest:
    base = ConsentRequest(
        subject="b1",
        purpose="marketing_email",
        policy_version=1,
        text_sha256=VI_HASH,
        language="vi",
        channel="web",
        given=True,
        ip=IP,
        user_agent=AGENT,
    )
    return dataclasses.replace(base, **changes)


def _give(request: ConsentRequest, table: DecisionTable = TABLE, current: int = 1) -> Consent:
    return Consent.give(request, table, current, "buyer", "c1", AT)


def _rule_of(excinfo: pytest.ExceptionInfo[Invalid]) -> tuple[str, str]:
    return excinfo.value.field, excinfo.value.rule


def test_a_ticked_box_for_an_opt_in_purpose_is_consent_with_its_proof() -> None:
    consent = _give(_request())
    assert (consent.purpose, consent.policy_version, consent.language, consent.channel) == (
        "marketing_email", 1, "vi", "web",
    )  # fmt: skip
    assert consent.text_sha256 == VI_HASH
    assert consent.given_at == AT and consent.withdrawn_at is None
    assert consent.evidence == Evidence(IP, AGENT)
    assert consent.is_active(AT)


def test_the_hash_is_sha256_of_the_utf8_purpose_text_in_the_language_shown() -> None:
    en = hashlib.sha256(MARKETING.text.en.encode("utf-8")).hexdigest()
    assert shown_text_sha256(MARKETING.text.en) == en
    consent = _give(_request(language="en", text_sha256=en.upper()))
    assert consent.text_sha256 == en


def test_the_hash_of_the_other_language_is_refused() -> None:
    with pytest.raises(Invalid) as excinfo:
        _give(_request(language="en"))
    assert _rule_of(excinfo) == (
        "text_sha256",
        "is not the SHA-256 of purpose 'marketing_email''s text in 'en' under policy version 1",
    )


@pytest.mark.parametrize("preticked", [True, "true", 1])
def test_a_preticked_box_is_not_consent(preticked: object) -> None:
    with pytest.raises(Invalid) as excinfo:
        _give(_request(preticked=preticked))
    assert excinfo.value.field == "preticked"
    assert "pre-ticked box is not consent" in excinfo.value.rule


def test_an_unticked_box_reported_as_such_is_accepted() -> None:
    assert _give(_request(preticked=False)).is_active(AT)


@pytest.mark.parametrize("given", [None, False, "true", 1, "yes"])
def test_only_a_literal_true_is_an_affirmative_act(given: object) -> None:
    with pytest.raises(Invalid) as excinfo:
        _give(_request(given=given))
    assert excinfo.value.field == "given"
    assert "silence or an implied consent is not consent" in excinfo.value.rule


def test_a_purpose_that_needs_no_consent_takes_none() -> None:
    with pytest.raises(Invalid) as excinfo:
        _give(_request(purpose="customer_care"))
    field, rule = _rule_of(excinfo)
    assert field == "purpose"
    assert "needs no consent" in rule and "purposes[].consent" in rule


def test_consent_citing_an_old_policy_version_is_refused() -> None:
    v2 = DecisionTable.build(POLICY.model_copy(update={"version": 2}))
    with pytest.raises(Invalid) as excinfo:
        _give(_request(policy_version=1), v2, current=2)
    assert _rule_of(excinfo) == (
        "policy_version", "consent cites policy version 1; the current version is 2",
    )  # fmt: skip


def test_a_table_of_another_version_than_the_current_one_is_a_conflict() -> None:
    with pytest.raises(Conflict, match="version 1 was given, the current version is 2"):
        _give(_request(policy_version=2), TABLE, current=2)


def test_an_undeclared_purpose_is_refused() -> None:
    with pytest.raises(Invalid, match="purpose: is not declared"):
        _give(_request(purpose="resale"))


def test_a_purpose_for_another_subject_type_is_refused() -> None:
    raw = yaml.safe_load((EXAMPLES / "wesale.yaml").read_text("utf-8"))
    for purpose in raw["purposes"]:
        if purpose["id"] == "marketing_email":
            purpose["subject_types"] = ["seller"]
    table = DecisionTable.build(Policy.model_validate(raw))
    with pytest.raises(Invalid, match="does not apply to this subject's type"):
        _give(_request(), table)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"language": "fr"}, "language"),
        ({"policy_version": "1"}, "policy_version"),
        ({"text_sha256": None}, "text_sha256"),
        ({"user_agent": "x" * 513}, "user_agent"),
    ],
)
def test_malformed_proof_is_refused(change: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as excinfo:
        _give(_request(**change))
    assert excinfo.value.field == field


def test_a_bad_ip_is_refused_without_repeating_it() -> None:
    with pytest.raises(Invalid) as excinfo:
        _give(_request(ip="Nguyễn Văn An"))
    assert excinfo.value.field == "ip"
    assert "Nguyễn" not in str(excinfo.value)


def test_consent_by_phone_or_on_paper_needs_no_client_evidence() -> None:
    consent = _give(_request(channel="paper", ip=None, user_agent=None))
    assert consent.evidence is None


def test_evidence_is_never_shown_in_a_repr() -> None:
    consent = _give(_request())
    assert IP not in repr(consent) and AGENT not in repr(consent)
    assert IP not in repr(_request())


def test_withdrawal_stops_the_consent_from_then_on() -> None:
    consent = _give(_request())
    later = AT + dt.timedelta(days=3)
    consent.withdraw(later)
    assert consent.withdrawn_at == later
    assert consent.is_active(later - dt.timedelta(seconds=1))
    assert not consent.is_active(later)
    assert consent.is_withdrawn(later) and not consent.is_withdrawn(AT)


def test_a_consent_is_withdrawn_once() -> None:
    consent = _give(_request())
    consent.withdraw(AT)
    with pytest.raises(Conflict, match="already withdrawn"):
        consent.withdraw(AT + dt.timedelta(days=1))


def test_a_consent_cannot_be_withdrawn_before_it_was_given() -> None:
    with pytest.raises(Invalid, match="before the consent was given"):
        _give(_request()).withdraw(AT - dt.timedelta(seconds=1))


def test_consent_is_not_in_force_before_it_is_given() -> None:
    assert not _give(_request()).is_active(AT - dt.timedelta(microseconds=1))
