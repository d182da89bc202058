"""Checks a collected value against its field's type → the canonical form to store.

``validate("phone", "0974 063 482")`` → ``"+84974063482"``;
``validate("date", "13/02/2026")`` → ``"2026-02-13"``. A value that breaks a
rule raises `InvalidValue` naming the type and the rule, never the value: it
is personal data and error messages end up in logs. The types are the policy's
``DataType`` values; what each accepts and stores is in docs/policy-format.md
("Validators").
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping, Sequence

import email_validator
import phonenumbers
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from baomat.domain import identifiers
from baomat.domain.normalise import InvalidValue, normalise_phone

DEFAULT_MAX_LENGTH = 64 * 1024
"""Longest value, in characters after normalisation, when the field sets no `max_length`."""

VN_MOBILE = "vn_mobile"

NAMED_VALIDATORS: Mapping[str, frozenset[str]] = {
    "phone": frozenset({VN_MOBILE}),
    "citizen_id": frozenset({identifiers.CCCD, identifiers.CMND_OR_CCCD}),
}
"""The policy's `validator` names each type knows; any other name is refused."""

JSON_MAX_DEPTH = 32

# A raw value this many times the limit cannot shrink under it by normalising
# (NFC composes at most a few code points into one), so it is refused unread.
_RAW_FACTOR = 4

# Control characters (Unicode Cc) and lone surrogates, which no UTF-8 text holds.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LF_TAB = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def validate(
    spec_type: str,
    value: str,
    *,
    validator: str | None = None,
    choices: Sequence[str] | None = None,
    max_length: int | None = None,
    today: dt.date | None = None,
) -> str:
    """The value to store for a field of type ``spec_type``, or `InvalidValue`.

    ``validator`` names a narrower check (`NAMED_VALIDATORS`), ``choices`` are
    a `choice` field's values, ``max_length`` bounds the stored form
    (`DEFAULT_MAX_LENGTH` when None), ``today`` enables date-relative checks
    (a CCCD's birth year); without it they are skipped.
    """
    if validator is not None and validator not in NAMED_VALIDATORS.get(spec_type, ()):
        raise InvalidValue(spec_type, f"validator '{validator}' does not apply to this type")
    limit = DEFAULT_MAX_LENGTH if max_length is None else max_length
    if len(value) > _RAW_FACTOR * limit + 64:
        raise InvalidValue(spec_type, f"is longer than {limit} characters")
    if spec_type == "phone":
        stored = _phone(value, validator)
    elif spec_type == "citizen_id":
        stored = identifiers.citizen_id(value, validator=validator, today=today)
    elif spec_type == "tax_code":
        stored = identifiers.tax_code(value, today=today)
    elif spec_type == "choice":
        stored = _choice(value, choices)
    else:
        check = _SIMPLE.get(spec_type)
        if check is None:
            raise InvalidValue(spec_type, "is not a field type baomat knows")
        stored = check(value)
    if len(stored) > limit:
        raise InvalidValue(spec_type, f"is longer than {limit} characters")
    return stored


# --- contact -----------------------------------------------------------------


def _phone(value: str, validator: str | None) -> str:
    """E.164 by libphonenumber's plan, national numbers read as Vietnamese (`normalise_phone`).

    ``vn_mobile`` keeps only numbers libphonenumber types as Vietnamese mobiles
    (LAW.md "Identifiers": 03, 05, 07, 08, 09 after the 0).
    """
    e164 = normalise_phone(value.strip())
    if validator == VN_MOBILE:
        number = phonenumbers.parse(e164)
        if not (
            phonenumbers.region_code_for_number(number) == "VN"
            and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        ):
            raise InvalidValue("phone", "must be a Vietnamese mobile number")
    return e164


# An ASCII dot-atom local part and a letters-digits-hyphens domain: the shape
# nearly every address has, whose normalised form email-validator makes plain.
_EMAIL_PLAIN = re.compile(
    r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)


def _email(value: str) -> str:
    """The address email-validator normalises (RFC 5322/6531 syntax, no DNS) → local@domain.

    ``" Ngoc.Tran@Example.VN "`` → ``"Ngoc.Tran@example.vn"``: the local part
    keeps its case (the blind index lower-cases the whole address separately);
    the domain is lower-cased, in Unicode for an internationalised one.
    """
    address = value.strip()
    fast = _email_fast(address)
    if fast is not None:
        return fast
    try:
        checked = email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        # The library's message quotes the offending characters: not repeated here.
        raise InvalidValue("email", "is not a valid address (RFC 5322, email-validator)") from None
    return checked.normalized


def _email_fast(address: str) -> str | None:
    """email-validator's answer for plain ASCII addresses, about ten times faster; else None.

    Plain means: a dot-atom local part of at most 64 characters; domain labels
    of letters, digits and inner hyphens, never two hyphens in a row (so no
    Punycode); a top-level domain of letters that is not a special-use name;
    at most 254 characters in all. For these the library lower-cases the
    domain, and the local part only for RFC 2142 role names ("Info" → "info");
    tests compare the two paths.
    """
    match = None if len(address) > 254 else _EMAIL_PLAIN.fullmatch(address)
    if match is None or "--" in match[2]:
        return None
    local, domain = match[1], match[2].lower()
    if len(local) > 64 or any(
        domain == d or domain.endswith("." + d) for d in email_validator.SPECIAL_USE_DOMAIN_NAMES
    ):
        return None
    if local.lower() in CASE_INSENSITIVE_MAILBOX_NAMES:
        local = local.lower()
    return f"{local}@{domain}"


