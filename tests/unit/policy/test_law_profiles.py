"""The shipped law profiles: LAW.md's deadline table as data, each rule sourced."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from baomat.domain.calendar import load_vn_calendar
from baomat.domain.periods import PeriodUnit, end_of_day, vietnam_tz
from baomat.policy.lawprofile import (
    LawProfile,
    LawProfileError,
    Rule,
    RuleKind,
    known_profiles,
    load_law_profile,
    profile_for,
)
from baomat.policy.model import TimeUnit

TZ = vietnam_tz()
ALL = [load_law_profile(p) for p in known_profiles()]


def test_both_profiles_are_shipped_and_load() -> None:
    assert known_profiles() == ("decree-13-2023", "law-91-2025")
    assert [p.id for p in ALL] == ["decree-13-2023", "law-91-2025"]


def test_law_91_is_the_only_default_profile() -> None:
    assert [p.id for p in ALL if p.default] == ["law-91-2025"]


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.id)
def test_every_rule_names_its_source_and_confidence(profile: LawProfile) -> None:
    for rule in profile.rules:
        assert rule.source.strip(), rule.id
        assert rule.confidence.value in {"text", "summary", "check"}, rule.id


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.id)
def test_every_rule_with_a_period_uses_a_unit_the_counting_knows(profile: LawProfile) -> None:
    for rule in profile.rules:
        if rule.kind is RuleKind.PROMPTLY:
            assert rule.amount is None and rule.unit is None
        else:
            assert rule.unit in {
                TimeUnit.HOURS,
                TimeUnit.DAYS,
                TimeUnit.WORKING_DAYS,
                TimeUnit.MONTHS,
            }, rule.id
            assert PeriodUnit(rule.unit.value)


def test_every_policy_time_unit_is_a_period_unit() -> None:
    assert {u.value for u in TimeUnit} <= {u.value for u in PeriodUnit}


def test_law_91_has_every_row_of_the_deadline_table() -> None:
    law91 = load_law_profile("law-91-2025")
    expected = {
        "acknowledge_request": (2, "working_days"),
        "withdraw_restrict_object": (15, "days"),
        "withdraw_restrict_object_via_processor": (20, "days"),
        "access_copy_correct": (10, "days"),
        "access_copy_correct_via_processor": (15, "days"),
        "delete": (20, "days"),
        "delete_via_processor": (30, "days"),
        "protection_measures": (15, "days"),
        "breach_notice_authority": (72, "hours"),
        "breach_notice_subjects_location_biometric": (72, "hours"),
        "dpia_filing": (60, "days"),
        "cross_border_filing": (60, "days"),
        "dpia_update_periodic": (6, "months"),
        "dpia_update_major_change": (10, "days"),
        "authority_dpia_handling": (10, "working_days"),
        "security_log_keep": (12, "months"),
    }
    for rule_id, (amount, unit) in expected.items():
        rule = law91.rule(rule_id)
        assert (rule.amount, rule.unit) == (amount, TimeUnit(unit)), rule_id
    assert law91.rule("breach_notice_processor_to_controller").kind is RuleKind.PROMPTLY


def test_law_91_extensions_follow_decree_356_article_5() -> None:
    law91 = load_law_profile("law-91-2025")
    limits = {
        "withdraw_restrict_object": 15,
        "access_copy_correct": 10,
        "delete": 20,
        "protection_measures": 15,
    }
    for rule_id, limit in limits.items():
        extension = law91.rule(rule_id).extension
        assert extension is not None and extension.max_amount == limit, rule_id
        assert extension.once and extension.reason_required
    assert law91.rule("acknowledge_request").extension is None


def test_bare_ngay_rules_mark_their_calendar_day_reading_as_check() -> None:
    law91 = load_law_profile("law-91-2025")
    for rule_id in ("withdraw_restrict_object", "access_copy_correct", "delete"):
        assert law91.rule(rule_id).unit_confidence == "check"


def test_decree_13_gives_72_hours_for_requests_and_breach_notice() -> None:
    decree13 = load_law_profile("decree-13-2023")
    for rule_id in (
        "withdraw_restrict_object",
        "withdraw_restrict_object_via_processor",
        "access_copy_correct",
        "access_copy_correct_via_processor",
        "delete",
        "delete_via_processor",
        "breach_notice_authority",
    ):
        rule = decree13.rule(rule_id)
        assert (rule.amount, rule.unit, rule.extension) == (72, TimeUnit.HOURS, None), rule_id
    assert decree13.rule("breach_notice_authority").starts_from == "occurrence"
    assert decree13.rule("breach_notice_authority").confidence == "check"


def test_decree_13_has_no_acknowledgement_rule() -> None:
    decree13 = load_law_profile("decree-13-2023")
    assert decree13.find("acknowledge_request") is None
    with pytest.raises(LawProfileError, match="has no rule 'acknowledge_request'"):
        decree13.rule("acknowledge_request")


def test_deletion_request_of_13_february_2026_via_profile_calendar_and_periods() -> None:
    """LAW.md's example: acknowledged by Tue 24 Feb (2 working days), done by 5 Mar (20 days)."""
    received = dt.datetime(2026, 2, 13, 10, 0, tzinfo=TZ)
    profile = profile_for(received.date())
    cal = load_vn_calendar()
    assert profile.id == "law-91-2025"
    assert profile.rule("acknowledge_request").due(received, cal) == end_of_day(
        dt.date(2026, 2, 24)
    )
    assert profile.rule("delete").due(received, cal) == end_of_day(dt.date(2026, 3, 5))


