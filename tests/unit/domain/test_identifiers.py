"""Vietnamese identifiers: the province-code data file and what a CCCD's digits state."""

from __future__ import annotations

import pytest

from baomat.domain import identifiers


def test_the_data_file_lists_the_63_province_codes_of_circular_07_2016() -> None:
    codes = identifiers.province_codes()
    assert len(codes) == 63
    assert {"001", "079", "048", "096"} <= codes  # Hà Nội, TP.HCM, Đà Nẵng, Cà Mau
    assert "000" not in codes and "003" not in codes
    assert all(len(c) == 3 and c.isdigit() for c in codes)


@pytest.mark.parametrize(
    ("cccd", "year"),
    [("001095000001", 1995), ("001195000001", 1995), ("079205000001", 2005),
     ("079305000001", 2005), ("001400000001", 2100), ("001999000001", 2399)],
)  # fmt: skip
def test_the_century_digit_and_two_year_digits_give_the_birth_year(cccd: str, year: int) -> None:
    assert identifiers.birth_year(cccd) == year
