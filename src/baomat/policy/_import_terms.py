"""The terms of a prose policy: recipients, retention, complaints and subject access.

    retention(lines, by_line) -> Retention(phrases=(Found("... cho đến khi có yêu cầu hủy bỏ ...",
                                  28, ...),), triggers=("until_cancelled",), period=None, ...)
    complaints(...) -> Complaints(channels=(Channel("hotline", "024 222 05513", line 57), ...),
                                  deadline=Deadline("working_days", 10, None, None, line 118))

Each reading keeps the sentence it comes from. A rule that cannot be read
with certainty stays empty (several triggers, a recipient of no clear kind)
and the importer flags it for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from baomat.policy._import_contact import Found
from baomat.policy._import_layout import Line, strip_bullet
from baomat.policy.model import Duration, TimeUnit
from baomat.policy.prose import Sentence, fold

SentencesByLine = dict[int, list[Sentence]]


def _has(folded: str, cues: tuple[str, ...]) -> bool:
    """Whether a folded text holds one of `cues`, each starting at a word."""
    return bool(cues) and _pattern(cues).search(folded) is not None


@cache
def _pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(c) for c in cues) + ")")


def section_sentences(
    lines: list[Line], by_line: SentencesByLine, cues: tuple[str, ...], unless: tuple[str, ...] = ()
) -> Iterator[tuple[Line, Sentence]]:
    """The sentences of every section whose heading holds one of `cues` (folded)."""
    for line in lines:
        if line.heading or not _has(line.section, cues) or _has(line.section, unless):
            continue
        for sentence in by_line.get(line.number, []):
            yield line, sentence


# --- recipients ------------------------------------------------------------------------------

_RECIPIENT_SECTIONS = ("tiep can", "have access", "right to access", "may have access")
_NOT_RECIPIENT_SECTIONS = ("chinh sua", "edit", "correction")
RECIPIENT_KINDS: dict[str, tuple[str, ...]] = {
    "state_agency": ("co quan nha nuoc", "co quan chuc nang", "co quan tu phap",
                     "co quan co tham quyen", "state agenc", "authorit"),
    "integrated_third_party": ("tich hop", "integrated"),
    "processor": ("van chuyen", "thanh toan", "bao hanh", "shipping", "payment",
                  "contract to perform"),
    "partner": ("ben thu ba", "doi tac", "third part", "partner", "subsidiar", "affiliat"),
    "internal": ("don vi thu thap", "bo phan", "ban quan tri", "employees", "nhan vien"),
}  # fmt: skip


@dataclass(frozen=True)
class RecipientItem:
    """Who may receive the data, as named; `kinds` are every kind its words suggest."""

    name: Found
    kinds: tuple[str, ...]


def recipients(lines: list[Line], by_line: SentencesByLine) -> list[RecipientItem]:
    """The list items (or, without a list, the paragraphs) of the "who has access" section."""
    candidates = [
        line
        for line in lines
        if not line.heading
        and _has(line.section, _RECIPIENT_SECTIONS)
        and not _has(line.section, _NOT_RECIPIENT_SECTIONS)
    ]
    bullets = [line for line in candidates if line.bullet]
    found: list[RecipientItem] = []
    for line in bullets or candidates:
        # A paragraph names its recipient first; later words are about something else.
        folded = line.folded if line.bullet else fold(line.text[:_NAME_REACH])
        kinds = tuple(kind for kind, cues in RECIPIENT_KINDS.items() if _has(folded, cues))
        if kinds and not line.text.rstrip().endswith(":"):
            found.append(
                RecipientItem(Found(_recipient_name(line.text), line.number, line.text), kinds)
            )
    return found


_NAME_REACH = 80


def _recipient_name(text: str) -> str:
    """ "+ State agencies upon request: WESALE provides ..." -> "State agencies upon request"."""
    text = strip_bullet(text)
    head, colon, _ = text.partition(":")
    if colon and len(head.split()) <= 25:
        return head.strip()
    return re.split(r"(?<=[a-z)])\.\s", text, maxsplit=1)[0].rstrip(" .;")


# --- retention -------------------------------------------------------------------------------

_RETENTION_SECTIONS = ("luu tru", "storage time", "storage period", "retention", "thoi gian luu")
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "until_cancelled": ("cho den khi co yeu cau huy", "den khi co yeu cau xoa",
                        "until cancellation", "requests to delete", "until the user requests",
                        "until you request"),
    "after_closure": ("cham dut su dung", "after the account is closed", "after closure",
                      "after termination", "after the member leaves"),
    "while_needed": ("thoi gian can thiet", "consider it unnecessary", "as long as necessary",
                     "no longer needed", "as long as needed"),
}  # fmt: skip
_UNITS = {"nam": TimeUnit.YEARS, "year": TimeUnit.YEARS, "thang": TimeUnit.MONTHS,
          "month": TimeUnit.MONTHS, "ngay": TimeUnit.DAYS, "day": TimeUnit.DAYS}  # fmt: skip
_AMOUNT = r"(\d{1,3})\s*(nam|thang|ngay|years?|months?|days?)\b"
_COUNTED_FROM = re.compile(_AMOUNT + r"\s+(?:ke tu|tinh tu|sau khi|sau|from|after)\s+([^.;,]+)")


@dataclass(frozen=True)
class Retention:
    phrases: tuple[Found, ...]
    triggers: tuple[str, ...]
    period: Duration | None
    min_keep: Duration | None
    max_keep: Duration | None
    counted_from: Found | None = None
    """ "2 năm kể từ lần mua hàng cuối cùng": a period from an event no trigger names."""


def retention(lines: list[Line], by_line: SentencesByLine) -> Retention:
    """The retention section's sentences, the triggers they name and any period in them."""
    found = [
        Found(s.text, line.number, s.text)
        for line, s in section_sentences(lines, by_line, _RETENTION_SECTIONS)
    ]
    folded = " ".join(fold(f.value) for f in found)
    triggers = tuple(t for t, cues in _TRIGGERS.items() if _has(folded, cues))
    period = None
    if "after_closure" in triggers:
        tail = folded[folded.find("cham dut") :] if "cham dut" in folded else folded
        # The period after the event ("... chấm dứt, thêm 1 năm") or before it ("3 năm sau khi
        # khách hàng chấm dứt ...").
        stated = re.search(_AMOUNT, tail) or re.search(rf"{_AMOUNT}\s+(?:sau|after)", folded)
        period = _duration(stated)
    minimum = re.search(rf"(?:minimum of|toi thieu)\s*(?:la\s*)?{_AMOUNT}", folded)
    maximum = re.search(rf"(?:maximum of|toi da)\s*(?:la\s*)?{_AMOUNT}", folded)
    counted_from = None if triggers else _counted_from(found)
    return Retention(
        tuple(found), triggers, period, _duration(minimum), _duration(maximum), counted_from
    )


