"""Free text a subject writes is scanned for personal data when stored: flagged in the audit
entry by kind and count, or redacted before it is stored, as the field's `pii` says."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from baomat.bootstrap import App
from baomat.policy.model import Policy
from baomat.services import subjects, tenants
from tests.integration.shop import AT, SHOP

REVIEW = "Áo đẹp! Shop gọi mình 0912 345 678 hoặc mail lan.pham@example.vn nhé. Giá 350.000đ."
PLAIN = "Áo đẹp, giao nhanh, giá 350.000đ, đơn DH123456789."


def _reviews_policy() -> Policy:
    doc = copy.deepcopy(SHOP)
    doc["tenant"] = "reviews"
    text = {"type": "long_text", "category": "user_content", "sensitivity": "basic"}
    doc["subject_types"][0]["fields"] += [
        {"id": "review", "label": {"vi": "Đánh giá", "en": "Review"}, **text, "free_text": True},
        {"id": "complaint", "label": {"vi": "Khiếu nại", "en": "Complaint"}, **text,
         "free_text": True, "pii": "redact"},
        {"id": "note", "label": {"vi": "Ghi chú", "en": "Note"}, **text},
    ]  # fmt: skip
    doc["purposes"][0]["fields"] += ["review", "complaint", "note"]
    return Policy.model_validate(doc)


@pytest.fixture
def reviews(app: App) -> Policy:
    policy = _reviews_policy()
    document = yaml.safe_dump(policy.model_dump(mode="json"), allow_unicode=True)
    tenants.publish_policy(app.uow(), policy, document, "test", AT)
    return policy


def _member(**values: str) -> dict[str, str]:
    return {"full_name": "Phạm Thị Lan", "email": "lan.pham@example.vn", **values}


def _entry(app: App, subject: str, action: str) -> dict[str, object]:
    with app.uow() as uow:
        entries = uow.audit.entries("reviews", subject=subject)
    entry = next(e for e in entries if e["action"] == action)
    detail = entry["detail"]
    return {**entry, "detail": json.loads(detail) if isinstance(detail, str) else detail}


def _read(app: App, policy: Policy, sid: str, field: str) -> str:
    return subjects.read(app.uow(), policy, sid, [field], "service", "test", AT)[field]


def test_a_flagged_review_is_stored_as_written_and_its_finds_audited_by_kind(
    app: App, reviews: Policy
) -> None:
    [sid] = subjects.register(app.uow(), reviews, "member", [_member(review=REVIEW)], "t", AT)

    entry = _entry(app, sid, "subject.create")

    assert _read(app, reviews, sid, "review") == REVIEW
    assert entry["detail"] == {"type": "member", "pii_flagged": "review.email=1,review.phone=1"}
    assert "0912" not in str(entry) and "lan.pham" not in str(entry)


def test_a_redacting_field_stores_placeholders_instead_of_the_personal_data(
    app: App, reviews: Policy
) -> None:
    [sid] = subjects.register(app.uow(), reviews, "member", [_member(complaint=REVIEW)], "t", AT)

    assert _read(app, reviews, sid, "complaint") == (
        "Áo đẹp! Shop gọi mình [phone] hoặc mail [email] nhé. Giá 350.000đ."
    )
    assert _entry(app, sid, "subject.create")["detail"] == {
        "type": "member",
        "pii_redacted": "complaint.email=1,complaint.phone=1",
    }


def test_an_update_is_scanned_as_a_registration_is(app: App, reviews: Policy) -> None:
    [sid] = subjects.register(app.uow(), reviews, "member", [_member(review=PLAIN)], "t", AT)

    subjects.update(
        app.uow(), reviews, sid, {"complaint": "STK 0071000123456 Vietcombank"}, "t", AT
    )

    assert _read(app, reviews, sid, "complaint") == "STK [bank_account] Vietcombank"
    assert _entry(app, sid, "subject.update")["detail"] == {
        "pii_redacted": "complaint.bank_account=1"
    }


def test_text_without_personal_data_and_fields_not_free_text_are_not_flagged(
    app: App, reviews: Policy
) -> None:
    record = _member(review=PLAIN, note=REVIEW)
    [sid] = subjects.register(app.uow(), reviews, "member", [record], "t", AT)

    assert _entry(app, sid, "subject.create")["detail"] == {"type": "member"}
    assert _read(app, reviews, sid, "note") == REVIEW


def test_a_correction_through_a_rights_request_is_redacted_too(app: App, reviews: Policy) -> None:
    [sid] = subjects.register(app.uow(), reviews, "member", [_member()], "t", AT)

    with app.uow() as uow:
        record = uow.subjects.get("reviews", sid)
        assert record is not None
        values, _, _ = subjects.checked_change(
            uow, reviews, record, {"complaint": "CCCD 001095012345"}, AT
        )

    assert values == {"complaint": "CCCD [citizen_id]"}
