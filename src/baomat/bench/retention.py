"""`retention.*`: the retention sweep's dry run over many subjects, in seconds.

The sweep reads subjects' dates and states, never their values, so the rows
are inserted directly (setup, not timed): created over ten years, three in
ten accounts closed since, one in a thousand under a legal hold.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from pathlib import Path
from typing import TextIO

from sqlalchemy import insert

from baomat.bench import _policies
from baomat.bench._app import bench_app
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.retention import Action
from baomat.services import retention, tenants
from baomat.store.tables import legal_holds, subjects

BATCH = 50_000
YEARS = 10
CLOSED = 0.3
HELD = 0.001


def measure(home: Path, n: int, now: dt.datetime, out: TextIO) -> None:
    """A dry sweep of `n` subjects as at `now` → `retention.*` lines."""
    calendar = load_vn_calendar()
    with bench_app(home) as app:
        policy, text = _policies.document(_policies.RETENTION)
        tenants.publish_policy(app.uow(), policy, text, "bench", now)
        rng = random.Random(19)  # noqa: S311 - test data, not secrets
        with app.engine.begin() as conn:
            for lo in range(0, n, BATCH):
                subject_rows, hold_rows = _rows(min(BATCH, n - lo), now, rng)
                conn.execute(insert(subjects), subject_rows)
                if hold_rows:
                    conn.execute(insert(legal_holds), hold_rows)
        start = time.perf_counter()
        report = retention.sweep(app.uow, "bench", now, calendar, dry_run=True, actor="bench")
        elapsed = time.perf_counter() - start
    out.write(f"BENCH retention.subjects {report.checked} subjects\n")
    out.write(f"BENCH retention.due_for_erasure {report.count(Action.ERASE)} subjects\n")
    out.write(f"BENCH retention.dry_run_s {elapsed:.3f} s\n")
    out.flush()


def _rows(
    n: int, now: dt.datetime, rng: random.Random
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """`n` subjects' rows, and the legal holds on some of them; no values, as the sweep reads."""
    span = YEARS * 365 * 86_400
    subject_rows: list[dict[str, object]] = []
    hold_rows: list[dict[str, object]] = []
    for _ in range(n):
        sid = os.urandom(16).hex()
        created = now - dt.timedelta(seconds=rng.randrange(span))
        closed = None
        if rng.random() < CLOSED:
            closed = created + (now - created) * rng.random()
        subject_rows.append(
            {
                "tenant_id": "bench",
                "id": sid,
                "subject_type": "customer",
                "policy_version": 1,
                "status": "active",
                "created_at": created,
                "updated_at": closed or created,
                "closed_at": closed,
            }
        )
        if rng.random() < HELD:
            hold_rows.append(
                {
                    "tenant_id": "bench",
                    "id": os.urandom(16).hex(),
                    "subject_id": sid,
                    "reason": "complaint",
                    "reference": "bench",
                    "placed_at": now,
                }
            )
    return subject_rows, hold_rows
