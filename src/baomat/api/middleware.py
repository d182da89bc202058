"""What every request passes through before a route: a body size limit, and safe headers."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baomat.api.errors import error_response

MAX_BODY_BYTES = 1024 * 1024
"""A subject's values are a few kilobytes; a body over 1 MiB is refused with 413, unread."""


class BodyLimit:
    """Refuses a request body over `max_bytes` with 413, before anything parses it.

    A declared `Content-Length` over the limit is refused at once; a body sent
    without one (chunked) is counted as it arrives and refused when it passes
    the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse()(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                # FastAPI lets an HTTPException raised while reading the body through;
                # the app's handler answers it (see api/errors.py).
                raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return f"the request body is over {self.max_bytes} bytes"

    def _refuse(self) -> ASGIApp:
        return error_response(413, "content_too_large", self._message())


class SecurityHeaders:
    """Answers hold personal data: no cache keeps them, and no browser sniffs them as HTML."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Cache-Control", "no-store")
                headers.setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        await self.app(scope, receive, with_headers)
