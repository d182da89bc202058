"""`dsr.*`: p99 latency of fulfilling one subject's export, and one subject's deletion.

In a store of `n` subjects (`_dsr_store`: values, consents, disclosures,
about four audit entries each), subjects picked at random file an export
or a deletion request (`services.rights.submit`, untimed), and fulfilling
it is timed as the subject's download or staff would run it:
`rights.export` (the ZIP of the subject's values, consents, disclosures and
decisions log) and `rights.delete` (data key shredded in the key store,
values deleted, tombstone, audit).

`dsr.growth_ratio` is the export p99 in the full store over the export p99
in a store of `dsr.base_subjects` filled alike: 10,000 in the full run, 2,000
with `--quick`. The two stores' exports are timed in turn, one in each, so
that both meet the same load on the machine while it lasts.

A deletion on SQLite waits for the disk: shredding a key checkpoints and
truncates the key store's write-ahead log at once (three fdatasyncs,
docs/decisions/001-key-storage-and-crypto-shredding.md), while the main
store's checkpoints, on a thread of their own, share the disk. So after each
deletion one 4 KiB write and fdatasync beside the store is timed too,
`dsr.fsync_p99_ms`: the disk's own latency at that moment, to read the
deletion's p99 against.

Requests are timed against stores and a process as a running server has
them, not as the bulk fill leaves them (`_settled`): the fill's write-ahead
logs (some 300 MB) are checkpointed first, or copying them into the
database files in the background, with the writes queued behind them in the
kernel, lands in the timed requests; and what the process holds is frozen
out of the garbage collector's walks, as `baomat serve` does before serving
(`api/server.py`), or a full collection over the fill's million ids pauses
a random request or two for 10–20 ms, which the p99 picks up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import os
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from baomat import bootstrap
from baomat.bench import _policies
from baomat.bench._app import bench_app
from baomat.bench._dsr_store import Filler
from baomat.bench.http import p99
from baomat.policy.model import Policy
from baomat.services import rights, tenants
from baomat.store.engine import checkpoint

SAMPLES = 500
"""Requests of each kind timed at each size: the p99 is the fifth slowest. With 200 it was
the third, and one stall of the machine more or less moved `dsr.growth_ratio` by half."""
WARM_UP = 5
"""Requests fulfilled first and not timed: the law profile read, statements compiled."""


def measure(
    home: Path, n: int, base: int, at: dt.datetime, out: TextIO, samples: int = SAMPLES
) -> None:
    """Fills a store of `n` subjects and one of `base`, times requests in both → `dsr.*` lines.

    `samples` requests of each kind are timed (after `WARM_UP` more), each by a
    subject of its own: the stores need `base` ≥ `samples` + `WARM_UP` and `n`
    at least twice that.
    """
    picked = WARM_UP + samples
    policy, text = _policies.document(_policies.DECISIONS)
    clock = _Clock(at - dt.timedelta(days=365))
    with bench_app(home / "full") as full, bench_app(home / "base") as small:
        fillers = []
        for app, size in ((full, n), (small, base)):
            tenants.publish_policy(app.uow(), policy, text, "bench", clock())
            filler = Filler(app, policy, clock)
            filler.grow(size)
            fillers.append(filler)
        big, little = fillers
        exporting = list(zip(big.pick(picked), little.pick(picked), strict=True))
        deleting = big.pick(picked)
        exported: list[float] = []
        base_exported: list[float] = []
        with _settled(full, small):
            for sid, base_sid in exporting:
                exported.append(_export(full, policy, sid, clock, check=not exported))
                base_exported.append(
                    _export(small, policy, base_sid, clock, check=not base_exported)
                )
            deleted, synced = _delete(full, policy, deleting, clock, home / "fsync.probe")
    export, base_export = p99(exported[WARM_UP:]), p99(base_exported[WARM_UP:])
    out.write(f"BENCH dsr.subjects {n} subjects\n")
    out.write(f"BENCH dsr.audit_entries {big.entries} entries\n")
    out.write(f"BENCH dsr.requests {samples} requests\n")
    out.write(f"BENCH dsr.export_p99_ms {export * 1000:.2f} ms\n")
    out.write(f"BENCH dsr.delete_p99_ms {p99(deleted) * 1000:.2f} ms\n")
    out.write(f"BENCH dsr.fsync_p99_ms {p99(synced) * 1000:.2f} ms\n")
    out.write(f"BENCH dsr.base_subjects {base} subjects\n")
    out.write(f"BENCH dsr.base_export_p99_ms {base_export * 1000:.2f} ms\n")
    out.write(f"BENCH dsr.growth_ratio {export / base_export:.2f} ratio\n")
    out.flush()


@contextlib.contextmanager
def _settled(*apps: bootstrap.App) -> Iterator[None]:
    """The stores' logs checkpointed and emptied, the process's objects frozen, for the block."""
    for app in apps:
        for engine in (app.engine, app.keystore_engine):
            checkpoint(engine, "TRUNCATE")
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _Clock:
    """Times a second apart from `start`, so that the log's stamps never go back."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def _export(
    app: bootstrap.App, policy: Policy, sid: str, clock: _Clock, *, check: bool = False
) -> float:
    """The subject files an export request and downloads it → seconds for the download.

    `check`: the archive must list decisions, or the store was not filled.
    """
    actor = f"subject:{sid[:8]}"
    request = rights.submit(app.uow(), policy, sid, "export", "self_service", None, actor, clock())
    at = clock()
    start = time.perf_counter()
    archive = rights.export(app.uow(), policy, request.id, actor, at)
    elapsed = time.perf_counter() - start
    if check:
        _check_lists_decisions(archive)
    return elapsed


def _delete(
    app: bootstrap.App, policy: Policy, ids: list[str], clock: _Clock, probe: Path
) -> tuple[list[float], list[float]]:
    """Each subject files a deletion request and staff fulfil it.

    → (seconds for each deletion, seconds for a 4 KiB write and fdatasync of
    `probe` right after it), both after `WARM_UP`.
    """
    timed, synced = [], []
    sync = getattr(os, "fdatasync", os.fsync)  # what SQLite calls, where there is one
    block = os.urandom(4096)
    fd = os.open(probe, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        for sid in ids:
            request = rights.submit(app.uow(), policy, sid, "delete", "self_service", None,
                                    f"subject:{sid[:8]}", clock())  # fmt: skip
            at = clock()
            start = time.perf_counter()
            done = rights.delete(app.uow(), policy, request.id, "dpo.bench", at)
            timed.append(time.perf_counter() - start)
            if done.completed_at is None:
                raise RuntimeError(f"bench deletion refused: {done.refusal_reason}")
            os.pwrite(fd, block, 0)
            start = time.perf_counter()
            sync(fd)
            synced.append(time.perf_counter() - start)
    finally:
        os.close(fd)
    return timed[WARM_UP:], synced[WARM_UP:]


def _check_lists_decisions(archive: bytes) -> None:
    """Timing empty exports would prove nothing: the first one must list decisions."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        if z.read("decisions.csv").count(b"\n") < 2:
            raise RuntimeError("bench export lists no decision: the store was not filled")
