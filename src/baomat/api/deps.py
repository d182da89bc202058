"""What a route asks for, as `Annotated` aliases: the calling tenant, a unit of work, the time.

    def read(tenant: TenantDep, policy: PolicyDep, uow: UowDep, now: ClockDep) -> ...

A website's backend calls with its tenant's API key (`TenantDep`); staff and
data subjects call with the session token their login returned:

    def approve(staff: Annotated[Principal, require(Permission.APPROVE_AUTHORITY_DISCLOSURE)])
    def mine(staff: StaffDep)          # any staff member of staff.tenant; staff.role, staff.actor
    def own(subject_id: str, subject: SubjectDep)  # only the subject's own `subject_id`

The built App and the policy cache live on the FastAPI app's state (see
`create_app`); nothing here exists before a request does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from baomat.bootstrap import App
from baomat.domain import roles
from baomat.domain.errors import Forbidden, Unauthenticated
from baomat.domain.login import Principal
from baomat.domain.roles import Permission
from baomat.policy.model import Policy
from baomat.services import api_keys, auth, refusals
from baomat.services.tenants import PolicyCache
from baomat.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Runtime:
    """What `create_app` hands every request: the built App and the parsed policies."""

    app: App
    policies: PolicyCache


@dataclass(frozen=True, slots=True)
class Tenant:
    """The tenant whose API key made the call; `actor` names the key in audit entries."""

    id: str
    actor: str


_bearer = HTTPBearer(
    auto_error=False,
    description="A tenant's API key: `Authorization: Bearer bm_<id>_<secret>`.",
)


# `async` where no I/O happens: FastAPI then runs them without a thread hop.
async def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


async def _uow(runtime: RuntimeDep) -> UnitOfWork:
    return runtime.app.uow()


async def _now(runtime: RuntimeDep) -> dt.datetime:
    return runtime.app.clock()


def _tenant(
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Tenant:
    if credentials is None:
        raise Unauthenticated("an API key is required: Authorization: Bearer bm_...")
    presented = credentials.credentials
    # Only reads, as does `_policy`: neither waits for, nor holds up, a request that writes.
    tenant = api_keys.authenticate(runtime.app.uow(read_only=True), presented)
    return Tenant(tenant, api_keys.actor_of(presented))


TenantDep = Annotated[Tenant, Depends(_tenant)]


async def _api_key(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None:
        raise Unauthenticated("an API key is required: Authorization: Bearer bm_...")
    return credentials.credentials


ApiKeyDep = Annotated[str, Depends(_api_key)]
"""The key as presented, not yet checked: for a route whose service checks it in its own
transaction (`POST /v1/decisions`), instead of `TenantDep`'s separate read."""


def policy_of(runtime: Runtime, tenant: str) -> Policy:
    """The tenant's policy in force, from the app's cache: for routes called with a session."""
    return runtime.policies.current(runtime.app.uow(read_only=True), tenant)


def _policy(runtime: RuntimeDep, tenant: TenantDep) -> Policy:
    return policy_of(runtime, tenant.id)


UowDep = Annotated[UnitOfWork, Depends(_uow)]
ClockDep = Annotated[dt.datetime, Depends(_now)]
PolicyDep = Annotated[Policy, Depends(_policy)]
"""The calling tenant's policy in force."""


_Credentials = HTTPAuthorizationCredentials | None
_staff_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="StaffSession",
    description="A staff session token from `POST /v1/staff/login`: `Bearer bs_<id>_<secret>`.",
)
_subject_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="SubjectSession",
    description="A data subject's session token from `POST /v1/subjects/login` or "
    "`POST /v1/subjects/login/code/verify`: `Bearer bs_<id>_<secret>`.",
)


def _session(runtime: Runtime, credentials: _Credentials) -> Principal:
    if credentials is None:
        raise Unauthenticated("a session is required: Authorization: Bearer bs_... (log in first)")
    uow = runtime.app.uow(read_only=True)
    return auth.authenticate_session(uow, credentials.credentials, runtime.app.clock())


def _principal(
    runtime: RuntimeDep,
    staff: Annotated[_Credentials, Depends(_staff_bearer)],
    subject: Annotated[_Credentials, Depends(_subject_bearer)],
) -> Principal:
    return _session(runtime, staff or subject)


def _staff(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[_Credentials, Depends(_staff_bearer)],
) -> Principal:
    principal = _session(runtime, credentials)
    if principal.kind != "staff":
        _refuse(request, runtime, principal, "staff_only")
        raise Forbidden("only staff may do this")
    return principal


def _subject(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[_Credentials, Depends(_subject_bearer)],
) -> Principal:
    principal = _session(runtime, credentials)
    if principal.kind != "subject":
        _refuse(request, runtime, principal, "subject_only")
        raise Forbidden("only the data subject may do this")
    # A route's `{subject_id}` must be the subject's own: checked here, once for every route.
    claimed = request.path_params.get("subject_id")
    if claimed is not None and claimed != principal.id:
        _refuse(request, runtime, principal, "not_own_data")
        raise Forbidden("a data subject may act only on their own data")
    return principal


def _refuse(
    request: Request,
    runtime: Runtime,
    principal: Principal,
    reason: str,
    permission: str | None = None,
) -> None:
    """Records a session refused at a route's door (`access.denied`), before the 403."""
    refusals.access_denied(
        runtime.app.uow(), principal.tenant, principal.actor,
        None if principal.role is None else principal.role.value, permission,
        _operation(request), runtime.app.clock(), reason=reason,
    )  # fmt: skip


PrincipalDep = Annotated[Principal, Depends(_principal)]
"""Whoever holds a live session, staff or data subject (`principal.kind`)."""
StaffDep = Annotated[Principal, Depends(_staff)]
"""A staff member's session, of `staff.tenant`; 403 for a subject's session."""
SubjectDep = Annotated[Principal, Depends(_subject)]
"""A data subject's session; 403 when the route's `{subject_id}` is another subject's."""


def require(permission: Permission, *alternatives: Permission) -> Any:
    """A dependency: the staff principal, if its role holds `permission` (or one of
    `alternatives`), else 403.

    def approve(staff: Annotated[Principal, require(Permission.APPROVE_AUTHORITY_DISCLOSURE)])
    Reader = Annotated[Principal, require(Permission.MANAGE_INCIDENTS, Permission.READ_REGISTERS)]

    A refusal is recorded first (`access.denied`: the permission and the route as
    declared, never the path or query as sent), in a transaction of its own.
    """

    wanted = (permission, *alternatives)
    named = ",".join(p.value for p in wanted)

    def check(request: Request, runtime: RuntimeDep, staff: StaffDep) -> Principal:
        if not any(roles.allows(staff.role, p) for p in wanted):
            _refuse(request, runtime, staff, "missing_permission", permission=named)
        roles.require_any(staff.role, *wanted)
        return staff

    return Depends(check)


def _operation(request: Request) -> str:
    """`POST /v1/incidents/{incident_id}/close`: the method and the route's path template.

    An included router's route knows its template without the prefixes it was included
    under (`/v1`); those are the part of the path sent before what the template matched.
    """
    template = getattr(request.scope.get("route"), "path_format", None)
    if not isinstance(template, str):
        return request.method
    matched = template.format_map(request.path_params)
    path = request.url.path
    prefix = path[: -len(matched)] if matched and path.endswith(matched) else ""
    return f"{request.method} {prefix}{template}"
