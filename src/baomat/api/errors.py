"""Every error answer of the API, in one shape: `{"error": {"code", "message", ...}}`.

Domain errors map to statuses in the one table `STATUS`; bad input (`Invalid`,
or a request the schema refuses) adds `field` and `rule`, and a use of data
that a decision refuses (`Denied`) adds its `reason` code. An answer never
carries a traceback or a submitted value: messages are the domain's own,
which never hold personal data, and a request the schema refuses is described
by its location and rule, not by its input. Anything unexpected becomes a
generic 500, logged by exception type only.

Routes declare the error statuses they answer with `responses(...)`, so
/openapi.json describes every answer (checked by schemathesis in the tests):

    router = APIRouter(prefix="/subjects", responses=errors.responses(401, 422))
    @router.post("", responses=errors.responses(400, 413))  # a JSON body: unreadable, too large
    @router.get("/{subject_id}", responses=errors.responses(403, 404))
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baomat.domain.decision import Denied
from baomat.domain.errors import (
    Conflict,
    DomainError,
    Duplicate,
    Forbidden,
    Invalid,
    NotConfigured,
    NotFound,
    Unauthenticated,
)

log = logging.getLogger("baomat.api")

STATUS: dict[type[DomainError], int] = {
    Invalid: 422,
    NotFound: 404,
    Conflict: 409,
    Unauthenticated: 401,
    Forbidden: 403,
    Denied: 403,
    NotConfigured: 503,
    DomainError: 400,
}
"""Domain error → HTTP status; a subclass takes its nearest listed ancestor's."""

DENIED_AS_INVALID = {
    "unknown_purpose": "purpose",
    "purpose_not_for_subject_type": "purpose",
    "field_not_in_purpose": "fields",
}
"""Refusals that say the request itself does not fit the policy: 422 naming the field.

Other refusals (no consent, an objection, a recipient's scope) are 403: the
request was well formed and the answer is no.
"""

_HEADERS = {401: {"WWW-Authenticate": "Bearer"}}

_HTTP_CODES = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "content_too_large",
}
"""Codes for the framework's own answers; other statuses take their phrase in snake case."""


class ErrorDetail(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    code: str
    """`invalid`, `not_found`, `forbidden`, ...: the status in words, for programs."""
    message: str
    """For people: the domain's own words, never a submitted value."""
    field: str | None = None
    """With `invalid`, or a `conflict` over a unique value: the refused input (`values.email`,
    `purpose`, `email`)."""
    rule: str | None = None
    """With `invalid`, or a `conflict` over a unique value: the rule it broke."""
    reason: str | None = None
    """With a refused use of data: the decision's reason code (`no_consent`)."""


class ErrorAnswer(BaseModel):
    """`{"error": {"code": "not_found", "message": "subject not found"}}`."""

    error: ErrorDetail


_MEANING = {
    400: "The request could not be read: its body is not JSON text in UTF-8.",
    401: "No API key or session, or not a valid one.",
    403: "Well formed, and refused: `reason` says why when a decision refused it.",
    404: "No such subject or record for this tenant (or it is erased).",
    409: "Conflicts with the current state (already done, a legal hold, or a value another "
    "subject holds uniquely: then `field` and `rule` say which).",
    413: "The request body is over the size limit (1 MiB; an attachment's upload: 50 MiB).",
    422: "The input breaks a rule of the schema or the policy: `field` and `rule` say which.",
    503: "This server lacks what the request needs (an email server for login codes): "
    "not the request's fault, and it works once the server is configured.",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Error statuses a route answers with → its `responses=`, all with the `ErrorAnswer` body."""
    return {status: {"model": ErrorAnswer, "description": _MEANING[status]} for status in statuses}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    rule: str | None = None,
    reason: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, str] = {"code": code, "message": message}
    if field is not None and rule is not None:
        body |= {"field": field, "rule": rule}
    if reason is not None:
        body["reason"] = reason
    return JSONResponse({"error": body}, status, headers=headers or _HEADERS.get(status))


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = next(STATUS[c] for c in type(exc).__mro__ if c in STATUS)
    if isinstance(exc, Invalid | Duplicate):
        return error_response(status, exc.code, str(exc), field=exc.field, rule=exc.rule)
    if isinstance(exc, Denied):
        field = DENIED_AS_INVALID.get(exc.reason)
        rule = exc.decision.text_en
        if field is not None:
            return error_response(
                422, Invalid.code, str(exc), field=field, rule=rule, reason=exc.reason
            )
        return error_response(status, exc.code, str(exc), reason=exc.reason)
    return error_response(status, exc.code, str(exc))


async def _request_invalid(_request: Request, exc: Exception) -> JSONResponse:
    """The first schema error, located (`values.email`) and named; its input is never echoed."""
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0]
    where = [str(part) for part in first.get("loc", ()) if isinstance(part, str)]
    field = ".".join(where[1:]) or (where[0] if where else "request")
    rule = str(first.get("msg", "is not valid"))
    return error_response(422, "invalid", f"{field}: {rule}", field=field, rule=rule)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    """Framework answers (unknown path, wrong method, body too large) in the same shape."""
    assert isinstance(exc, HTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    return error_response(
        exc.status_code,
        _HTTP_CODES.get(exc.status_code) or phrase.lower().replace(" ", "_"),
        exc.detail if isinstance(exc.detail, str) else phrase,
        headers=dict(exc.headers or {}) or None,
    )


def install(api: FastAPI) -> None:
    """Registers the handlers above and the catch-all for anything unexpected."""
    api.add_exception_handler(DomainError, _domain_error)
    api.add_exception_handler(RequestValidationError, _request_invalid)
    api.add_exception_handler(HTTPException, _http_error)
    api.add_middleware(InternalErrors)


class InternalErrors:
    """ASGI middleware: an unexpected exception → 500 `internal`, logged by its type only.

    Starlette's own catch-all would re-raise the exception to the server, which
    logs its traceback, and a traceback can hold the values being processed.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            log.error("internal error: %s", type(exc).__name__)
            if not started:
                response = error_response(500, "internal", "internal error; it has been logged")
                await response(scope, receive, send)
