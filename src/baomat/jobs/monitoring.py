"""The monitoring sweep: alerts to staff on bulk reads, refused decisions and logins, and a
broken audit chain."""

from __future__ import annotations

from collections.abc import Callable

from baomat.config import Settings
from baomat.domain.monitoring import Rules, Threshold
from baomat.jobs.job import Context, Outcome
from baomat.services import monitoring


def rules_of(settings: Settings) -> Rules:
    """Settings → the rules they configure (a limit of -1 turns a rule off)."""

    def rule(limit: int) -> Threshold | None:
        return None if limit < 0 else Threshold(limit, settings.monitor_window)

    return Rules(
        bulk_reads=rule(settings.monitor_bulk_reads),
        denied_decisions=rule(settings.monitor_denied_decisions),
        failed_logins=rule(settings.monitor_failed_logins),
        verify_chain=settings.monitor_verify_chain,
    )


def chain_check(ctx: Context) -> Outcome:
    """Verifies every tenant's audit chain; a new break raises its alert → counts."""
    return Outcome({"broken_chains": monitoring.verify_chains(ctx.uow, ctx.clock)})


def sweeper(rules: Rules) -> Callable[[Context], Outcome]:
    """The job that sweeps with `rules`."""

    def sweep(ctx: Context) -> Outcome:
        """Judges the audit entries written since the last sweep → counts."""
        report = monitoring.sweep(ctx.uow, ctx.clock, rules)
        return Outcome(
            {
                "tenants": report.tenants,
                "entries": report.entries,
                "alerts": report.alerts,
                "broken_chains": report.broken_chains,
            }
        )

    return sweep
