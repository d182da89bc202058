"""Importing a prose policy: what a careful reader finds in each seed, found, and nothing invented.

The expected items are in tests/data/import_expected/<seed>.yaml, written by reading
the texts; see its README. The policies in tests/data/import_heldout/ were written after
the rules and are scored the same way, against a lower bar (see its README).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
import yaml
from faker import Faker

from baomat.policy.importer import Draft, draft, to_yaml
from baomat.policy.model import Category, DataType, LegalBasis
from baomat.policy.prose import fold, read_document

DATA = Path(__file__).resolve().parents[2] / "data"
SEEDS = ("wesale", "wesoft", "wecan", "clevergroup", "ecomviet")
HELDOUT = DATA / "import_heldout"
HELDOUT_TEXTS = sorted(p for p in HELDOUT.iterdir() if p.suffix in {".txt", ".html"})


def _expected(seed: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DATA / "import_expected" / f"{seed}.yaml").read_text())
    return loaded


def _imported(seed: str) -> Draft:
    return draft(read_document((DATA / "seeds" / f"{seed}.txt").read_bytes()))


@dataclass(frozen=True)
class Score:
    """How many expected items were found, and the extracted items no expectation covers."""

    found: int
    expected: int
    invented: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def _score_fields(got: Draft, expected: list[dict[str, Any]]) -> Score:
    def matches(field: Any, item: dict[str, Any]) -> bool:
        return (
            field.type is DataType(item["type"])
            and field.category is Category(item["category"])
            and fold(field.label) in {fold(text) for text in item["text"]}
        )

    found = sum(any(matches(f, item) for f in got.fields) for item in expected)
    invented = [f.label for f in got.fields if not any(matches(f, item) for item in expected)]
    return Score(found, len(expected), invented)


def _score_purposes(got: Draft, expected: list[str | list[str]]) -> Score:
    fragments = [[fold(f)] if isinstance(f, str) else [fold(x) for x in f] for f in expected]
    texts = [fold(p.text) for p in got.purposes]
    found = sum(any(frag in text for frag in item for text in texts) for item in fragments)
    invented = [
        p.text for p, text in zip(got.purposes, texts, strict=True)
        if not any(frag in text for item in fragments for frag in item)
    ]  # fmt: skip
    return Score(found, len(expected), invented)


def _contact_items(organisation: Any, address: Any, tax: Any, phones: Any, emails: Any) -> set[str]:
    items = {f"phone:{_e164(p)}" for p in phones} | {f"email:{e.casefold()}" for e in emails}
    for key, value in (("organisation", organisation), ("address", address), ("tax", tax)):
        if value:
            items.add(f"{key}:{fold(value).rstrip(' .')}")
    return items


def _e164(number: str) -> str:
    parsed = phonenumbers.parse(number, "VN")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _score_contact(got: Draft, expected: dict[str, Any]) -> Score:
    c = got.contact
    extracted = _contact_items(
        c.organisation and c.organisation.value,
        c.address and c.address.value,
        c.tax_code and c.tax_code.value,
        [p.value for p in c.phones],
        [e.value for e in c.emails],
    )
    wanted = _contact_items(
        expected.get("organisation"),
        expected.get("address"),
        expected.get("tax_code"),
        expected.get("phones", []),
        expected.get("emails", []),
    )
    return Score(len(wanted & extracted), len(wanted), sorted(extracted - wanted))


def _scores(seed: str) -> dict[str, Score]:
    return _scored(_imported(seed), _expected(seed))


def _scored(got: Draft, expected: dict[str, Any]) -> dict[str, Score]:
    return {
        "fields": _score_fields(got, expected["fields"]),
        "purposes": _score_purposes(got, expected["purposes"]),
        "contact": _score_contact(got, expected["contact"]),
    }


def _overall(name: str, scores: dict[str, Score]) -> float:
    """All found over all expected, after printing the figures (shown with pytest -s)."""
    found = sum(s.found for s in scores.values())
    total = sum(s.expected for s in scores.values())
    figures = ", ".join(f"{k} {s.found}/{s.expected}" for k, s in scores.items())
    print(f"{name}: {figures}; all {found}/{total} = {found / total:.0%}")
    return found / total


@pytest.mark.parametrize("seed", SEEDS)
def test_import_finds_nine_in_ten_of_what_a_reader_finds_and_invents_nothing(seed: str) -> None:
    scores = _scores(seed)

    assert _overall(seed, scores) >= 0.90
    for kind, score in scores.items():
        assert score.recall >= 0.75, f"{kind}: {score.found}/{score.expected}"
        assert score.invented == [], f"{kind} not in the text's expectation: {score.invented}"


def test_import_reads_the_language_of_each_seed() -> None:
    for seed in SEEDS:
        assert _imported(seed).language == _expected(seed)["language"]


def test_every_extracted_item_points_to_its_source_sentence() -> None:
    for seed in SEEDS:
        text_lines = (DATA / "seeds" / f"{seed}.txt").read_text().split("\n")
        got = _imported(seed)
        sources = [f.source for f in got.fields] + [p.source for p in got.purposes]
        for source in sources:
            assert source.sentence in " ".join(text_lines[source.line - 1].split())


def test_what_the_text_does_not_state_is_flagged_not_guessed() -> None:
    wesoft = _imported("wesoft")
    clever = _imported("clevergroup")
    ecomviet = _imported("ecomviet")

    assert wesoft.contact.tax_code is None
    assert "organisation.tax_code" in {r.key for r in wesoft.review}
    assert [r.line for r in wesoft.review if "hidden" in r.en] == [45]
    assert clever.contact.organisation is None
    assert "organisation.name" in {r.key for r in clever.review}
    assert ecomviet.fields == ()
    assert "subject_types" in {r.key for r in ecomviet.review}
    # "until User requests to delete ... or until We consider it unnecessary": two rules.
    assert clever.retention.triggers == ("until_cancelled", "while_needed")
    assert any(r.key == "retention" for r in clever.review)


def test_retention_complaints_and_access_are_read_where_the_text_is_explicit() -> None:
    wesale, wecan, clever = _imported("wesale"), _imported("wecan"), _imported("clevergroup")

    assert wesale.retention.triggers == ("until_cancelled",)
    assert (wesale.retention.min_keep, wesale.retention.max_keep) is not None
    assert wesale.retention.min_keep and wesale.retention.min_keep.amount == 2
    assert wesale.retention.max_keep and wesale.retention.max_keep.amount == 10
    assert wecan.retention.triggers == ("after_closure",)
    assert wecan.retention.period and wecan.retention.period.amount == 1
    assert wesale.deadline and (wesale.deadline.unit.value, wesale.deadline.amount) == (
        "working_days",
        10,
    )
    assert clever.deadline and (clever.deadline.min, clever.deadline.max) == (7, 15)
    assert wesale.access.mode == "both"
    assert clever.access.legal_right
    assert {c.kind for c in wesale.channels} == {"hotline", "email", "post", "in_person"}


def test_law_grounds_are_the_only_legal_bases_given() -> None:
    wecan = _imported("wecan")

    bases = {p.legal_basis for p in wecan.purposes}
    assert bases == {None, LegalBasis.LEGAL_OBLIGATION, LegalBasis.VITAL_INTEREST}


def test_the_draft_yaml_names_the_format_sources_and_review_items() -> None:
    text = to_yaml(_imported("wecan"))
    loaded = yaml.safe_load(text)

    assert loaded["format"] == "baomat/policy@1"
    assert loaded["organisation"]["tax_code"] == "0315224638"
    assert loaded["organisation"]["name"] == {"vi": "Công ty TNHH Dịch vụ Thoại Phong"}
    fields = loaded["subject_types"][0]["fields"]
    assert {"id": "credit_card", "label": {"vi": "số thẻ tín dụng"}, "type": "card_number",
            "category": "financial", "sensitivity": "sensitive"} in fields  # fmt: skip
    assert loaded["retention"][0]["period"] == {"amount": 1, "unit": "years"}
    assert "tenant" not in loaded and "last_updated" not in loaded
    assert {"tenant", "last_updated"} <= {item["key"] for item in loaded["review"]}
    assert re.search(r"^ {6}# line 40: a, Thông tin của thành viên", text, re.M)


def test_html_policy_with_scripts_and_styles_imports_its_visible_text_only() -> None:
    fake = Faker("vi_VN")
    fake.seed_instance(5)
    email, phone = fake.company_email(), "0912 345 678"
    html = f"""<!DOCTYPE html><html><head><style>.x {{ color: red }}</style>
    <script>var tracked = "số thẻ tín dụng, hộ chiếu";</script></head><body>
    <h2>1. Mục đích thu thập thông tin</h2>
    <ul><li>Xử lý đơn hàng của khách hàng.</li><li>Gửi thông báo về dịch vụ.</li></ul>
    <h2>2. Phạm vi thu thập</h2>
    <p>Chúng tôi thu thập các thông tin như: họ và tên, số điện thoại, email, ngày sinh.</p>
    <!-- thu thập: số CMND -->
    <h2>3. Liên hệ</h2>
    <p>Công ty TNHH Thử Nghiệm Dữ Liệu</p>
    <p>Địa chỉ: 12 Đường Số 3, Phường 4, Quận 5, TP. Hồ Chí Minh</p>
    <p>Điện thoại: {phone}</p><p>Email: <a href="mailto:{email}">{email}</a></p>
    </body></html>"""

    got = draft(read_document(html.encode()))

    assert [f.id for f in got.fields] == ["full_name", "phone", "email", "birth_date"]
    assert [p.text for p in got.purposes] == [
        "Xử lý đơn hàng của khách hàng",
        "Gửi thông báo về dịch vụ",
    ]
    assert got.contact.organisation and got.contact.organisation.value == (
        "Công ty TNHH Thử Nghiệm Dữ Liệu"
    )
    assert [p.value for p in got.contact.phones] == [phone]
    assert [e.value for e in got.contact.emails] == [email]


def test_vietnamese_without_diacritics_maps_to_the_same_fields() -> None:
    text = (
        "1. Muc dich thu thap thong tin\n"
        "- Giao hang cho khach hang.\n"
        "2. Pham vi thu thap\n"
        "Chung toi thu thap cac thong tin nhu: ho va ten, so dien thoai di dong, dia chi email, "
        "gioi tinh, so the tin dung.\n"
    )

    got = draft(read_document(text.encode()))

    assert got.language == "vi"
    assert [(f.id, f.label) for f in got.fields] == [
        ("full_name", "ho va ten"),
        ("mobile", "so dien thoai di dong"),
        ("email", "dia chi email"),
        ("gender", "gioi tinh"),
        ("credit_card", "so the tin dung"),
    ]
    assert [p.text for p in got.purposes] == ["Giao hang cho khach hang"]


# --- held-out policies ----------------------------------------------------------------------

_CLAIMS = ("the text states no", "the text names no", "the text does not say", "no purpose list",
           "no data field is named")  # fmt: skip


def _heldout(path: Path) -> tuple[Draft, dict[str, Any]]:
    expected: dict[str, Any] = yaml.safe_load(path.with_suffix(".yaml").read_text())
    return draft(read_document(path.read_bytes())), expected


@pytest.mark.parametrize("path", HELDOUT_TEXTS, ids=lambda p: p.name)
def test_import_finds_eight_in_ten_on_policies_it_was_not_written_against(path: Path) -> None:
    got, expected = _heldout(path)
    scores = _scored(got, expected)

    assert got.language == expected["language"]
    assert _overall(path.name, scores) >= 0.80
    for kind, score in scores.items():
        assert score.invented == [], f"{kind} not in the text's expectation: {score.invented}"


@pytest.mark.parametrize("path", HELDOUT_TEXTS, ids=lambda p: p.name)
def test_a_held_out_policy_is_said_to_lack_only_what_it_lacks(path: Path) -> None:
    got, expected = _heldout(path)

    claimed = {r.key for r in got.review if r.en.startswith(_CLAIMS)}

    assert claimed == set(expected["absent"])


@pytest.mark.parametrize("path", HELDOUT_TEXTS, ids=lambda p: p.name)
def test_a_held_out_policy_gives_the_retention_rule_a_reader_finds(path: Path) -> None:
    got, expected = _heldout(path)
    rule = expected["retention"]

    assert got.retention.triggers == (rule["trigger"],)
    period = got.retention.period
    assert (period and {"amount": period.amount, "unit": period.unit.value}) == rule.get("period")


_ONE_PARAGRAPH = (
    "1. Thời gian lưu trữ\n"
    "Dữ liệu được lưu trữ trong 2 năm kể từ lần mua hàng cuối cùng.\n"
    "2. Địa chỉ của đơn vị thu thập\n"
    "Công ty TNHH Thương Mại Sao Mai. Địa chỉ: 12 Nguyễn Trãi, Phường Bến Thành, Quận 1, "
    "TP. Hồ Chí Minh. Điện thoại: 028 3822 1234. Email: hotro@saomai.vn. Mã số thuế: {tax}\n"
)


def test_a_number_after_a_tax_code_label_is_never_a_phone() -> None:
    # 0312345678 is also a valid mobile number; its tax-code check digit is wrong.
    got = draft(read_document(_ONE_PARAGRAPH.format(tax="0312345678").encode()))

    assert [p.value for p in got.contact.phones] == ["028 3822 1234"]
    assert got.contact.tax_code is None
    claims = [r for r in got.review if r.key == "organisation.tax_code"]
    assert [(r.line, "check digit" in r.en) for r in claims] == [(4, True)]
    assert not any(r.en.startswith("the text states no") for r in claims)


def test_a_contact_paragraph_gives_each_item_up_to_the_next_label() -> None:
    got = draft(read_document(_ONE_PARAGRAPH.format(tax="0314972567").encode()))

    assert got.contact.address and got.contact.address.value == (
        "12 Nguyễn Trãi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh"
    )
    assert got.contact.tax_code and got.contact.tax_code.value == "0314972567"
    assert [e.value for e in got.contact.emails] == ["hotro@saomai.vn"]
    assert not [r for r in got.review if r.key.startswith("organisation.")]


def test_a_period_from_an_event_no_trigger_names_is_left_for_review_with_the_reason() -> None:
    got = draft(read_document(_ONE_PARAGRAPH.format(tax="0314972567").encode()))

    assert got.retention.triggers == ()
    assert got.retention.counted_from is not None
    assert got.retention.counted_from.value == "2 năm kể từ lần mua hàng cuối cùng"
    (item,) = [r for r in got.review if r.key == "retention"]
    assert item.line == 2 and "account closure" in item.en and "lần mua hàng" in item.vi
