"""`api.server.run`: uvicorn with the GIL handed over every 0.5 ms, as `baomat serve` runs it."""

from __future__ import annotations

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
