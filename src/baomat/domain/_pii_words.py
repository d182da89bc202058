"""The words around personal data in Vietnamese text, with or without diacritics.

``fold("Số tài khoản")`` → ``"so tai khoan"``: one character for one, so a
position in the folded text is the same position in the original.
``keyword_before("mình gửi STK ")`` → ``"bank"``: the kind of the keyword
nearest to the end of the text. ``address_end(text, start, opened=True)`` →
where an address that begins at ``start`` ends, or None when none begins there.
Keywords and place words are written folded (lower case, no diacritics, đ → d)
and so match text typed with or without diacritics.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

# The keywords before a number, by the kind of number they announce: "Số TK",
# "so tk" and "SỐ TK" read alike.
_KEYWORDS: Mapping[str, str] = {
    "id_card": r"cmnd|cmt|cccd|chung minh(?: nhan dan| thu)?|so cm|can cuoc(?: cong dan)?"
    r"|so dinh danh(?: ca nhan)?|dinh danh|id card|identity card|national id",
    "tax": r"mst|ma so thue|ma thue|tax code|tax id|tax number",
    "bank": r"stk|so tk|tk|so tai khoan|tai khoan(?: ngan hang)?|account(?: number| no)?|acc"
    r"|bank|ngan hang|chuyen khoan|ck|banking|vietcombank|vcb|techcombank|tcb|vietinbank"
    r"|bidv|agribank|acb|mb ?bank|mb|vpbank|tpbank|sacombank|hdbank|vib|shb|ocb|msb"
    r"|seabank|eximbank|scb|lpbank|bac a bank|nam a bank|abbank|pvcombank|momo|zalopay",
    "phone": r"sdt|so dien thoai|dien thoai|dt|phone|tel|hotline|zalo|goi|lien he|lh|sms"
    r"|nhan tin|mobile|di dong|so dt",
    "card": r"so the|the tin dung|the ghi no|the atm|card(?: number| no)?|visa|mastercard"
    r"|master card|jcb|amex|napas",
    # Codes that are no one's personal data: a number after one of these is left alone.
    "code": r"otp|ma xac nhan|ma xac thuc|ma giam gia|voucher|coupon|ma don(?: hang)?|don hang"
    r"|ma van don|van don|ma giao dich|ma gd|ma sp|ma san pham|ma khach hang|ma kh|so luong"
    r"|invoice|order(?: id| no| number)?|tracking(?: number| no)?|ma tra cuu|lo hang|serial|imei",
}

_BANK_NAMES = re.compile(
    r"\b(?:vietcombank|vcb|techcombank|tcb|vietinbank|bidv|agribank|acb|mb ?bank|mb|vpbank"
    r"|tpbank|sacombank|hdbank|vib|shb|ocb|msb|seabank|eximbank|scb|lpbank|abbank|pvcombank"
    r"|ngan hang)\b"
)

# --- addresses ------------------------------------------------------------------


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Streets, administrative units, and other words addresses are made of.
_STREET_WORDS = _words("duong pho ngo ngach hem kiet street st road rd lane alley ql")
_UNIT_WORDS = _words(
    "phuong quan huyen xa thi tran thanh tinh thon ap khu khom kp tp tx tt ward district city"
    " province village xom ban"
)
_PLACE_WORDS = _words(
    "so to p q lo toa block tang chung cu can ho apartment apt building floor dai quoc"
)
_HOUSE_FOLLOWERS = _STREET_WORDS | _UNIT_WORDS | _PLACE_WORDS
# Words that end an address when written in lower case: people, particles, times.
_STOP_WORDS = _words(
    "minh em anh chi toi tui ban nhe nha giup dum voi va la cho shop ship giao nhan hang"
    " di den ve luc vao roi nhung thi ma vi con co khong ko k a oi can nhanh gap hom nay"
    " mai truoc sau ngay gio sang chieu lien goi and or please thanks at"
)
# Labels of other personal data, which end an address however they are written.
_LABEL_WORDS = _words("sdt dt email mail stk tk mst cmnd cccd cmt zalo phone tel hotline lh")

# Grouped by first letters: the engine then tries fewer alternatives at each position.
_ADDRESS_OPENERS = re.compile(
    r"(?:d(?:ia chi|/c)|so nha|addr(?:ess)?|g(?:iao(?: hang)?|ui) (?:den|toi|ve|tai)"
    r"|ship (?:den|toi|ve)|n(?:ha (?:minh|em|toi|tui|anh|chi) o|oi o)"
    r"|(?:thuong|tam) tru(?: tai)?|cu tru tai|o tai)\b"
)
# After an opener: filler words and a colon before the address itself.
_FILLER = re.compile(
    r"(?:\s+(?:giao hang|nhan hang|nha|lien he|cua (?:minh|em|toi|tui|shop|ban|anh|chi)"
    r"|moi|cu|hien tai|thuong tru|tam tru|la))*\s*[:\-–]?\s*"
)
_TOKEN = re.compile(r"[^\s,;:!?()\[\]{}\"'<>|]+")
_HOUSE_NUMBER = re.compile(r"\d{1,5}[a-z]?(?:/\d{1,5}[a-z]?)*")
_ABBREVIATION = re.compile(r"(?:tp|p|q|tx|tt|h|kp|st)\.", re.IGNORECASE)
_MAX_ADDRESS = 160
_MAX_LOOSE_WORDS = 4
_HAS_DIGIT = re.compile(r"[0-9]")
_NOT_DIGITS = re.compile(r"[^0-9]+")
_BREAK = re.compile(r"[\n!?;()\[\]{}\"<>|]")
_AFTER_HOUSE = frozenset({"street", "unit", "place", "name"})
_AFTER_HOUSE_NUMBER = re.compile(r"[A-Za-z]?(?:/\d{1,5}[A-Za-z]?)*[ \t]+(\w+\.?)")


@functools.cache
def _fold_table() -> dict[int, str]:
    """Every Latin letter with diacritics (U+00C0–U+1EFF) → its base letter, lower case."""
    table = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0xC0, 0x1F00):
        base = unicodedata.normalize("NFD", chr(code))[:1]
        if base.isascii() and base.isalpha():
            table[code] = base.lower()
    return table


def fold(text: str) -> str:
    """Lower case, diacritics removed, đ → d, one character for one: ``"Đường"`` → ``"duong"``."""
    return text.translate(_fold_table()).lower()


def squash(text: str) -> str:
    """Like `fold`, several times faster, but other characters outside ASCII are dropped, so
    positions move: for matching words, not for finding where they are."""
    if text.isascii():
        return text.lower()
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return bare.encode("ascii", "ignore").decode("ascii").lower()


@functools.cache
def _keyword_ends() -> re.Pattern[str]:
    alternatives = "|".join(f"(?P<{kind}>{words})" for kind, words in _KEYWORDS.items())
    return re.compile(rf"\b(?:{alternatives})\b")


def keyword_before(text: str) -> str | None:
    """The kind of the last keyword in ``text`` (folded): ``"so tk cua em: "`` → ``"bank"``.

    Kinds: ``id_card``, ``tax``, ``bank``, ``phone``, ``card``, and ``code``
    for order ids, OTPs and the like, which no kind accepts. The nearest
    keyword wins, so "STK ... SĐT 09..." reads the number as a phone.
    """
    last = None
    for match in _keyword_ends().finditer(squash(text)):
        last = match.lastgroup
    return last


def bank_name_after(text: str) -> bool:
    """Whether a bank's name follows within ``text``: ``" (Vietcombank)"`` → True."""
    return _BANK_NAMES.search(squash(text)) is not None


