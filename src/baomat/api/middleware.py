"""What every request passes through before a route: a body size limit, and safe headers."""

from __future__ import annotations

import re
from collections.abc import Mapping

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
    the limit. `larger` raises the limit for named routes only, each still
    bounded: `{("POST", "/v1/subjects/{subject_id}/attachments"): 50 MiB + 64 KiB}`.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BODY_BYTES,
        larger: Mapping[tuple[str, str], int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self._larger = [
            (method, _template(path), limit) for (method, path), limit in (larger or {}).items()
        ]

    def limit(self, scope: Scope) -> int:
        """The body limit of the route this request is for."""
        for method, path, limit in self._larger:
            if scope["method"] == method and path.fullmatch(scope["path"]):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                # FastAPI lets an HTTPException raised while reading the body through;
                # the app's handler answers it (see api/errors.py).
                raise HTTPException(413, self._message(limit))
            return message

        await self.app(scope, counted, send)

    @staticmethod
    def _message(limit: int) -> str:
        return f"the request body is over {limit} bytes"

    def _refuse(self, limit: int) -> ASGIApp:
        return error_response(413, "content_too_large", self._message(limit))


def _template(path: str) -> re.Pattern[str]:
    """`/v1/subjects/{subject_id}/attachments` → a pattern matching it with any one segment."""
    parts = re.split(r"\{[^}/]+\}", path)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


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
