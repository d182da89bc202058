"""Read a privacy policy written in prose into numbered, folded sentences.

    read_document(b"<p>Ch\\xc3\\xbang t\\xc3\\xb4i thu th\\xe1\\xba\\xadp email.</p>")
    -> Document(language="vi", sentences=(Sentence("Chúng tôi thu thập email.", 1,
                                                    "chung toi thu thap email."),), text=...)
    read_document(b"%PDF-1.7 ...") -> ProseError(field="file", rule="is a PDF document, not text")

Plain text or HTML, Vietnamese or English, at most `MAX_BYTES`; the bytes are
read by `baomat.domain.plain_text`, so HTML loses its head, scripts, styles and
comments, and its block elements become line breaks, so that a sentence keeps
the line it came from. `fold` lets rules match Vietnamese typed with or without
diacritics: "Số điện thoại" and "so dien thoai" fold alike.

The language is told offline by counting words (see `detect_language`): no
model is downloaded and nothing leaves the machine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from baomat.domain.plain_text import NotText, text_of

Language = Literal["vi", "en"]
LangChoice = Literal["auto", "vi", "en"]

MAX_BYTES = 2 * 1024 * 1024
"""A privacy policy is tens of kilobytes; past 2 MiB it is the wrong file."""


class ProseError(ValueError):
    """A file that cannot be read as a policy text: names the field and the rule, not the text."""

    def __init__(self, field: str, rule: str, rule_vi: str) -> None:
        self.field = field
        self.rule = rule
        self.rule_vi = rule_vi
        super().__init__(f"{field}: {rule}")


@dataclass(frozen=True)
class Sentence:
    """One sentence, the 1-based line it starts on, and its folded form for matching."""

    text: str
    line: int
    folded: str


@dataclass(frozen=True)
class Document:
    """A policy text: its language, its sentences in order, and the whole text (NFC)."""

    language: Language
    sentences: tuple[Sentence, ...]
    text: str


def read_document(data: bytes, *, lang: LangChoice = "auto") -> Document:
    """Bytes of a plain-text or HTML policy -> a `Document`; `ProseError` if unreadable.

    With `lang` "vi" or "en" the caller's word is taken and no language is guessed.
    """
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ProseError("file", "contains no readable text", "không có nội dung văn bản")
    language = detect_language(text) if lang == "auto" else lang
    return Document(language=language, sentences=tuple(split_sentences(text)), text=text)


_COMBINING = re.compile(r"[\u0300-\u036f]")
"""Combining diacritical marks: all of Vietnamese's tones, breve, circumflex and horn."""


