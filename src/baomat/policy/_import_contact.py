"""Who runs the site, as a policy states it: name, address, tax code, phones, emails.

    contact(lines) -> Contact(organisation=Found("Cty TNHH WeGroup Holdings", line 31), ...)

Each item is read next to its label ("Địa chỉ:", "Head office:", "Mã số thuế:",
"Tax code:") or, for the organisation, from a line or phrase that names a
legal form ("Công ty TNHH ...", "... Joint Stock Company"). A value ends where
the next label starts, so one paragraph can hold them all ("... Địa chỉ: 12
Nguyễn Trãi, Quận 1. Điện thoại: ... Mã số thuế: ..."). Phone numbers are
parsed with libphonenumber as Vietnamese numbers and tax codes checked with
python-stdnum; a number right after a tax-code label is a tax code, never a
phone, even when its check digit fails (then it is kept aside for review).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import phonenumbers
from stdnum.vn import mst

from baomat.policy._import_layout import Line, strip_bullet
from baomat.policy.prose import fold


@dataclass(frozen=True)
class Found:
    """A value read from the text, and the 1-based line and sentence it comes from."""

    value: str
    line: int
    sentence: str


@dataclass(frozen=True)
class Contact:
    organisation: Found | None
    address: Found | None
    tax_code: Found | None
    phones: tuple[Found, ...]
    emails: tuple[Found, ...]
    hidden_emails: tuple[int, ...]
    """Lines where the page hid an address ("[email protected]"): there is one, unknown here."""
    unchecked_tax_code: Found | None = None
    """A number after a tax-code label whose check digit fails: stated, but not taken."""


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
_HIDDEN_EMAIL = "[email protected]"
_TAX_LABELS = ("ma so thue", "mst", "tax code", "business number", "ma so doanh nghiep")
_ADDRESS_LABELS = ("dia chi", "van phong", "tru so", "tru so chinh", "head office", "address")
_ORG_LABELS = ("name of unit", "company name", "ten don vi", "ten cong ty", "ten doanh nghiep")
_PHONE_CUE = re.compile(r"\b(?:dien thoai|phone|hotline|tel|goi)\b")
_PHONE_LABEL = re.compile(r"\b(?:dien thoai|phone|hotline|tel|goi|di dong|mobile)\b\D{0,12}$")
_TAX_LABEL = re.compile(r"\b(?:" + "|".join(_TAX_LABELS) + r")\b\s*:?\s*$")
_OTHER_LABELS = ("dien thoai", "so dien thoai", "hotline", "tel", "phone", "email", "e-mail",
                 "fax", "website")  # fmt: skip
_NEXT_LABEL = re.compile(
    r"(?:^|[.,;]?\s)(?:"
    + "|".join(re.escape(label) for label in (*_TAX_LABELS, *_ADDRESS_LABELS, *_OTHER_LABELS))
    + r")\s*:"
)
_ORG_LINE = re.compile(r"^(?:cong ty|cty|trung tam|ngan hang|tap doan)\b")
_LEGAL_FORM = re.compile(
    r"\b(?:công ty|cty)\s+(?:tnhh|cổ phần|cp)(?:\s+(?:một|hai) thành viên)?\s+", re.IGNORECASE
)
_EN_COMPANY = re.compile(
    r"\b((?:[A-Z][\w&.-]*\s+)+(?:Joint Stock Company|Co\.,? Ltd\.?|Company Limited|JSC))"
)


def contact(lines: list[Line]) -> Contact:
    """The contact items of a policy's lines; an item not stated is None or empty."""
    return Contact(
        organisation=_organisation(lines),
        address=_labelled(lines, _ADDRESS_LABELS, _plausible_address),
        tax_code=_labelled(lines, _TAX_LABELS, _tax_code),
        unchecked_tax_code=_labelled(lines, _TAX_LABELS, _failed_tax_code),
        phones=tuple(_dedupe(_phones(lines), key=_phone_key)),
        emails=tuple(_dedupe(_emails(lines), key=lambda v: v.casefold())),
        hidden_emails=tuple(line.number for line in lines if _HIDDEN_EMAIL in line.text),
    )


def _label_value(line: Line, labels: tuple[str, ...]) -> str | None:
    """ "- Địa chỉ: 25 Ngô Quyền" with label "dia chi" -> "25 Ngô Quyền"."""
    text = strip_bullet(line.text)
    head, colon, rest = text.partition(":")
    if not colon:
        return None
    if fold(head).rstrip(" .") in labels and rest.strip():
        return _up_to_next_label(rest.strip())
    # "… company headquarters, address: 9th Floor …", "Công ty X. Địa chỉ: 12 …": a label after
    # the sentence's start.
    folded = fold(text)
    for label in labels:
        match = re.search(rf"(?:^|[,;.]\s*){re.escape(label)}\s*:\s*(.+)$", folded)
        if match and len(match.group(1)) > 5:
            return _up_to_next_label(text[len(text) - len(match.group(1)) :].strip())
    return None


