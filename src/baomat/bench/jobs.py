"""`jobs.*`: one pass of the complaint sweep and of the daily retention sweep over many open
items, each run as the job runner runs it, in seconds.

    measure(home, 1_000_000, at, out)
    → BENCH jobs.complaints 1000000 complaints
      BENCH jobs.complaints_reminders 100083 alerts
      BENCH jobs.complaints_overdue 150112 alerts
      BENCH jobs.complaints_sweep_s 26.472 s
      BENCH jobs.retention_subjects 819691 subjects    (live ones, complainants included)
      BENCH jobs.retention_erased 535 subjects
      BENCH jobs.retention_held 184 subjects
      BENCH jobs.retention_sweep_s 25.775 s
      BENCH jobs.sweep_s 52.247 s

The store is the one the sweeps meet on an ordinary day, filled untimed with
bulk INSERTs (neither sweep reads a value, so none is stored):

- `n` open complaints awaiting an answer, received over the last
  `RECEIVED_DAYS` days, each due when the policy's deadline
  (`DEADLINE_DAYS` working days) ends, and with the next look
  (`next_alert_at`) where the pass a quarter of an hour earlier left it
  (`domain.reminders.plan`). Those past their deadline got their overdue
  alert then and are no longer looked at. The timed pass is the first after
  a midnight in Vietnam between two working days: the day's reminders (two
  working days before, the day before) and overdue alerts fall due at once,
  so it is the heaviest pass of the day; the other 95 look only at the
  complaints received since the pass before.
- the complainants, one subject per `PER_COMPLAINANT` complaints, recent
  open accounts, each complaint with its legal hold, as on receipt;
- `n` subjects under retention rules, as `bench.retention` makes them. The
  daily sweep erased yesterday what was due by then: those subjects are
  tombstones already, and this run, for real as the job runs it, erases
  what fell due since (`last_run`) and reports the held ones.

Rights requests raise no reminders, so the sweeps have nothing of theirs to
read. The complaints' sealed text is placeholder bytes: no sweep opens it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import Connection, insert

from baomat import bootstrap
from baomat.bench import _policies
from baomat.bench._app import bench_app
from baomat.bench.retention import CLOSED, HELD, YEARS
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.complaints import AWAITING_ANSWER
from baomat.domain.periods import WorkingDays, due, end_of_day, vietnam_tz
from baomat.domain.reminders import DEFAULT_LEAD_TIMES, plan
from baomat.domain.retention import Action, Life, Rule, decide, rule_for
from baomat.jobs.catalog import catalog
from baomat.jobs.job import Job
from baomat.jobs.runs import execute
from baomat.policy.model import Policy
from baomat.services import tenants
from baomat.store.tables import complaints, legal_holds, subjects, tombstones

TENANT = "bench"
BATCH = 50_000
RECEIVED_DAYS = 20
DEADLINE_DAYS = 10
PER_COMPLAINANT = 100
SWEEP_EVERY = dt.timedelta(minutes=15)
"""The complaint sweep's period (`jobs.catalog`): the pass before the timed one."""
DAY = dt.timedelta(days=1)
SEALED = bytes(64)
STATES = tuple(sorted(s.value for s in AWAITING_ANSWER))

POLICY: dict[str, object] = {
    **_policies.RETENTION,
    "complaints": {"deadline": {"amount": DEADLINE_DAYS, "unit": "working_days"}},
}


@dataclass(frozen=True, slots=True)
class Figures:
    """What the two timed runs did, and how long each took."""

    complaints: int
    reminders: int
    overdue: int
    complaints_s: float
    subjects: int
    erased: int
    held: int
    retention_s: float

    @property
    def total_s(self) -> float:
        return self.complaints_s + self.retention_s