def fold(text: str) -> str:
    """Lowercase, no Vietnamese diacritics, single spaces: "Điện  Thoại" -> "dien thoai"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join(_COMBINING.sub("", decomposed).casefold().split())


# --- bytes -> text ---------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """Bytes of a text or HTML file -> its text; refuses too large, empty and binary input.

    Decoding and HTML go through `baomat.domain.plain_text`, without the page's
    <head>: a page's title is not a sentence of the policy.
    """
    if len(data) > MAX_BYTES:
        raise ProseError(
            "file",
            f"is larger than the {MAX_BYTES // (1024 * 1024)} MiB limit for a policy text",
            f"lớn hơn giới hạn {MAX_BYTES // (1024 * 1024)} MiB của một văn bản chính sách",
        )
    if not data.strip():
        raise ProseError("file", "is empty", "tệp rỗng")
    try:
        return text_of(data, with_head=False)
    except NotText as error:
        raise ProseError(error.field, error.rule, error.rule_vi) from None


# --- sentences -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-ZÀ-Ỹ0-9Đ])")
_ABBREVIATIONS = frozenset(
    {"tp.", "q.", "p.", "tx.", "st.", "no.", "mr.", "mrs.", "ms.", "dr.", "e.g.", "i.e.",
     "etc.", "co.", "ltd.", "jsc.", "v.v.", "vd.", "inc.", "tel.", "fax."}
)  # fmt: skip


def split_sentences(text: str) -> Iterator[Sentence]:
    """Text -> its sentences, each with the 1-based line it is on; blank lines are skipped."""
    for number, line in enumerate(text.split("\n"), start=1):
        for piece in _split_line(" ".join(line.split())):
            yield Sentence(text=piece, line=number, folded=fold(piece))


def _split_line(line: str) -> Iterator[str]:
    """Splits after . ! ? before a capital or digit, but not after "Tp." or "e.g."."""
    start = 0
    for match in _SENTENCE_END.finditer(line):
        before = line[start : match.start()].rsplit(" ", 1)[-1].casefold()
        if before in _ABBREVIATIONS:
            continue
        if piece := line[start : match.start()].strip():
            yield piece
        start = match.end()
    if piece := line[start:].strip():
        yield piece


# --- language --------------------------------------------------------------------------------

_VI_LETTERS = frozenset("ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĩũ")
"""Letters only Vietnamese uses among the Latin-script languages a policy comes in."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP_WORDS: dict[str, frozenset[str]] = {
    # Vietnamese, folded, so that text typed without diacritics counts too.
    "vi": _words(
        "cua cac thong tin nhung duoc khong nguoi chung toi voi trong nhan mot nay khach "
        "hang cung cap thu thap su dung bao mat chinh sach hoac theo viec khi se chi ban "
        "nhu dich vu ho tro nham thuc hien yeu cau quyen lien he dia chi dien thoai"
    ),
    "en": _words(
        "the and of to is for that with on by we you your our are be this as or will "
        "may information not from which any it at have us personal data such"
    ),
    # Third languages, counted only to be refused.
    "fr": _words(
        "le les des et est vous nous pour dans une du que qui sont votre vos sur par "
        "avec pas donnees personnelles"
    ),
    "de": _words(
        "der die das und ist wir sie nicht mit zu von ihre ihr den dem ein eine auf "
        "fur daten werden"
    ),
    "id": _words(
        "yang untuk dengan kami anda ini dari pada dalam atau tidak akan informasi "
        "adalah kepada oleh dapat pribadi"
    ),
    "es": _words(
        "el los las y es para en una por con del que su sus nuestra datos personales usted"
    ),
}

VI_LETTER_SHARE = 0.03
"""Vietnamese prose has about 17 % such letters; an English text quoting a Hanoi address, <1 %."""

MIN_SHARE = 0.08
"""A text in a language has at least this share of its words among that language's list."""


def detect_language(text: str) -> Language:
    """Vietnamese or English, by counting words; `ProseError` for any other language.

    Each language scores the share of the text's folded words found in its list
    of common words (`_STOP_WORDS`). Vietnamese wins when at least 3 % of the
    letters are ones only Vietnamese uses (ă, đ, ơ, ư, ạ, ả, ...) and it scores no
    less than English; otherwise the best score must belong to Vietnamese or
    English and reach `MIN_SHARE`.
    """
    sample = text[:200_000]
    words = re.findall(r"[a-z]+", fold(sample))
    if words:
        scores = {
            lang: sum(w in vocab for w in words) / len(words) for lang, vocab in _STOP_WORDS.items()
        }
        if _vi_letter_share(sample) >= VI_LETTER_SHARE and scores["vi"] >= scores["en"]:
            return "vi"
        best = max(scores, key=lambda lang: scores[lang])
        if best in ("vi", "en") and scores[best] >= MIN_SHARE:
            return "vi" if best == "vi" else "en"
    raise ProseError(
        "language",
        "the text is neither Vietnamese nor English",
        "văn bản không phải tiếng Việt hay tiếng Anh",
    )


def _vi_letter_share(text: str) -> float:
    """The share of letters only Vietnamese uses: about 0.17 in Vietnamese prose."""
    letters = [ch for ch in text.casefold() if ch.isalpha()]
    return sum(ch in _VI_LETTERS for ch in letters) / len(letters) if letters else 0.0