def _up_to_next_label(value: str) -> str:
    """ "12 Nguyễn Trãi, Quận 1. Điện thoại: 028 3822 1234" -> "12 Nguyễn Trãi, Quận 1"."""
    folded = fold(value)
    match = _NEXT_LABEL.search(folded) if len(folded) == len(value) else None
    return value[: match.start()].rstrip(" .,;") if match and match.start() else value


def _labelled(
    lines: list[Line], labels: tuple[str, ...], accept: Callable[[str], str | None]
) -> Found | None:
    """The first value after one of `labels` that `accept` turns into a value."""
    for line in lines:
        raw = _label_value(line, labels)
        value = accept(raw) if raw else None
        if value is not None:
            return Found(value, line.number, line.text)
    return None


def _plausible_address(raw: str) -> str | None:
    """An address has a number and a place: "25 Ngô Quyền - Quận Hoàn Kiếm - Hà Nội"."""
    return raw if re.search(r"\d", raw) and len(raw.split()) >= 3 else None


def _tax_code(raw: str) -> str | None:
    """ "0315224638" or "0102850165-001" when valid; None for anything else."""
    match = re.search(r"\b\d{10}(?:-\d{3})?\b", raw)
    return match.group(0) if match and mst.is_valid(match.group(0)) else None


def _failed_tax_code(raw: str) -> str | None:
    """ "0312345678" (check digit wrong) -> "0312345678"; a valid code or no number -> None."""
    match = re.search(r"\b\d{10}(?:-\d{3})?\b", raw)
    return match.group(0) if match and not mst.is_valid(match.group(0)) else None


def _organisation(lines: list[Line]) -> Found | None:
    """A labelled name, else a line that is a name, else a named legal form in a sentence."""
    for line in lines:
        value = _label_value(line, _ORG_LABELS)
        if value:
            return Found(value.rstrip(" ."), line.number, line.text)
    for line in lines:
        text = strip_bullet(line.text)
        if line.heading and _is_name_line(text):
            return Found(text.rstrip(" ."), line.number, line.text)
    named = [(name, line) for line in lines if (name := _legal_form_name(line.text))]
    # "Công ty ..." as a name, before "công ty ..." in the middle of a sentence.
    named.sort(key=lambda pair: not pair[0][:1].isupper())
    return Found(named[0][0], named[0][1].number, named[0][1].text) if named else None


def _is_name_line(text: str) -> bool:
    """ "Trung tâm Ngoại ngữ Ánh Dương" is a name; "Trung tâm sử dụng thông tin ... nhằm:" and
    "CÔNG TY TNHH ..." (a title in capitals) are not: the name goes on with a capital."""
    form = _ORG_LINE.match(fold(text))
    following = text[form.end() :].split() if form else []
    capitalised = bool(following) and following[0][:1].isupper()
    return capitalised and not text.isupper() and not text.endswith(":")


def _legal_form_name(text: str) -> str | None:
    """ "... gọi điện thoại đến Công ty TNHH Dịch vụ Thoại Phong theo ..." ->
    "Công ty TNHH Dịch vụ Thoại Phong": capitalised words, bridging one lowercase word."""
    match = _LEGAL_FORM.search(text)
    if match is None:
        english = _EN_COMPANY.search(text)
        return english.group(1) if english else None
    words = text[match.end() :].split()
    taken: list[str] = []
    for i, word in enumerate(words):
        bare = word.strip(",.;:()")
        following = words[i + 1] if i + 1 < len(words) else ""
        if bare[:1].isupper() or (bare.islower() and following[:1].isupper() and taken):
            taken.append(bare)
            if bare != word:
                break
        else:
            break
    if not taken:
        return None
    return (text[match.start() : match.end()] + " ".join(taken)).strip()


def _phones(lines: list[Line]) -> Iterator[Found]:
    """Valid Vietnamese numbers on lines that speak of phones; never a tax code."""
    for line in lines:
        if not _PHONE_CUE.search(line.folded):
            continue
        for match in phonenumbers.PhoneNumberMatcher(line.text, "VN"):
            if not _is_tax_code(line.text, match.start, match.raw_string):
                yield Found(match.raw_string, line.number, line.text)


def _is_tax_code(text: str, start: int, number: str) -> bool:
    """A number right after a tax-code label, or one that passes the tax-code check and is
    not right after a phone label ("Hotline: 0912 345 678")."""
    before = fold(text[:start])
    if _TAX_LABEL.search(before):
        return True
    return mst.is_valid(re.sub(r"\D", "", number)) and not _PHONE_LABEL.search(before)


def _phone_key(value: str) -> str:
    number = phonenumbers.parse(value, "VN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _emails(lines: list[Line]) -> Iterator[Found]:
    for line in lines:
        for match in EMAIL.finditer(line.text):
            yield Found(match.group(0).rstrip("."), line.number, line.text)


def _dedupe(found: Iterable[Found], *, key: Callable[[str], str]) -> Iterator[Found]:
    """The first of each value, compared by `key` (E.164 for phones, case-folded emails)."""
    seen: set[str] = set()
    for item in found:
        k = key(item.value)
        if k not in seen:
            seen.add(k)
            yield item
