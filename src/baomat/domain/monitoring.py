"""Monitoring's rules: what in the audit trail needs a person's attention, as data.

    rules = Rules.defaults()                      (or Rules(bulk_reads=Threshold(100, 600), ...))
    findings(rules, entries)                      → [Finding(kind, key, reference, window, count)]
    finding.alert(tenant, now)                    → an Alert raised once per key

A rule counts per actor (or per tenant) within fixed windows aligned on the
epoch (`window` seconds: 10:00–10:05, 10:05–10:10, ...) and finds a window
whose count is *more than* its `limit`; the alert's key names the rule, the
actor and the window, so one window gives one alert however many sweeps see
it. Counts and ids only: never a subject's id or values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from baomat.domain.alerts import Alert, Detail
from baomat.domain.refusals import ACCESS_DENIED

BULK_READS = "monitoring.bulk_reads"
"""One actor read more distinct subjects in a window than the rule allows."""
DENIED_DECISIONS = "monitoring.denied_decisions"
"""One actor was refused more decisions, or more calls for want of a permission, in a window
than the rule allows."""
FAILED_LOGINS = "monitoring.failed_logins"
"""A tenant saw more refused logins in a window than the rule allows."""
AUDIT_CHAIN_BROKEN = "monitoring.audit_chain_broken"
"""The tenant's audit chain fails verification."""

READ_ACTIONS = frozenset({"subject.read", "attachment.read", "disclosure.release"})
DECISION_ACTION = "decision"
DENIAL_ACTIONS = frozenset({DECISION_ACTION, ACCESS_DENIED})
"""What the denied rule counts: refused decisions, and calls refused at a route's door (a staff
role without the permission, a session of the wrong kind, a subject naming another)."""
LOGIN_ACTIONS = frozenset({"staff.login", "subject.login"})
DENIED = frozenset({"deny", "denied"})
"""`decision` entries say `deny`; reads and logins say `denied`."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """More than `limit` within `window` seconds raises an alert."""

    limit: int
    window: int

    def __post_init__(self) -> None:
        if self.limit < 0 or self.window <= 0:
            raise ValueError("a threshold needs limit >= 0 and window > 0 seconds")


@dataclass(frozen=True, slots=True)
class Rules:
    """The thresholds of each rule; a rule set to None is off. Defaults: 100 distinct subjects
    read in 5 minutes, 20 refused decisions or staff calls in 5 minutes, 20 refused logins in
    5 minutes."""

    bulk_reads: Threshold | None = Threshold(100, 300)
    denied_decisions: Threshold | None = Threshold(20, 300)
    failed_logins: Threshold | None = Threshold(20, 300)
    verify_chain: bool = True

    @classmethod
    def defaults(cls) -> Rules:
        return cls()

    @property
    def widest(self) -> int:
        """The longest window of the rules that are on (seconds; 0 when none is)."""
        on = (self.bulk_reads, self.denied_decisions, self.failed_logins)
        return max((t.window for t in on if t is not None), default=0)


@dataclass(frozen=True, slots=True)
class Entry:
    """What monitoring reads of an audit entry."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    subject: str | None
    outcome: str


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    reference: str
    """The actor, or `tenant` for a tenant-wide rule."""
    window_start: dt.datetime
    window: int
    count: int
    limit: int

    def alert(self, tenant: str, at: dt.datetime) -> Alert:
        start = self.window_start.strftime("%Y-%m-%dT%H:%M:%SZ")
        key = f"{self.kind}:{tenant}:{self.reference}:{start}:{self.window}"
        detail: Detail = {
            "rule": self.kind,
            "actor": self.reference,
            "window_start": start,
            "window_seconds": self.window,
            "count": self.count,
            "limit": self.limit,
        }
        return Alert.once(key, self.kind, self.reference, at, detail)


def window_start(at: dt.datetime, window: int) -> dt.datetime:
    """The start of the fixed `window`-second window holding `at` (aligned on the epoch)."""
    seconds = int(at.timestamp())
    return dt.datetime.fromtimestamp(seconds - seconds % window, dt.UTC)


def findings(rules: Rules, entries: Iterable[Entry]) -> list[Finding]:
    """The windows over their limit among `entries` → one finding per rule, actor and window.

    Give it every entry of the windows it should judge: a window seen only in
    part is judged on that part.
    """
    reads: dict[tuple[str, dt.datetime], set[str]] = {}
    denials: dict[tuple[str, dt.datetime], int] = {}
    logins: dict[tuple[str, dt.datetime], int] = {}
    for e in entries:
        if rules.bulk_reads and e.action in READ_ACTIONS and e.outcome == "ok" and e.subject:
            key = (e.actor, window_start(e.at, rules.bulk_reads.window))
            reads.setdefault(key, set()).add(e.subject)
        elif rules.denied_decisions and e.action in DENIAL_ACTIONS and e.outcome in DENIED:
            key = (e.actor, window_start(e.at, rules.denied_decisions.window))
            denials[key] = denials.get(key, 0) + 1
        elif rules.failed_logins and e.action in LOGIN_ACTIONS and e.outcome in DENIED:
            key = ("tenant", window_start(e.at, rules.failed_logins.window))
            logins[key] = logins.get(key, 0) + 1
    found: list[Finding] = []
    if rules.bulk_reads:
        counts = {k: len(v) for k, v in reads.items()}
        found.extend(_over(BULK_READS, rules.bulk_reads, counts))
    if rules.denied_decisions:
        found.extend(_over(DENIED_DECISIONS, rules.denied_decisions, denials))
    if rules.failed_logins:
        found.extend(_over(FAILED_LOGINS, rules.failed_logins, logins))
    return found


def _over(
    kind: str, rule: Threshold, counts: dict[tuple[str, dt.datetime], int]
) -> Iterator[Finding]:
    for (who, start), count in sorted(counts.items()):
        if count > rule.limit:
            yield Finding(kind, who, start, rule.window, count, rule.limit)


def chain_alert(tenant: str, seq: int, reason: str, at: dt.datetime) -> Alert:
    """The alert of a broken audit chain: one per tenant and break (its first broken entry)."""
    detail: Detail = {"rule": AUDIT_CHAIN_BROKEN, "seq": seq, "reason": reason}
    key = f"{AUDIT_CHAIN_BROKEN}:{tenant}:{seq}"
    return Alert.once(key, AUDIT_CHAIN_BROKEN, "audit", at, detail)


def carry_from(rules: Rules, entries: list[Entry]) -> int | None:
    """The first seq of the oldest window still open at the last of `entries` → where the next
    sweep starts reading; None when `entries` is empty."""
    if not entries:
        return None
    last = entries[-1].at
    starts = [
        window_start(last, t.window)
        for t in (rules.bulk_reads, rules.denied_decisions, rules.failed_logins)
        if t is not None
    ]
    if not starts:
        return entries[-1].seq + 1
    oldest = min(starts)
    for e in entries:
        if e.at >= oldest:
            return e.seq
    return entries[-1].seq + 1


__all__ = [
    "AUDIT_CHAIN_BROKEN",
    "BULK_READS",
    "DENIED_DECISIONS",
    "FAILED_LOGINS",
    "Entry",
    "Finding",
    "Rules",
    "Threshold",
    "carry_from",
    "chain_alert",
    "findings",
    "window_start",
]
