"""`lint_text`: a policy written in prose, Vietnamese or English, checked for the same items."""

from __future__ import annotations

from pathlib import Path

import pytest
from faker import Faker

from baomat.policy.lint import lint_text
from baomat.policy.prose import MAX_BYTES, ProseError, fold, read_document

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"

# Written by hand from reading each seed (line numbers are the seed's own) and PROMISES.md.
SEED_GAPS: dict[str, list[tuple[str, int | None]]] = {
    # Complete against Art. 69.1; only the complaint email is blank: "Email your complaint to:;".
    "wesale": [("W-complaint-email-empty", 127)],
    # The office's email is a placeholder ("[email protected]") and no phone is given; nothing on
    # seeing or editing one's data, no complaint mechanism, no right to delete; data kept "trong
    # một thời gian cần thiết".
    "wesoft": [
        ("A69.1dd-contact", 43),
        ("A69.1e-access", None),
        ("W-complaints", None),
        ("W-notice-rights", None),
        ("W-retention-vague", 37),
    ],
    # Nothing on seeing or editing one's data, no complaint mechanism (only a contact for
    # questions), no right to delete; card numbers and browsing history never called sensitive.
    "wecan": [
        ("A69.1e-access", None),
        ("W-complaints", None),
        ("W-notice-rights", None),
        ("W-sensitive-notice", 18),
    ],
    # Purposes but no scope of use; only a business number and a head office to contact;
    # partners "outside the Vietnamese market" with no transfer dossier; data kept "until We
    # consider it unnecessary".
    "clevergroup": [
        ("A69.1b-scope", None),
        ("A69.1dd-contact", 46),
        ("W-transfer-dossier", 32),
        ("W-retention-vague", 21),
    ],
    # Complaints go to customer care with no time limit; data kept until the customer cancels.
    "ecomviet": [("W-complaint-deadline", 57), ("W-retention-no-end", 29)],
}


def _gaps(data: bytes) -> list[tuple[str, int | None]]:
    return [(f.rule, f.line) for f in lint_text(read_document(data))]


@pytest.mark.parametrize("name", sorted(SEED_GAPS))
def test_each_seed_text_reports_its_real_gaps(name: str) -> None:
    assert _gaps((SEEDS / f"{name}.txt").read_bytes()) == SEED_GAPS[name]


def test_a_seed_finding_points_at_the_line_it_is_about() -> None:
    text = (SEEDS / "wesale.txt").read_text(encoding="utf-8").splitlines()
    [finding] = lint_text(read_document((SEEDS / "wesale.txt").read_bytes()))

    assert finding.line is not None
    assert text[finding.line - 1] == "- Email your complaint to:;"


# --- a complete generated policy, and each item taken out ------------------------------------

fake = Faker("vi_VN")
Faker.seed(52)
ADDRESS = fake.address().replace("\n", ", ")
PHONE = "028 3850 " + fake.numerify("####")
EMAIL = "baomat@" + fake.domain_name()

VI_COMPLETE = {
    "purpose": "Mục đích thu thập thông tin: để giao hàng và chăm sóc khách hàng.",
    "scope": "Phạm vi sử dụng thông tin: chỉ dùng trong nội bộ công ty để giao hàng.",
    "retention": "Thời gian lưu trữ thông tin: dữ liệu được lưu trữ trong 2 năm kể từ đơn cuối.",
    "recipients": "Những người được tiếp cận với thông tin: nhân viên giao hàng.",
    "address": f"Địa chỉ: {ADDRESS}",
    "phone": f"Điện thoại: {PHONE}",
    "access": "Khách hàng có thể tự cập nhật, chỉnh sửa thông tin cá nhân trong trang tài khoản.",
    "rights": "Khách hàng có quyền yêu cầu xóa dữ liệu hoặc rút lại sự đồng ý bất cứ lúc nào.",
    "security": "Chúng tôi cam kết bảo mật thông tin bằng tường lửa và mã hóa.",
    "complaints": f"Khách hàng gửi khiếu nại qua email {EMAIL}.",
    "deadline": "Khiếu nại được giải quyết trong vòng 10 ngày làm việc.",
}


