"""Normalising values for the blind index: one spelling per value, errors that never echo it."""

from __future__ import annotations

import unicodedata

import pytest
from faker import Faker

from baomat.domain.normalise import (
    InvalidValue,
    normalise_email,
    normalise_for_index,
    normalise_phone,
    normalise_text,
)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0974 063 482", "+84974063482"),
        ("+84974063482", "+84974063482"),
        ("+84 974 063 482", "+84974063482"),
        ("84974063482", "+84974063482"),
        ("0084974063482", "+84974063482"),
        ("097-406-3482", "+84974063482"),
        ("(028) 3850 3852", "+842838503852"),
        ("028.3850.3852", "+842838503852"),
        ("+1 650-253-0000", "+16502530000"),
    ],
)
def test_vietnamese_phone_spellings_normalise_to_e164(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


def test_a_national_number_is_read_in_the_region_given() -> None:
    assert normalise_phone("(650) 253-0000", region="US") == "+16502530000"


@pytest.mark.parametrize("value", ["", "abc", "0974", "12345", "0974 063 482 999 111", "+84 00"])
def test_an_invalid_phone_is_refused_without_echoing_the_value(value: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalise_phone(value)

    assert isinstance(caught.value, ValueError)
    assert caught.value.field_type == "phone"
    assert caught.value.rule in str(caught.value)
    digits = "".join(c for c in value if c.isdigit())
    assert not digits or digits not in str(caught.value)
    assert value.strip() == "" or value not in str(caught.value)


def test_an_email_is_stripped_and_lower_cased_as_a_whole() -> None:
    assert normalise_email("  Nguyen.An@Gmail.COM \n") == "nguyen.an@gmail.com"


def test_email_dots_and_plus_tags_are_kept() -> None:
    assert normalise_email("Nguyen.An+Shop@Example.vn") == "nguyen.an+shop@example.vn"


@pytest.mark.parametrize("value", ["", "an.example.vn", "@example.vn", "an@"])
def test_an_address_without_local_part_at_and_domain_is_refused(value: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalise_email(value)

    assert caught.value.field_type == "email"
    assert value == "" or value not in str(caught.value)


def test_a_branch_tax_code_keeps_its_suffix_as_the_last_three_digits() -> None:
    assert normalise_for_index("tax_code", "0101234567-001") == "0101234567001"
    assert normalise_for_index("tax_code", "0101234567 001") == "0101234567001"
    assert normalise_for_index("tax_code", "0101234567") == "0101234567"


def test_citizen_id_spaces_dashes_and_full_width_digits_are_normalised() -> None:
    assert normalise_for_index("citizen_id", " 001 099–012 345 ") == "001099012345"
    assert normalise_for_index("citizen_id", "００１０９９０１２３４５") == "001099012345"


@pytest.mark.parametrize("value", ["0101234567a", "", " - ", "0101234567/001", "١٢٣"])
def test_an_identifier_with_other_characters_is_refused_without_echoing_it(value: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalise_for_index("citizen_id", value)

    assert caught.value.field_type == "citizen_id"
    assert value.strip(" -") == "" or value not in str(caught.value)


def test_text_is_stripped_case_folded_and_composed() -> None:
    assert normalise_text("  NGUYỄN Văn An ") == "nguyễn văn an"


def test_precomposed_and_combining_vietnamese_text_normalise_alike() -> None:
    fake = Faker("vi_VN")
    fake.seed_instance(84)
    for name in [fake.name() for _ in range(20)] + [fake.address() for _ in range(5)]:
        decomposed = unicodedata.normalize("NFD", name.upper())

        assert normalise_text(decomposed) == normalise_text(name)
        assert unicodedata.is_normalized("NFC", normalise_text(decomposed))


@pytest.mark.parametrize(
    ("data_type", "value", "normalised"),
    [
        ("phone", "0974 063 482", "+84974063482"),
        ("email", " An@Example.VN", "an@example.vn"),
        ("tax_code", "0101234567-001", "0101234567001"),
        ("citizen_id", "001099012345", "001099012345"),
        ("card_number", "4111 1111 1111 1111", "4111111111111111"),
        ("text", " Trần Thị BÌNH ", "trần thị bình"),
        ("address", "Số 1 Phố Huế", "số 1 phố huế"),
    ],
)
def test_normalising_for_the_index_follows_the_data_type(
    data_type: str, value: str, normalised: str
) -> None:
    assert normalise_for_index(data_type, value) == normalised


def test_the_vietnamese_mobile_fast_path_agrees_with_a_full_parse() -> None:
    import random

    import phonenumbers

    from baomat.domain.normalise import _vn_mobile_fast

    rng = random.Random(11)
    checked = 0
    for _ in range(4_000):
        digits = f"{rng.randrange(10**9):09d}"
        for written in (f"0{digits}", f"+84{digits}", f"0{digits[:2]} {digits[2:5]} {digits[5:]}"):
            fast = _vn_mobile_fast(written)
            try:
                number = phonenumbers.parse(written, "VN")
            except phonenumbers.NumberParseException:
                full = None
            else:
                full = (
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                    if phonenumbers.is_valid_number(number)
                    else None
                )
            if fast is not None:
                checked += 1
                assert fast == full, written
    assert checked > 300  # the fast path was really taken
