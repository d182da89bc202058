"""The notice to A05 holds every item LAW.md lists, in Vietnamese, alike in HTML and PDF."""

from __future__ import annotations

import datetime as dt
import html as entities
import io
import re
import unicodedata
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from baomat.domain.errors import Invalid
from baomat.domain.incidents import Incident, Phase, Scope, Window
from baomat.domain.periods import vietnam_tz
from baomat.policy.model import Category, Policy
from baomat.services import _documents
from baomat.services._breach_notice import (
    _LABELS,
    REQUIRED,
    Found,
    NoticeInput,
    document,
    facts,
    say,
)
from tests.integration.shop import SHOP

TZ = vietnam_tz()
DETECTED = dt.datetime(2026, 2, 13, 16, 30, tzinfo=TZ)
SENT = dt.datetime(2026, 2, 14, 9, 15, tzinfo=TZ)
POLICY = Policy.model_validate(
    {
        **SHOP,
        "organisation": {
            **SHOP["organisation"],
            "contact_unit": {"vi": "Bộ phận Bảo vệ dữ liệu", "en": "Data protection unit"},
            "emails": ["dpo@cuahangthu.vn"],
            "phones": ["024 3825 1234"],
        },
    }
)
FOUND = Found(500, 1300, [("name", 500, False), ("contact", 300, False), ("location", 100, True)])


def _incident() -> Incident:
    window = Window.check(DETECTED - dt.timedelta(hours=7), DETECTED - dt.timedelta(hours=1), SENT)
    incident = Incident.open(
        "3f9a0c", law_profile="law-91-2025", detected_at=DETECTED, window=window,
        description="Tài khoản nhân viên đã xem hồ sơ khách hàng ngoài nhiệm vụ <script>",
        systems=["Hệ thống CRM", "Máy chủ web"], scope=Scope(("staff:mallory",)),
        actor="staff:an", at=SENT,
    )  # fmt: skip
    incident.authority_due = DETECTED + dt.timedelta(hours=72)
    return incident


GIVEN = NoticeInput(
    Phase.INITIAL,
    consequences="Khách hàng có thể bị lừa đảo qua điện thoại.",
    measures="Đã khóa tài khoản nhân viên và đổi mật khẩu quản trị.",
)


def _content() -> dict[str, Any]:
    return facts(_incident(), POLICY, GIVEN, number=1, sent_at=SENT, late=False, found=FOUND)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def _pdf_text(data: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _html_text(html: str) -> str:
    return _flat(entities.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_every_required_item_is_in_the_html_and_the_pdf_with_its_facts() -> None:
    doc = document(_content())
    as_html = _html_text(_documents.html(doc))
    pdf = _documents.pdf(doc, SENT)
    assert pdf.startswith(b"%PDF-")
    as_pdf = _pdf_text(pdf)
    facts_said = [
        "từ 13/02/2026 09:30 (giờ Việt Nam) đến 13/02/2026 15:30 (giờ Việt Nam)",  # time
        "13/02/2026 16:30 (giờ Việt Nam)",  # detected
        "Hệ thống CRM; Máy chủ web",  # place
        "Tài khoản nhân viên đã xem hồ sơ khách hàng ngoài nhiệm vụ <script>",  # act
        "Tài khoản nhân viên mallory",  # who
        "Họ và tên; Thông tin liên lạc (số điện thoại, thư điện tử); Dữ liệu vị trí",  # data types
        "500 chủ thể dữ liệu; 1300 mục dữ liệu",  # volume
        "Bộ phận Bảo vệ dữ liệu", "024 3825 1234", "dpo@cuahangthu.vn",  # contact
        GIVEN.consequences, GIVEN.measures,
        "16/02/2026 16:30 (giờ Việt Nam)",  # due: 72 hours, Monday
        "Thông báo ban đầu, số 1",
        "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an",
        "Nghị định số 356/2025/NĐ-CP",
        "Cửa hàng Thử", "25 Ngô Quyền, Hà Nội",
    ]  # fmt: skip
    for item in REQUIRED:
        assert say(item, "vi") in as_html, item
        assert say(item, "vi") in as_pdf, item
    for fact in facts_said:
        assert fact in as_html, fact
        assert fact in as_pdf, fact


def test_staff_text_is_escaped_in_the_html() -> None:
    html = _documents.html(document(_content()))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_late_first_notice_must_say_why() -> None:
    with pytest.raises(Invalid) as refused:
        facts(_incident(), POLICY, GIVEN, number=1, sent_at=SENT, late=True, found=FOUND)
    assert refused.value.field == "delay_reason"
    late = NoticeInput(Phase.INITIAL, "c", "m", delay_reason="Máy chủ ngừng hoạt động")
    content = facts(_incident(), POLICY, late, number=1, sent_at=SENT, late=True, found=FOUND)
    assert "Máy chủ ngừng hoạt động" in _documents.html(document(content))


def test_a_notice_needs_a_way_to_reach_the_data_protection_contact() -> None:
    bare = Policy.model_validate(SHOP)
    with pytest.raises(Invalid) as refused:
        facts(_incident(), bare, GIVEN, number=1, sent_at=SENT, late=False, found=FOUND)
    assert refused.value.field == "contact_email"
    given = NoticeInput(Phase.INITIAL, "c", "m", contact_name="Chị An", contact_phone="0912345678")
    content = facts(_incident(), bare, given, number=1, sent_at=SENT, late=False, found=FOUND)
    assert content["contact"] == {"name": "Chị An", "phone": "0912345678", "email": ""}


def test_every_data_category_and_every_label_reads_in_vietnamese_and_english() -> None:
    labels = _LABELS.all()
    assert set(labels["categories"]) == {c.value for c in Category} | {"unclassified"}
    for group in ("text", "categories", "phases", "states", "outcomes", "actors", "authority"):
        entries = labels[group] if group != "authority" else {"authority": labels[group]}
        for key, texts in entries.items():
            assert set(texts) == {"vi", "en"} and all(texts.values()), (group, key)
    assert yaml.safe_load("{vi: a, b}") != {"vi": "a, b"}  # why every label is quoted
