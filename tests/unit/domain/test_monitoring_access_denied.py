from __future__ import annotations

import datetime as dt

from baomat.domain.monitoring import DENIED_DECISIONS, Entry, Rules, Threshold, findings
from baomat.domain.refusals import ACCESS_DENIED

T = dt.datetime(2026, 2, 13, 3, 0, tzinfo=dt.UTC)


def _refused_call(seq: int, actor: str = "staff:lan") -> Entry:
    return Entry(seq, T + dt.timedelta(seconds=seq), actor, ACCESS_DENIED, None, "denied")


def test_staff_calls_refused_a_permission_count_with_refused_decisions_per_actor() -> None:
    rules = Rules(denied_decisions=Threshold(3, 300))
    calls = [_refused_call(i) for i in range(2)]
    decisions = [Entry(9 + i, T, "staff:lan", "decision", "s1", "deny") for i in range(2)]
    [found] = findings(rules, [*calls, *decisions, _refused_call(20, "staff:binh")])
    assert (found.kind, found.reference, found.count) == (DENIED_DECISIONS, "staff:lan", 4)


def test_refused_calls_up_to_the_limit_raise_nothing() -> None:
    rules = Rules(denied_decisions=Threshold(3, 300))
    assert findings(rules, [_refused_call(i) for i in range(3)]) == []
