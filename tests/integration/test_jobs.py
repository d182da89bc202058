"""The job runner on the store: the daily sweep runs once a local day, and once only."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
import yaml
from typer.testing import CliRunner

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.bootstrap import App
from baomat.cli.main import app as cli
from baomat.config import Settings
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.errors import NotFound
from baomat.domain.retention import Action
from baomat.jobs import mail
from baomat.jobs import retention as retention_job
from baomat.jobs.catalog import catalog
from baomat.jobs.job import Context, Job, Outcome
from baomat.jobs.runner import Runner
from baomat.jobs.runs import execute, run_now
from baomat.jobs.schedule import Daily
from baomat.policy.model import Policy
from baomat.services import holds, outbox, retention, subjects, tenants
from baomat.services.tenants import PolicyCache
from tests.integration.mailserver import MailServer
from tests.integration.shop import AT, SHOP

VN = dt.timezone(dt.timedelta(hours=7))
MARKET = {
    **SHOP,
    "tenant": "market",
    "retention": [
        {"id": "one_year_after_closure", "trigger": "after_closure",
         "period": {"amount": 1, "unit": "years"}},
    ],
}  # fmt: skip


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(app: App) -> Clock:
    app.clock = clock = Clock(dt.datetime(2026, 3, 1, 1, 0, tzinfo=VN))
    return clock


def _runner(app: App, poll: float = 60.0) -> Runner:
    """A runner of the daily retention sweep alone (the frequent jobs are tested below)."""
    return Runner(app, [catalog(app.settings)["retention.sweep"]], worker="test", poll=poll)


def _jobs_run(app: App) -> set[str]:
    """The names of the jobs with a finished run."""
    with app.uow(read_only=True) as uow:
        return {run.job for run in uow.job_runs.recent(100) if run.state != "running"}


def _slots(app: App) -> list[dt.datetime]:
    with app.uow(read_only=True) as uow:
        return [run.scheduled_for for run in uow.job_runs.recent(100, "retention.sweep")]


def test_the_daily_sweep_runs_once_per_local_day_and_not_again_after_a_restart(
    app: App, clock: Clock
) -> None:
    runner = _runner(app)
    # 01:00 on 1 March: the 28 February slot has not run yet, so it runs now.
    assert [r.scheduled_for for r in runner.tick()] == [dt.datetime(2026, 2, 28, 2, tzinfo=VN)]
    assert runner.tick() == []
    assert _runner(app).tick() == []  # a restarted serve finds the day done
    clock.now = dt.datetime(2026, 3, 1, 1, 59, 59, tzinfo=VN)
    assert _runner(app).tick() == []
    clock.now = dt.datetime(2026, 3, 1, 2, 0, tzinfo=VN)
    assert [r.state for r in _runner(app).tick()] == ["done"]
    clock.now = dt.datetime(2026, 3, 1, 23, 59, tzinfo=VN)
    assert _runner(app).tick() == []
    assert _slots(app) == [
        dt.datetime(2026, 3, 1, 2, tzinfo=VN),
        dt.datetime(2026, 2, 28, 2, tzinfo=VN),
    ]


def test_the_time_of_the_daily_sweep_is_a_setting(app: App, clock: Clock) -> None:
    app.settings = app.settings.model_copy(update={"retention_time": dt.time(0, 30)})
    assert [r.scheduled_for for r in _runner(app).tick()] == [
        dt.datetime(2026, 3, 1, 0, 30, tzinfo=VN)
    ]


@pytest.fixture
def market(app: App) -> Policy:
    policy = Policy.model_validate(MARKET)
    tenants.publish_policy(
        app.uow(), policy, yaml.safe_dump(MARKET, allow_unicode=True), "test", AT
    )
    return policy


def test_the_daily_sweep_erases_what_retention_run_would_and_audits_it(
    app: App, market: Policy, clock: Clock
) -> None:
    records = [{"full_name": "Đỗ Minh Khôi", "email": f"k{i}@example.vn"} for i in range(4)]
    ids = subjects.register(app.uow(), market, "member", records, "test", AT)
    for sid in ids[:3]:
        subjects.close_account(app.uow(), "market", sid, "test", AT)
    holds.place(app.uow(), "market", ids[2], "complaint", "KN-2027-001", "test", AT)
    clock.now = AT + dt.timedelta(days=400)
    dry = retention.sweep(app.uow, "market", clock.now, load_vn_calendar(), dry_run=True, actor="t")
    would = {v.subject for v in dry.verdicts if v.action is Action.ERASE}

    (run,) = _runner(app).tick()

    assert run.state == "done" and run.error is None
    assert run.counts == {"tenants": 2, "checked": 4, "erased": 2, "held": 1, "review": 0}
    assert would == set(ids[:2])
    for sid in ids[:2]:
        with pytest.raises(NotFound):
            subjects.read(app.uow(), market, sid, ["email"], "service", "test", clock.now)
        with app.uow() as uow:
            last = uow.audit.entries("market", subject=sid)[-1]
        assert (last["actor"], last["action"], last["detail"]) == (
            retention_job.ACTOR, "subject.erase", '{"reason":"retention:one_year_after_closure"}',
        )  # fmt: skip
    kept = subjects.read(app.uow(), market, ids[2], ["email"], "service", "test", clock.now)
    assert kept == {"email": "k2@example.vn"}


def test_a_tenant_whose_sweep_fails_is_named_and_the_others_are_still_swept(
    app: App, market: Policy, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = retention.sweep

    def sweep(new_uow, tenant, *args, **kwargs):  # type: ignore[no-untyped-def]
        if tenant == "market":
            raise RuntimeError("the policy of market no longer loads")
        return real(new_uow, tenant, *args, **kwargs)

    monkeypatch.setattr(retention, "sweep", sweep)
    (run,) = _runner(app).tick()
    assert (run.state, run.error, run.counts["tenants"]) == ("failed", "market: RuntimeError", 1)


def _job(name: str, run: object) -> Job:
    return Job(name, run, Daily(dt.time(2, 0)), "a job for tests")  # type: ignore[arg-type]


def test_a_failed_run_is_recorded_with_the_class_of_its_error_and_the_next_slot_runs(
    app: App, clock: Clock
) -> None:
    def broken(ctx: Context) -> Outcome:
        raise ValueError("a message that might quote data")

    runner = Runner(app, [_job("broken", broken)], worker="test")
    (run,) = runner.tick()
    assert (run.state, run.error, run.counts) == ("failed", "ValueError", {})
    assert runner.tick() == []  # not retried within its slot
    clock.now += dt.timedelta(days=1)
    assert [r.state for r in runner.tick()] == ["failed"]


def test_runners_racing_for_one_slot_run_it_once(app: App) -> None:
    calls: list[int] = []
    started = threading.Barrier(4)

    def count(ctx: Context) -> Outcome:
        calls.append(1)
        time.sleep(0.2)  # still running while the others try
        return Outcome({"n": 1})

    job = _job("count", count)
    slot = dt.datetime(2026, 3, 1, 2, tzinfo=VN)
    results: list[object] = []

    def race() -> None:
        started.wait()
        results.append(execute(app, job, slot, trigger="schedule", worker="racer"))

    threads = [threading.Thread(target=race) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len([r for r in results if r is not None]) == 1


def test_serves_runner_starts_and_stops_with_the_app(app: App, clock: Clock) -> None:
    runner = _runner(app, poll=0.05)
    api = create_app(app, jobs=runner)

    async def serve_briefly() -> None:
        async with api.router.lifespan_context(api):
            assert runner.running
            for _ in range(100):
                if _slots(app):
                    break
                await anyio.sleep(0.05)

    anyio.run(serve_briefly)
    assert not runner.running
    assert _slots(app) == [dt.datetime(2026, 2, 28, 2, tzinfo=VN)]


def test_an_app_without_a_runner_runs_no_jobs(app: App, clock: Clock) -> None:
    api = create_app(app)

    async def serve_briefly() -> None:
        async with api.router.lifespan_context(api):
            await anyio.sleep(0.1)

    anyio.run(serve_briefly)
    assert _slots(app) == []


def test_a_manual_run_is_recorded_beside_the_scheduled_ones(app: App, clock: Clock) -> None:
    run = run_now(app, catalog(app.settings)["retention.sweep"], worker="cli:test")
    assert (run.trigger, run.scheduled_for, run.state) == ("manual", clock.now, "done")
    # The manual run does not stand in for the day's scheduled one.
    assert [r.trigger for r in _runner(app).tick()] == ["schedule"]


@pytest.fixture
def home(tmp_path: object) -> Iterator[dict[str, str | None]]:
    env = {"BAOMAT_HOME": str(tmp_path), "BAOMAT_MASTER_KEY": None, "BAOMAT_INDEX_KEY": None,
           "BAOMAT_DATABASE_URL": None, "BAOMAT_KEYSTORE_URL": None}  # fmt: skip
    assert CliRunner().invoke(cli, ["init"], env=env).exit_code == 0
    yield env


def test_the_cli_runs_a_job_now_and_lists_it(home: dict[str, str | None]) -> None:
    runner = CliRunner()
    ran = runner.invoke(cli, ["jobs", "run", "retention.sweep"], env=home)
    assert ran.exit_code == 0, ran.output
    assert "retention.sweep done (manual, cli:" in ran.output
    assert "tenants=5" in ran.output and "erased=0" in ran.output
    listed = runner.invoke(cli, ["jobs", "list"], env=home)
    assert listed.exit_code == 0, listed.output
    assert "retention.sweep: daily at 02:00 Asia/Ho_Chi_Minh, next " in listed.output
    assert "runs by `baomat serve`:" in listed.output
    assert "retention.sweep done (manual" in listed.output


def test_the_cli_names_the_jobs_when_asked_for_an_unknown_one(
    home: dict[str, str | None],
) -> None:
    result = CliRunner().invoke(cli, ["jobs", "run", "retention.swep"], env=home)
    assert result.exit_code == 2
    assert "no job 'retention.swep'; jobs: " in result.output
    assert "retention.sweep" in result.output.rsplit("jobs: ", 1)[1]


def test_the_worker_refuses_the_embedded_store(home: dict[str, str | None]) -> None:
    result = CliRunner().invoke(cli, ["worker"], env=home)
    assert result.exit_code == 2
    assert "`baomat worker` needs PostgreSQL" in result.output
    assert "`baomat serve` runs the jobs itself" in result.output


def test_serve_builds_a_runner_on_sqlite_only(settings: Settings, app: App) -> None:
    runner = bootstrap.job_runner(app)
    assert (runner is not None) == settings.embedded


def test_baomat_serve_runs_the_daily_sweep_and_stops_on_sigterm(
    home: dict[str, str | None],
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOMAT_")}
    env.update({k: v for k, v in home.items() if v is not None})
    server = subprocess.Popen(  # noqa: S603 (our own command, no shell)
        [str(Path(sys.executable).with_name("baomat")), "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    built = bootstrap.build(Settings(home=Path(str(home["BAOMAT_HOME"]))), env={})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _jobs_run(built) != set(catalog(built.settings)):
            time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=5) as answer:
            assert answer.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    try:
        with built.uow(read_only=True) as uow:
            (run,) = uow.job_runs.recent(10, "retention.sweep")
            ran = {r.job for r in uow.job_runs.recent(10)}
    finally:
        built.close()
    # uvicorn shuts down gracefully, then dies of the signal it caught, as asked.
    assert server.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert "jobs: run here" in output
    assert (run.job, run.trigger, run.state) == ("retention.sweep", "schedule", "done")
    assert run.worker.startswith("serve:")
    assert ran == {
        "retention.sweep", "complaints.sweep", "incidents.sweep", "monitoring.sweep",
        "monitoring.chain", "policy.notices", "outbox.send",
    }  # fmt: skip


def test_the_sender_job_delivers_the_outbox_and_is_idle_without_a_server(
    app: App, clock: Clock
) -> None:
    policy = PolicyCache().current(app.uow(), "shop")
    people = [{"full_name": f"Khách {n}", "email": f"khach{n}@example.vn"} for n in range(3)]
    ids = subjects.register(app.uow(), policy, "member", people, "test", clock())
    with app.uow() as uow:
        for sid in ids:
            context = {"code": "123456", "minutes": 10}
            outbox.queue(uow, "shop", sid, "login_code", "vi", context, clock())
        uow.commit()

    idle = mail.sender(None)(app)
    with MailServer() as server:
        done = mail.sender(server.transport())(app)

    assert idle.counts == {"configured": 0}
    assert done.counts == {"sent": 3, "retried": 0, "failed": 0, "cancelled": 0}
    assert sorted(m["To"] for m in server.received) == sorted(p["email"] for p in people)
