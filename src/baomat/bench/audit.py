"""`audit.*`: verifying the audit chain that the store figure wrote, entries per second."""

from __future__ import annotations

import time
from typing import TextIO

from baomat import bootstrap
from baomat.services import audit


def measure(app: bootstrap.App, out: TextIO) -> None:
    """Verifies every chain of `app`'s store → `audit.*` lines; a broken chain stops the bench."""
    start = time.perf_counter()
    checked, broken = audit.verify(app.uow())
    verify_s = time.perf_counter() - start
    if broken is not None:
        raise RuntimeError(f"bench audit chain broken: {broken}")
    out.write(f"BENCH audit.verify_entries {checked} entries\n")
    out.write(f"BENCH audit.verify_per_s {checked / verify_s:.0f} entries/s\n")
    out.flush()
