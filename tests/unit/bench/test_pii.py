"""The `pii.*` figures: named lines with units, over generated text that holds personal data."""

from __future__ import annotations

import io

from baomat.bench.pii import measure, reviews
from baomat.domain.pii import Kind, scan


def test_measure_prints_throughput_and_the_ratio_to_a_plain_regex_pass() -> None:
    out = io.StringIO()

    measure(0.05, out, rounds=1)

    rows = [line.split(" ") for line in out.getvalue().splitlines()]
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("BENCH", "pii.scan_mb", "MB"),
        ("BENCH", "pii.findings", "findings"),
        ("BENCH", "pii.scan_mb_per_s", "MB/s"),
        ("BENCH", "pii.plain_regex_s", "s"),
        ("BENCH", "pii.scan_ratio", "x"),
    ]
    values = {r[1]: float(r[2]) for r in rows}
    assert values["pii.findings"] > 0
    assert values["pii.scan_mb_per_s"] > 0 and values["pii.scan_ratio"] > 0


def test_generated_reviews_are_as_long_as_asked_the_same_per_seed_and_hold_each_kind() -> None:
    text = reviews(200_000, seed=3)

    assert len(text.encode()) >= 200_000
    assert text == reviews(200_000, seed=3) != reviews(200_000, seed=4)
    kinds = {f.kind for f in scan(text)}
    assert kinds == {Kind.PHONE, Kind.EMAIL, Kind.ADDRESS, Kind.BANK_ACCOUNT, Kind.CARD_NUMBER,
                     Kind.CITIZEN_ID}  # fmt: skip
