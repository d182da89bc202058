"""Vietnamese identifiers and card numbers: structure and check digits → canonical digits.

``citizen_id("001 2 95 012345")`` → ``"001295012345"``;
``tax_code("0314409058 - 002")`` → ``"0314409058-002"``. Each function raises
`InvalidValue` naming the rule broken and its source, never the value: these
are personal data (LAW.md "Identifiers").
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources

import yaml
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.vn import mst

from baomat.domain.normalise import InvalidValue, normalise_digits

CCCD = "cccd"
CMND_OR_CCCD = "cmnd_or_cccd"


@functools.cache
def province_codes() -> frozenset[str]:
    """The 3-digit province codes that open a CCCD, from ``data/identifiers/vn_provinces.yaml``."""
    source = resources.files("baomat") / "data" / "identifiers" / "vn_provinces.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    codes = doc.get("provinces") if isinstance(doc, dict) else None
    if not isinstance(codes, dict) or not all(
        isinstance(c, str) and len(c) == 3 and c.isdigit() for c in codes
    ):
        raise ValueError("vn_provinces.yaml: 'provinces' must map quoted 3-digit codes to names")
    return frozenset(codes)


def birth_year(cccd: str) -> int:
    """The birth year a CCCD states: ``"001295012345"`` → 1995, ``"079305000001"`` → 2005.

    The fourth digit gives century and sex (0/1 for 1900–1999, 2/3 for
    2000–2099, … up to 8/9 for 2300–2399), the next two the year within it
    (Circular 07/2016/TT-BCA Art. 7, Appendix III).
    """
    return 1900 + 100 * (int(cccd[3]) // 2) + int(cccd[4:6])


def _cccd(field_type: str, digits: str, today: dt.date | None) -> str:
    """Checks a 12-digit personal identification number's structure `PPP G YY RRRRRR`.

    No check digit exists (LAW.md "Identifiers"); what can be checked is the
    province code (Appendix I) and, given ``today``, that the birth year it
    states is not in the future. Every digit 0–9 is a valid century-and-sex
    digit, so that digit needs no check of its own.
    """
    if digits[:3] not in province_codes():
        raise InvalidValue(
            field_type,
            "the first three digits are not a province code (Circular 07/2016/TT-BCA, Appendix I)",
        )
    if today is not None and birth_year(digits) > today.year:
        raise InvalidValue(
            field_type,
            "the birth year given by digits 4-6 is in the future "
            "(Circular 07/2016/TT-BCA, Appendix III)",
        )
    return digits


def citizen_id(value: str, *, validator: str | None = None, today: dt.date | None = None) -> str:
    """A CCCD (12 digits) or an old CMND (9 digits) → its digits, spaces and dashes removed.

    Validator ``cmnd_or_cccd`` (the default) takes both; ``cccd`` only the
    12-digit number. A 12-digit CMND, which some provinces issued, cannot be
    told from a CCCD and is checked as one (LAW.md "Identifiers"). The old
    9-digit CMND has no published structure to check beyond its length.
    """
    digits = normalise_digits("citizen_id", value)
    if len(digits) == 12:
        return _cccd("citizen_id", digits, today)
    if validator == CCCD:
        raise InvalidValue("citizen_id", "must have 12 digits (CCCD)")
    if len(digits) == 9:
        return digits
    raise InvalidValue("citizen_id", "must have 12 digits (CCCD) or 9 (old CMND)")


def tax_code(value: str, *, today: dt.date | None = None) -> str:
    """An MST → ``"0110375724"``, ``"0314409058-002"`` (branch) or a 12-digit personal ID.

    Ten digits whose tenth is the check digit of the first nine, plus three
    for a branch (python-stdnum `stdnum.vn.mst`); since 1 Jul 2025 an
    individual's tax code is their 12-digit personal identification number,
    checked as a CCCD (LAW.md "Identifiers").
    """
    digits = normalise_digits("tax_code", value)
    if len(digits) == 12:
        return _cccd("tax_code", digits, today)
    if len(digits) not in (10, 13):
        raise InvalidValue(
            "tax_code",
            "must have 10 digits, 13 for a branch, or 12 (personal identification number)",
        )
    try:
        mst.validate(digits)
    except InvalidChecksum:
        raise InvalidValue("tax_code", "the tenth digit is not the check digit (MST)") from None
    except InvalidComponent:
        raise InvalidValue(
            "tax_code", "sequence 0000000 and branch 000 are never issued (MST)"
        ) from None
    except ValidationError:
        raise InvalidValue("tax_code", "is not a valid MST") from None
    return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"


def card_number(value: str) -> str:
    """A payment card number → its digits: 12 to 19 of them passing the Luhn check.

    Length and check digit per ISO/IEC 7812-1 (python-stdnum `stdnum.luhn`).
    """
    digits = normalise_digits("card_number", value)
    if not 12 <= len(digits) <= 19:
        raise InvalidValue("card_number", "must have 12 to 19 digits (ISO/IEC 7812)")
    if not luhn.is_valid(digits):
        raise InvalidValue(
            "card_number", "the last digit is not the Luhn check digit (ISO/IEC 7812)"
        )
    return digits
