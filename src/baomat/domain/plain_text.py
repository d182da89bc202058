"""A file's bytes → the text people wrote in it, so that it can be scanned for personal data.

``text_of(b"<p>Gọi 0912 345 678</p><script>track()</script>")`` → ``"Gọi 0912 345 678"``;
``text_of(pdf_bytes)`` → `Invalid` ("file: is a PDF document, not text"). UTF-8
text (a byte-order mark is dropped) is returned in NFC, as `validators` stores
text; HTML loses its tags, scripts and styles, and its entities are read
(``&amp;`` → ``&``). Errors name the rule, never the content.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from baomat.domain.errors import Invalid

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF file (WebP image, WAV sound)"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel document)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_HTML_START = re.compile(rb"\s*(?:<!doctype\s+html|<html|<head|<body|<!--|<(?:p|div)\b)", re.I)
# Elements whose end starts a new line in the text people see.
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
     "header", "footer", "blockquote", "pre", "table", "ul", "ol", "title"}
)  # fmt: skip


def text_of(data: bytes) -> str:
    """The text in ``data``: plain UTF-8 text, or the visible text of an HTML page.

    Refused (`Invalid`, field ``file``) when the bytes open like a binary
    format (PDF, images, archives), hold a NUL byte, or are not UTF-8.
    """
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise Invalid("file", f"is {what}, not text")
    if b"\x00" in data[:65536]:
        raise Invalid("file", "holds NUL bytes: a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("file", "is not UTF-8 text") from None
    if _HTML_START.match(data):
        text = visible_text(text)
    return unicodedata.normalize("NFC", text)


def visible_text(page: str) -> str:
    """An HTML page's text without tags, scripts, styles or comments: ``"<b>An</b>"`` → ``"An"``."""
    reader = _TextReader()
    reader.feed(page)
    reader.close()
    return "".join(reader.parts)


class _TextReader(HTMLParser):
    """Collects character data outside <script>, <style>, <template> and <noscript>."""

    _HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)  # character references already read (convert_charrefs)
