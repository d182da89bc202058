"""`baomat bench`'s jobs figure at a tiny size: its lines, and what the timed sweeps did."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from baomat.bench import jobs
from baomat.bench._app import bench_app
from baomat.domain.alerts import COMPLAINT_OVERDUE, COMPLAINT_REMINDER
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.reminders import DEFAULT_LEAD_TIMES, OVERDUE, plan
from baomat.domain.retention import Action, Life, decide
from baomat.services.tenants import PolicyCache
from baomat.store.tables import alerts, complaints, job_runs, legal_holds, subjects, tombstones

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
N = 600

Lines = dict[str, tuple[float, str]]


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Lines]:
    """The figure run once on 600 complaints and 600 subjects, the last retention run 90 days
    back, so that this one has erasures to make."""
    home = tmp_path_factory.mktemp("jobs") / "home"
    out = io.StringIO()
    jobs.measure(home, N, AT, out, last_run=dt.timedelta(days=90))
    lines = {}
    for line in out.getvalue().splitlines():
        tag, name, value, unit = line.split()
        assert tag == "BENCH"
        lines[name] = (float(value), unit)
    return home, lines


def _runs(home: Path) -> dict[str, dt.datetime]:
    with bench_app(home) as app, app.engine.connect() as conn:
        return dict(conn.execute(select(job_runs.c.job, job_runs.c.scheduled_for)).all())


def test_it_prints_each_sweeps_seconds_and_their_sum(ran: tuple[Path, Lines]) -> None:
    _, lines = ran

    assert lines["jobs.complaints"] == (N, "complaints")
    complaints_s, retention_s = lines["jobs.complaints_sweep_s"], lines["jobs.retention_sweep_s"]
    assert complaints_s[1] == retention_s[1] == "s"
    assert complaints_s[0] > 0
    assert retention_s[0] > 0
    total = complaints_s[0] + retention_s[0]
    assert lines["jobs.sweep_s"][0] == pytest.approx(total, abs=0.002)


def test_the_complaint_sweep_runs_just_after_a_working_day_midnight_in_vietnam(
    ran: tuple[Path, Lines],
) -> None:
    home, _ = ran

    swept = _runs(home)["complaints.sweep"]

    # Thu 1 Jan 2026 is New Year's Day and Fri 2 Jan is followed by a weekend: Mon → Tue.
    assert swept == dt.datetime(2026, 1, 5, 17, 0, tzinfo=dt.UTC)
    assert swept == jobs.sweep_instant(AT, load_vn_calendar())


def test_the_complaint_sweep_raises_each_stage_reached_since_the_pass_before(
    ran: tuple[Path, Lines],
) -> None:
    home, lines = ran
    calendar = load_vn_calendar()
    now = _runs(home)["complaints.sweep"]
    before = now - jobs.SWEEP_EVERY

    with bench_app(home) as app, app.engine.connect() as conn:
        rows = conn.execute(select(complaints.c.received_at, complaints.c.due)).all()
        raised: dict[str, int] = dict(
            conn.execute(select(alerts.c.kind, func.count()).group_by(alerts.c.kind)).all()
        )
        left = conn.scalar(
            select(func.count()).select_from(complaints).where(complaints.c.next_alert_at <= now)
        )
    expected = {COMPLAINT_REMINDER: 0, COMPLAINT_OVERDUE: 0}
    for received, due_at in rows:
        stage = plan(due_at, DEFAULT_LEAD_TIMES, calendar, now).fire
        # One received since the pass before is looked at for the first time.
        seen = None if received > before else plan(due_at, DEFAULT_LEAD_TIMES, calendar, before)
        if stage is not None and (seen is None or stage != seen.fire):
            expected[COMPLAINT_OVERDUE if stage.key == OVERDUE else COMPLAINT_REMINDER] += 1

    assert expected[COMPLAINT_REMINDER] > 0
    assert expected[COMPLAINT_OVERDUE] > 0
    assert raised == expected
    assert lines["jobs.complaints_reminders"] == (expected[COMPLAINT_REMINDER], "alerts")
    assert lines["jobs.complaints_overdue"] == (expected[COMPLAINT_OVERDUE], "alerts")
    assert left == 0


def test_the_retention_sweep_erases_what_fell_due_since_the_last_run_and_keeps_the_rest(
    ran: tuple[Path, Lines],
) -> None:
    home, lines = ran
    calendar = load_vn_calendar()
    now = _runs(home)["retention.sweep"]

    with bench_app(home) as app:
        rule = PolicyCache().current(app.uow(read_only=True), jobs.TENANT).retention[0]
        with app.engine.connect() as conn:
            erased = conn.scalar(
                select(func.count()).select_from(tombstones).where(tombstones.c.erased_at == now)
            )
            held = set(conn.scalars(select(legal_holds.c.subject_id)))
            s = subjects.c
            live = conn.execute(
                select(s.id, s.created_at, s.closed_at).where(s.status != "erased")
            ).all()
    due_now = [
        sid
        for sid, created, closed in live
        if decide(rule, Life(sid, "customer", created, closed), now, sid in held, calendar).action
        is Action.ERASE
    ]

    assert erased is not None
    assert erased > 0
    assert lines["jobs.retention_erased"] == (erased, "subjects")
    assert lines["jobs.retention_subjects"] == (len(live) + erased, "subjects")
    assert due_now == []
