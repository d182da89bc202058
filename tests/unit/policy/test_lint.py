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


def test_a_recipient_abroad_needs_its_countries_and_a_transfer_dossier() -> None:
    def change(doc: Doc) -> None:
        doc["recipients"][0]["abroad"] = True

    assert _lint(change) == [
        ("W-notice-countries", "recipients[0].countries"),
        ("W-transfer-dossier", "recipients[0]"),
    ]


def test_the_transfer_dossier_deadline_comes_from_the_law_profile() -> None:
    def change(doc: Doc) -> None:
        doc["recipients"][0].update(abroad=True, countries=["SG"])

    [dossier] = lint_policy(_parsed(change), load_law_profile("decree-13-2023"))

    rule = load_law_profile("decree-13-2023").rule("cross_border_filing")
    assert dossier.rule == "W-transfer-dossier"
    assert f"within {rule.amount} days of the first transfer" in dossier.message_en


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

EXPECTED: dict[str, list[tuple[str, str]]] = {
    # The seed's complaint section reads "Email your complaint to:;" and names no contact unit.
    "wesale": [
        ("W-complaint-channel-empty", "complaints.channels[1]"),
        ("W-notice-contact", "organisation.contact_unit"),
    ],
    # The seed's only email is a placeholder ("[email protected]") and it gives no phone; it
    # keeps data "as long as needed" and has no complaint section at all.
    "wesoft": [
        ("A69.1dd-contact", "organisation"),
        ("W-retention-no-end", "retention[0]"),
        ("W-complaints", "complaints.channels"),
        ("W-complaint-deadline", "complaints.deadline"),
        ("W-notice-contact", "organisation.contact_unit"),
    ],
    # No time limit for answering questions or complaints.
    "wecan": [
        ("W-complaint-deadline", "complaints.deadline"),
        ("W-notice-contact", "organisation.contact_unit"),
    ],
    # Only a business number and a head office: no phone, no email; kept until the company deems
    # it unneeded; partners "outside the Vietnamese market" with no country named.
    "clevergroup": [
        ("A69.1dd-contact", "organisation"),
        ("W-retention-no-end", "retention[0]"),
        ("W-notice-contact", "organisation.contact_unit"),
        ("W-notice-countries", "recipients[1].countries"),
        ("W-transfer-dossier", "recipients[1]"),
    ],
    # Kept until the customer asks for cancellation; complaints handled with no time limit.
    "ecomviet": [
        ("W-retention-no-end", "retention[0]"),
        ("W-complaint-deadline", "complaints.deadline"),
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
