"""`run(api, host=..., port=...)`: the API under uvicorn, as `baomat serve` and the bench run it.

One thing besides uvicorn's defaults: the interpreter hands the GIL between
threads every 0.5 ms instead of every 5 ms. The event loop answers every
request, and a decision's database work runs on another thread when the
store's writer is busy or the store is PostgreSQL (`store.group_commit`), as
sync routes and jobs do; when both are busy, each of the loop's system calls
(reading a request, sending an answer) gives the GIL away and waits up to a
whole interval to get it back, so at 5 ms every request on the server, a
health check as much as a decision, queues behind the database thread
(docs/decisions/007-decision-latency.md). The price is more switching for
CPU-bound threads, which a server of short requests does not have.

And one more: what is in memory when serving starts (the modules, the
application, compiled statements) is moved out of the garbage collector's
reach (`gc.freeze`). Otherwise every full collection walks all of it again,
a pause of about 100 ms for every request in flight, which is the p99 of
`baomat bench`'s decisions over HTTP. Objects made after that are collected
as before.
"""

from __future__ import annotations

import gc
import sys

import uvicorn
from starlette.types import ASGIApp

SWITCH_INTERVAL_S = 0.0005
"""Seconds a thread may hold the GIL while another waits for it (Python's default: 0.005)."""


def run(api: ASGIApp, *, host: str, port: int, access_log: bool = True) -> None:
    """Serves `api` on host:port until stopped (uvicorn's loop and HTTP parser, as installed)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.collect()  # what is garbage already goes first, so that only live objects are frozen
    gc.freeze()
    log_level = "info" if access_log else "warning"
    uvicorn.run(api, host=host, port=port, access_log=access_log, log_level=log_level)
