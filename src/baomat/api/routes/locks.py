"""Service locks: staff lock a subject's service for a violation the policy lists, and unlock it.

Staff with `lock_accounts` lock (`POST /v1/subjects/{subject_id}/locks`),
unlock (`POST .../locks/{lock_id}/unlock`) and read a subject's locks with
their notes (`GET /v1/subjects/{subject_id}/locks`); the subject reads its
own, with the reason in its language and without the staff's notes
(`GET /v1/me/locks`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, StringConstraints

from baomat.api import errors
from baomat.api.deps import ClockDep, RuntimeDep, SubjectDep, UowDep, policy_of, require
from baomat.domain.login import Principal
from baomat.domain.roles import Permission
from baomat.policy.model import Policy
from baomat.services import locks
from baomat.store.locks import LockRecord

router = APIRouter(tags=["locks"], responses=errors.responses(401, 403, 422))

SubjectId = Annotated[str, Path(max_length=64, description="The subject's id.")]
LockId = Annotated[str, Path(max_length=64, description="The lock's id.")]
Note = Annotated[str, StringConstraints(min_length=1, max_length=locks.NOTE_LENGTH)]
Locker = Annotated[Principal, require(Permission.LOCK_ACCOUNTS)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class NewLock(_Body):
    """`{"violation": "malware", "evidence": "abuse report #88: …"}`."""

    violation: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    """One of the policy's `service_locks.violations[].id`."""
    evidence: Note
    """What staff found; kept sealed, shown to staff only, never audited."""


class Unlock(_Body):
    note: Note
    """Why the lock ends; kept sealed, shown to staff only."""


class LockOut(BaseModel):
    id: str
    subject: str
    violation: str
    reason: str
    """The violation's text, in the language asked for."""
    locked_at: dt.datetime
    unlocked_at: dt.datetime | None
    open: bool
    evidence: str | None = None
    locked_by: str | None = None
    unlocked_by: str | None = None
    unlock_note: str | None = None

    @classmethod
    def of(cls, lock: LockRecord, policy: Policy, language: str, *, staff: bool) -> LockOut:
        out = cls(
            id=lock.id,
            subject=lock.subject,
            violation=lock.violation,
            reason=locks.violation_text(policy, lock.violation, language),
            locked_at=lock.locked_at,
            unlocked_at=lock.unlocked_at,
            open=lock.is_open,
        )
        if staff:
            out.evidence, out.unlock_note = lock.evidence, lock.unlock_note
            out.locked_by, out.unlocked_by = lock.locked_by, lock.unlocked_by
        return out


class Locks(BaseModel):
    locks: list[LockOut]


Language = Annotated[str, Query(pattern="^(vi|en)$")]


@router.post(
    "/subjects/{subject_id}/locks", status_code=201, responses=errors.responses(400, 404, 409)
)
def lock_service(
    subject_id: SubjectId,
    body: NewLock,
    staff: Locker,
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> LockOut:
    """Locks the subject's service for a listed violation; the subject is emailed why."""
    policy = policy_of(runtime, staff.tenant)
    lock = locks.lock(uow, policy, subject_id, body.violation, body.evidence, staff.actor, now)
    return LockOut.of(lock, policy, "vi", staff=True)


@router.post("/subjects/{subject_id}/locks/{lock_id}/unlock", responses=errors.responses(400, 404))
def unlock_service(
    subject_id: SubjectId,
    lock_id: LockId,
    body: Unlock,
    staff: Locker,
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> LockOut:
    """Ends the subject's open lock; the subject is emailed that the service is back."""
    policy = policy_of(runtime, staff.tenant)
    lock = locks.unlock(uow, policy, subject_id, lock_id, body.note, staff.actor, now)
    return LockOut.of(lock, policy, "vi", staff=True)


@router.get("/subjects/{subject_id}/locks", responses=errors.responses(404))
def subject_locks(
    subject_id: SubjectId,
    staff: Locker,
    runtime: RuntimeDep,
    uow: UowDep,
    language: Language = "vi",
) -> Locks:
    """The subject's locks, oldest first, with staff's notes."""
    policy = policy_of(runtime, staff.tenant)
    found = locks.of_subject(uow, staff.tenant, subject_id)
    return Locks(locks=[LockOut.of(x, policy, language, staff=True) for x in found])


@router.get("/me/locks")
def my_locks(
    subject: SubjectDep, runtime: RuntimeDep, uow: UowDep, language: Language = "vi"
) -> Locks:
    """The subject's own locks, oldest first, each with the reason in `language`."""
    policy = policy_of(runtime, subject.tenant)
    found = locks.own(uow, subject.tenant, subject.id)
    return Locks(locks=[LockOut.of(x, policy, language, staff=False) for x in found])
