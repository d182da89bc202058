"""Monitoring's sweep: reads the audit entries written since the last sweep and raises
alerts to staff where a rule's threshold is passed (`domain.monitoring`).

    sweep(app.uow, app.clock)                       → SweepReport(entries=..., alerts=...)
    sweep(app.uow, app.clock, Rules(bulk_reads=Threshold(50, 600)))

Each tenant remembers where it got to (`monitor_marks`): the last entry
judged and the first entry of the oldest window still open then, so the next
sweep reads a primary-key range from there and judges a window that spans
two sweeps whole. Alerts are keyed by rule, actor and window: a window over
its limit raises one alert however many sweeps see it. Raising is audited by
kind and count (`alert.raise`), never with a subject's id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from baomat.domain import monitoring
from baomat.domain.alerts import Alert
from baomat.domain.monitoring import Rules
from baomat.services import alerts
from baomat.store.uow import UnitOfWork

SWEEP_ACTOR = "job:monitoring.sweep"
WATCHED = monitoring.READ_ACTIONS | monitoring.LOGIN_ACTIONS | monitoring.DENIAL_ACTIONS


@dataclass(frozen=True, slots=True)
class SweepReport:
    tenants: int = 0
    entries: int = 0
    alerts: int = 0
    broken_chains: int = 0


def sweep(
    new_uow: Callable[..., UnitOfWork],
    clock: Callable[[], dt.datetime],
    rules: Rules | None = None,
    *,
    batch: int = 200_000,
) -> SweepReport:
    """Judges every tenant's new audit entries (and verifies its chain) → what it found.

    One transaction per tenant: its alerts, their audit entries and its new
    mark land together. A tenant with more than `batch` new entries is judged
    `batch` at a time, each its own transaction, until it is caught up.
    """
    rules = rules or Rules.defaults()
    now = clock()
    with new_uow(read_only=True) as uow:
        tenant_ids = uow.monitor.tenants()
    entries = raised = broken = 0
    for tenant in tenant_ids:
        while True:
            read, found, head_reached = _sweep_tenant(new_uow, tenant, rules, now, batch)
            entries += read
            raised += found
            if head_reached:
                break
        if rules.verify_chain:
            broken += _verify(new_uow, tenant, now)
    return SweepReport(len(tenant_ids), entries, raised, broken)


def _sweep_tenant(
    new_uow: Callable[..., UnitOfWork], tenant: str, rules: Rules, now: dt.datetime, batch: int
) -> tuple[int, int, bool]:
    """One batch of one tenant → (entries newly judged, alerts raised, caught up)."""
    with new_uow() as uow:
        mark = uow.monitor.mark(tenant, lock=True)
        seen, start = mark if mark is not None else (0, 1)
        head = uow.monitor.head(tenant)
        last = min(head, seen + batch)
        if last <= seen:
            return 0, 0, True
        read = uow.monitor.entries(tenant, start, last, WATCHED)
        candidates = [f.alert(tenant, now) for f in monitoring.findings(rules, read)]
        new = alerts.raise_within(uow, tenant, candidates, SWEEP_ACTOR, now)
        carry = monitoring.carry_from(rules, read)
        # The audit entries of raising come after `head`: they are no reads, decisions or logins.
        uow.monitor.set_mark(tenant, last, last + 1 if carry is None else carry, now)
        uow.commit()
    return last - seen, len(new), last >= head


def verify_chains(new_uow: Callable[..., UnitOfWork], clock: Callable[[], dt.datetime]) -> int:
    """Verifies every tenant's audit chain, alerting once per break → new breaks found.

    Reading whole chains is the heavy part of monitoring: the job runs it hourly,
    apart from the five-minute sweep of new entries (`sweep` with `verify_chain`
    does both at once, as a hand-run check does).
    """
    now = clock()
    with new_uow(read_only=True) as uow:
        tenant_ids = uow.monitor.tenants()
    return sum(_verify(new_uow, tenant, now) for tenant in tenant_ids)


def _verify(new_uow: Callable[..., UnitOfWork], tenant: str, now: dt.datetime) -> int:
    """Verifies the tenant's chain; a break raises its alert (once per break) → 1 if new."""
    with new_uow(read_only=True) as uow:
        _, broken = uow.audit.verify(tenant)
    if broken is None:
        return 0
    alert: Alert = monitoring.chain_alert(tenant, broken.seq, broken.reason, now)
    with new_uow() as uow:
        new = alerts.raise_within(uow, tenant, [alert], SWEEP_ACTOR, now)
        uow.commit()
    return len(new)
