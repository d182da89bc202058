"""The free-text scanner: each kind of personal data found, look-alikes left alone, redaction,
and recall and precision on a generated, labelled corpus."""

from __future__ import annotations

import time

import pytest

from baomat.domain.pii import Finding, Kind, counts, placeholder, redact, scan
from tests.pii_corpus import KINDS, Document, corpus, strip_diacritics

# --- the corpus ------------------------------------------------------------------------


def _score(docs: list[Document]) -> dict[str, tuple[int, int, int]]:
    """Per kind: (true positives, false positives, false negatives). A finding matches a label
    of its kind whose span it overlaps, each label at most once."""
    tally = {kind: [0, 0, 0] for kind in KINDS}
    for doc in docs:
        found = list(scan(doc.text))
        for label in doc.labels:
            hit = next(
                (
                    f
                    for f in found
                    if f.kind == label.kind and f.start < label.end and label.start < f.end
                ),
                None,
            )
            if hit is None:
                tally[label.kind][2] += 1
            else:
                found.remove(hit)
                tally[label.kind][0] += 1
        for finding in found:
            tally[finding.kind.value][1] += 1
    return {kind: (tp, fp, fn) for kind, (tp, fp, fn) in tally.items()}


def test_recall_and_precision_reach_95_percent_on_2000_generated_documents() -> None:
    docs = corpus(2000, seed=5)
    scores = _score(docs)
    for kind, (tp, fp, fn) in scores.items():
        precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
        print(f"{kind:13} tp={tp:4} fp={fp:3} fn={fn:3} {precision=:.3f} {recall=:.3f}")
        assert tp > 100, kind  # every kind is represented
        assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9, kind
    tp, fp, fn = (sum(s[i] for s in scores.values()) for i in range(3))
    print(f"overall       precision={tp / (tp + fp):.3f} recall={tp / (tp + fn):.3f}")
    assert tp / (tp + fp) >= 0.95
    assert tp / (tp + fn) >= 0.95


def test_the_corpus_holds_hard_negatives_and_text_without_diacritics() -> None:
    docs = corpus(300, seed=11)
    text = "\n".join(d.text for d in docs)

    assert "DH" in text and "#" in text and "VND" in text and "mã vận đơn" in text
    assert sum(d.text.isascii() for d in docs) > 30
    assert corpus(5, seed=3) == corpus(5, seed=3)


# --- each kind ---------------------------------------------------------------------------


def _kinds(text: str) -> list[tuple[Kind, str]]:
    return [(f.kind, text[f.start : f.end]) for f in scan(text)]


@pytest.mark.parametrize(
    "written",
    ["0912345678", "0912 345 678", "091.234.5678", "0912-345-678", "+84 912345678",
     "+84 912 345 678", "84912345678", "(028) 3850 3852"],
)  # fmt: skip
def test_phone_numbers_are_found_however_they_are_grouped(written: str) -> None:
    assert _kinds(f"Gọi mình {written} nhé") == [(Kind.PHONE, written)]


def test_a_phone_length_number_outside_the_numbering_plan_is_not_a_phone() -> None:
    assert _kinds("gọi 0112345678 không ai nghe") == []


def test_two_phones_side_by_side_are_two_findings() -> None:
    assert _kinds("sđt 0912345678 0987654321") == [
        (Kind.PHONE, "0912345678"),
        (Kind.PHONE, "0987654321"),
    ]


def test_emails_are_found_without_the_full_stop_after_them() -> None:
    assert _kinds("Mail: an.nguyen+shop@gmail.com.") == [(Kind.EMAIL, "an.nguyen+shop@gmail.com")]


def test_a_cccd_needs_a_province_code_and_a_century_digit_for_the_living() -> None:
    assert _kinds("CCCD 001095012345") == [(Kind.CITIZEN_ID, "001095012345")]
    assert _kinds("mã 079305000001 nè") == [(Kind.CITIZEN_ID, "079305000001")]
    assert _kinds("mã 003095012345 nè") == []  # 003 is no province code
    assert _kinds("mã 001795012345 nè") == []  # born in the 2300s


def test_a_cmnd_is_nine_digits_after_its_keyword_only() -> None:
    assert _kinds("số CMND: 123456789") == [(Kind.CMND, "123456789")]
    assert _kinds("chung minh nhan dan 212345678") == [(Kind.CMND, "212345678")]
    assert _kinds("mã 123456789") == []


def test_a_tax_code_needs_its_check_digit_and_keyword_or_the_branch_form() -> None:
    assert _kinds("MST 0314409058") == [(Kind.TAX_CODE, "0314409058")]
    assert _kinds("mã số thuế 0101234565") == [(Kind.TAX_CODE, "0101234565")]
    assert _kinds("mã số thuế 0101234566") == []  # wrong check digit
    assert _kinds("chi nhánh 0314409058-002") == [(Kind.TAX_CODE, "0314409058-002")]


def test_card_numbers_pass_luhn_with_an_issuer_prefix() -> None:
    assert _kinds("thẻ 4111 1111 1111 1111 bị trừ tiền") == [
        (Kind.CARD_NUMBER, "4111 1111 1111 1111")
    ]
    assert _kinds("thẻ 4111 1111 1111 1112 bị trừ tiền") == []


