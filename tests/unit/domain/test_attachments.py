"""Which files a file field accepts: size, declared media type, and what the content really is."""

from __future__ import annotations

import pytest
from annotated_types import Le

from baomat.domain.attachments import (
    EXTENSIONS,
    MAX_BYTES,
    SIGNATURES,
    check_file,
    detect_media_type,
    normalise_media_type,
)
from baomat.domain.normalise import InvalidValue
from baomat.policy.model import FileLimits
from tests.files import JPEG_START, pdf, png

LIMITS = {"max_bytes": 10 * 1024 * 1024, "media_types": list(FileLimits().media_types)}
PDF = pdf("So do")


def _rule(content: bytes, declared: str | None, **limits: object) -> str:
    with pytest.raises(InvalidValue) as caught:
        check_file(content, declared, **{**LIMITS, **limits})  # type: ignore[arg-type]
    assert caught.value.field_type == "file"
    return caught.value.rule


@pytest.mark.parametrize(
    ("content", "media_type"),
    [(PDF, "application/pdf"), (png(), "image/png"), (JPEG_START + b"\x00" * 64, "image/jpeg")],
)
def test_pdf_png_and_jpeg_are_recognised_by_their_first_bytes(
    content: bytes, media_type: str
) -> None:
    assert detect_media_type(content) == media_type
    assert check_file(content, media_type, **LIMITS) == media_type  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"GIF89a\x01\x00",
        b"PK\x03\x04",
        b"%PD",
        b" %PDF-",
    ],
)
def test_anything_else_is_not_recognised(content: bytes) -> None:
    assert detect_media_type(content) is None


def test_an_html_page_declared_as_a_pdf_is_refused() -> None:
    rule = _rule(b"<html><body>not a pdf</body></html>", "application/pdf")
    assert rule == "the content is not application/pdf, as it was declared"


def test_a_png_declared_as_a_pdf_is_refused() -> None:
    assert "not application/pdf" in _rule(png(), "application/pdf")


def test_a_media_type_the_field_does_not_take_is_refused_naming_the_allowed_ones() -> None:
    rule = _rule(png(), "image/png", media_types=["application/pdf"])
    assert rule == "the media type must be one of application/pdf"


def test_a_missing_or_made_up_media_type_is_refused_without_repeating_it() -> None:
    assert "must be one of" in _rule(PDF, None)
    assert "<b>bold</b>" not in _rule(PDF, "text/<b>bold</b>")


def test_a_declared_type_is_read_without_its_parameters_or_case() -> None:
    assert normalise_media_type(" Application/PDF; name=so-do.pdf") == "application/pdf"
    assert check_file(PDF, "APPLICATION/PDF; x=y", **LIMITS) == "application/pdf"  # type: ignore[arg-type]


def test_a_file_over_the_fields_limit_is_refused_naming_the_limit() -> None:
    big = pdf("x", padding=2000)
    assert _rule(big, "application/pdf", max_bytes=1000) == (
        "the file is over the field's limit of 1000 bytes"
    )
    assert check_file(big, "application/pdf", **{**LIMITS, "max_bytes": len(big)}) == (  # type: ignore[arg-type]
        "application/pdf"
    )


def test_an_empty_file_is_refused() -> None:
    assert _rule(b"", "application/pdf") == "the file is empty"


def test_a_type_the_policy_allows_but_baomat_cannot_recognise_is_refused_plainly() -> None:
    rule = _rule(b"GIF89a....", "image/gif", media_types=["image/gif"])
    assert rule.startswith("image/gif files cannot be recognised")


def test_no_rule_repeats_the_content() -> None:
    secret = b"%PDX Nguyen Van A 079203001234"
    for declared in ("application/pdf", "image/png", "text/plain", None):
        with pytest.raises(InvalidValue) as caught:
            check_file(secret, declared, **LIMITS)  # type: ignore[arg-type]
        assert "Nguyen" not in str(caught.value) and "0792" not in str(caught.value)


def test_every_recognised_type_has_an_extension_and_a_signature() -> None:
    assert {t for _, t in SIGNATURES} == set(EXTENSIONS)


def test_the_largest_file_matches_the_policy_models_cap() -> None:
    caps = [m.le for m in FileLimits.model_fields["max_bytes"].metadata if isinstance(m, Le)]
    assert caps == [MAX_BYTES]
