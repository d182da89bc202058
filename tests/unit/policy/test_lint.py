"""`lint_policy`: a policy file's gaps against Decree 52/2013 Art. 69.1 and practice."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from baomat.policy.lawprofile import load_law_profile
from baomat.policy.lint import Finding, has_errors, lint_policy
from baomat.policy.loader import load_policy, parse_policy
from baomat.policy.model import Policy

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "policies"
MINIMAL = ROOT / "tests" / "data" / "valid_minimal.yaml"

Doc = dict[str, Any]


def _complete() -> Doc:
    """The minimal valid policy, with what it lacks for a clean lint added."""
    doc: Doc = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    doc["organisation"]["contact_unit"] = {"vi": "Bộ phận pháp chế", "en": "Legal department"}
    doc["retention"][0]["max_keep"] = {"amount": 5, "unit": "years"}
    doc["security"] = {
        "measures": [{"id": "encryption", "text": {"vi": "Mã hóa dữ liệu", "en": "Encryption"}}]
    }
    doc["notice"] = {
        "processing_method": {"vi": "Thu thập qua biểu mẫu", "en": "Collected through forms"},
        "possible_harm": {"vi": "Lộ địa chỉ email", "en": "Exposure of email addresses"},
    }
    return doc


def _lint(change: Callable[[Doc], object]) -> list[tuple[str, str]]:
    """(rule, path) of each finding of the complete policy after `change`, loaded as a file."""
    return [(f.rule, f.path) for f in lint_policy(_parsed(change))]


def _parsed(change: Callable[[Doc], object]) -> Policy:
    """The complete policy after `change`, through every check of the loader."""
    doc = copy.deepcopy(_complete())
    change(doc)
    return parse_policy(yaml.safe_dump(doc, allow_unicode=True), "p.yaml")


def _unchanged(doc: Doc) -> None:
    return None


def test_a_complete_policy_has_no_findings() -> None:
    assert _lint(_unchanged) == []


def _purpose_for_another_type(doc: Doc) -> None:
    doc["subject_types"].append(
        {
            "id": "visitor",
            "name": {"vi": "Khách", "en": "Visitor"},
            "fields": [
                {
                    "id": "nickname",
                    "label": {"vi": "Biệt danh", "en": "Nickname"},
                    "type": "text",
                    "category": "name",
                    "sensitivity": "basic",
                }
            ],
        }
    )
    doc["retention"][0]["subject_types"] = ["customer"]


def test_a_subject_type_no_purpose_applies_to_has_no_stated_purpose_or_retention() -> None:
    assert _lint(_purpose_for_another_type) == [
        ("A69.1a-purpose", "subject_types[1]"),
        ("A69.1c-retention", "retention"),
    ]


def test_a_field_no_purpose_uses_is_outside_the_scope_of_use() -> None:
    def change(doc: Doc) -> None:
        doc["subject_types"][0]["fields"].append(
            {
                "id": "birth_date",
                "label": {"vi": "Ngày sinh", "en": "Date of birth"},
                "type": "date",
                "category": "birth_date",
                "sensitivity": "basic",
            }
        )

    assert _lint(change) == [("A69.1b-scope", "subject_types[0].fields[2]")]


def test_a_policy_naming_no_recipient_breaks_item_d() -> None:
    assert _lint(lambda doc: doc.update(recipients=[])) == [("A69.1d-recipients", "recipients")]


def test_a_collecting_unit_without_phone_or_email_breaks_item_dd() -> None:
    assert _lint(lambda doc: doc["organisation"].update(emails=[])) == [
        ("A69.1dd-contact", "organisation")
    ]


def test_a_policy_without_view_or_correct_breaks_item_e_and_names_the_rights() -> None:
    def change(doc: Doc) -> None:
        rights = ["access", "export", "delete", "withdraw", "restrict", "object"]
        doc["subject_access"]["rights"] = rights  # no "correct"

    policy = _parsed(change)

    [only] = lint_policy(policy)

    assert (only.rule, only.severity, only.path) == (
        "A69.1e-access",
        "error",
        "subject_access.rights",
    )
    assert only.message_en.startswith("Users cannot correct their data")
    assert only.message_vi.startswith("Người dùng không thể chỉnh sửa dữ liệu")


def test_rights_left_out_beyond_view_and_correct_are_a_notice_warning() -> None:
    def change(doc: Doc) -> None:
        doc["subject_access"]["rights"] = ["access", "correct", "delete"]

    findings = lint_policy(_parsed(change))

    assert [(f.rule, f.severity) for f in findings] == [("W-notice-rights", "warning")]
    assert "get a copy of; withdraw consent to the use of; restrict" in findings[0].message_en


def test_a_policy_without_security_measures_lacks_a_security_commitment() -> None:
    assert _lint(lambda doc: doc.pop("security")) == [("W-security", "security.measures")]


def test_complaints_without_channel_or_deadline_are_two_warnings() -> None:
    assert _lint(lambda doc: doc.update(complaints={})) == [
        ("W-complaints", "complaints.channels"),
        ("W-complaint-deadline", "complaints.deadline"),
    ]


def test_a_complaint_channel_without_an_address_is_found() -> None:
    def change(doc: Doc) -> None:
        doc["complaints"]["channels"].append({"kind": "hotline"})

    assert _lint(change) == [("W-complaint-channel-empty", "complaints.channels[1]")]


def test_a_policy_without_a_data_protection_contact_misses_a_notice_item() -> None:
    assert _lint(lambda doc: doc["organisation"].pop("contact_unit")) == [
        ("W-notice-contact", "organisation.contact_unit")
    ]


@pytest.mark.parametrize("item", ["processing_method", "possible_harm"])
def test_a_policy_without_a_notice_text_misses_that_notice_item(item: str) -> None:
    rule = f"W-notice-{item.replace('_', '-')}"

    assert _lint(lambda doc: doc["notice"].pop(item)) == [(rule, f"notice.{item}")]


def test_a_recipient_abroad_needs_its_countries_a_transfer_dossier_and_an_assessment() -> None:
    def change(doc: Doc) -> None:
        doc["recipients"][0]["abroad"] = True

    assert _lint(change) == [
        ("W-notice-countries", "recipients[0].countries"),
        ("W-transfer-dossier", "recipients[0]"),
        ("W-impact-assessment", "impact_assessment"),
    ]


DOSSIER = {"reference": "A05-2026-0142", "filed_on": "2025-12-01"}
"""Filed 1 Dec 2025: the six-month update fell due on 1 Jun 2026 (Civil Code Art. 147.2)."""


def _abroad(dossier: dict[str, str] | None) -> Callable[[Doc], None]:
    """The courier abroad in Singapore, with its transfer dossier and an impact assessment
    (both `dossier`; neither when None)."""

    def change(doc: Doc) -> None:
        doc["recipients"][0].update(abroad=True, countries=["SG"])
        if dossier is not None:
            doc["recipients"][0]["transfer_dossier"] = dict(dossier)
            doc["impact_assessment"] = dict(dossier)

    return change


def _dated(day: str, change: Callable[[Doc], None]) -> Callable[[Doc], None]:
    def dated(doc: Doc) -> None:
        doc["last_updated"] = day
        change(doc)

    return dated


def test_a_recorded_transfer_dossier_and_assessment_clear_their_warnings() -> None:
    assert _lint(_dated("2026-01-15", _abroad(DOSSIER))) == []


def test_the_six_month_update_is_due_on_its_last_day_and_late_the_day_after() -> None:
    assert _lint(_dated("2026-06-01", _abroad(DOSSIER))) == []
    assert _lint(_dated("2026-06-02", _abroad(DOSSIER))) == [
        ("W-transfer-dossier-stale", "recipients[0].transfer_dossier"),
        ("W-impact-assessment-stale", "impact_assessment"),
    ]


def test_a_stale_dossier_names_its_last_filing_the_period_and_the_due_day() -> None:
    [transfer, assessment] = lint_policy(_parsed(_dated("2026-07-01", _abroad(DOSSIER))))

    assert "recipient 'courier' was last filed or updated on 01/12/2025" in transfer.message_en
    assert "every 6 months, which fell due on 01/06/2026" in transfer.message_en
    assert "cập nhật lần cuối ngày 01/12/2025" in assessment.message_vi
    assert (transfer.severity, assessment.severity) == ("warning", "warning")


def test_the_update_counts_from_the_latest_update_not_the_first_filing() -> None:
    updated = {**DOSSIER, "updated_on": "2026-05-20"}

    assert _lint(_dated("2026-07-01", _abroad(updated))) == []


def test_a_profile_without_periodic_updates_never_finds_a_dossier_stale() -> None:
    policy = _parsed(_dated("2026-07-01", _abroad(DOSSIER)))

    assert lint_policy(policy, load_law_profile("decree-13-2023")) == []


def test_sensitive_data_needs_an_impact_assessment_even_with_consent() -> None:
    def change(doc: Doc) -> None:
        _sensitive_card("contract", "opt_in")(doc)
        doc.pop("impact_assessment")

    assert _lint(change) == [("W-impact-assessment", "impact_assessment")]
    [assessment] = lint_policy(_parsed(change), load_law_profile("decree-13-2023"))
    assert assessment.message_en.startswith(
        "The policy processes sensitive data (card_number) but records no"
    )
    assert "xử lý dữ liệu nhạy cảm (card_number)" in assessment.message_vi


def test_the_transfer_dossier_deadline_comes_from_the_law_profile() -> None:
    def change(doc: Doc) -> None:
        doc["recipients"][0].update(abroad=True, countries=["SG"])

    [dossier, assessment] = lint_policy(_parsed(change), load_law_profile("decree-13-2023"))

    profile = load_law_profile("decree-13-2023")
    transfer_rule, dpia_rule = (profile.rule(r) for r in ("cross_border_filing", "dpia_filing"))
    assert dossier.rule == "W-transfer-dossier"
    assert f"within {transfer_rule.amount} days of the first transfer" in dossier.message_en
    assert assessment.rule == "W-impact-assessment"
    assert f"within {dpia_rule.amount} days of the first processing" in assessment.message_en
    # What made it due, named: here the recipient abroad, and no sensitive field.
    recipient = _parsed(change).recipients[0].id
    assert assessment.message_en.startswith(
        f"The policy transfers data abroad (to {recipient}) but records no"
    )
    assert f"chuyển dữ liệu ra nước ngoài (cho {recipient})" in assessment.message_vi
    assert "sensitive" not in assessment.message_en


def _sensitive_card(basis: str, consent: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc["subject_types"][0]["fields"].append(
            {
                "id": "card_number",
                "label": {"vi": "Số thẻ", "en": "Card number"},
                "type": "card_number",
                "category": "financial",
                "sensitivity": "sensitive",
            }
        )
        doc["purposes"][1]["fields"].append("card_number")  # opt-in marketing: explicit notice
        doc["purposes"].append(
            {
                "id": "payment",
                "text": {"vi": "Thanh toán", "en": "Payment"},
                "legal_basis": basis,
                "consent": consent,
                "fields": ["card_number"],
            }
        )
        doc["impact_assessment"] = {"reference": "DPIA-2026-01", "filed_on": "2026-01-10"}

    return change


def test_sensitive_data_used_without_consent_on_a_contract_lacks_explicit_notice() -> None:
    assert _lint(_sensitive_card("contract", "not_needed")) == [
        ("W-sensitive-notice", "subject_types[0].fields[2]")
    ]


@pytest.mark.parametrize(
    ("basis", "consent"), [("contract", "opt_in"), ("legal_obligation", "not_needed")]
)
def test_sensitive_data_with_consent_or_a_legal_duty_needs_no_more_notice(
    basis: str, consent: str
) -> None:
    assert _lint(_sensitive_card(basis, consent)) == []


def test_retention_until_cancelled_without_a_maximum_has_no_end() -> None:
    assert _lint(lambda doc: doc["retention"][0].pop("max_keep")) == [
        ("W-retention-no-end", "retention[0]")
    ]


def test_retention_after_closure_with_a_period_ends() -> None:
    def change(doc: Doc) -> None:
        doc["retention"][0] = {
            "id": "after",
            "trigger": "after_closure",
            "period": {"amount": 1, "unit": "years"},
        }

    assert _lint(change) == []


def test_errors_come_before_warnings() -> None:
    def change(doc: Doc) -> None:
        doc.pop("security")
        doc["organisation"]["emails"] = []

    findings = lint_policy(_parsed(change))

    assert [f.severity for f in findings] == ["error", "warning"]
    assert has_errors(findings)


# --- the five example policies ---------------------------------------------------------------

NOTICE_ITEMS = [
    ("W-notice-processing-method", "notice.processing_method"),
    ("W-notice-possible-harm", "notice.possible_harm"),
]
"""No seed states the processing method or the possible harm, so every example lacks both."""

EXPECTED: dict[str, list[tuple[str, str]]] = {
    # The seed's complaint section reads "Email your complaint to:;" and names no contact unit.
    "wesale": [
        ("W-complaint-channel-empty", "complaints.channels[1]"),
        ("W-notice-contact", "organisation.contact_unit"),
        *NOTICE_ITEMS,
    ],
    # The seed's only email is a placeholder ("[email protected]") and it gives no phone; it
    # keeps data "as long as needed" and has no complaint section at all.
    "wesoft": [
        ("A69.1dd-contact", "organisation"),
        ("W-retention-no-end", "retention[0]"),
        ("W-complaints", "complaints.channels"),
        ("W-complaint-deadline", "complaints.deadline"),
        ("W-notice-contact", "organisation.contact_unit"),
        *NOTICE_ITEMS,
    ],
    # No time limit for answering questions or complaints; a credit card number (sensitive) is
    # collected, and the seed mentions no impact assessment.
    "wecan": [
        ("W-complaint-deadline", "complaints.deadline"),
        ("W-notice-contact", "organisation.contact_unit"),
        *NOTICE_ITEMS,
        ("W-impact-assessment", "impact_assessment"),
    ],
    # Only a business number and a head office: no phone, no email; kept until the company deems
    # it unneeded; partners "outside the Vietnamese market" with no country named, and neither a
    # transfer dossier nor an impact assessment mentioned.
    "clevergroup": [
        ("A69.1dd-contact", "organisation"),
        ("W-retention-no-end", "retention[0]"),
        ("W-notice-contact", "organisation.contact_unit"),
        *NOTICE_ITEMS,
        ("W-notice-countries", "recipients[1].countries"),
        ("W-transfer-dossier", "recipients[1]"),
        ("W-impact-assessment", "impact_assessment"),
    ],
    # Kept until the customer asks for cancellation; complaints handled with no time limit.
    "ecomviet": [
        ("W-retention-no-end", "retention[0]"),
        ("W-complaint-deadline", "complaints.deadline"),
        *NOTICE_ITEMS,
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_policy_has_exactly_its_known_gaps(name: str) -> None:
    findings = lint_policy(load_policy(EXAMPLES / f"{name}.yaml"))

    assert [(f.rule, f.path) for f in findings] == EXPECTED[name]


def test_every_finding_has_an_article_and_both_languages() -> None:
    findings: list[Finding] = [
        f for name in EXPECTED for f in lint_policy(load_policy(EXAMPLES / f"{name}.yaml"))
    ]

    assert all(f.article and f.message_vi and f.message_en for f in findings)
    assert all(f.message_vi != f.message_en for f in findings)
    assert all(f.line is None for f in findings)
