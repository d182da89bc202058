"""`baomat bench`: figures measured side by side in one run, printed as `BENCH name value unit`.

Each ratio divides baomat's time by a plain baseline measured on the same
machine in the same run, so the figure does not depend on how fast the
machine is. One module per area: `store`, `audit`, `decisions` (in
process), `http` (a real server), `retention`, `dsr` (data subjects'
export and deletion requests), `jobs` (the complaint and retention sweeps),
`pii` (the free-text scanner).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from baomat.bench import audit, decisions, dsr, http, jobs, pii, retention, store
from baomat.bench._app import bench_app


@dataclass(frozen=True, slots=True)
class Sizes:
    subjects: int
    """Stored for `store.*` and verified for `audit.*`; as many generated for decisions."""
    decisions: int
    """Decisions asked in process."""
    http_subjects: int
    http_rounds: int
    """Decisions (and as many health checks) per client of the HTTP figure."""
    retention_subjects: int
    dsr_subjects: int
    dsr_base_subjects: int
    """The smaller store whose export p99 `dsr.growth_ratio` divides by."""
    jobs_items: int
    """Open complaints, and as many subjects under retention rules, that `jobs.*` sweeps."""
    pii_mb: float
    """Megabytes of generated reviews that `pii.*` scans for personal data."""


FULL = Sizes(100_000, 1_000_000, 1_000, 250, 1_000_000, 1_000_000, 10_000, 1_000_000, 20.0)
QUICK = Sizes(10_000, 200_000, 200, 60, 20_000, 20_000, 2_000, 20_000, 2.0)


def run(quick: bool, out: TextIO) -> None:
    """Runs every figure; `quick` uses sizes that finish in well under a minute."""
    sizes = QUICK if quick else FULL
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory(prefix="baomat-bench-") as tmp:
        scratch = Path(tmp)
        with bench_app(scratch / "home") as app:
            store.measure(app, scratch, sizes.subjects, at, out)
        # Verified as `baomat audit verify` does it: a process that has just opened the store
        # and runs no other thread, so the chain is cut into slices across cores.
        with bench_app(scratch / "home") as app:
            audit.measure(app, out)
        decisions.measure(sizes.subjects, sizes.decisions, at, out)
        http.measure(scratch / "http", sizes.http_subjects, sizes.http_rounds, out)
        retention.measure(scratch / "retention", sizes.retention_subjects, at, out)
        dsr.measure(scratch / "dsr", sizes.dsr_subjects, sizes.dsr_base_subjects, at, out)
        jobs.measure(scratch / "jobs", sizes.jobs_items, at, out)
    pii.measure(sizes.pii_mb, out)
