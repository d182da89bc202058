"""The HTTP figure's percentile: nearest rank, so a p99 is always a latency that was measured."""

from __future__ import annotations

from baomat.bench.http import p99


def test_p99_of_a_hundred_samples_is_the_ninety_ninth_smallest() -> None:
    samples = [float(i) for i in range(100, 0, -1)]

    assert p99(samples) == 99.0


def test_p99_of_a_thousand_samples_leaves_the_ten_slowest_above_it() -> None:
    samples = [float(i) for i in range(1, 1001)]

    assert p99(samples) == 990.0
    assert sum(s > p99(samples) for s in samples) == 10


def test_p99_of_one_sample_is_that_sample() -> None:
    assert p99([0.25]) == 0.25
