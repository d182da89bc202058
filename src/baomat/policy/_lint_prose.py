"""Lint a privacy policy written in prose: which items it states, and where.

    lint_text(read_document(b"... Email your complaint to:; ..."))
    -> [Finding("W-complaint-email-empty", "warning", ..., line=127), ...]

Each item of Decree 52/2013 Art. 69.1 and each warning is a family of regular
expressions, one for Vietnamese and one for English, matched against every
sentence's folded form (lower case, no diacritics, `prose.fold`), so a text
typed with or without diacritics reads alike. An item is stated when one
sentence matches; a finding about something said badly (an empty email, a vague
period) points at that sentence's line. Matching words is a heuristic: it finds
the items a policy leaves out, not whether what it says is lawful
(docs/decisions/010-policy-lint.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from baomat.policy._lint_catalogue import Finding, finding
from baomat.policy.prose import Document, Sentence


@dataclass(frozen=True)
class Family:
    """The words that state one item, per language; patterns are matched on folded text."""

    vi: str
    en: str

    def pattern(self, language: str) -> re.Pattern[str]:
        return re.compile(self.vi if language == "vi" else self.en)


PURPOSE = Family(r"muc dich", r"\bpurpose")
SCOPE = Family(
    r"pham vi su dung|su dung (cac )?thong tin (nguoi dung|khach hang)? ?(cung cap )?de",
    r"scope of (information )?use|\buse (the |your )?(personal )?information (provided|collected)"
    r"|we (may )?use (the |your )?(personal )?information",
)
RETENTION = Family(
    r"luu tru|luu giu",
    r"retention|storage time|\bstor(ed|ing)\b|\bkept (until|for)\b",
)
RECIPIENTS = Family(
    r"tiep can (voi |va |cac )*thong tin|duoc tiep can|ben thu ba|chia se",
    r"(have|has|may have) (the right to )?access|third part(y|ies)|shared? with",
)
ADDRESS = Family(
    r"(dia chi|tru so|van phong)[^:]{0,30}:", r"(address|head office|headquarters)[^:]{0,30}:"
)
"""An address given as a label ("Địa chỉ: ..."), not the word in a list of data collected."""
PHONE_WORD = Family(r"dien thoai|hotline|\bsdt\b|\bso dt\b", r"phone|hotline|\bcall\b|\btel\b")
EMAIL_WORD = Family(r"e-?mail|thu dien tu", r"e-?mail")
ACCESS = Family(
    r"(cap nhat|dieu chinh|chinh sua|huy bo|xoa|thay doi)[^.]{0,40}thong tin ca nhan"
    r"|tiep can va chinh sua",
    r"\b(update|correct|edit|change|cancel|delete)\b[^.]{0,60}\b(data|information)\b",
)
SECURITY = Family(
    r"cam ket (se )?(bao mat|bao ve)|bien phap (bao mat|thich hop|ky thuat)|tuong lua|ma hoa",
    r"commit(ted|ment)? to (protect|privacy|confidential)|security measures|firewall"
    r"|encrypt|kept confidential",
)
COMPLAINT = Family(r"khieu nai", r"complain")
DEADLINE = Family(
    r"(trong (vong|thoi han)|thoi han[^.]{0,40}la) \d+ (ngay|gio)",
    r"within \d+ (to \d+ )?(working )?days|\d+ (working )?days from",
)
RIGHTS = Family(
    r"huy bo|yeu cau huy|rut lai (su )?dong y|xoa (bo )?(thong tin|du lieu)",
    r"delet|\bcancel|withdraw",
)
SENSITIVE_DATA = Family(
    r"the tin dung|so the (ngan hang|thanh toan)|tai khoan ngan hang|sinh trac|vi tri"
    r"|(du lieu|thong tin|ho so) suc khoe|anh (chup )?(cmnd|can cuoc)|lich su mua"
    r"|trang web [^.]{0,30}da xem|thoi gian dang nhap",
    r"credit card|card number|bank account|biometric|health data|location data"
    r"|browsing history|purchase history|id card (image|photo)",
)
SENSITIVE_NOTICE = Family(r"nhay cam", r"sensitive")
ABROAD = Family(
    r"nuoc ngoai|ngoai lanh tho|ngoai (thi truong )?viet nam",
    r"outside (of )?(the )?(vietnam|viet nam)|abroad|overseas|cross-border",
)
DOSSIER = Family(r"ho so danh gia tac dong", r"impact assessment|transfer dossier")
PERIOD = Family(r"\d+ (nam|thang|ngay)", r"\d+ (years?|months?|days?)")
VAGUE = Family(
    r"thoi gian can thiet|khi (can|khong con can) thiet|mot thoi gian",
    r"as long as (is )?(necessary|needed)|(unnecessary|no longer (necessary|needed))",
)
UNTIL = Family(r"cho den khi|trong suot", r"\buntil\b")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_DIGIT = re.compile(r"\d")
_EMPTY_EMAIL = re.compile(r"(e-?mail|thu dien tu)[^:@]{0,40}:\s*[;.,]?\s*$")


def lint_text(doc: Document) -> list[Finding]:
    """A prose policy -> its findings, errors first; `line` points where a finding is."""
    found = _Finder(doc)
    findings = [
        *found.missing("A69.1a-purpose", PURPOSE),
        *found.missing("A69.1b-scope", SCOPE),
        *found.missing("A69.1c-retention", RETENTION),
        *found.missing("A69.1d-recipients", RECIPIENTS),
        *_contact(found),
        *found.missing("A69.1e-access", ACCESS),
        *found.missing("W-security", SECURITY),
        *_complaints(found),
        *found.missing("W-notice-rights", RIGHTS),
        *_sensitive(found),
        *_abroad(found),
        *_retention(found),
    ]
    return sorted(findings, key=lambda f: f.severity != "error")


@dataclass(frozen=True)
class _Finder:
    doc: Document

    def all(self, family: Family) -> list[Sentence]:
        pattern = family.pattern(self.doc.language)
        return [s for s in self.doc.sentences if pattern.search(s.folded)]

    def first(self, family: Family) -> Sentence | None:
        pattern = family.pattern(self.doc.language)
        return next((s for s in self.doc.sentences if pattern.search(s.folded)), None)

    def missing(self, rule: str, family: Family) -> Iterator[Finding]:
        if self.first(family) is None:
            yield finding(rule, "text")


def _contact(found: _Finder) -> Iterator[Finding]:
    """Art. 69.1(đ): the unit's address, and a phone number or a real email address."""
    address = found.first(ADDRESS)
    if address is None:
        yield finding("A69.1dd-contact", "text_address")
        return
    sentences = found.doc.sentences
    phone_word = PHONE_WORD.pattern(found.doc.language)
    # the number may follow its label on the next line ("<dt>Điện thoại</dt><dd>028 ...</dd>")
    phone = any(
        phone_word.search(s.folded) and max(map(_digits, sentences[i : i + 2])) >= 9
        for i, s in enumerate(sentences)
    )
    if not phone and not any(_EMAIL.search(s.text) for s in sentences):
        yield finding("A69.1dd-contact", "text", line=address.line)


