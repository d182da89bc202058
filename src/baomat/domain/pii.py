"""Personal data in free text (reviews, comments, complaints) → where it is; the text without it.

``scan("Gọi mình 0912 345 678 nhé")`` → ``(Finding(Kind.PHONE, 9, 21),)``;
``redact(text, scan(text))`` → ``"Gọi mình [phone] nhé"``. Kinds: phone
numbers, emails, CCCD and CMND numbers, tax codes, card numbers (Luhn), and
bank accounts and addresses near their keywords ("STK", "địa chỉ"), which are
read with and without diacritics. Numbers that only look alike (order ids,
dates, prices, times, product codes) are left alone. A finding carries a kind
and a span, never the value: callers log kinds and counts.

Redaction has one form, ``[kind]`` with the kind's id (``[phone]``,
``[bank_account]``), the same in every language, as audit entries name kinds.

How: one compiled regex finds the candidates (runs of digits, house numbers,
"@"), a second the address keywords; each candidate is then checked by the
rule of its kind: libphonenumber's numbering plan for phones (VN by default),
the province code for a CCCD (LAW.md "Identifiers"), python-stdnum for tax
codes (`stdnum.vn.mst`) and card numbers (`stdnum.luhn`), and a keyword
within the 40 characters before, in the same sentence, for CMND numbers, tax
codes and bank accounts (or a bank's name just after an account). Text is
expected in NFC, as `validators` stores it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from stdnum import luhn
from stdnum.vn import mst

from baomat.domain import _pii_words as words
from baomat.domain.identifiers import province_codes
from baomat.domain.normalise import InvalidValue, normalise_phone


class Kind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    CITIZEN_ID = "citizen_id"
    """A 12-digit CCCD (also an individual's tax code since 1 Jul 2025)."""
    CMND = "cmnd"
    """An old 9-digit identity card number, only next to its keyword (CMND, CMT, chứng minh)."""
    TAX_CODE = "tax_code"
    CARD_NUMBER = "card_number"
    BANK_ACCOUNT = "bank_account"
    ADDRESS = "address"


LABELS: Mapping[Kind, tuple[str, str]] = {
    Kind.PHONE: ("số điện thoại", "phone number"),
    Kind.EMAIL: ("email", "email address"),
    Kind.CITIZEN_ID: ("số CCCD", "citizen ID number"),
    Kind.CMND: ("số CMND", "old ID card number"),
    Kind.TAX_CODE: ("mã số thuế", "tax code"),
    Kind.CARD_NUMBER: ("số thẻ", "card number"),
    Kind.BANK_ACCOUNT: ("số tài khoản", "bank account number"),
    Kind.ADDRESS: ("địa chỉ", "address"),
}
"""What each kind is called, in Vietnamese and English."""


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """Personal data of ``kind`` at ``text[start:end]``."""

    start: int
    end: int
    kind: Kind


def placeholder(kind: Kind) -> str:
    """What `redact` puts in place of a finding: ``Kind.PHONE`` → ``"[phone]"``."""
    return f"[{kind.value}]"


# A run of digits in groups joined by one space, dot or dash ("0912 345 678",
# "091.234.5678", "+84 912345678", "(028) 3850 3852") six characters long at
# least; or a shorter number followed by what follows a house number ("12 Lê
# Lợi"); neither glued to a word or to an order id's "#", a date's "/" or a
# time's ":" before it. At most eight groups, so that a text of spaced digits
# is read in bounded pieces; possessive, so a run is read whole or not at
# all. Or an "@" between what may be an email's local part and its domain.
_RUN = (
    r"(?=[(+]{0,2}\d[\d .()\-]{5})"
    # not an amount in thousands ("1.250.000") nor a date ("12-03-2024", "2024.03.12")
    r"(?!\d{1,3}(?:\.\d{3})++(?![\d.]))"
    r"(?!(?:\d{1,2}(?P<d>[.\-])\d{1,2}(?P=d)\d{4}|\d{4}(?P<y>[.\-])\d{1,2}(?P=y)\d{1,2})"
    r"(?![\d.\-]))"
    r"(?:\+|\(\+?)?\d++(?:\)?[ .\-]\(?\d++){0,7}+"
)
_EMAIL_AT = r"(?<=[A-Za-z0-9_.+-])@(?=[A-Za-z0-9])"


@functools.cache
def _candidates() -> re.Pattern[str]:
    house = rf"(?P<house>\d{{1,5}})(?={words.house_number_tail()})"
    return re.compile(rf"(?<![\w#@/:.,+\-])(?:(?P<run>{_RUN})|{house})|{_EMAIL_AT}")


_DIGITS = re.compile(r"\d+")
_CURRENCY = re.compile(
    r"\s?(?:đồng|dong|vnđ|vnd|đ|d|k|tr|triệu|trieu|nghìn|nghin|ngàn|ngan|usd|\$|%)(?!\w)",
    re.IGNORECASE,
)
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}\Z")
_EMAIL_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\b")
_SENTENCE_END = re.compile(r"[.!?;]\s|[\n!?;]")
_KEYWORD_REACH = 40
_BANK_NAME_REACH = 25
_MAX_GROUPS = 6
_MIN_DIGITS, _MAX_DIGITS = 6, 19


