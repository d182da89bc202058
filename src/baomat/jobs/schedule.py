"""When a periodic job is due: its slots, on the Vietnam clock.

A slot is the instant a run is scheduled for. Runners run the latest slot
that has no run yet, so a missed slot is caught up once, and older missed
ones are skipped: a sweep catches up on everything by itself.

    Daily(dt.time(2, 0)).latest(now)  # today's 02:00 in Vietnam, or yesterday's before 02:00
    Daily(dt.time(2, 0)).cron()       # "0 19 * * *": the same instant in UTC, for the queue
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Protocol

from baomat.domain.periods import vietnam_tz

# Vietnam has kept UTC+7 without daylight saving since 1975, so a local time
# of day is one fixed UTC time of day, and a cron line in UTC says it exactly.
_VN_OFFSET = dt.timedelta(hours=7)


class Schedule(Protocol):
    @property
    def period(self) -> dt.timedelta:
        """The time between two slots."""
        ...

    def latest(self, now: dt.datetime) -> dt.datetime:
        """The last slot at or before `now`, in UTC."""
        ...

    def following(self, now: dt.datetime) -> dt.datetime:
        """The first slot after `now`, in UTC."""
        ...

    def cron(self) -> str:
        """The slots as a cron line in UTC (seconds as a sixth field where needed)."""
        ...

    def describe(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Daily:
    """Once a day at `at`, Vietnam time (Asia/Ho_Chi_Minh)."""

    at: dt.time

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(days=1)

    def latest(self, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(vietnam_tz())
        slot = dt.datetime.combine(local.date(), self.at.replace(tzinfo=None), vietnam_tz())
        if slot > local:
            slot -= self.period
        return slot.astimezone(dt.UTC)

    def following(self, now: dt.datetime) -> dt.datetime:
        return self.latest(now) + self.period

    def cron(self) -> str:
        utc = dt.datetime.combine(dt.date(2000, 1, 2), self.at.replace(tzinfo=None)) - _VN_OFFSET
        line = f"{utc.minute} {utc.hour} * * *"
        return f"{line} {utc.second}" if utc.second else line

    def describe(self) -> str:
        return f"daily at {self.at.strftime('%H:%M')} Asia/Ho_Chi_Minh"


@dataclass(frozen=True, slots=True)
class Every:
    """Every `seconds`, on the multiples of it since the epoch (e.g. 60: each minute at :00).

    The period must divide a minute, an hour or a day evenly, so that a cron
    line names the same slots.
    """

    seconds: int

    def __post_init__(self) -> None:
        s = self.seconds
        fits = s > 0 and (
            (s < 60 and 60 % s == 0)
            or (s % 60 == 0 and s < 3600 and 3600 % s == 0)
            or (s % 3600 == 0 and s < 86400 and 86400 % s == 0)
        )
        if not fits:
            raise ValueError(f"every {s} s: the period must divide a minute, an hour or a day")

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.seconds)

    def latest(self, now: dt.datetime) -> dt.datetime:
        epoch = math.floor(now.timestamp() / self.seconds) * self.seconds
        return dt.datetime.fromtimestamp(epoch, dt.UTC)

    def following(self, now: dt.datetime) -> dt.datetime:
        return self.latest(now) + self.period

    def cron(self) -> str:
        s = self.seconds
        if s < 60:
            return f"* * * * * */{s}"
        if s < 3600:
            return f"*/{s // 60} * * * *"
        return f"0 */{s // 3600} * * *"

    def describe(self) -> str:
        return f"every {self.seconds} s"
