from __future__ import annotations

from baomat.config import Settings
from baomat.domain.monitoring import Rules, Threshold
from baomat.jobs.catalog import catalog
from baomat.jobs.monitoring import rules_of
from baomat.jobs.schedule import Every


def test_the_settings_give_the_rules_and_minus_one_turns_a_rule_off() -> None:
    settings = Settings(monitor_bulk_reads=150, monitor_failed_logins=-1, monitor_window=600)
    assert rules_of(settings) == Rules(
        bulk_reads=Threshold(150, 600), denied_decisions=Threshold(20, 600), failed_logins=None
    )


def test_the_defaults_are_the_domains_and_the_sweep_runs_every_five_minutes() -> None:
    assert rules_of(Settings()) == Rules.defaults()
    assert catalog(Settings())["monitoring.sweep"].schedule == Every(300)
