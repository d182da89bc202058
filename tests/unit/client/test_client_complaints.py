"""The client's complaint and alert calls against a fake server: the requests they send."""

from __future__ import annotations

import datetime as dt
import json

import httpx

from baomat.client import Client

TOKEN = "bs_0123456789abcdef_" + "s" * 43


def test_complaint_calls_send_their_bodies_under_v1_with_ids_as_one_segment() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith(("/me/complaints", "/complaints")) and request.method == "GET":
            return httpx.Response(200, json={"complaints": [{"id": "c1"}]})
        if request.url.path.endswith("/alerts"):
            return httpx.Response(200, json={"alerts": [{"id": "a1"}]})
        return httpx.Response(200, json={"id": "c1"})

    received = dt.datetime(2026, 2, 13, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with Client("https://baomat.example", TOKEN, transport=httpx.MockTransport(answer)) as api:
        api.file_complaint("leak", "Lộ thư", contact_email="an@example.vn")
        api.record_complaint("s/1", "hotline", received, "other", "Gọi điện", contact_phone="0912")
        assert api.complaint_queue(overdue=True) == [{"id": "c1"}]
        api.complaint_step("c/1", "resolve", "Đã xử lý")
        assert api.alerts(kind="complaint") == [{"id": "a1"}]
        api.acknowledge_alert("a1")

    filed, recorded, queue, step, listed, acknowledged = seen
    assert json.loads(filed.content) == {
        "category": "leak", "description": "Lộ thư", "language": "vi",
        "contact_email": "an@example.vn",
    }  # fmt: skip
    assert json.loads(recorded.content) == {
        "category": "other", "description": "Gọi điện", "language": "vi", "contact_phone": "0912",
        "subject_id": "s/1", "channel": "hotline", "received_at": "2026-02-13T09:00:00+07:00",
    }  # fmt: skip
    assert queue.url.raw_path == b"/v1/complaints?overdue=true"
    assert step.url.raw_path == b"/v1/complaints/c%2F1/transitions"
    assert json.loads(step.content) == {"action": "resolve", "note": "Đã xử lý"}
    assert listed.url.raw_path == b"/v1/alerts?include_acknowledged=false&kind=complaint"
    assert acknowledged.url.path == "/v1/alerts/a1/acknowledge"
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in seen)