def _url(value: str) -> str:
    """An absolute http(s) URL → itself with scheme and host lower-cased (RFC 3986 §6.2.2.1).

    No spaces or control characters, a host, a valid port and no user name or
    password (credentials have no place in stored data).
    """
    text = value.strip()
    if re.search(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]", text):
        raise InvalidValue("url", "must not contain spaces or control characters")
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidValue("url", "must start with http:// or https://")
    try:
        parts.port  # noqa: B018 - read for its check: a bad port raises ValueError
    except ValueError:
        raise InvalidValue("url", "has an invalid port") from None
    if not parts.hostname:
        raise InvalidValue("url", "must name a host")
    if parts.username is not None or parts.password is not None:
        raise InvalidValue("url", "must not contain a user name or password")
    return urllib.parse.urlunsplit(
        parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower())
    )


# --- text --------------------------------------------------------------------


def _text(field_type: str, value: str, control: re.Pattern[str]) -> str:
    """Stripped and NFC-composed; refused if ``control`` finds a forbidden character."""
    text = unicodedata.normalize("NFC", value.strip())
    if control.search(text):
        raise InvalidValue(field_type, "must not contain control characters")
    return text


def _long_text(value: str) -> str:
    """Like text, but keeps newlines and tabs; CR LF and lone CR become LF (browsers send CR LF)."""
    return _text("long_text", value.replace("\r\n", "\n").replace("\r", "\n"), _CONTROL_BUT_LF_TAB)


def _choice(value: str, choices: Sequence[str] | None) -> str:
    """One of the field's declared ``choices``, compared after NFC → the choice as declared."""
    if not choices:
        raise InvalidValue("choice", "the field declares no choices")
    wanted = unicodedata.normalize("NFC", value.strip())
    for choice in choices:
        if unicodedata.normalize("NFC", choice) == wanted:
            return choice
    raise InvalidValue("choice", "is not one of the field's choices")


def _json(value: str) -> str:
    """A JSON text (RFC 8259: no NaN or Infinity) nested at most 32 deep → itself, stripped."""
    text = value.strip()
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise InvalidValue("json", f"is nested deeper than {JSON_MAX_DEPTH} levels") from None
    except ValueError:
        raise InvalidValue("json", "is not valid JSON (RFC 8259)") from None
    stack: list[tuple[object, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth == JSON_MAX_DEPTH:
                raise InvalidValue("json", f"is nested deeper than {JSON_MAX_DEPTH} levels")
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return text


def _no_constant(name: str) -> object:
    raise ValueError("NaN and Infinity are not JSON")


# --- numbers, dates, flags ---------------------------------------------------


def _integer(value: str) -> str:
    """Decimal digits with an optional sign → the integer's plain spelling: ``"+007"`` → ``"7"``."""
    text = value.strip()
    if re.fullmatch(r"[+-]?[0-9]+", text) is None:
        raise InvalidValue("integer", "must be a whole number in decimal digits")
    try:
        return str(int(text))
    except ValueError:  # longer than Python's int-from-text limit (4300 digits)
        raise InvalidValue("integer", "has too many digits") from None


def _boolean(value: str) -> str:
    """``true``/``false``/``1``/``0``, any case → ``"true"`` or ``"false"``."""
    text = value.strip().lower()
    if text in ("true", "1"):
        return "true"
    if text in ("false", "0"):
        return "false"
    raise InvalidValue("boolean", "must be true, false, 1 or 0")


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _date(value: str) -> str:
    """ISO ``2026-02-13`` or Vietnamese ``13/02/2026`` (day first) → ``"2026-02-13"``."""
    text = value.strip()
    iso = _ISO_DATE.fullmatch(text)
    vn = None if iso else _VN_DATE.fullmatch(text)
    if iso:
        year, month, day = iso[1], iso[2], iso[3]
    elif vn:
        day, month, year = vn[1], vn[2], vn[3]
    else:
        raise InvalidValue("date", "must be YYYY-MM-DD or DD/MM/YYYY")
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise InvalidValue("date", "is not a day of the calendar") from None


def _timestamp(value: str) -> str:
    """ISO 8601 with a UTC offset → that instant in UTC, ISO.

    ``"2026-02-13T16:30+07:00"`` → ``"2026-02-13T09:30:00+00:00"``.
    """
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidValue("timestamp", "must be an ISO 8601 date and time") from None
    if moment.utcoffset() is None:
        raise InvalidValue("timestamp", "must include a UTC offset, e.g. +07:00 or Z")
    try:
        return moment.astimezone(dt.UTC).isoformat()
    except OverflowError:
        raise InvalidValue("timestamp", "is outside the years 1-9999 in UTC") from None


def _file(value: str) -> str:
    raise InvalidValue("file", "files are uploaded as attachments, not as field values")


_SIMPLE: Mapping[str, Callable[[str], str]] = {
    "text": lambda v: _text("text", v, _CONTROL),
    "address": lambda v: _text("address", v, _CONTROL),
    "long_text": _long_text,
    "email": _email,
    "url": _url,
    "json": _json,
    "integer": _integer,
    "boolean": _boolean,
    "date": _date,
    "timestamp": _timestamp,
    "card_number": identifiers.card_number,
    "file": _file,
}