def _counted_from(phrases: list[Found]) -> Found | None:
    """ "... trong 2 năm kể từ lần mua hàng cuối cùng." -> Found("2 năm kể từ lần mua hàng cuối
    cùng", ...): the period and the words naming the event it runs from."""
    for phrase in phrases:
        folded = fold(phrase.value)
        match = _COUNTED_FROM.search(folded)
        if match and len(folded) == len(phrase.value):
            period_and_event = phrase.value[match.start() : match.end()].strip()
            return Found(period_and_event, phrase.line, phrase.value)
    return None


def _duration(match: re.Match[str] | None) -> Duration | None:
    """A match of `_AMOUNT` ("01 nam", "2 years") -> Duration; None for no match."""
    if match is None:
        return None
    unit = _UNITS[match.group(2).rstrip("s")]
    return Duration(amount=int(match.group(1)), unit=unit)


# --- complaints ------------------------------------------------------------------------------

_COMPLAINT_CUES = ("khieu nai", "complaint", "co thac mac")
_CHANNEL_CUES: dict[str, tuple[str, ...]] = {
    "hotline": ("hotline", "goi dien", "dien thoai", "call", "phone"),
    "email": ("email", "thu dien tu"),
    "post": ("by post", "gui thu den", "buu dien", "written complaint", "following address"),
    "in_person": ("directly", "truc tiep", "tru so", "headquarters"),
}
_DEADLINE = re.compile(
    r"(\d{1,3})\s*(?:(?:den|-|–|to)\s*(\d{1,3})\s*)?"
    r"(ngay lam viec|working days?|business days?|ngay|days?)\b"
)


@dataclass(frozen=True)
class ChannelItem:
    kind: str
    value: str | None
    source: Found


