"""The layout of a prose policy: which lines are headings, which are list items, which section.

    lines(document)[4] -> Line(number=5, text="- Họ tên;", folded="- ho ten;", bullet=True,
                               heading=False, section="1. muc dich thu thap thong tin")

Policies copied from web pages keep their headings and lists as lines; rules
that read "the list under the purposes heading" need that shape back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from baomat.policy.prose import Document, Sentence, fold

_BULLET = re.compile(r"^(?:[-+•–—*·▪●◦]|[a-zđ][,)]|\([a-zđ0-9]\))\s*")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+\S")
_END_OF_SENTENCE = (".", ";", "!", "?", "…", ",")


@dataclass(frozen=True)
class Line:
    """One non-blank line of the text, 1-based, and the folded heading of its section."""

    number: int
    text: str
    folded: str
    bullet: bool
    heading: bool
    section: str


def lines(document: Document) -> list[Line]:
    """Every non-blank line of `document`, with its role and the section it falls in."""
    found: list[Line] = []
    section = ""
    for number, raw in enumerate(document.text.split("\n"), start=1):
        text = " ".join(raw.split())
        if not text:
            continue
        bullet = bool(_BULLET.match(text)) or _is_numbered_item(text)
        heading = _is_heading(text, bullet=bullet)
        folded = fold(text)
        if heading:
            section = folded
        found.append(Line(number, text, folded, bullet, heading, section))
    return found


def sentences_by_line(document: Document) -> dict[int, list[Sentence]]:
    """Line number -> the sentences on it, in order."""
    by_line: dict[int, list[Sentence]] = {}
    for sentence in document.sentences:
        by_line.setdefault(sentence.line, []).append(sentence)
    return by_line


def strip_bullet(text: str) -> str:
    """ "- Cung cấp dịch vụ;" -> "Cung cấp dịch vụ;"; "1. Set up" -> "Set up"."""
    text = _BULLET.sub("", text, count=1)
    return re.sub(r"^\d{1,2}[.)]\s+", "", text, count=1)


def _is_numbered_item(text: str) -> bool:
    """A numbered line that reads as a list item: long, or ending like a clause."""
    return bool(_NUMBERED.match(text)) and (len(text.split()) > 20 or text.endswith(";"))


def _is_heading(text: str, *, bullet: bool) -> bool:
    """ "3. Phạm vi sử dụng thông tin", "Scope of collection:", "+ Purpose of collecting ...:"."""
    words = len(text.split())
    if _NUMBERED.match(text) and not bullet:
        return words <= 20
    if bullet:
        return words <= 12 and text.endswith(":")
    # "Correction and deletion of personal data.": a short line is a title, full stop or not.
    return words <= 6 or (words <= 12 and not text.endswith(_END_OF_SENTENCE))
