"""`api.server.run`: uvicorn with the GIL handed over every 0.5 ms, as `baomat serve` runs it."""

from __future__ import annotations

import gc
import sys
from typing import Any

import pytest
import uvicorn

from baomat.api import server


def test_serving_hands_the_gil_over_every_half_millisecond_and_logs_as_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[object, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    before = sys.getswitchinterval()
    api = object()
    try:
        server.run(api, host="127.0.0.1", port=8123, access_log=False)  # type: ignore[arg-type]
        interval = sys.getswitchinterval()
    finally:
        sys.setswitchinterval(before)

    assert interval == pytest.approx(server.SWITCH_INTERVAL_S)
    assert calls == [
        (api, {"host": "127.0.0.1", "port": 8123, "access_log": False, "log_level": "warning"})
    ]


def test_serving_starts_with_what_is_in_memory_out_of_the_collectors_reach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.append(gc.get_freeze_count()))
    before = sys.getswitchinterval()
    try:
        server.run(object(), host="127.0.0.1", port=8123)  # type: ignore[arg-type]
    finally:
        sys.setswitchinterval(before)
        gc.unfreeze()  # the rest of the test session collects as usual

    assert seen and seen[0] > 0
