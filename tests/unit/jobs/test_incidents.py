from __future__ import annotations

import pytest
from pydantic import ValidationError

from baomat.config import Settings
from baomat.domain.notice_alerts import DEFAULT_LEAD_TIME
from baomat.domain.reminders import LeadTime
from baomat.jobs.catalog import catalog
from baomat.jobs.incidents import lead_of


def test_the_default_lead_is_the_domains_day() -> None:
    assert lead_of(Settings()) == DEFAULT_LEAD_TIME == LeadTime(24, "hours")


def test_the_lead_is_read_from_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMAT_INCIDENT_NOTICE_LEAD_HOURS", "6")
    settings = Settings()
    assert lead_of(settings) == LeadTime(6, "hours")
    assert "6 hours before" in catalog(settings)["incidents.sweep"].summary


@pytest.mark.parametrize("hours", [0, -1, 73])
def test_a_lead_outside_one_to_seventy_two_hours_is_refused_by_name(hours: int) -> None:
    with pytest.raises(ValidationError, match="incident_notice_lead_hours"):
        Settings(incident_notice_lead_hours=hours)