def scan(text: str) -> tuple[Finding, ...]:
    """Every piece of personal data found in ``text``, in order, none overlapping."""
    found: list[Finding] = []
    for match in _candidates().finditer(text):
        group = match.lastgroup
        if group == "run":
            found.extend(_numbers(text, match))
        elif group == "house":
            found.extend(_house_address(text, match.start()))
        else:
            email = _email(text, match.start())
            if email is not None:
                found.append(email)
    found.extend(_opened_addresses(text))
    return tuple(_without_overlaps(found))


def redact(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding's span replaced by `placeholder` of its kind.

    ``findings`` must lie within the text and not overlap (as `scan` returns
    them); ValueError otherwise.
    """
    pieces: list[str] = []
    done = 0
    for finding in sorted(findings):
        if finding.start < done or finding.end > len(text) or finding.start >= finding.end:
            raise ValueError("findings: must lie within the text and not overlap")
        pieces += (text[done : finding.start], placeholder(finding.kind))
        done = finding.end
    pieces.append(text[done:])
    return "".join(pieces)


def counts(findings: Iterable[Finding]) -> dict[Kind, int]:
    """How many findings of each kind: ``{Kind.PHONE: 2, Kind.EMAIL: 1}``."""
    tally: dict[Kind, int] = {}
    for finding in findings:
        tally[finding.kind] = tally.get(finding.kind, 0) + 1
    return tally


# --- numbers -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Run:
    """One run of digit groups and what surrounds it, looked at once."""

    text: str
    start: int
    end: int
    tokens: Sequence[tuple[int, int]]
    priced: bool
    """A currency or a letter follows the run ("250.000đ", "12h"): its last group is no id."""

    def bank_after(self) -> bool:
        """Whether a bank's name follows within the sentence ("… Vietcombank")."""
        after = self.text[self.end : self.end + _BANK_NAME_REACH]
        return words.bank_name_after(_SENTENCE_END.split(after, maxsplit=1)[0])


def _numbers(text: str, match: re.Match[str]) -> Iterator[Finding]:
    """The findings in one run of digit groups: the longest groups that make a number of some
    kind, left to right ("0912345678 0987654321" is two phones), and a house number."""
    base = match.start()
    tokens = [(t.start() + base, t.end() + base) for t in _DIGITS.finditer(match.group())]
    end = match.end()
    glued = text[end : end + 1]
    if glued == "@" or (glued.isalnum() and len(tokens) == 1):
        return
    if len(tokens) > 1 and _looks_like_amount_or_date(text, tokens):
        return
    run = _Run(text, base, end, tokens, glued.isalnum() or _CURRENCY.match(text, end) is not None)
    i = 0
    while i < len(tokens):
        hit = _longest_number(run, i)
        if hit is None:
            if i == 0 and words.house_number_ahead(text, tokens[0][1]):
                yield from _house_address(text, tokens[0][0])
            i += 1
            continue
        yield hit[0]
        i = hit[1]


def _longest_number(run: _Run, i: int) -> tuple[Finding, int] | None:
    """The longest group of the run's tokens from ``i`` that makes a number of some kind → it
    and the index after it."""
    text, tokens = run.text, run.tokens
    start = run.start if i == 0 else tokens[i][0]
    plus = "+" in text[start : start + 2]
    keyword: str | None = ""  # looked up once, when a group is long enough to need it
    last = min(len(tokens), i + _MAX_GROUPS)
    sizes = [b - a for a, b in tokens[i:last]]
    for j in range(last, i, -1):
        n = sum(sizes[: j - i])
        if n > _MAX_DIGITS or (j == len(tokens) and run.priced):
            continue
        if n < _MIN_DIGITS:
            return None
        if keyword == "":
            keyword = _keyword_before(text, start)
            if keyword is None and run.bank_after():
                keyword = "bank"
        if keyword is None and n < 10:  # without a keyword, no kind is this short
            return None
        digits = "".join(text[a:b] for a, b in tokens[i:j])
        kind = _kind_of(text, start, digits, plus, keyword)
        if kind is not None:
            return Finding(start, tokens[j - 1][1], kind), j
    return None


def _looks_like_amount_or_date(text: str, tokens: Sequence[tuple[int, int]]) -> bool:
    """Amounts in thousands ("1.250.000"), dates ("12-03-2024", "2024.03.12")."""
    lengths = [b - a for a, b in tokens]
    separators = {text[b] for (_, b) in tokens[:-1]}
    if separators <= {".", ","} and lengths[0] <= 3 and all(n == 3 for n in lengths[1:]):
        return True
    if len(tokens) == 3 and len(separators) == 1 and separators <= {".", "-"}:
        return lengths in ([2, 2, 4], [1, 2, 4], [2, 1, 4], [1, 1, 4], [4, 2, 2], [4, 1, 1])
    return False


def _keyword_before(text: str, start: int) -> str | None:
    """The kind of keyword nearest before ``start`` in its sentence (`words.keyword_before`)."""
    return words.keyword_before(
        _SENTENCE_END.split(text[max(0, start - _KEYWORD_REACH) : start])[-1]
    )


def _kind_of(text: str, start: int, digits: str, plus: bool, keyword: str | None) -> Kind | None:
    """The kind of the number ``digits`` written from ``text[start]``, or None.

    ``keyword`` is the kind of keyword just before (`_keyword_before`), or
    "bank" for a bank's name just after; it decides between the kinds a number
    could be. Without one, only numbers that prove themselves count: a
    Luhn-valid card number, a CCCD with a province code, a valid phone, a
    branch tax code written ``0314409058-002``. After a code's keyword ("mã
    đơn", "OTP", "mã vận đơn") a number is none of these.
    """
    if keyword == "code":
        return None
    n = len(digits)
    if keyword == "id_card" and n == 9:
        return Kind.CMND
    if keyword == "tax" and n in (10, 13) and mst.is_valid(digits):
        return Kind.TAX_CODE
    if keyword == "bank" and not plus:
        return Kind.BANK_ACCOUNT
    if keyword == "phone" and _is_phone(digits, plus):
        return Kind.PHONE
    if 13 <= n <= 19 and _is_card(digits):
        return Kind.CARD_NUMBER
    if n == 12 and _is_cccd(digits):
        return Kind.CITIZEN_ID
    if _is_phone(digits, plus):
        return Kind.PHONE
    if n == 13 and text[start + 10] == "-" and mst.is_valid(digits):
        return Kind.TAX_CODE
    return None


def _is_phone(digits: str, plus: bool) -> bool:
    """A number in use by libphonenumber's plan, national numbers read as Vietnamese: after a
    "+" any country's, else 0 then 9 or 10 digits, or 84 without its "+"."""
    if not plus:
        if digits[0] == "0" and 10 <= len(digits) <= 11:
            national = digits[1:]
        elif digits.startswith("84") and 11 <= len(digits) <= 12:
            national = digits[2:]
        else:
            return False
        if national[0] not in "235789":  # mobiles 3, 5, 7, 8, 9; landlines 2 (LAW.md)
            return False
    try:
        normalise_phone(("+" if plus else "") + digits)
    except InvalidValue:
        return False
    return True


def _is_cccd(digits: str) -> bool:
    """A province code (Circular 07/2016/TT-BCA, Appendix I) and a century digit for
    1900–2099 (0–3), so for someone alive."""
    return digits[:3] in province_codes() and digits[3] in "0123"


def _is_card(digits: str) -> bool:
    """Luhn-valid (ISO/IEC 7812) with an issuer prefix in use: 2–6, or 9704 (Napas)."""
    return (digits[0] in "23456" or digits.startswith("9704")) and luhn.is_valid(digits)


# --- emails and addresses ----------------------------------------------------------


def _email(text: str, at: int) -> Finding | None:
    """The address around the "@" at ``at`` (an ASCII local part and domain), or None."""
    local = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
    domain = _EMAIL_DOMAIN.match(text, at + 1)
    if local is None or domain is None:
        return None
    start = local.start()
    while start < at and text[start] == ".":
        start += 1
    return None if start == at else Finding(start, domain.end(), Kind.EMAIL)


def _house_address(text: str, start: int) -> Iterator[Finding]:
    """An address opened by a house number ("12 Lê Lợi, Quận 1"), "Số" before it included."""
    end = words.address_end(text, start, opened=False)
    if end is not None:
        before = start - 3
        opens = before >= 0 and words.fold(text[before:start]) == "so "
        yield Finding(before if opens else start, end, Kind.ADDRESS)


def _opened_addresses(text: str) -> Iterator[Finding]:
    """Addresses after their keyword: "địa chỉ: …", "giao đến …", "nhà mình ở …"."""
    for opener in words.openers().finditer(text):
        start = words.opener_filler_end(text, opener.end())
        end = words.address_end(text, start, opened=True)
        if end is not None:
            yield Finding(start, end, Kind.ADDRESS)


def _without_overlaps(found: list[Finding]) -> Iterator[Finding]:
    """Sorted; of overlapping findings the one starting first (the longer on a tie) stays."""
    done = 0
    for finding in sorted(found, key=lambda f: (f.start, -f.end)):
        if finding.start >= done:
            yield finding
            done = finding.end
