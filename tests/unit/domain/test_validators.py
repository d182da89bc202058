"""Validating collected values by field type: what each type accepts, stores and refuses."""

from __future__ import annotations

import datetime as dt
import unicodedata

import email_validator
import pytest
from faker import Faker

from baomat.domain import identifiers
from baomat.domain.normalise import InvalidValue
from baomat.domain.validators import DEFAULT_MAX_LENGTH, _email_fast, validate

TODAY = dt.date(2026, 2, 13)


@pytest.fixture
def fake() -> Faker:
    faker = Faker("vi_VN")
    faker.seed_instance(2026)
    return faker


def _rule(spec_type: str, value: str, **kwargs: object) -> str:
    with pytest.raises(InvalidValue) as caught:
        validate(spec_type, value, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field_type == spec_type
    return caught.value.rule


# --- phone -------------------------------------------------------------------


def test_generated_vietnamese_mobiles_are_stored_as_e164(fake: Faker) -> None:
    for _ in range(50):
        national = f"09{fake.random_element('0134678')}{fake.numerify('#######')}"
        spaced = f"{national[:4]} {national[4:7]} {national[7:]}"
        assert validate("phone", spaced, validator="vn_mobile") == "+84" + national[1:]
        assert validate("phone", "+84" + national[1:]) == "+84" + national[1:]


def test_a_landline_is_a_phone_but_not_a_vn_mobile() -> None:
    assert validate("phone", "(028) 3850 3852") == "+842838503852"
    assert "Vietnamese mobile" in _rule("phone", "(028) 3850 3852", validator="vn_mobile")


def test_a_foreign_mobile_is_not_a_vn_mobile() -> None:
    assert validate("phone", "+1 650-253-0000") == "+16502530000"
    assert "Vietnamese mobile" in _rule("phone", "+1 650-253-0000", validator="vn_mobile")


@pytest.mark.parametrize("typed", ["12345", "0123 456 789", "gọi tôi", "+84 1"])
def test_numbers_outside_the_numbering_plan_are_refused(typed: str) -> None:
    _rule("phone", typed)


# --- email -------------------------------------------------------------------


def test_generated_addresses_keep_the_local_part_and_lower_case_the_domain(fake: Faker) -> None:
    for _ in range(50):
        local, _, domain = fake.email().partition("@")
        typed = f" {local.title()}@{domain.upper()} "
        assert validate("email", typed) == f"{local.title()}@{domain}"


@pytest.mark.parametrize(
    "typed",
    [
        "no-at-sign",
        "a@b",
        "a..b@example.vn",
        "a@example.test",
        "an @example.vn",
        "a@-x.vn",
        "@x.vn",
    ],
)
def test_addresses_that_break_the_syntax_are_refused(typed: str) -> None:
    assert "RFC 5322" in _rule("email", typed)


def test_the_fast_path_gives_email_validators_answer(fake: Faker) -> None:
    samples = [fake.email() for _ in range(200)]
    samples += [Faker(locale).email() for locale in ("en_US", "de_DE", "fr_FR", "ja_JP")]
    samples += [
        "Ngoc.Tran@Example.VN", "INFO@Shop.VN", "Support@x.co", "a+tag@sub.domain.com.vn",
        "o'neil@x.vn", "x@a-b.vn", "x@1.2.vn", "a@b.c", "x@ab--cd.vn", "x@xn--vi-du-nra.vn",
        "x@mail.localhost", "x@box.onion", "x@b.123", "nguyễn@ví-dụ.vn", "a" * 65 + "@x.vn",
        "a@" + "b" * 64 + ".vn", "a@" + ("b" * 60 + ".") * 4 + "vn", "x@a_b.vn", "x.@y.vn",
    ]  # fmt: skip
    hits = 0
    for address in samples:
        fast = _email_fast(address)
        if fast is None:
            continue
        hits += 1
        full = email_validator.validate_email(address, check_deliverability=False).normalized
        assert fast == full, address
    assert hits >= 200  # the comparison is not vacuous: generated addresses take the fast path


# --- tax code ----------------------------------------------------------------


@pytest.mark.parametrize("mst", ["0110375724", "0315224638", "0102850165"])
def test_company_tax_codes_of_the_seed_policies_are_valid(mst: str) -> None:
    assert validate("tax_code", mst) == mst


@pytest.mark.parametrize("typed", ["0314409058-002", "0314409058002", "0314409058 - 002"])
def test_a_branch_tax_code_is_stored_with_its_dash(typed: str) -> None:
    assert validate("tax_code", typed) == "0314409058-002"


def test_an_individuals_tax_code_is_their_personal_identification_number() -> None:
    assert validate("tax_code", "079 2 95 000123") == "079295000123"
    assert "province code" in _rule("tax_code", "003295000123")


def test_a_wrong_check_digit_is_refused() -> None:
    assert "check digit" in _rule("tax_code", "0110375725")


@pytest.mark.parametrize("typed", ["011037572", "01103757240", "0314409058-000", "01A0375724"])
def test_malformed_tax_codes_are_refused(typed: str) -> None:
    _rule("tax_code", typed)


# --- citizen id --------------------------------------------------------------


def _cccd(fake: Faker, century_digit: int, year: int) -> str:
    province = fake.random_element(sorted(identifiers.province_codes()))
    return f"{province}{century_digit}{year % 100:02d}{fake.numerify('######')}"


def test_generated_cccds_are_stored_as_digits(fake: Faker) -> None:
    for _ in range(50):
        born = fake.date_of_birth(minimum_age=14, maximum_age=90)
        cccd = _cccd(fake, 2 * (born.year // 100 - 19) + fake.random_int(0, 1), born.year)
        spaced = f"{cccd[:3]} {cccd[3:6]}-{cccd[6:]}"
        assert validate("citizen_id", spaced, validator="cccd", today=TODAY) == cccd


def test_an_unknown_province_code_is_refused() -> None:
    assert "province code" in _rule("citizen_id", "003295000123")  # 003 is no province


def test_a_birth_year_in_the_future_is_refused_only_when_today_is_known() -> None:
    born_2030 = "001230000123"  # century digit 2 (2000s, male), year 30
    assert "future" in _rule("citizen_id", born_2030, today=TODAY)
    assert validate("citizen_id", born_2030) == born_2030
    assert validate("citizen_id", "001226000123", today=TODAY) == "001226000123"


def test_an_old_nine_digit_cmnd_is_accepted_unless_the_field_asks_for_a_cccd() -> None:
    assert validate("citizen_id", "012 345 678") == "012345678"
    assert validate("citizen_id", "012345678", validator="cmnd_or_cccd") == "012345678"
    assert "12 digits" in _rule("citizen_id", "012345678", validator="cccd")


@pytest.mark.parametrize("typed", ["0123456789", "01234567890", "0012950001234", "00129500012a"])
def test_other_lengths_and_characters_are_refused(typed: str) -> None:
    _rule("citizen_id", typed)


# --- dates and times ---------------------------------------------------------


def test_dates_in_both_spellings_are_stored_iso(fake: Faker) -> None:
    for _ in range(50):
        day = fake.date_of_birth()
        assert validate("date", day.isoformat()) == day.isoformat()
        assert validate("date", day.strftime("%d/%m/%Y")) == day.isoformat()
    assert validate("date", "1/2/2026") == "2026-02-01"


@pytest.mark.parametrize("typed", ["29/02/2025", "2026-02-30", "31/04/2026", "00/01/2026"])
def test_impossible_dates_are_refused(typed: str) -> None:
    assert "calendar" in _rule("date", typed)


@pytest.mark.parametrize("typed", ["2026/02/13", "13-02-2026", "13.02.2026", "20260213", "hôm nay"])
def test_other_date_spellings_are_refused(typed: str) -> None:
    assert "DD/MM/YYYY" in _rule("date", typed)


def test_timestamps_are_stored_in_utc() -> None:
    assert validate("timestamp", "2026-02-13T16:30+07:00") == "2026-02-13T09:30:00+00:00"
    assert validate("timestamp", "2026-02-13T09:30:00Z") == "2026-02-13T09:30:00+00:00"
    assert "UTC offset" in _rule("timestamp", "2026-02-13T16:30")
    assert "ISO 8601" in _rule("timestamp", "13/02/2026 16:30")


# --- numbers, flags, links, choices, cards -----------------------------------


@pytest.mark.parametrize(("typed", "stored"), [("42", "42"), (" -7 ", "-7"), ("+007", "7")])
def test_integers_are_stored_plainly(typed: str, stored: str) -> None:
    assert validate("integer", typed) == stored


@pytest.mark.parametrize("typed", ["4.2", "1e3", "١٢", "12 000", "9" * 5000])
def test_anything_but_a_whole_decimal_number_is_refused(typed: str) -> None:
    _rule("integer", typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("true", "true"), ("1", "true"), ("TRUE", "true"), ("false", "false"), ("0", "false")],
)
def test_booleans_are_stored_as_true_or_false(typed: str, stored: str) -> None:
    assert validate("boolean", typed) == stored


def test_other_boolean_spellings_are_refused() -> None:
    _rule("boolean", "có")


def test_urls_keep_their_path_and_lower_case_scheme_and_host() -> None:
    assert validate("url", "HTTPS://WeSoft.Vn/Chinh-Sach?a=1") == "https://wesoft.vn/Chinh-Sach?a=1"


@pytest.mark.parametrize(
    "typed",
    ["ftp://x.vn/a", "javascript:alert(1)", "http://", "wesoft.vn", "http://u:p@x.vn/",
     "http://x.vn/a b", "http://x.vn:99999/"],
)  # fmt: skip
def test_other_urls_are_refused(typed: str) -> None:
    _rule("url", typed)


def test_a_choice_must_be_declared_and_is_matched_after_composition() -> None:
    choices = ["Nam", "Nữ", "Khác"]
    assert validate("choice", unicodedata.normalize("NFD", "Nữ"), choices=choices) == "Nữ"
    assert "choices" in _rule("choice", "Không nói", choices=choices)
    assert "no choices" in _rule("choice", "Nam")


def test_generated_card_numbers_are_stored_as_digits(fake: Faker) -> None:
    for _ in range(30):
        number = fake.credit_card_number()
        assert validate("card_number", " ".join([number[:4], number[4:]])) == number


def test_card_numbers_with_a_wrong_luhn_digit_or_length_are_refused() -> None:
    assert "Luhn" in _rule("card_number", "4111 1111 1111 1112")
    assert "12 to 19" in _rule("card_number", "4111 1111 111")


# --- text --------------------------------------------------------------------


def test_names_and_addresses_are_stripped_and_composed(fake: Faker) -> None:
    for _ in range(30):
        name, address = fake.name(), fake.address().replace("\n", ", ")
        assert validate("text", f"  {unicodedata.normalize('NFD', name)} ") == name
        assert validate("address", address) == address


@pytest.mark.parametrize(
    "typed",
    ["'; DROP TABLE subjects; --", "<script>alert('x')</script>", "<b onmouseover=x>Bình</b>",
     "1 OR 1=1", "{{7*7}} ${7*7}"],
)  # fmt: skip
def test_sql_html_and_script_text_is_stored_verbatim(typed: str) -> None:
    assert validate("text", typed) == typed
    assert validate("long_text", typed) == typed


def test_control_characters_are_refused_but_long_text_keeps_lines_and_tabs() -> None:
    assert "control" in _rule("text", "Lê\x00Văn")
    assert "control" in _rule("address", "12 Ngô Quyền\nHà Nội")
    assert "control" in _rule("long_text", "bell\x07")
    assert "control" in _rule("text", "lone \ud800 surrogate")
    assert validate("long_text", "dòng 1\r\ndòng 2\tcột\rdòng 3") == "dòng 1\ndòng 2\tcột\ndòng 3"


def test_a_ten_megabyte_value_is_refused_by_length() -> None:
    assert f"longer than {DEFAULT_MAX_LENGTH}" in _rule("long_text", "a" * 10 * 1024 * 1024)


def test_max_length_counts_the_stored_form() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")  # 18 code points, 14 composed
    assert validate("text", decomposed, max_length=14) == "Nguyễn Thị Ánh"
    assert "longer than 13" in _rule("text", decomposed, max_length=13)


# --- json, file, policy mistakes ---------------------------------------------


def test_json_must_parse_and_nest_at_most_32_deep() -> None:
    assert validate("json", ' {"a": [1, 2.5, null]} ') == '{"a": [1, 2.5, null]}'
    assert validate("json", "[" * 32 + "]" * 32) == "[" * 32 + "]" * 32
    assert "deeper than 32" in _rule("json", "[" * 33 + "]" * 33)
    assert "deeper than 32" in _rule("json", "[" * 50_000 + "]" * 50_000)
    assert "RFC 8259" in _rule("json", "[NaN]")
    assert "RFC 8259" in _rule("json", "{'a': 1}")


def test_files_are_not_field_values() -> None:
    assert _rule("file", "data:application/pdf;base64,JVBER") == (
        "files are uploaded as attachments, not as field values"
    )


def test_a_validator_the_type_does_not_know_is_refused() -> None:
    assert "'vn_mobile' does not apply" in _rule(
        "citizen_id", "001295000123", validator="vn_mobile"
    )
    assert "not a field type" in _rule("colour", "red")


# --- errors never echo the value ---------------------------------------------


@pytest.mark.parametrize(
    ("spec_type", "value", "kwargs"),
    [
        ("phone", "0123 987 6543", {}),
        ("phone", "0283 850 3852", {"validator": "vn_mobile"}),
        ("email", "secret.person@nowhere", {}),
        ("email", "secret person@example.vn", {}),
        ("tax_code", "0110375725", {}),
        ("citizen_id", "003295987654", {}),
        ("citizen_id", "001230987654", {"today": TODAY}),
        ("citizen_id", "987654321", {"validator": "cccd"}),
        ("date", "31/02/1987", {}),
        ("timestamp", "1987-02-13T16:30", {}),
        ("integer", "12.3456", {}),
        ("boolean", "secretly", {}),
        ("url", "ftp://secret.example.vn/x", {}),
        ("choice", "Bí mật lắm", {"choices": ["Nam"]}),
        ("card_number", "4111 1111 1111 1112", {}),
        ("text", "secret\x00words", {}),
        ("text", "secret words", {"max_length": 3}),
        ("json", '{"secret": }', {}),
        ("file", "secret-file-content", {}),
    ],
)
def test_no_error_message_contains_the_rejected_value(
    spec_type: str, value: str, kwargs: dict[str, object]
) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate(spec_type, value, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    for part in {value, value.strip(), value.replace(" ", ""), *value.split()}:
        if len(part) >= 4:
            assert part not in message, (spec_type, message)
