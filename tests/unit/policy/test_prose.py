"""Reading a prose policy: text or HTML in, numbered sentences out; bad files refused by rule."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from faker import Faker

from baomat.policy.prose import MAX_BYTES, ProseError, fold, read_document

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"

EN_TEXT = (
    "We collect your name and email address to process your order.\n"
    "You may ask us to delete your personal data at any time."
)
VI_TEXT = (
    "Chúng tôi thu thập họ tên và số điện thoại của khách hàng để xử lý đơn hàng.\n"
    "Khách hàng có quyền yêu cầu xoá thông tin cá nhân của mình."
)


def _refused(data: bytes) -> ProseError:
    with pytest.raises(ProseError) as caught:
        read_document(data)
    return caught.value


def test_fold_removes_vietnamese_diacritics_case_and_extra_spaces() -> None:
    assert fold("Số  Điện THOẠI\tđường") == "so dien thoai duong"
    assert fold("Địa chỉ email") == fold("dia chi EMAIL")


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("wesale", "en"),
        ("clevergroup", "en"),
        ("wesoft", "vi"),
        ("wecan", "vi"),
        ("ecomviet", "vi"),
    ],
)
def test_each_seed_policy_is_read_in_its_language(name: str, language: str) -> None:
    document = read_document((SEEDS / f"{name}.txt").read_bytes())

    assert document.language == language
    assert len(document.sentences) > 20
    assert all(s.text and s.line >= 1 and s.folded == fold(s.text) for s in document.sentences)


def test_sentences_keep_their_line_and_split_after_full_stops_only() -> None:
    document = read_document(
        b"Intro line.\n\nWe collect your email. We keep it for the Tp. HCM office."
    )

    assert [(s.line, s.text) for s in document.sentences] == [
        (1, "Intro line."),
        (3, "We collect your email."),
        (3, "We keep it for the Tp. HCM office."),
    ]


def test_text_is_normalised_to_nfc() -> None:
    decomposed = "Chu\u0301ng to\u0302i thu thâ\u0323p email cu\u0309a ba\u0323n."

    document = read_document(decomposed.encode())

    assert document.text.startswith("Chúng tôi thu thập")
    assert document.sentences[0].folded == "chung toi thu thap email cua ban."


def test_html_loses_scripts_styles_and_comments_and_keeps_blocks_as_lines() -> None:
    html = (
        "<!DOCTYPE html><html><head><title>T</title><style>p { color: red }</style></head>"
        "<body><script>var secret = 'we collect passports';</script><!-- draft: fax -->"
        "<h1>Privacy &amp; cookies</h1><p>We collect your email&nbsp;address.</p>"
        "<ul><li>To deliver orders.</li><li>To answer you.</li></ul></body></html>"
    )

    document = read_document(html.encode())

    texts = [s.text for s in document.sentences]
    assert texts == [
        "Privacy & cookies",
        "We collect your email address.",
        "- To deliver orders.",
        "- To answer you.",
    ]
    assert "secret" not in document.text and "color" not in document.text
    assert "fax" not in document.text
    assert len({s.line for s in document.sentences}) == 4


def test_html_whose_head_is_never_closed_still_shows_its_body() -> None:
    html = b"<html><head><title>Policy</title><body><p>We collect your email address.</p>"

    assert read_document(html).text == "We collect your email address.\n"


def test_vietnamese_written_with_and_without_diacritics_is_vietnamese() -> None:
    mixed = (
        "Chúng tôi thu thập thông tin cá nhân của khách hàng.\n"
        "Chung toi su dung so dien thoai de lien he voi khach hang khi can thiet."
    )

    document = read_document(mixed.encode())

    assert document.language == "vi"
    assert "so dien thoai" in document.sentences[1].folded


def test_vietnamese_without_any_diacritics_is_vietnamese() -> None:
    text = "Chung toi thu thap ho ten, so dien thoai va email cua khach hang de xu ly don hang."

    assert read_document(text.encode()).language == "vi"


def test_an_english_text_quoting_a_vietnamese_address_stays_english() -> None:
    address = Faker("vi_VN").address().replace("\n", ", ")
    text = f"{EN_TEXT}\nOur office is at {address}."

    assert read_document(text.encode()).language == "en"


def test_declared_language_is_taken_without_guessing() -> None:
    assert read_document(EN_TEXT.encode(), lang="vi").language == "vi"


def test_empty_and_blank_files_are_refused() -> None:
    for data in (b"", b"  \n\t\n"):
        error = _refused(data)
        assert (error.field, error.rule) == ("file", "is empty")


def test_html_without_visible_text_is_refused_as_empty() -> None:
    error = _refused(b"<html><script>x()</script><style>p{}</style></html>")

    assert error.rule == "contains no readable text"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
    ],
)
def test_images_and_pdfs_renamed_to_txt_are_refused_by_their_magic_bytes(
    data: bytes, kind: str
) -> None:
    error = _refused(data)

    assert error.field == "file"
    assert error.rule == f"is {kind}, not text"
    assert str(error) == f"file: is {kind}, not text"


def test_a_word_document_renamed_to_txt_is_refused_as_a_zip() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    assert "zip archive" in _refused(buffer.getvalue()).rule


def test_nul_bytes_and_invalid_utf8_are_refused_as_binary() -> None:
    assert _refused(b"We collect\x00 your email.").rule == "is binary (contains NUL bytes)"
    assert _refused(b"Ch\xfang t\xf4i thu th\xe2p email").rule == "is not UTF-8 text"


def test_a_text_over_the_limit_is_refused_naming_the_limit() -> None:
    error = _refused(b"We collect your email. " * (20 * 1024 * 1024 // 23))

    assert error.field == "file"
    assert "2 MiB limit" in error.rule
    assert MAX_BYTES == 2 * 1024 * 1024


def test_a_text_just_under_the_limit_is_read() -> None:
    line = b"We collect your email and we keep it for one year.\n"
    data = line * (MAX_BYTES // len(line))

    assert read_document(data).language == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Nous collectons vos données personnelles pour traiter votre commande. Vous pouvez "
        "demander l'accès à vos données et leur suppression en nous écrivant.",
        "Wir verarbeiten Ihre personenbezogenen Daten nur, um Ihre Bestellung abzuwickeln. "
        "Sie haben das Recht auf Auskunft und Löschung Ihrer Daten.",
        "Kami mengumpulkan informasi pribadi Anda untuk memproses pesanan. Anda dapat "
        "meminta akses dan penghapusan data Anda dengan menghubungi kami.",
    ],
    ids=["french", "german", "indonesian"],
)
def test_a_policy_in_a_third_language_is_refused(text: str) -> None:
    error = _refused(text.encode())

    assert (error.field, error.rule) == ("language", "the text is neither Vietnamese nor English")
    assert error.rule_vi == "văn bản không phải tiếng Việt hay tiếng Anh"


def test_english_and_vietnamese_samples_are_told_apart() -> None:
    assert read_document(EN_TEXT.encode()).language == "en"
    assert read_document(VI_TEXT.encode()).language == "vi"
