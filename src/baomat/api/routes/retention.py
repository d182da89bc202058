"""Retention reviews: staff record whether a subject's data is still needed.

Under a `while_needed` rule (WeSoft, Clever Group) the sweep reports a
subject due for review `review_every` after registration, then after each
review recorded here (`POST /v1/subjects/{subject_id}/retention-review`):
`keep` sets the next review, `erase` erases the subject as the sweep does.
The sweep itself runs from the CLI and the daily job.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict

from baomat.api import errors
from baomat.api.deps import ClockDep, RuntimeDep, UowDep, policy_of, require
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.login import Principal
from baomat.domain.roles import Permission
from baomat.services import retention

router = APIRouter(tags=["retention"], responses=errors.responses(401, 403, 422))

SubjectId = Annotated[str, Path(max_length=64, description="The subject's pseudonymous id.")]


class ReviewIn(BaseModel):
    """`{"outcome": "keep"}`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    outcome: Literal["keep", "erase"]
    """keep: still needed, reviewed again `review_every` from now; erase: no longer needed."""


class ReviewOut(BaseModel):
    subject: str
    rule: str
    """The retention rule the subject falls under."""
    outcome: str
    reviewed_at: dt.datetime
    next_review: dt.datetime | None
    """When the next review falls due (an exclusive instant); null once erased."""


@router.post(
    "/subjects/{subject_id}/retention-review",
    responses=errors.responses(400, 404, 409, 413),
)
def review_retention(
    subject_id: SubjectId,
    body: ReviewIn,
    staff: Annotated[Principal, require(Permission.RUN_RETENTION)],
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> ReviewOut:
    """Records a review of whether the subject's data is still needed → the review.

    409 under a rule without reviews, for a closed account (the sweep erases
    it), or for an erasure a legal hold or a minimum keep period blocks.
    """
    policy = policy_of(runtime, staff.tenant)
    done = retention.review(
        uow, policy, subject_id, body.outcome, staff.actor, now, load_vn_calendar()
    )
    return ReviewOut(
        subject=done.subject,
        rule=done.rule,
        outcome=done.outcome,
        reviewed_at=done.reviewed_at,
        next_review=done.next_review,
    )
