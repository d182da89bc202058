"""A file's bytes → the text people wrote in it, so that it can be scanned or read.

``text_of(b"<p>Gọi 0912 345 678</p><script>track()</script>")`` → ``"Gọi 0912 345 678\\n"``;
``text_of(pdf_bytes)`` → `NotText` ("file: is a PDF document, not text", with a
Vietnamese ``rule_vi``). UTF-8 text (a byte-order mark is dropped) is returned
in NFC, as `validators` stores text. HTML gives its visible text: scripts,
styles, templates, noscript and comments are dropped, entities are read
(``&amp;`` → ``&``), each block element becomes a line and each list item a
``"- "`` line. Errors name the rule, never the content.

The one reader of text files: `baomat pii scan` and the prose policy reader
(`baomat.policy.prose`) both use it.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from baomat.domain.errors import Invalid


class NotText(Invalid):
    """Bytes that are not a text file: field ``file``, the rule in English and in Vietnamese."""

    def __init__(self, rule: str, rule_vi: str) -> None:
        super().__init__("file", rule)
        self.rule_vi = rule_vi


_BINARY_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "a PDF document", "tài liệu PDF"),
    (b"\x89PNG", "a PNG image", "ảnh PNG"),
    (b"\xff\xd8\xff", "a JPEG image", "ảnh JPEG"),
    (b"GIF8", "a GIF image", "ảnh GIF"),
    (b"II*\x00", "a TIFF image", "ảnh TIFF"),
    (b"MM\x00*", "a TIFF image", "ảnh TIFF"),
    (b"RIFF", "a RIFF file (WebP image, WAV sound)", "tệp RIFF (ảnh WebP, âm thanh WAV)"),
    (
        b"PK\x03\x04",
        "a zip archive (or a Word, Excel or OpenDocument file)",
        "tệp nén zip (hoặc tệp Word, Excel, OpenDocument)",
    ),
    (b"\xd0\xcf\x11\xe0", "an old Office document", "tài liệu Office cũ"),
    (b"\x1f\x8b", "a gzip archive", "tệp nén gzip"),
)
"""Leading bytes of the binary files most often renamed to .txt by mistake."""

_HTML_HINT = re.compile(
    r"<!--|<\s*(?:!doctype|html|head|body|p|div|br|h[1-6]|ul|ol|li|table|span|a)\b", re.I
)
"""A tag only HTML writes; ``"giá < 100k"`` or a lone ``<b>`` in a review is not a page."""
_HIDDEN = frozenset({"script", "style", "template", "noscript"})
# Elements whose start and end begin a new line in the text people see.
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
     "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
     "p", "pre", "section", "table", "td", "th", "title", "tr", "ul"}
)  # fmt: skip


def text_of(data: bytes, *, with_head: bool = True) -> str:
    """The text in ``data``: plain UTF-8 text, or the visible text of an HTML page.

    Refused (`NotText`, field ``file``) when the bytes open like a binary
    format (PDF, images, archives), hold a NUL byte, or are not UTF-8.
    ``with_head=False`` leaves out an HTML page's ``<head>`` (its title too).
    """
    head = data[:1024].lstrip()[:8]
    for signature, what, what_vi in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise NotText(f"is {what}, not text", f"là {what_vi}, không phải văn bản")
    if b"\x00" in data:
        raise NotText("is binary (contains NUL bytes)", "là tệp nhị phân (có byte NUL)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotText("is not UTF-8 text", "không phải văn bản mã hoá UTF-8") from None
    if _HTML_HINT.search(text[:65536]):
        text = visible_text(text, with_head=with_head)
    return unicodedata.normalize("NFC", text)


def visible_text(page: str, *, with_head: bool = True) -> str:
    """An HTML page's text, one block per line: ``"<p>An</p><li>Bình</li>"`` → ``"An\\n- Bình\\n"``.

    White space inside a line is folded as a browser shows it; blank lines are dropped.
    """
    reader = _TextReader(_HIDDEN if with_head else _HIDDEN | {"head"})
    reader.feed(page)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    return text + "\n" if text else ""


class _TextReader(HTMLParser):
    """Collects character data outside the hidden elements; a block starts a line, an item "- "."""

    def __init__(self, hidden: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)  # character references are read for us
        self.parts: list[str] = []
        self._hidden = hidden
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._depth = 0  # a <head> left open ends where the body starts
        elif tag in self._hidden:
            self._depth += 1
        elif tag == "li":
            self.parts.append("\n- ")  # keeps a list a list once the tags are gone
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._hidden:
            self._depth = max(0, self._depth - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._depth:
            self.parts.append(data.replace("\n", " "))