def measure(
    home: Path, n: int, at: dt.datetime, out: TextIO, *, last_run: dt.timedelta = DAY
) -> Figures:
    """`n` open complaints and `n` subjects, swept on the first working-day midnight after
    `at` → `jobs.*` lines, and the figures; `last_run` is how long before the timed retention
    run the previous one erased what was due."""
    calendar = load_vn_calendar()
    sweep_at = sweep_instant(at, calendar)
    with bench_app(home) as app:
        policy, text = _policies.document(POLICY)
        tenants.publish_policy(app.uow(), policy, text, "bench", at)
        jobs = catalog(app.settings)
        retention_job = jobs["retention.sweep"]
        assert retention_job.schedule is not None
        retention_at = retention_job.schedule.following(sweep_at)
        rng = random.Random(29)  # noqa: S311 - test data, not secrets
        with app.engine.begin() as conn:
            _fill_subjects(conn, policy, n, retention_at, retention_at - last_run, calendar, rng)
            _fill_complaints(conn, n, sweep_at, calendar, rng)
        swept, complaints_s = _timed(app, jobs["complaints.sweep"], sweep_at)
        kept, retention_s = _timed(app, retention_job, retention_at)
    figures = Figures(
        n, swept["reminders"], swept["overdue"], complaints_s,
        kept["checked"], kept["erased"], kept["held"], retention_s,
    )  # fmt: skip
    _print(figures, out)
    return figures


def sweep_instant(at: dt.datetime, calendar: WorkingDays) -> dt.datetime:
    """The first midnight in Vietnam after `at` that ends a working day and starts one."""
    day = at.astimezone(vietnam_tz()).date()
    while not (calendar.is_working_day(day) and calendar.is_working_day(day + DAY)):
        day += DAY
    return end_of_day(day).astimezone(dt.UTC)


def _timed(app: bootstrap.App, job: Job, now: dt.datetime) -> tuple[dict[str, int], float]:
    """One run of `job` at `now`, as the runner makes it (claimed, run, recorded) → its counts
    and seconds."""
    assert job.schedule is not None
    app.clock = lambda: now
    start = time.perf_counter()
    run = execute(app, job, job.schedule.latest(now), trigger="schedule", worker="bench")
    elapsed = time.perf_counter() - start
    if run is None or run.state != "done":
        raise RuntimeError(f"the {job.name} run did not finish: {run and run.error}")
    return dict(run.counts), elapsed


def _print(f: Figures, out: TextIO) -> None:
    out.write(f"BENCH jobs.complaints {f.complaints} complaints\n")
    out.write(f"BENCH jobs.complaints_reminders {f.reminders} alerts\n")
    out.write(f"BENCH jobs.complaints_overdue {f.overdue} alerts\n")
    out.write(f"BENCH jobs.complaints_sweep_s {f.complaints_s:.3f} s\n")
    out.write(f"BENCH jobs.retention_subjects {f.subjects} subjects\n")
    out.write(f"BENCH jobs.retention_erased {f.erased} subjects\n")
    out.write(f"BENCH jobs.retention_held {f.held} subjects\n")
    out.write(f"BENCH jobs.retention_sweep_s {f.retention_s:.3f} s\n")
    out.write(f"BENCH jobs.sweep_s {f.total_s:.3f} s\n")
    out.flush()


# --- the store ------------------------------------------------------------------------------


def _fill_subjects(
    conn: Connection,
    policy: Policy,
    n: int,
    now: dt.datetime,
    last_run: dt.datetime,
    calendar: WorkingDays,
    rng: random.Random,
) -> None:
    """`n` subjects as `bench.retention` makes them, as at `now`; those the run at `last_run`
    erased are tombstones, as it left them."""
    rule = rule_for(policy.retention, "customer")
    for size in _batches(n):
        rows: list[dict[str, object]] = []
        holds: list[dict[str, object]] = []
        gone: list[dict[str, object]] = []
        for _ in range(size):
            row, held = _subject(now, rng)
            rows.append(row)
            if held:
                holds.append(_hold(str(row["id"]), "bench", now))
            elif _erased_by(rule, row, last_run, calendar):
                row |= {"status": "erased", "erased_at": last_run, "updated_at": last_run}
                gone.append({"tenant_id": TENANT, "subject_id": row["id"],
                             "erased_at": last_run, "reason": f"retention:{rule.id}"})  # fmt: skip
        conn.execute(insert(subjects), rows)
        for table, more in ((legal_holds, holds), (tombstones, gone)):
            if more:
                conn.execute(insert(table), more)


