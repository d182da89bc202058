"""Draft a policy file from a privacy policy written in prose.

    draft(read_document(Path("wecan.txt").read_bytes()))
    -> Draft(language="vi", contact=Contact(organisation=Found("Công ty TNHH Dịch vụ Thoại
             Phong", 78, ...), ...), fields=(FieldItem("full_name", "Họ Tên", DataType.TEXT,
             Category.NAME, Found("Họ Tên", 32, ...)), ...), ..., review=(Review("tenant", ...),
             ...))
    to_yaml(that draft) -> "format: baomat/policy@1\\n..." with the source line of every item

Rules and word lists, no model: every item is copied from a sentence of the
text and keeps its line, and what the rules cannot tell (a legal basis, a
subject type, an ambiguous retention trigger) is left out and listed in
`review`, never guessed. See docs/decisions/011-policy-import.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from baomat.policy import _import_terms as terms
from baomat.policy._import_contact import EMAIL, Contact, Found, contact
from baomat.policy._import_layout import Line, lines, sentences_by_line, strip_bullet
from baomat.policy._import_review import Review, review
from baomat.policy._import_vocab import COLLECTION_CUES, FIELD_TERMS, FIELDS
from baomat.policy._import_yaml import draft_yaml
from baomat.policy.model import Category, DataType, LegalBasis
from baomat.policy.prose import Document, Language, Sentence, fold

__all__ = ["Draft", "FieldItem", "PurposeItem", "Review", "draft", "to_yaml"]


@dataclass(frozen=True)
class FieldItem:
    """A data field the text says is collected: baomat's id, the words used, type, category."""

    id: str
    label: str
    type: DataType
    category: Category
    source: Found


@dataclass(frozen=True)
class PurposeItem:
    """A purpose as the text words it; `legal_basis` only when the words name the law's ground."""

    text: str
    legal_basis: LegalBasis | None
    source: Found


@dataclass(frozen=True)
class Draft:
    language: Language
    contact: Contact
    fields: tuple[FieldItem, ...]
    purposes: tuple[PurposeItem, ...]
    recipients: tuple[terms.RecipientItem, ...]
    retention: terms.Retention
    channels: tuple[terms.ChannelItem, ...]
    deadline: terms.DeadlineItem | None
    access: terms.AccessItem
    review: tuple[Review, ...]


def draft(document: Document) -> Draft:
    """Everything the rules can read from `document`, each item with its source line."""
    layout = lines(document)
    by_line = sentences_by_line(document)
    complaint_sentences = list(terms.complaint_sentences(layout, by_line))
    found = Draft(
        language=document.language,
        contact=contact(layout),
        fields=tuple(_fields(layout, by_line)),
        purposes=tuple(_purposes(layout, document.sentences)),
        recipients=tuple(terms.recipients(layout, by_line)),
        retention=terms.retention(layout, by_line),
        channels=tuple(terms.complaint_channels(complaint_sentences, EMAIL)),
        deadline=terms.complaint_deadline(complaint_sentences),
        access=terms.access(layout, by_line),
        review=(),
    )
    return replace(found, review=tuple(review(found)))


def to_yaml(found: Draft) -> str:
    """The draft as a `baomat/policy@1` file, each item under a comment naming its line."""
    return draft_yaml(found)


# --- data fields -----------------------------------------------------------------------------

_TERMS = re.compile(
    r"(?<![a-z0-9@])("
    + "|".join(re.escape(t) for t in sorted(FIELD_TERMS, key=len, reverse=True))
    + r")(?![a-z0-9@])"
)


def _fields(layout: list[Line], by_line: terms.SentencesByLine) -> Iterator[FieldItem]:
    """Each known field named in a collection sentence, once, where it is first named."""
    seen: set[str] = set()
    for sentence in _collection_sentences(layout, by_line):
        for match in _TERMS.finditer(sentence.folded):
            label = _original(sentence, match)
            for field_id in FIELD_TERMS[match.group(1)]:
                if field_id in seen:
                    continue
                seen.add(field_id)
                kind = FIELDS[field_id]
                source = Found(label, sentence.line, sentence.text)
                yield FieldItem(field_id, label, kind.type, kind.category, source)


def _collection_sentences(layout: list[Line], by_line: terms.SentencesByLine) -> Iterator[Sentence]:
    """Sentences that say what is collected, and the list items or table cells after one ending
    in ":" ("Chúng tôi thu thập các thông tin sau:" and a table of one field a row)."""
    following = False
    for line in layout:
        sentences = by_line.get(line.number, [])
        if following and (line.bullet or _is_cell(line)):
            yield from sentences
            continue
        following = False
        if line.heading and not line.text.endswith(":"):
            continue
        for sentence in sentences:
            if any(cue in sentence.folded for cue in COLLECTION_CUES):
                yield sentence
                following = sentence.text.rstrip().endswith(":")


