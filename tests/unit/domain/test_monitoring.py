from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.monitoring import (
    BULK_READS,
    FAILED_LOGINS,
    Entry,
    Rules,
    Threshold,
    carry_from,
    findings,
    window_start,
)

T = dt.datetime(2026, 2, 13, 3, 0, tzinfo=dt.UTC)


def _read(seq: int, seconds: int, subject: str, actor: str = "staff:lan") -> Entry:
    return Entry(seq, T + dt.timedelta(seconds=seconds), actor, "subject.read", subject, "ok")


def test_windows_are_fixed_and_aligned_on_the_epoch() -> None:
    assert window_start(T + dt.timedelta(seconds=299), 300) == T
    assert window_start(T + dt.timedelta(seconds=300), 300) == T + dt.timedelta(minutes=5)


def test_more_than_the_limit_of_distinct_subjects_is_a_finding_and_the_limit_is_not() -> None:
    rules = Rules(bulk_reads=Threshold(3, 300))
    three = [_read(i, i, f"s{i}") for i in range(3)]
    twice = [*three, _read(9, 9, "s0")]  # the same subject twice counts once
    assert findings(rules, twice) == []
    [found] = findings(rules, [*three, _read(4, 4, "s4")])
    assert (found.kind, found.reference, found.count) == (BULK_READS, "staff:lan", 4)


def test_a_refused_read_is_no_read() -> None:
    refused = [Entry(i, T, "staff:lan", "subject.read", f"s{i}", "denied") for i in range(9)]
    assert findings(Rules(bulk_reads=Threshold(3, 300)), refused) == []


def test_failed_logins_count_for_the_tenant_whoever_they_claim() -> None:
    tries = [Entry(i, T, f"staff:a{i}", "staff.login", None, "denied") for i in range(4)]
    [found] = findings(Rules(failed_logins=Threshold(3, 300)), tries)
    assert (found.kind, found.reference, found.count) == (FAILED_LOGINS, "tenant", 4)


def test_the_same_window_gives_the_same_alert_and_the_next_window_another() -> None:
    rules = Rules(bulk_reads=Threshold(0, 300))
    [a] = findings(rules, [_read(1, 1, "s1")])
    [b] = findings(rules, [_read(1, 2, "s1"), _read(2, 3, "s2")])
    [c] = findings(rules, [_read(1, 301, "s1")])
    assert a.alert("shop", T).id == b.alert("shop", T).id != c.alert("shop", T).id
    assert a.alert("shop", T).id != a.alert("other", T).id


def test_the_next_sweep_starts_at_the_oldest_window_still_open() -> None:
    rules = Rules(bulk_reads=Threshold(0, 300), denied_decisions=Threshold(0, 600))
    entries = [_read(1, -100, "s1"), _read(5, 50, "s2"), _read(8, 400, "s3")]
    assert carry_from(rules, entries) == 5  # the 10-minute window holding the last opened at T
    assert carry_from(Rules(None, None, None), entries) == 9
    assert carry_from(rules, []) is None


def test_a_threshold_needs_a_positive_window() -> None:
    with pytest.raises(ValueError):
        Threshold(1, 0)