def _subject(now: dt.datetime, rng: random.Random) -> tuple[dict[str, object], bool]:
    """One subject's row, created over `YEARS` years, closed since or not; and whether a legal
    hold keeps it."""
    created = now - dt.timedelta(seconds=rng.randrange(YEARS * 365 * 86_400))
    closed = None
    if rng.random() < CLOSED:
        closed = created + (now - created) * rng.random()
    row: dict[str, object] = {
        "tenant_id": TENANT, "id": os.urandom(16).hex(), "subject_type": "customer",
        "policy_version": 1, "status": "active", "created_at": created,
        "updated_at": closed or created, "closed_at": closed, "erased_at": None,
    }  # fmt: skip
    return row, rng.random() < HELD


def _erased_by(
    rule: Rule, row: dict[str, object], run_at: dt.datetime, calendar: WorkingDays
) -> bool:
    """Whether the daily run at `run_at` erased the subject (`domain.retention.decide`), as
    the subject was then: an account closed since was open."""
    created, closed = row["created_at"], row["closed_at"]
    assert isinstance(created, dt.datetime)
    assert closed is None or isinstance(closed, dt.datetime)
    then = closed if closed is not None and closed <= run_at else None
    life = Life(str(row["id"]), "customer", created, then)
    return decide(rule, life, run_at, False, calendar).action is Action.ERASE


def _fill_complaints(
    conn: Connection, n: int, now: dt.datetime, calendar: WorkingDays, rng: random.Random
) -> None:
    """`n` open complaints, their complainants and legal holds, as the pass before `now` left
    them."""
    before = now - SWEEP_EVERY
    complainants = [_complainant(now, rng) for _ in range(max(1, n // PER_COMPLAINANT))]
    conn.execute(insert(subjects), complainants)
    dues: dict[dt.date, dt.datetime] = {}
    looks: dict[dt.datetime, dt.datetime | None] = {}
    for number, size in enumerate(_batches(n)):
        rows: list[dict[str, object]] = []
        holds: list[dict[str, object]] = []
        for _ in range(size):
            received = now - dt.timedelta(seconds=rng.randrange(RECEIVED_DAYS * 86_400))
            day = received.astimezone(vietnam_tz()).date()
            if day not in dues:  # the deadline depends on the day of receipt only
                dues[day] = due(received, DEADLINE_DAYS, "working_days", calendar)
            due_at = dues[day]
            if due_at not in looks:
                looks[due_at] = plan(due_at, DEFAULT_LEAD_TIMES, calendar, before).next_at
            # One received since the last pass is looked at by this one (`complaints.add`).
            next_at = received if received > before else looks[due_at]
            complainant = str(rng.choice(complainants)["id"])
            # Ids grow with the batch, so the primary key fills at its end, as over time.
            row = _complaint(f"{number:08x}{os.urandom(12).hex()}", complainant, received, due_at)
            rows.append(row | {"state": rng.choice(STATES), "next_alert_at": next_at})
            holds.append(_hold(complainant, str(row["id"]), received))
        conn.execute(insert(complaints), rows)
        conn.execute(insert(legal_holds), holds)


def _complainant(now: dt.datetime, rng: random.Random) -> dict[str, object]:
    """A subject with an open account created in the last year: kept by any retention rule."""
    created = now - dt.timedelta(seconds=rng.randrange(365 * 86_400))
    return {
        "tenant_id": TENANT, "id": os.urandom(16).hex(), "subject_type": "customer",
        "policy_version": 1, "status": "active", "created_at": created, "updated_at": created,
    }  # fmt: skip


def _complaint(
    complaint_id: str, subject: str, received: dt.datetime, due_at: dt.datetime
) -> dict[str, object]:
    return {
        "tenant_id": TENANT, "id": complaint_id, "subject_id": subject, "category": "other",
        "complexity": None, "channel": "web", "language": "vi", "policy_version": 1,
        "steps": "", "term_amount": DEADLINE_DAYS, "term_unit": "working_days",
        "term_source": "policy", "received_at": received, "due": due_at,
        "recorded_by": "bench", "recorded_at": received, "updated_at": received,
        "closed_at": None, "sealed": SEALED,
    }  # fmt: skip


def _hold(subject: str, reference: str, at: dt.datetime) -> dict[str, object]:
    return {
        "tenant_id": TENANT, "id": os.urandom(16).hex(), "subject_id": subject,
        "reason": "complaint", "reference": reference, "placed_at": at,
    }  # fmt: skip


def _batches(n: int) -> Iterator[int]:
    for lo in range(0, n, BATCH):
        yield min(BATCH, n - lo)