def test_an_extended_deletion_adds_at_most_20_days() -> None:
    """20 + 20 days from Fri 13 Feb 2026 = Wed 25 Mar 2026, a working day."""
    received = dt.datetime(2026, 2, 13, 10, 0, tzinfo=TZ)
    rule = load_law_profile("law-91-2025").rule("delete")
    assert rule.due(received, load_vn_calendar(), extended=True) == end_of_day(dt.date(2026, 3, 25))


def test_a_rule_to_act_promptly_has_no_due_instant() -> None:
    rule = load_law_profile("law-91-2025").rule("breach_notice_processor_to_controller")
    with pytest.raises(LawProfileError, match="promptly"):
        rule.due(dt.datetime(2026, 2, 13, tzinfo=TZ), load_vn_calendar())


def test_an_unknown_profile_id_lists_the_known_ones() -> None:
    with pytest.raises(LawProfileError, match="known profiles: decree-13-2023, law-91-2025"):
        load_law_profile("gdpr-2016")


def test_a_path_is_not_a_profile_id() -> None:
    with pytest.raises(LawProfileError, match="unknown law profile"):
        load_law_profile("../calendars/vn")


def test_decree_13_is_in_force_on_1_june_2025() -> None:
    assert profile_for(dt.date(2025, 6, 1)).id == "decree-13-2023"


def test_law_91_is_in_force_on_13_february_2026() -> None:
    assert profile_for(dt.date(2026, 2, 13)).id == "law-91-2025"


def test_the_profiles_meet_at_new_year_2026() -> None:
    assert profile_for(dt.date(2025, 12, 31)).id == "decree-13-2023"
    assert profile_for(dt.date(2026, 1, 1)).id == "law-91-2025"


def test_no_profile_is_in_force_before_decree_13() -> None:
    with pytest.raises(LawProfileError, match="found none"):
        profile_for(dt.date(2023, 6, 30))


def test_the_e_commerce_rule_set_changes_on_1_july_2026() -> None:
    law91 = load_law_profile("law-91-2025")
    assert law91.ecommerce_rule_set(dt.date(2026, 6, 30)) == "decree_52_2013_art_69"
    assert law91.ecommerce_rule_set(dt.date(2026, 7, 1)) == "ecommerce_law_122_2025"
    decree13 = load_law_profile("decree-13-2023")
    assert decree13.ecommerce_rule_set(dt.date(2024, 1, 1)) == "decree_52_2013_art_69"


def test_profiles_are_frozen() -> None:
    law91 = load_law_profile("law-91-2025")
    with pytest.raises(ValidationError):
        law91.default = False  # type: ignore[misc]


def test_a_rule_with_an_amount_but_no_unit_is_refused() -> None:
    with pytest.raises(ValidationError, match="amount and unit go together"):
        Rule.model_validate(
            {
                "id": "x",
                "title": {"vi": "x", "en": "x"},
                "amount": 3,
                "starts_from": "receipt",
                "source": "s",
                "confidence": "text",
            }
        )


def test_an_unknown_key_in_a_rule_is_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Rule.model_validate(
            {
                "id": "x",
                "title": {"vi": "x", "en": "x"},
                "amount": 3,
                "unit": "days",
                "starts_from": "receipt",
                "source": "s",
                "confidence": "text",
                "deadline": 3,
            }
        )
