"""`decision.http_*`, `health.http_*`: p99 latency of a decision over HTTP against a no-op route.

A real server (`uvicorn` in a process of its own, `_server`, on a free port of
127.0.0.1, the embedded SQLite store) answers `CLIENTS` concurrent
clients. Each client alternates `POST /v1/decisions` and `GET /v1/health`,
so both routes are measured under the same load, in the same run; the ratio
of their p99s is the cost of deciding (authenticating the key, reading the
policy and the subject, one audited transaction) over the cost of serving.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import math
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TextIO

from baomat.bench import _policies, store
from baomat.bench._app import bench_app
from baomat.bench.decisions import ASKS
from baomat.domain.consent import ConsentRequest, shown_text_sha256
from baomat.services import api_keys, consents, subjects, tenants

CLIENTS = 8
WARM_UP = 10
"""Rounds per client before measuring: connections opened, the policy parsed and compiled."""


def measure(home: Path, subjects_n: int, rounds: int, out: TextIO) -> None:
    """`CLIENTS` × `rounds` requests to each route → `decision.http_*`, `health.http_*` lines."""
    if importlib.util.find_spec("httpx") is None:  # the clients' library: the `client` extra
        print("bench: HTTP figures skipped: they need httpx (baomat[client])", file=sys.stderr)
        return
    key, ids = _prepare(home, subjects_n)
    port = _free_port()
    server = _start(home, port)
    try:
        decided, healthy = asyncio.run(_load(f"http://127.0.0.1:{port}", key, ids, rounds))
    finally:
        _stop(server)
    decision_p99, health_p99 = p99(decided), p99(healthy)
    out.write(f"BENCH http.clients {CLIENTS} clients\n")
    out.write(f"BENCH decision.http_requests {len(decided)} requests\n")
    out.write(f"BENCH decision.http_p99_ms {decision_p99 * 1000:.2f} ms\n")
    out.write(f"BENCH health.http_p99_ms {health_p99 * 1000:.2f} ms\n")
    out.write(f"BENCH decision.http_p99_ratio {decision_p99 / health_p99:.2f} ratio\n")
    out.flush()


def p99(samples: list[float]) -> float:
    """The 99th percentile by nearest rank: the smallest sample ≥ 99 % of them."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(0.99 * len(ordered)) - 1, 0)]


def _prepare(home: Path, n: int, seed: int = 13) -> tuple[str, list[str]]:
    """The bench tenant with an API key and `n` subjects, half of them opted in → (key, ids)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    policy, text = _policies.document(_policies.DECISIONS)
    with bench_app(home) as app:
        now = app.clock()
        tenants.publish_policy(app.uow(), policy, text, "bench", now)
        key = api_keys.create(app.uow(), "bench", "bench", "bench", now)
        generated = store.records(n)
        ids: list[str] = []
        for lo in range(0, n, store.BATCH):
            batch = generated[lo : lo + store.BATCH]
            ids += subjects.register(app.uow(), policy, "customer", batch, "bench", now)
        marketing = policy.purpose("marketing_email")
        assert marketing is not None
        shown = shown_text_sha256(marketing.text.vi)
        for sid in ids:
            if rng.random() < 0.5:
                request = ConsentRequest(sid, "marketing_email", 1, shown, "vi", "web", given=True)
                consents.give(app.uow(), policy, request, "bench", now)
    return key, ids


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(home: Path, port: int) -> subprocess.Popen[bytes]:
    """Starts the server and waits until `/v1/health` answers (30 s at most)."""
    import httpx

    server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "baomat.bench._server", str(home), str(port)]
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"bench server exited with code {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    _stop(server)
    raise RuntimeError("bench server did not answer /v1/health within 30 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


async def _load(
    base: str, key: str, ids: list[str], rounds: int, seed: int = 17
) -> tuple[list[float], list[float]]:
    """`CLIENTS` clients, each alternating a decision and a health check → both latencies (s)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    decided: list[float] = []
    healthy: list[float] = []

    def question() -> dict[str, object]:
        purpose, fields, recipient = rng.choice(ASKS)
        body: dict[str, object] = {
            "subject_id": rng.choice(ids),
            "purpose": purpose,
            "fields": list(fields),
        }
        if recipient is not None:
            body["recipient"] = recipient
        return body

    async def client(http: _Connection, number: int, rounds: int, record: bool) -> None:
        # Drawn before the first await: the same questions in every run.
        for i, body in enumerate([question() for _ in range(rounds)]):
            # Which goes first alternates, so neither route always follows the other.
            for route in ("decision", "health") if (i + number) % 2 else ("health", "decision"):
                start = time.perf_counter()
                if route == "decision":
                    status = await http.request("POST", "/v1/decisions", json.dumps(body))
                else:
                    status = await http.request("GET", "/v1/health")
                elapsed = time.perf_counter() - start
                if status != 200:
                    raise RuntimeError(f"bench {route}: HTTP {status}")
                if record:
                    (decided if route == "decision" else healthy).append(elapsed)

    host, port = base.removeprefix("http://").split(":")
    clients = [await _Connection.open(host, int(port), key) for _ in range(CLIENTS)]
    try:
        await asyncio.gather(*(client(h, c, WARM_UP, False) for c, h in enumerate(clients)))
        await asyncio.gather(*(client(h, c, rounds, True) for c, h in enumerate(clients)))
    finally:
        for connection in clients:
            await connection.close()
    return decided, healthy


class _Connection:
    """One kept-alive HTTP/1.1 connection that writes each request whole, in one `write`.

    A general client (httpx) writes a POST's headers and its body apart, so the
    server reads a decision in two turns of its event loop and a health check
    in one: the figure would count the client's way of writing as the cost of
    deciding. Both routes go through this same minimal client instead.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: str):
        self._reader, self._writer, self._head = reader, writer, head

    @classmethod
    async def open(cls, host: str, port: int, key: str) -> _Connection:
        reader, writer = await asyncio.open_connection(host, port)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer, f"Host: {host}:{port}\r\nAuthorization: Bearer {key}\r\n")

    async def request(self, method: str, path: str, body: str = "") -> int:
        """Sends one request and reads its whole response → the status code."""
        payload = body.encode()
        head = f"{method} {path} HTTP/1.1\r\n{self._head}"
        if payload:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        self._writer.write(head.encode("ascii") + b"\r\n" + payload)
        status_line = await self._reader.readline()
        length = 0
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        await self._reader.readexactly(length)
        return int(status_line.split()[1])

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()
