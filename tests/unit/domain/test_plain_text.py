"""Reading a file as text: UTF-8 and HTML accepted, binary formats refused by name."""

from __future__ import annotations

import unicodedata

import pytest

from baomat.domain.errors import Invalid
from baomat.domain.plain_text import NotText, text_of


def test_utf8_text_is_returned_in_nfc_without_a_byte_order_mark() -> None:
    decomposed = unicodedata.normalize("NFD", "Địa chỉ")

    assert text_of(b"\xef\xbb\xbf" + decomposed.encode()) == "Địa chỉ"


def test_html_gives_its_visible_text_with_entities_read() -> None:
    page = (
        b"<html><head><title>Shop</title><script>alert('0912345678')</script>"
        b"<style>p{color:red}</style></head><body><p>A &amp; B</p><!-- 0987654321 -->"
        b"<div>dong 2<br>dong 3</div></body></html>"
    )

    assert text_of(page) == "Shop\nA & B\ndong 2\ndong 3\n"


def test_text_that_merely_mentions_a_tag_is_left_as_it_is() -> None:
    assert (
        text_of("Giá < 100k và > 50k, thẻ <b> đẹp".encode()) == "Giá < 100k và > 50k, thẻ <b> đẹp"
    )


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.4\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"PK\x03\x04\x14\x00", "a zip archive (or a Word, Excel or OpenDocument file)"),
    ],
)
def test_binary_formats_are_refused_by_name(content: bytes, what: str) -> None:
    with pytest.raises(Invalid, match=f"file: is {what.replace('(', '.').replace(')', '.')}"):
        text_of(content)


def test_nul_bytes_and_other_encodings_are_refused() -> None:
    with pytest.raises(Invalid, match="NUL"):
        text_of(b"abc\x00def")
    with pytest.raises(Invalid, match="not UTF-8"):
        text_of(b"Gi\xe1 r\xe9, h\xe0ng t\xf4t")  # Latin-1


def test_an_empty_file_is_empty_text() -> None:
    assert text_of(b"") == ""


def test_list_items_become_dash_lines_and_white_space_folds_as_a_browser_shows_it() -> None:
    page = b"<ul><li>Giao\n   nhanh</li><li>&nbsp;Gi\xc3\xa1 t\xe1\xbb\x91t</li></ul>"

    assert text_of(page) == "- Giao nhanh\n- Giá tốt\n"


def test_the_head_is_left_out_on_request_and_ends_where_an_unclosed_body_starts() -> None:
    page = b"<html><head><title>Shop</title><body><p>Noi dung</p>"

    assert text_of(page) == "Shop\nNoi dung\n"
    assert text_of(page, with_head=False) == "Noi dung\n"


def test_a_refusal_carries_its_rule_in_vietnamese_too() -> None:
    with pytest.raises(NotText) as refused:
        text_of(b"  \nII*\x00" + bytes(8))

    assert (refused.value.field, refused.value.rule) == ("file", "is a TIFF image, not text")
    assert refused.value.rule_vi == "là ảnh TIFF, không phải văn bản"