def _digits(sentence: Sentence) -> int:
    return len(_DIGIT.findall(sentence.text))


def _complaints(found: _Finder) -> Iterator[Finding]:
    """A complaint mechanism, its email filled in, and a time limit for the answer."""
    mentions = found.all(COMPLAINT)
    if not mentions:
        yield finding("W-complaints", "text")
        return
    sentences = found.doc.sentences
    complaint_lines = {s.line for s in mentions}
    for i, sentence in enumerate(sentences):
        near = any(s.line in complaint_lines for s in sentences[max(0, i - 3) : i + 1])
        # an address on the next line fills the label ("<dt>Email:</dt><dd>a@b.vn</dd>")
        filled = i + 1 < len(sentences) and _EMAIL.match(sentences[i + 1].text.strip())
        if near and not filled and _EMPTY_EMAIL.search(sentence.folded):
            yield finding("W-complaint-email-empty", "text", line=sentence.line)
    if found.first(DEADLINE) is None:
        yield finding("W-complaint-deadline", "text", line=mentions[0].line)


def _sensitive(found: _Finder) -> Iterator[Finding]:
    """Sensitive data (LAW.md "Data categories") collected without saying it is sensitive."""
    collected = found.first(SENSITIVE_DATA)
    if collected is not None and found.first(SENSITIVE_NOTICE) is None:
        yield finding("W-sensitive-notice", "text", line=collected.line)


def _abroad(found: _Finder) -> Iterator[Finding]:
    """Data sent abroad with no transfer impact dossier mentioned (Law 91 Art. 20)."""
    abroad = found.first(ABROAD)
    if abroad is not None and found.first(DOSSIER) is None:
        yield finding("W-transfer-dossier", "text", line=abroad.line)


def _retention(found: _Finder) -> Iterator[Finding]:
    """A retention period that is vague, or that names no time at all, so never ends."""
    kept = found.all(RETENTION)
    if not kept or any(PERIOD.pattern(found.doc.language).search(s.folded) for s in kept):
        return
    vague = VAGUE.pattern(found.doc.language)
    until = UNTIL.pattern(found.doc.language)
    if hedged := next((s for s in kept if vague.search(s.folded)), None):
        yield finding("W-retention-vague", "text", line=hedged.line)
    else:
        ends = next((s for s in kept if until.search(s.folded)), kept[0])
        yield finding("W-retention-no-end", "text", line=ends.line)