@dataclass(frozen=True)
class DeadlineItem:
    unit: TimeUnit
    amount: int | None
    min: int | None
    max: int | None
    source: Found


def complaint_sentences(lines: list[Line], by_line: SentencesByLine) -> Iterator[Sentence]:
    """Sentences about complaints or under a complaints heading, and the list items after one
    that ends with ":"."""
    following = False
    for line in lines:
        sentences = by_line.get(line.number, [])
        if following and line.bullet:
            yield from sentences
            continue
        following = False
        in_section = not line.heading and _has(line.section, _COMPLAINT_CUES)
        for sentence in sentences:
            if in_section or _has(sentence.folded, _COMPLAINT_CUES):
                yield sentence
                following = sentence.text.rstrip().endswith(":")


def complaint_channels(sentences: list[Sentence], emails: re.Pattern[str]) -> list[ChannelItem]:
    """The ways to complain each sentence names, with the address or number next to it, or
    for "... to the following address:", in the list items after it."""
    found: list[ChannelItem] = []
    seen: set[tuple[str, str | None]] = set()
    for index, sentence in enumerate(sentences):
        for kind, cues in _CHANNEL_CUES.items():
            if _has(sentence.folded, cues):
                value = _channel_value(kind, sentence.text, emails)
                if value is None and sentence.text.rstrip().endswith(":"):
                    value = next(
                        (v for s in sentences[index + 1 :] if (v := _address(s.text))), None
                    )
                if (kind, value) not in seen:
                    seen.add((kind, value))
                    source = Found(sentence.text, sentence.line, sentence.text)
                    found.append(ChannelItem(kind, value, source))
    return found


def _channel_value(kind: str, text: str, emails: re.Pattern[str]) -> str | None:
    if kind == "email":
        match = emails.search(text)
        return match.group(0) if match else None
    if kind == "hotline":
        match = re.search(r"(?:\+84|\(?0)[\d\s().-]{8,14}\d", text)
        return match.group(0).strip() if match else None
    return _address(text)


def _address(text: str) -> str | None:
    """The address after "address:", "head office:" or "địa chỉ:" in `text`, if it has a number."""
    folded = fold(text)
    for label in ("address:", "head office:", "dia chi:", "tru so:"):
        at = folded.rfind(label)
        if at >= 0 and len(folded) == len(text):
            rest = text[at + len(label) :].strip()
            return rest if re.search(r"\d", rest) else None
    return None


def complaint_deadline(sentences: list[Sentence]) -> DeadlineItem | None:
    """ "... within 7 to 15 days ..." -> DeadlineItem(days, None, 7, 15); the first one stated."""
    for sentence in sentences:
        match = _DEADLINE.search(sentence.folded)
        if match is None:
            continue
        working = match.group(3).startswith(("ngay lam viec", "working", "business"))
        unit = TimeUnit.WORKING_DAYS if working else TimeUnit.DAYS
        first, second = int(match.group(1)), match.group(2)
        source = Found(sentence.text, sentence.line, sentence.text)
        if second:
            return DeadlineItem(unit, None, first, int(second), source)
        return DeadlineItem(unit, first, None, None, source)
    return None


# --- subject access --------------------------------------------------------------------------

_ACCESS_SECTIONS = ("chinh sua", "access and edit", "correction and deletion", "tiep can va")
_SELF_SERVICE = ("dang nhap", "logging into", "log in", "account management", "tai khoan cua")
_ASSISTED = ("lien he", "ask to help", "can assist", "if requested", "ban quan tri", "contact us")


@dataclass(frozen=True)
class AccessItem:
    mode: str | None
    legal_right: bool
    sources: tuple[Found, ...]


def access(lines: list[Line], by_line: SentencesByLine) -> AccessItem:
    """Self-service when people edit their data after logging in, assisted when they ask."""
    pairs = list(section_sentences(lines, by_line, _ACCESS_SECTIONS))
    folded = " ".join(s.folded for _, s in pairs)
    self_service, assisted = _has(folded, _SELF_SERVICE), _has(folded, _ASSISTED)
    mode = "both" if self_service and assisted else "self_service" if self_service else None
    if assisted and not self_service:
        mode = "assisted"
    sources = tuple(Found(s.text, s.line, s.text) for _, s in pairs)
    return AccessItem(mode, _has(folded, ("legal right", "quyen hop phap")), sources)
