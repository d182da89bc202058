"""Calls an ASGI app in process from synchronous httpx code, such as `baomat.client.Client`.

    with httpx.Client(transport=SyncASGITransport(api), base_url="http://testserver") as http:
        http.get("/v1/health")

httpx's own `ASGITransport` serves only async clients, and starlette's
`TestClient` now warns when it runs on httpx (it wants httpx2), so requests
run here on an anyio event loop in a thread of their own.
"""

from __future__ import annotations

from contextlib import ExitStack

import httpx
from anyio.from_thread import start_blocking_portal
from starlette.types import ASGIApp


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._stack = ExitStack()
        self._portal = self._stack.enter_context(start_blocking_portal())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a body from a generator is sync-only; the ASGI side reads it async
        return self._portal.call(self._send, request)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    def close(self) -> None:
        self._stack.close()
