"""`POST /v1/decisions`: may these fields of a subject be used for a purpose, by a recipient?

A refusal is an answer (200, `allowed: false`, with the reason); only a
subject that is not the tenant's, or is erased, is 404, as for a read.
Every decision is audited with the API key as actor.

The hottest route, so it never takes a worker thread: the key is checked,
the policy and subject read, the decision made and audited in one
transaction, and the answer goes out only after that commit. On the embedded
store with its writer free, that transaction runs right here on the event
loop (about half a millisecond, never a wait); otherwise on the store's
committer thread, grouped with decisions asked at the same moment, while the
route awaits it (`services.decisions.decide_for_key`,
docs/decisions/007-decision-latency.md).
A missing key is refused before the body is read; any other bad key, after.
The answer is written as JSON straight from the decision: `Answer` is its
documented shape, and FastAPI does not validate what the route builds itself.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from baomat.api import errors
from baomat.api.deps import ApiKeyDep, Runtime
from baomat.domain.decision import NOT_FOUND_REASONS
from baomat.domain.errors import NotFound
from baomat.services import decisions

router = APIRouter(tags=["decisions"], responses=errors.responses(401, 422))

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Question(BaseModel):
    """`{"subject_id": "9f2c…", "purpose": "marketing_email", "fields": ["email"]}`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    subject_id: Name
    purpose: Name
    fields: Annotated[list[Name], Field(min_length=1, max_length=256)]
    recipient: Name | None = None
    """The recipient the data would go to, when it leaves the tenant."""


class Answer(BaseModel):
    allowed: bool
    reason: str
    text_vi: str
    text_en: str
    legal_basis: str | None
    policy_version: int


_ANSWERED = tuple(Answer.model_fields)
"""The decision's attributes the answer holds, as `Answer` documents them."""


@router.post("/decisions", response_model=Answer, responses=errors.responses(400, 404, 413))
async def decide(body: Question, key: ApiKeyDep, request: Request) -> JSONResponse:
    """The decision, its reason in Vietnamese and English, and its legal basis."""
    # The runtime and the clock taken here, not as dependencies: each costs FastAPI a solve.
    runtime: Runtime = request.app.state.runtime
    now = runtime.app.clock()
    asked = decisions.decide_for_key(
        runtime.app.uow(), runtime.policies, key,
        body.subject_id, body.purpose, body.fields, body.recipient, now,
    )  # fmt: skip
    # Decided here and now when the writer was free; awaiting a done future would still
    # cost a turn of the loop, behind every request in flight.
    decision = asked.result() if asked.done() else await asyncio.wrap_future(asked)
    if decision.reason in NOT_FOUND_REASONS:
        raise NotFound("subject not found")
    return JSONResponse({name: getattr(decision, name) for name in _ANSWERED})
