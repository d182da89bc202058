"""The privacy notice says every part of the policy, in Vietnamese or in English."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from baomat.policy.loader import load_policy
from baomat.policy.model import Policy
from baomat.policy.render import _labels, render

ROOT = Path(__file__).resolve().parents[3]
VALID = ROOT / "tests" / "data" / "valid_minimal.yaml"
EXAMPLES = sorted((ROOT / "examples" / "policies").glob("*.yaml"))


def _fuller_policy() -> Policy:
    """The minimal policy plus a sensitive field, an abroad recipient, a ranged deadline."""
    doc: dict[str, Any] = yaml.safe_load(VALID.read_text(encoding="utf-8"))
    doc = copy.deepcopy(doc)
    doc["subject_types"][0]["fields"].append(
        {
            "id": "card_number",
            "label": {"vi": "Số thẻ", "en": "Card number"},
            "type": "card_number",
            "category": "financial",
            "sensitivity": "sensitive",
        }
    )
    doc["purposes"][1]["fields"].append("card_number")
    doc["recipients"][0].update(abroad=True, countries=["SG"])
    doc["retention"] = [
        {"id": "after", "trigger": "after_closure", "period": {"amount": 1, "unit": "years"}},
        {
            "id": "review",
            "trigger": "while_needed",
            "review_every": {"amount": 6, "unit": "months"},
        },
    ]
    doc["complaints"]["deadline"] = {"unit": "days", "min": 7, "max": 15}
    doc["complaints"]["steps"] = ["negotiation", "court"]
    doc["security"] = {
        "measures": [{"id": "firewall", "text": {"vi": "Tường lửa", "en": "A firewall"}}],
        "breach": {"notify_authority": True, "notify_subjects": True},
    }
    return Policy.model_validate(doc)


@pytest.fixture(scope="module")
def english() -> str:
    return render(_fuller_policy(), "en")


@pytest.fixture(scope="module")
def vietnamese() -> str:
    return render(_fuller_policy(), "vi")


def test_the_english_notice_names_the_organisation_and_its_contact(english: str) -> None:
    assert english.startswith("Privacy policy — Demo Shop Co., Ltd.\n")
    assert "Address: 1 Le Loi, District 1, Ho Chi Minh City" in english
    assert "Email: privacy@example.com" in english


def test_the_english_notice_marks_sensitive_fields(english: str) -> None:
    assert "- Card number (optional, SENSITIVE)" in english
    assert "- Full name (required)" in english
    assert "sensitive personal data under Vietnamese law" in english


def test_the_english_notice_gives_each_purpose_its_basis_and_consent(english: str) -> None:
    assert "Legal basis: our contract with you; Consent: not needed" in english
    assert "Legal basis: your consent; Consent: only if you agree" in english
    assert "Data used: Email, Card number" in english


def test_the_english_notice_says_where_data_goes_abroad(english: str) -> None:
    assert "Delivery partner (processor; under contract; sent abroad: SG)" in english


def test_the_english_notice_says_how_long_data_is_kept(english: str) -> None:
    assert "For 1 year after your account is closed." in english
    assert "As long as it is needed, reviewed every 6 months." in english


def test_the_english_notice_explains_access_complaints_and_changes(english: str) -> None:
    assert "You may: see, export, correct, delete" in english
    assert "Answered within: 7–15 days" in english
    assert "negotiation → court" in english
    assert "We email you about every material change." in english


def test_the_english_notice_states_security_and_last_update(english: str) -> None:
    assert "- A firewall" in english
    assert "we report it to the authorities" in english
    assert "No third party tracks you on our pages." in english
    assert english.endswith("Last updated: 2026-01-15 (version 1)\n")


def test_the_vietnamese_notice_uses_vietnamese_labels_and_dates(vietnamese: str) -> None:
    assert vietnamese.startswith("Chính sách bảo vệ dữ liệu cá nhân — Công ty TNHH Cửa hàng Mẫu")
    assert "- Số thẻ (không bắt buộc, NHẠY CẢM)" in vietnamese
    assert "chuyển ra nước ngoài: SG" in vietnamese
    assert "Thời hạn trả lời: 7–15 ngày" in vietnamese
    assert vietnamese.endswith("Cập nhật lần cuối: 15/01/2026 (phiên bản 1)\n")


def test_the_english_notice_carries_no_vietnamese_label(english: str) -> None:
    for texts in _labels().values():
        assert texts["vi"] not in english or texts["vi"] == texts["en"]


def test_every_label_has_both_languages() -> None:
    assert all(texts["vi"] and texts["en"] for texts in _labels().values())


def test_a_policy_without_recipients_says_it_shares_with_no_one() -> None:
    doc: dict[str, Any] = yaml.safe_load(VALID.read_text(encoding="utf-8"))
    doc["recipients"] = []
    assert "We share your data with no one else." in render(Policy.model_validate(doc), "en")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_example_policy_renders(path: Path, lang: str) -> None:
    policy = load_policy(path)
    text = render(policy, "vi" if lang == "vi" else "en")
    assert policy.organisation.name.in_(lang) in text