def test_bank_accounts_are_found_next_to_their_keyword_or_bank_name() -> None:
    assert _kinds("STK: 0071000123456") == [(Kind.BANK_ACCOUNT, "0071000123456")]
    assert _kinds("chuyen khoan vao 19035566778899 Techcombank") == [
        (Kind.BANK_ACCOUNT, "19035566778899")
    ]
    assert _kinds("mã 0071000123456") == []


def test_the_nearest_keyword_decides_what_a_number_is() -> None:
    assert _kinds("STK 19035566778899, sđt 0912345678") == [
        (Kind.BANK_ACCOUNT, "19035566778899"),
        (Kind.PHONE, "0912345678"),
    ]


def test_a_keyword_in_the_sentence_before_does_not_reach_over_the_full_stop() -> None:
    assert _kinds("Mình có STK rồi. Mã 19035566778899 là mã vận đơn") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Địa chỉ: 12 Lê Lợi, Phường Bến Nghé, Quận 1, TP.HCM. Shop giao nhanh nhé",
         "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP.HCM"),
        ("dia chi 12 le loi phuong ben nghe quan 1 giup minh",
         "12 le loi phuong ben nghe quan 1"),
        ("giao hàng đến Số 94/715 Lý Thường Kiệt Xã Tân Phú Đông TP. Hà Nội nhé",
         "Số 94/715 Lý Thường Kiệt Xã Tân Phú Đông TP. Hà Nội"),
        ("Nhà ở 17A Lê Duẩn, Q.6, TP.HCM rất dễ tìm", "17A Lê Duẩn, Q.6, TP.HCM"),
        ("số nhà 5 ngõ 12 phố Huế, Hà Nội", "5 ngõ 12 phố Huế, Hà Nội"),
    ],
)  # fmt: skip
def test_addresses_are_found_after_their_keyword_or_from_a_house_number(
    text: str, address: str
) -> None:
    assert _kinds(text) == [(Kind.ADDRESS, address)]


@pytest.mark.parametrize(
    "text",
    [
        "giá 1.250.000đ, ship 30k, tổng 1.280.000 VND",
        "350.000 đồng một hộp, 250k một cái",
        "đơn DH123456789 và đơn #100234 giao chậm",
        "đặt ngày 12/03/2024, nhận ngày 15-03-2024, ngày 2024-03-20 đổi",
        "giao lúc 14:30 hoặc 9h30",
        "mua 3 Hộp Sữa size 42, mã SP-20231234",
        "nhập mã OTP 482913 vào tài khoản",
        "mã vận đơn 0912345678",
        "trà sữa ít đường, 2 ly, giao tới quận 1 nhanh",
        "địa chỉ email cũ không dùng nữa",
        "",
    ],
)
def test_numbers_that_only_look_alike_are_left_alone(text: str) -> None:
    assert scan(text) == ()


def test_text_without_diacritics_is_read_like_text_with_them() -> None:
    text = "Số tài khoản 0071000123456. CMND 123456789. Địa chỉ: 12 Lê Lợi, Quận 1, TP.HCM"

    with_marks = [f.kind for f in scan(text)]
    without = [f.kind for f in scan(strip_diacritics(text))]

    assert with_marks == without == [Kind.BANK_ACCOUNT, Kind.CMND, Kind.ADDRESS]


def test_mixed_text_is_read_part_by_part() -> None:
    text = "so tai khoan 0071000123456, còn số điện thoại 0912345678"

    assert [f.kind for f in scan(text)] == [Kind.BANK_ACCOUNT, Kind.PHONE]


# --- redaction -------------------------------------------------------------------------


def test_redact_puts_each_kinds_placeholder_in_place_of_the_value() -> None:
    text = "Gọi 0912 345 678 hoặc mail an@gmail.com, STK 0071000123456."

    assert redact(text, scan(text)) == ("Gọi [phone] hoặc mail [email], STK [bank_account].")
    assert placeholder(Kind.CITIZEN_ID) == "[citizen_id]"


def test_redacted_text_holds_no_personal_data_any_more() -> None:
    for doc in corpus(200, seed=21):
        assert scan(redact(doc.text, scan(doc.text))) == ()


def test_redact_refuses_overlapping_findings() -> None:
    with pytest.raises(ValueError, match="overlap"):
        redact("0912345678", [Finding(0, 10, Kind.PHONE), Finding(5, 10, Kind.PHONE)])


def test_counts_tally_findings_by_kind() -> None:
    found = scan("0912345678, 0987654321, an@gmail.com")

    assert counts(found) == {Kind.PHONE: 2, Kind.EMAIL: 1}


# --- size ----------------------------------------------------------------------------------


def test_a_20_mb_text_is_scanned_whole() -> None:
    docs = corpus(400, seed=8)
    chunk = "\n".join(d.text for d in docs) + "\n"
    copies = 20 * 1024 * 1024 // len(chunk.encode()) + 1
    text = chunk * copies
    per_chunk = len(scan(chunk))

    started = time.perf_counter()
    found = scan(text)
    elapsed = time.perf_counter() - started

    assert len(text.encode()) >= 20 * 1024 * 1024
    assert len(found) == per_chunk * copies
    assert elapsed < 300  # linear: a few MB/s on a busy machine


def test_text_of_nothing_but_digits_or_at_signs_is_scanned_in_bounded_time() -> None:
    started = time.perf_counter()

    assert scan("1 " * 200_000) == ()
    assert scan("@" * 400_000) == ()
    assert scan("9" * 400_000) == ()
    assert time.perf_counter() - started < 60
