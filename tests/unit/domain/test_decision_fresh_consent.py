"""Fresh consent: a purpose new or materially changed since a consent was given asks again.

Wecan promises fresh consent when its policy changes (`change_notice: fresh_consent`);
`consent_from` maps a purpose to the oldest policy version a consent to it must cite.
"""

from __future__ import annotations

import datetime as dt

from baomat.domain.consent import Consent
from baomat.domain.decision import Decision, DecisionTable, SubjectState, decide
from baomat.policy.loader import load_policy
from tests.conftest import EXAMPLES

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
WECAN = load_policy(EXAMPLES / "wecan.yaml")
TABLE = DecisionTable.build(WECAN.model_copy(update={"version": 3}))
MEMBER_OF_V1 = SubjectState("m1", "member", policy_version=1)
MEMBER_OF_V3 = SubjectState("m3", "member", policy_version=3)


def _consent(version: int, withdrawn: bool = False) -> Consent:
    return Consent(
        id=f"c{version}",
        subject="m1",
        purpose="marketing_email",
        policy_version=version,
        text_sha256="0" * 64,
        language="vi",
        channel="web",
        given_at=NOW - dt.timedelta(days=10),
        withdrawn_at=NOW - dt.timedelta(days=1) if withdrawn else None,
    )


def _decide(
    subject: SubjectState,
    *consents: Consent,
    since: int | None = 2,
    purpose: str = "marketing_email",
) -> Decision:
    needed = {} if since is None else {"marketing_email": since}
    return decide(TABLE, subject, consents, purpose, ["email"], None, NOW, needed)


def test_a_consent_given_before_the_purpose_changed_asks_for_fresh_consent() -> None:
    d = _decide(MEMBER_OF_V1, _consent(1))
    assert (d.allowed, d.reason) == (False, "fresh_consent_needed")
    assert "policy version 3" in d.text_en and "phiên bản 3" in d.text_vi


def test_a_consent_citing_the_changed_version_or_a_later_one_is_enough() -> None:
    assert _decide(MEMBER_OF_V1, _consent(1), _consent(2)).allowed
    assert _decide(MEMBER_OF_V1, _consent(3)).allowed


def test_a_subject_registered_before_a_new_purpose_is_asked_for_fresh_consent() -> None:
    assert _decide(MEMBER_OF_V1).reason == "fresh_consent_needed"


def test_a_subject_registered_after_it_simply_has_not_consented() -> None:
    assert _decide(MEMBER_OF_V3, since=2).reason == "no_consent"
    assert _decide(SubjectState("m0", "member")).reason == "no_consent"  # version not known


def test_a_withdrawn_consent_stays_withdrawn() -> None:
    assert _decide(MEMBER_OF_V1, _consent(2, withdrawn=True)).reason == "consent_withdrawn"


def test_without_fresh_consent_any_consent_in_force_is_enough() -> None:
    assert _decide(MEMBER_OF_V1, _consent(1), since=None).allowed


def test_a_purpose_needing_no_consent_is_not_asked_for_it() -> None:
    law = decide(
        TABLE, MEMBER_OF_V1, (), "law_enforcement", ["email"], None, NOW, {"law_enforcement": 3}
    )
    assert law.allowed
