"""`create_app(app)`: the HTTP API over a built App, every route under `/v1`.

    api = create_app(bootstrap.build(Settings()))
    uvicorn.run(api)  # OpenAPI at /openapi.json, interactive docs at /docs

`baomat serve` does just this, and on the embedded store hands it the job
runner (`bootstrap.job_runner`), which then starts and stops with the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI

from baomat import __version__
from baomat.api import errors
from baomat.api.deps import Runtime
from baomat.api.middleware import MAX_BODY_BYTES, BodyLimit, SecurityHeaders
from baomat.api.routes import (
    alerts,
    attachments,
    auth,
    complaints,
    consents,
    decisions,
    disclosures,
    documents,
    health,
    incidents,
    locks,
    policy,
    retention,
    rights,
    subjects,
)
from baomat.bootstrap import App
from baomat.jobs.runner import Runner
from baomat.services.tenants import PolicyCache

DESCRIPTION = """\
A website's backend registers customers' personal data under its privacy
policy and reads it back for a declared purpose; every read is audited.
Authenticate with a tenant's API key: `Authorization: Bearer bm_<id>_<secret>`
(`baomat apikey create --tenant T --label L`). Staff and data subjects log in
(`POST /v1/staff/login`, `POST /v1/subjects/login`) and call with the session
token they get: `Authorization: Bearer bs_<id>_<secret>`.
"""


def create_app(
    app: App, *, max_body_bytes: int = MAX_BODY_BYTES, jobs: Runner | None = None
) -> FastAPI:
    """A built App → the FastAPI application; builds nothing else, and starts nothing
    but the job runner it is given, for as long as the server runs (its lifespan)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if jobs is not None:
            jobs.start()
        try:
            yield
        finally:
            if jobs is not None:
                await anyio.to_thread.run_sync(jobs.stop)  # waits for a running job

    api = FastAPI(
        lifespan=lifespan,
        title="baomat",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs" if app.settings.api_docs else None,
        redoc_url=None,
    )
    api.state.runtime = Runtime(app, PolicyCache())
    v1 = APIRouter(prefix="/v1")
    # Routes are matched in order: the cheapest and the hottest first (decision 007).
    routers = (health, decisions, auth, subjects, attachments, consents, disclosures, rights)
    for module in (*routers, retention, complaints, alerts, policy, incidents, locks, documents):
        v1.include_router(module.router)
    api.include_router(v1)
    api.add_middleware(
        BodyLimit,
        max_bytes=max_body_bytes,
        larger={("POST", attachments.UPLOAD_PATH): attachments.UPLOAD_MAX_BYTES},
    )
    api.add_middleware(SecurityHeaders)
    errors.install(api)  # last, so its catch-all wraps the middleware above too
    return api
