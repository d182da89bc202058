"""`GET /v1/health`: answers at once, touching no store; the latency baseline of the API."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


@router.get("/health")
async def health() -> Health:
    """→ `{"status": "ok"}` while the process serves requests. Needs no API key."""
    return Health(status="ok")
