"""Policy versions and what each changed (staff), and a changed policy's notice (subjects).

Staff with the registers' permission list the tenant's published versions
(`GET /v1/policy/versions`) and read one version's classified changes
(`GET /v1/policy/versions/{version}/changes`). A logged-in subject of a
tenant whose change notice is `continued_use` sees the versions it has yet
to accept (`GET /v1/me/policy-notices`, also in `GET /v1/me`) and accepts
one (`POST /v1/me/policy-notices/{version}/acknowledge`); logging in again
after a notice was shown accepts it by continued use.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel

from baomat.api import errors
from baomat.api.deps import ClockDep, RuntimeDep, SubjectDep, UowDep, require
from baomat.domain.login import Principal
from baomat.domain.roles import Permission
from baomat.services import policy_changes, policy_notices
from baomat.store.policy_changes import ChangeRecord

router = APIRouter(tags=["policy"], responses=errors.responses(401, 403, 422))

VersionNumber = Annotated[int, Path(ge=1, le=2_147_483_647, description="A policy version.")]


class Texts(BaseModel):
    vi: str
    en: str


class ChangeOut(BaseModel):
    code: str
    """What changed, and the reason it is material or not: `purpose_added`, `retention_longer`."""
    material: bool
    path: str
    """Where in the policy file: `purposes.marketing_email.fields`."""
    text: Texts
    purposes: list[str]
    """Purposes whose use the change alters (fresh consent asks again for these)."""


class Notices(BaseModel):
    state: str
    """`done` when every message and consent closure is written, else `pending`."""
    queued: int
    consents_closed: int
    done_at: dt.datetime | None


class VersionOut(BaseModel):
    version: int
    previous_version: int | None
    published_at: dt.datetime
    published_by: str
    last_updated: dt.date
    """The "last updated" date shown for the version: the day it was published."""
    sha256: str
    notice_mode: str | None
    """How subjects learn of its changes: the mode of the version before it."""
    material: bool
    changes: int
    recorded: bool
    """False for a version published before changes were recorded."""
    notices: Notices

    @classmethod
    def of(cls, r: ChangeRecord) -> VersionOut:
        notices = Notices(
            state=r.notices,
            queued=r.notices_queued,
            consents_closed=r.consents_closed,
            done_at=r.notices_done_at,
        )
        return cls(
            version=r.version, previous_version=r.previous_version, published_at=r.published_at,
            published_by=r.published_by, last_updated=r.last_updated, sha256=r.sha256,
            notice_mode=r.notice_mode, material=r.material, changes=len(r.changes),
            recorded=r.recorded, notices=notices,
        )  # fmt: skip


class Versions(BaseModel):
    versions: list[VersionOut]
    """Newest first."""


class VersionChanges(VersionOut):
    changed: list[ChangeOut]

    @classmethod
    def of_changes(cls, r: ChangeRecord) -> VersionChanges:
        return cls(
            **VersionOut.of(r).model_dump(),
            changed=[ChangeOut.model_validate(_change(c)) for c in r.changes],
        )


class MaterialChange(BaseModel):
    code: str
    text: Texts


class PolicyNotice(BaseModel):
    version: int
    published_at: dt.datetime
    last_updated: dt.date
    changes: list[MaterialChange]
    """The version's material changes, in Vietnamese and English."""
    shown_at: dt.datetime | None

    @classmethod
    def of(cls, n: policy_notices.Notice) -> PolicyNotice:
        return cls.model_validate(
            {
                "version": n.version,
                "published_at": n.published_at,
                "last_updated": n.last_updated,
                "changes": list(n.changes),
                "shown_at": n.shown_at,
            }
        )


class PolicyNotices(BaseModel):
    notices: list[PolicyNotice]


class Accepted(BaseModel):
    accepted: list[int]
    """The versions accepted: the one named and any older one still due."""


Staff = Annotated[Principal, require(Permission.READ_REGISTERS)]


@router.get("/policy/versions")
def list_versions(staff: Staff, runtime: RuntimeDep) -> Versions:
    """The tenant's published policy versions, newest first, with their notices' progress."""
    found = policy_changes.versions(runtime.app.uow(read_only=True), staff.tenant)
    return Versions(versions=[VersionOut.of(r) for r in found])


@router.get("/policy/versions/{version}/changes", responses=errors.responses(404))
def version_changes(version: VersionNumber, staff: Staff, runtime: RuntimeDep) -> VersionChanges:
    """What a version changed from the one before it, each change classified."""
    found = policy_changes.version(runtime.app.uow(read_only=True), staff.tenant, version)
    return VersionChanges.of_changes(found)


@router.get("/me/policy-notices")
def my_policy_notices(subject: SubjectDep, runtime: RuntimeDep) -> PolicyNotices:
    """The changed policy versions the subject has yet to accept, oldest first."""
    found = policy_notices.pending(runtime.app.uow(read_only=True), subject.tenant, subject.id)
    return PolicyNotices(notices=[PolicyNotice.of(n) for n in found])


@router.post("/me/policy-notices/{version}/acknowledge", responses=errors.responses(404, 409))
def acknowledge_policy_notice(
    version: VersionNumber, subject: SubjectDep, uow: UowDep, now: ClockDep
) -> Accepted:
    """The subject accepts the changed policy `version` (and any older one still due)."""
    accepted = policy_notices.acknowledge(
        uow, subject.tenant, subject.id, version, subject.session, subject.actor, now
    )
    return Accepted(accepted=accepted)


def _change(stored: Any) -> dict[str, Any]:
    return {k: stored[k] for k in ("code", "material", "path", "text", "purposes")}