def _any_case(folded: str) -> str:
    """A folded regex → one matching the words as written: each ASCII letter becomes the class
    of its forms with any diacritics in either case (``"d"`` → ``[DdĐđ]``). Explicit classes
    rather than IGNORECASE: the regex engine tries them about twice as fast."""
    forms: dict[str, set[str]] = {}
    for code, base in _fold_table().items():
        forms.setdefault(base, set()).add(chr(code))
    out = []
    for before, ch in zip(" " + folded, folded, strict=False):
        if ch.isascii() and ch.isalpha() and before != "\\":
            cased = {ch, ch.upper(), *forms.get(ch, ()), *(f.upper() for f in forms.get(ch, ()))}
            out.append("[" + "".join(sorted(cased)) + "]")
        else:
            out.append(ch)
    return "".join(out)


@functools.cache
def openers() -> re.Pattern[str]:
    """The address openers as a regex over the text as written, in any case and with or without
    diacritics: "dia chi" matches "Địa chỉ", "ĐỊA CHỈ" and "dia chi"."""
    return re.compile(r"(?<!\w)" + _any_case(_ADDRESS_OPENERS.pattern))


@functools.cache
def house_number_tail() -> str:
    """A regex for what follows a house number: ``"A"``, ``"/3"``, then a street or unit word
    in any case and spelling, or a capitalised name (``"12 Lê Lợi"``, ``"12/3 đường"``)."""
    capitals = "".join(ch for ch in map(chr, range(0x41, 0x1F00)) if ch.isupper())
    words = "|".join(sorted(_HOUSE_FOLLOWERS, key=len, reverse=True))
    return rf"[A-Za-z]?(?:/\d{{1,5}}[A-Za-z]?)*[ \t]+(?:[{capitals}]|{_any_case(words)}\b)"


