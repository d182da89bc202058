"""What a route asks for, as `Annotated` aliases: the calling tenant, a unit of work, the time.

    def read(tenant: TenantDep, policy: PolicyDep, uow: UowDep, now: ClockDep) -> ...

The built App and the policy cache live on the FastAPI app's state (see
`create_app`); nothing here exists before a request does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from baomat.bootstrap import App
from baomat.domain.errors import Unauthenticated
from baomat.policy.model import Policy
from baomat.services import api_keys
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
    return Tenant(api_keys.authenticate(runtime.app.uow(), presented), api_keys.actor_of(presented))


TenantDep = Annotated[Tenant, Depends(_tenant)]


def _policy(runtime: RuntimeDep, tenant: TenantDep) -> Policy:
    return runtime.policies.current(runtime.app.uow(), tenant.id)


UowDep = Annotated[UnitOfWork, Depends(_uow)]
ClockDep = Annotated[dt.datetime, Depends(_now)]
PolicyDep = Annotated[Policy, Depends(_policy)]
"""The calling tenant's policy in force."""
