"""The retention sweep over a real store: dry runs report, real runs erase, holds keep."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from baomat.bootstrap import App
from baomat.cli.main import app as cli
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.errors import Conflict, NotFound
from baomat.domain.retention import Action
from baomat.policy.model import Policy
from baomat.services import holds, retention, subjects, tenants
from tests.integration.shop import AT, SHOP

CALENDAR = load_vn_calendar()
AFTER_CLOSURE = {
    **SHOP,
    "tenant": "market",
    "retention": [
        {"id": "one_year_after_closure", "trigger": "after_closure",
         "period": {"amount": 1, "unit": "years"}},
    ],
}  # fmt: skip


@pytest.fixture
def market(app: App) -> Policy:
    policy = Policy.model_validate(AFTER_CLOSURE)
    tenants.publish_policy(app.uow(), policy, _yaml(AFTER_CLOSURE), "test", AT)
    return policy


def _yaml(doc: dict[str, object]) -> str:
    import yaml

    return yaml.safe_dump(doc, allow_unicode=True)


def _members(app: App, policy: Policy, n: int) -> list[str]:
    records = [{"full_name": "Đỗ Minh Khôi", "email": f"k{i}@example.vn"} for i in range(n)]
    return subjects.register(app.uow(), policy, "member", records, "test", AT)


def test_a_dry_run_reports_and_erases_nothing(app: App, market: Policy) -> None:
    ids = _members(app, market, 3)
    subjects.close_account(app.uow(), "market", ids[0], "test", AT)
    report = retention.sweep(
        app.uow, "market", AT + dt.timedelta(days=400), CALENDAR, dry_run=True, actor="test"
    )
    assert report.checked == 3
    assert [(v.subject, v.action) for v in report.verdicts] == [(ids[0], Action.ERASE)]
    assert report.erased == 0
    got = subjects.read(app.uow(), market, ids[0], ["email"], "service", "test", AT)
    assert got == {"email": "k0@example.vn"}


def test_a_real_run_erases_what_is_due_and_keeps_what_is_held(app: App, market: Policy) -> None:
    ids = _members(app, market, 3)
    for sid in ids[:2]:
        subjects.close_account(app.uow(), "market", sid, "test", AT)
    hold = holds.place(app.uow(), "market", ids[1], "complaint", "KN-2026-001", "test", AT)
    with pytest.raises(Conflict, match="legal hold \\(complaint\\)"):
        subjects.erase(app.uow(), "market", ids[1], "subject_request", "test", AT)

    now = AT + dt.timedelta(days=370)
    report = retention.sweep(app.uow, "market", now, CALENDAR, dry_run=False, actor="test")
    assert report.erased == 1
    assert report.count(Action.HELD) == 1
    with pytest.raises(NotFound):
        subjects.read(app.uow(), market, ids[0], ["email"], "service", "test", AT)
    with app.uow() as uow:
        last = uow.audit.entries("market", subject=ids[0])[-1]
    assert (last["action"], last["detail"]) == (
        "subject.erase", '{"reason":"retention:one_year_after_closure"}',
    )  # fmt: skip

    holds.release(app.uow(), "market", hold, "test", now)
    again = retention.sweep(app.uow, "market", now, CALENDAR, dry_run=False, actor="test")
    assert again.erased == 1
    assert again.checked == 2  # the erased subject is no longer swept


def test_the_cli_dry_run_prints_each_subject_and_why(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"BAOMAT_HOME": str(tmp_path), "BAOMAT_MASTER_KEY": None, "BAOMAT_INDEX_KEY": None}
    assert runner.invoke(cli, ["init"], env=env).exit_code == 0
    result = runner.invoke(cli, ["retention", "run", "--dry-run", "--as-of", "2030-01-01"], env=env)
    assert result.exit_code == 0, result.output
    assert "wecan: 0 subjects checked, 0 due for erasure, 0 held, 0 due for review" in result.output
    future = runner.invoke(cli, ["retention", "run", "--as-of", "2999-01-01"], env=env)
    assert future.exit_code == 2
    assert "a date in the future needs --dry-run" in future.output


def test_times_read_back_as_the_same_instant_whatever_zone_wrote_them(
    app: App, market: Policy
) -> None:
    sid = _members(app, market, 1)[0]
    closed = dt.datetime(2026, 2, 13, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    subjects.close_account(app.uow(), "market", sid, "test", closed)
    with app.uow() as uow:
        record = uow.subjects.get("market", sid)
    assert record is not None and record.closed_at == closed
    assert record.closed_at.utcoffset() == dt.timedelta(0)