def opener_filler_end(text: str, at: int) -> int:
    """Past the filler words and colon after an opener: ``"địa chỉ của mình là: 12"`` → at 12."""
    window = fold(text[at : at + 40])
    filler = _FILLER.match(window)
    return at if filler is None else at + filler.end()


def house_number_ahead(text: str, end: int) -> bool:
    """Whether the number ending at ``end`` may open an address: a street, a unit or a
    capitalised name follows (``"12 Lê Lợi"``, ``"12/3 đường"``), not ``"3 ngày"``."""
    after = _AFTER_HOUSE_NUMBER.match(text, end)
    if after is None:
        return False
    word = after[1]
    return word[:1].isupper() or squash(word).rstrip(".") in _HOUSE_FOLLOWERS


def address_end(text: str, start: int, *, opened: bool) -> int | None:
    """The end of the address starting at ``start``, or None when none starts there.

    An address is a run of house numbers (``12``, ``94/715``, ``12A``), street
    and unit words (đường, phường, quận, TP., …), capitalised names and, after
    such a word, up to four lower-case words (names typed without capitals or
    diacritics; not at its end when its names are capitalised). It ends at a
    sentence's end, a stop word (mình, giúp, SĐT…) or a long number. It must
    locate someone, not only a district: a house number first, a street, or
    two administrative units ("phường 2, quận 5"). ``opened`` says a keyword ("địa chỉ")
    announced it; without one it must open with a house number followed by a
    street or a capitalised name.
    """
    window = text[start : start + _MAX_ADDRESS]
    end = 0
    seen: dict[str, int] = {}
    loose = firm = 0
    first = ""
    for index, match in enumerate(_TOKEN.finditer(window)):
        raw = match.group()
        low = squash(raw)
        if index > 0 and _sentence_ended(window, end, match.start()):
            break
        kind = _token_kind(raw, low)
        if index == 0:
            first = kind
        if not opened and (
            (index == 0 and kind != "number") or (index == 1 and kind not in _AFTER_HOUSE)
        ):
            return None
        if kind == "stop" or (kind == "word" and (loose >= _MAX_LOOSE_WORDS or index == 0)):
            break
        loose = loose + 1 if kind == "word" else 0
        seen[kind] = seen.get(kind, 0) + 1
        end = match.end()
        if kind != "word":
            firm = end
    if seen.get("name"):  # who capitalises names would capitalise the address's words too
        end = firm
    while end > 0 and window[end - 1] == "." and not _is_abbreviation(window[:end]):
        end -= 1
    located = first == "number" or "street" in seen or seen.get("unit", 0) >= 2
    if end == 0 or not located or not ("unit" in seen or "street" in seen):
        return None
    return start + end


def _is_abbreviation(before: str) -> bool:
    """Whether ``before`` ends with an abbreviation such as ``TP.`` or ``Q.``."""
    return _ABBREVIATION.fullmatch(before.rsplit(maxsplit=1)[-1]) is not None


def _token_kind(raw: str, low: str) -> str:
    """``"12/3"`` → number, ``"đường"`` → street, ``"Phường"``/``"Q.5"`` → unit, ``"Lợi"`` →
    name, ``"mình"``/``"SĐT"`` → stop, any other lower-case word → word."""
    bare = low.rstrip(".")
    if _HAS_DIGIT.search(bare) is not None:
        if _HOUSE_NUMBER.fullmatch(bare):
            return "number" if len(bare) <= 12 else "stop"
        if _ABBREVIATION.match(raw):
            return "unit"
        return "stop" if len(_NOT_DIGITS.sub("", bare)) > 6 else "place"
    if _ABBREVIATION.match(raw):
        return "unit"
    if bare in _LABEL_WORDS or "@" in raw or (bare in _STOP_WORDS and not raw[:1].isupper()):
        return "stop"
    for kind, known in (("street", _STREET_WORDS), ("unit", _UNIT_WORDS), ("place", _PLACE_WORDS)):
        if bare in known:
            return kind
    return "name" if raw[:1].isupper() else "word"


def _sentence_ended(window: str, previous_end: int, next_start: int) -> bool:
    """Whether the gap between two tokens closes a sentence: a newline, ``!?;``, or a full stop
    after a word that is no abbreviation (``TP.`` and ``Q.`` keep the address going)."""
    if _BREAK.search(window, previous_end, next_start) is not None:
        return True
    return window[previous_end - 1 : previous_end] == "." and not _is_abbreviation(
        window[:previous_end]
    )