def _is_cell(line: Line) -> bool:
    """A table cell as the page's text gives it: a short line of its own, neither a numbered
    heading nor an intro ("Họ tên", "Khi đăng ký tài khoản")."""
    return line.heading and len(line.text.split()) <= 8 and not re.match(r"\d|.*:$", line.text)


def _original(sentence: Sentence, match: re.Match[str]) -> str:
    """The words of the sentence behind a match in its folded form ("so dien thoai" ->
    "số điện thoại"); folding keeps one character per character for Vietnamese and English."""
    if len(sentence.text) == len(sentence.folded):
        return sentence.text[match.start() : match.end()]
    return match.group(0)


# --- purposes --------------------------------------------------------------------------------

_PURPOSE_HEADINGS = ("muc dich", "purpose")
_INTRO = re.compile(r"\b(?:de|to|tasks|nham)\s*:$")
_USE_VERBS = re.compile(r"\b(?:su dung|dung|use|collect|thu thap)\b")
_PURPOSE_MARKER = re.compile(r"\b(?:de|nham|muc dich|to|for)\b")
_LAW_GROUNDS: dict[LegalBasis, tuple[str, ...]] = {
    LegalBasis.LEGAL_OBLIGATION: ("co quan tu phap", "thuc thi phap luat", "judicial agenc",
                                  "request of the competent state agenc",
                                  "authorities upon request"),
    LegalBasis.VITAL_INTEREST: ("tinh mang va suc khoe", "tinh mang, suc khoe", "vital interest",
                                "life or health"),
}  # fmt: skip


def _purposes(layout: list[Line], sentences: tuple[Sentence, ...]) -> Iterator[PurposeItem]:
    """The lists under purpose headings and intros ("... để:"), then the law's own grounds."""
    listed: list[PurposeItem] = []
    taken: set[str] = set()
    for index, line in enumerate(layout):
        if not _is_purpose_start(line):
            continue
        for item in _purpose_list(layout, index, heading=line.heading and not _is_intro(line)):
            if fold(item.text) not in taken:  # a list repeated further down is one list
                taken.add(fold(item.text))
                listed.append(item)
    yield from listed
    for basis, cues in _LAW_GROUNDS.items():
        if any(p.legal_basis is basis for p in listed):
            continue
        for sentence in sentences:
            clause = _clause_with(sentence, cues)
            if clause is not None:
                yield PurposeItem(clause, basis, Found(clause, sentence.line, sentence.text))
                break


def _is_intro(line: Line) -> bool:
    folded = line.folded
    return bool(_INTRO.search(folded)) and bool(_USE_VERBS.search(folded))


def _is_purpose_start(line: Line) -> bool:
    return (line.heading and any(c in line.folded for c in _PURPOSE_HEADINGS)) or _is_intro(line)


def _purpose_list(layout: list[Line], start: int, *, heading: bool) -> Iterator[PurposeItem]:
    """The list items after `layout[start]`; under a heading with no list, its first paragraph."""
    for line in layout[start + 1 :]:
        if line.heading or _is_intro(line):
            return
        if line.bullet:
            yield _purpose(strip_bullet(line.text), line)
            heading = False
            continue
        if heading and _PURPOSE_MARKER.search(line.folded):
            for part in line.text.split(";"):
                if part.strip():
                    yield _purpose(part, line)
        return


def _purpose(text: str, line: Line) -> PurposeItem:
    text = text.strip().rstrip(" ;.…")
    folded = fold(text)
    basis = next((b for b, cues in _LAW_GROUNDS.items() if any(c in folded for c in cues)), None)
    return PurposeItem(text, basis, Found(text, line.number, line.text))


def _clause_with(sentence: Sentence, cues: tuple[str, ...]) -> str | None:
    """The clause (between , ; :) of `sentence` that holds one of `cues`, or None."""
    if not any(cue in sentence.folded for cue in cues):
        return None
    start = 0
    for clause in re.split(r"[,;:]", sentence.text):
        end = start + len(clause)
        folded = sentence.folded[start:end] if len(sentence.folded) == len(sentence.text) else ""
        start = end + 1
        if any(cue in folded for cue in cues):
            return strip_bullet(clause.strip()).rstrip(" .;")
    return sentence.text
