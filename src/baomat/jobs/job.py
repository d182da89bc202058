"""A job: a named use case that runs without a caller, on a schedule or on demand.

    Job("retention.sweep", retention.sweep, Daily(dt.time(2, 0)), "Erase what retention ...")

`run(ctx)` takes what a service takes (units of work and the time) and returns
counts, never personal data: they are stored with the run and printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from baomat.jobs.schedule import Schedule
from baomat.store.uow import UnitOfWork


class Context(Protocol):
    """What a job runs with; the built App is one."""

    @property
    def clock(self) -> Callable[[], dt.datetime]: ...

    def uow(self, *, read_only: bool = False) -> UnitOfWork: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run did: counts by name, and one short line per part that failed.

    A failure names a part (a tenant) and the class of the error, never its
    message, which might quote data.
    """

    counts: Mapping[str, int] = field(default_factory=dict)
    failures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    run: Callable[[Context], Outcome]
    schedule: Schedule | None
    summary: str
