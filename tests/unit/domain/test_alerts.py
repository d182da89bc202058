"""An alert to staff is acknowledged once, by someone, at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.alerts import COMPLAINT_OVERDUE, Alert
from baomat.domain.errors import Conflict, Invalid

AT = dt.datetime(2026, 3, 7, tzinfo=dt.UTC)


def _alert() -> Alert:
    return Alert.once("complaint:c1:overdue", COMPLAINT_OVERDUE, "c1", AT, {"complaint": "c1"})


def test_an_acknowledged_alert_records_who_and_when_and_is_no_longer_open() -> None:
    alert = _alert()
    assert alert.is_open
    alert.acknowledge(AT + dt.timedelta(hours=1), "staff:lan")
    assert (alert.is_open, alert.acknowledged_by) == (False, "staff:lan")
    assert alert.acknowledged_at == AT + dt.timedelta(hours=1)


def test_an_alert_is_acknowledged_once() -> None:
    alert = _alert()
    alert.acknowledge(AT, "staff:lan")
    with pytest.raises(Conflict, match="already acknowledged"):
        alert.acknowledge(AT, "staff:minh")
    assert alert.acknowledged_by == "staff:lan"


def test_the_same_key_names_the_same_alert_and_another_key_another() -> None:
    again = Alert.once("complaint:c1:overdue", COMPLAINT_OVERDUE, "c1", AT, {})
    other = Alert.once("complaint:c1:reminder:1_days", COMPLAINT_OVERDUE, "c1", AT, {})
    assert _alert().id == again.id != other.id
    assert len(again.id) == 32


def test_someone_must_acknowledge_it() -> None:
    with pytest.raises(Invalid):
        _alert().acknowledge(AT, " ")
