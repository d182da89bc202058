"""Free text a subject writes is scanned for personal data when stored: flagged in the audit
entry by kind and count, or redacted before it is stored, as the field's `pii` says."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from baomat.bootstrap import App
from baomat.domain import pii
from baomat.policy.model import PiiHandling, Policy
from baomat.services import rights, subjects, tenants
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
    # Whole values: a four-digit piece of the number can turn up in the entry's hashes.
    assert not any(v in str(entry) for v in ("0912 345 678", "912345678", "lan.pham"))


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


def test_a_correction_through_a_rights_request_is_redacted_and_its_finds_audited(
    app: App, reviews: Policy
) -> None:
    [sid] = subjects.register(app.uow(), reviews, "member", [_member()], "t", AT)
    receipt = rights.submit(app.uow(), reviews, sid, "correct", "self_service", None, sid, AT)

    rights.correct(app.uow(), reviews, receipt.id, {"complaint": "CCCD 001095012345"}, "t", AT)

    assert _read(app, reviews, sid, "complaint") == "CCCD [citizen_id]"
    entry = _entry(app, sid, "subject.correct")
    assert entry["detail"] == {"request": receipt.id, "pii_redacted": "complaint.citizen_id=1"}
    assert "001095012345" not in str(entry)


def test_the_caller_learns_what_was_found_by_field_handling_kind_and_count(
    app: App, reviews: Policy
) -> None:
    record = _member(review=REVIEW, complaint=REVIEW, note=REVIEW)

    [(sid, found)] = subjects.register_scanned(app.uow(), reviews, "member", [record], "t", AT)
    changed, found_again = subjects.update_scanned(
        app.uow(), reviews, sid, {"review": PLAIN, "complaint": "STK 0071000123456"}, "t", AT
    )

    counts = {pii.Kind.EMAIL: 1, pii.Kind.PHONE: 1}
    assert found == {
        "review": (PiiHandling.FLAG, counts),
        "complaint": (PiiHandling.REDACT, counts),
    }
    assert changed == ["complaint", "review"]
    assert found_again == {"complaint": (PiiHandling.REDACT, {pii.Kind.BANK_ACCOUNT: 1})}