def _vi(*, without: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> bytes:
    lines = [text for key, text in VI_COMPLETE.items() if key not in without]
    return "\n\n".join(["CHÍNH SÁCH BẢO MẬT", *lines, *extra]).encode()


def test_a_complete_vietnamese_policy_has_no_findings() -> None:
    assert _gaps(_vi()) == []


@pytest.mark.parametrize(
    ("without", "rule"),
    [
        ("purpose", "A69.1a-purpose"),
        ("scope", "A69.1b-scope"),
        ("recipients", "A69.1d-recipients"),
        ("access", "A69.1e-access"),
        ("rights", "W-notice-rights"),
        ("security", "W-security"),
    ],
)
def test_each_item_taken_out_is_reported_without_a_line(without: str, rule: str) -> None:
    assert _gaps(_vi(without=(without,))) == [(rule, None)]


def test_a_text_without_retention_breaks_item_c() -> None:
    assert _gaps(_vi(without=("retention",))) == [("A69.1c-retention", None)]


def test_an_address_without_phone_or_email_breaks_item_dd_at_the_address() -> None:
    assert _gaps(_vi(without=("phone", "complaints"))) == [("A69.1dd-contact", 11)]


def test_no_address_at_all_breaks_item_dd_without_a_line() -> None:
    [finding] = lint_text(read_document(_vi(without=("address",))))

    assert (finding.rule, finding.line) == ("A69.1dd-contact", None)
    assert "address" in finding.message_en


def test_a_complaint_email_left_blank_is_found_on_its_line() -> None:
    data = _vi(extra=("Gửi khiếu nại qua thư điện tử:",))

    assert _gaps(data) == [("W-complaint-email-empty", 25)]


def test_labels_with_their_values_on_the_next_line_are_filled() -> None:
    body = "".join(
        f"<p>{text}</p>" for key, text in VI_COMPLETE.items() if key not in ("phone", "complaints")
    )
    html = (
        f"<html><body>{body}<dl><dt>Điện thoại:</dt><dd>{PHONE}</dd>"
        f"<dt>Gửi khiếu nại qua email:</dt><dd>{EMAIL}</dd></dl></body></html>"
    )

    phone_only = html.replace(f"<dt>Gửi khiếu nại qua email:</dt><dd>{EMAIL}</dd>", "")

    assert _gaps(html.encode()) == []
    assert _gaps(phone_only.encode()) == []


def test_complaints_without_a_time_limit_point_at_the_complaint() -> None:
    assert _gaps(_vi(without=("deadline",))) == [("W-complaint-deadline", 21)]


def test_retention_without_a_period_has_no_end_and_a_vague_one_is_vague() -> None:
    until = "Dữ liệu được lưu trữ cho đến khi khách hàng yêu cầu hủy bỏ."
    vague = "Dữ liệu được lưu trữ trong một thời gian cần thiết."

    assert _gaps(_vi(without=("retention",), extra=(until,))) == [("W-retention-no-end", 23)]
    assert _gaps(_vi(without=("retention",), extra=(vague,))) == [("W-retention-vague", 23)]


def test_sensitive_data_needs_saying_so() -> None:
    card = "Khi thanh toán, chúng tôi thu thập số thẻ tín dụng của khách hàng."
    told = "Số thẻ tín dụng là dữ liệu cá nhân nhạy cảm; chúng tôi xin đồng ý riêng."

    assert _gaps(_vi(extra=(card,))) == [("W-sensitive-notice", 25)]
    assert _gaps(_vi(extra=(card, told))) == []


def test_a_transfer_abroad_needs_a_dossier() -> None:
    abroad = "Dữ liệu có thể được chuyển cho công ty mẹ ở nước ngoài."
    dossier = "Chúng tôi đã lập hồ sơ đánh giá tác động chuyển dữ liệu ra nước ngoài."

    assert _gaps(_vi(extra=(abroad,))) == [("W-transfer-dossier", 25)]
    assert _gaps(_vi(extra=(abroad, dossier))) == []


# --- bad input -------------------------------------------------------------------------------


def test_vietnamese_typed_without_diacritics_reads_the_same() -> None:
    bare = _vi().decode()
    mixed = "\n".join(fold(line) if i % 2 else line for i, line in enumerate(bare.split("\n")))

    assert _gaps(mixed.encode()) == []
    assert _gaps(fold(bare).encode()) == []


def test_words_inside_scripts_and_styles_do_not_count() -> None:
    body = "".join(
        f"<p>{text}</p>"
        for key, text in VI_COMPLETE.items()
        if key not in ("complaints", "deadline")
    )
    html = (
        "<html><head><style>.khieu-nai { color: red } /* khiếu nại */</style></head><body>"
        f"{body}<script>var s = 'Gửi khiếu nại trong vòng 10 ngày';</script></body></html>"
    )

    assert _gaps(html.encode()) == [("W-complaints", None)]


def test_an_english_policy_is_checked_with_english_words() -> None:
    text = "\n".join(
        [
            "Purpose of collection: we collect your email to deliver orders.",
            "Scope of information use: we use the personal information provided only for orders.",
            "Information retention period: data is stored for 2 years.",
            "Third parties that have access: our courier.",
            f"Head office: {fake.street_address()}. Phone: {PHONE}.",
            "You can update or delete your personal data in your account.",
            "We use a firewall and encryption.",
            f"Complaints go to {EMAIL} and are answered within 10 working days.",
        ]
    )

    assert _gaps(text.encode()) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"", "file"),
        (b"   \n\n", "file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "file"),
        (b"<html><script>alert(1)</script><style>p{}</style></html>", "file"),
        (
            "Nous collectons vos données personnelles pour la livraison et nous les "
            "conservons pendant deux ans dans notre base de données.".encode(),
            "language",
        ),
    ],
    ids=["empty", "blank", "png", "pdf", "html-only-script", "french"],
)
def test_unreadable_input_is_refused_naming_the_field(data: bytes, field: str) -> None:
    with pytest.raises(ProseError) as refused:
        lint_text(read_document(data))

    assert refused.value.field == field


def test_a_twenty_megabyte_text_is_refused_by_size() -> None:
    huge = b"Muc dich thu thap thong tin. " * (20 * 1024 * 1024 // 29)

    with pytest.raises(ProseError, match="limit"):
        read_document(huge)
    assert len(huge) > MAX_BYTES
