"""Use case: verify the audit chains."""

from __future__ import annotations

from baomat.domain.audit import Break
from baomat.store.uow import UnitOfWork


def verify(uow: UnitOfWork, tenant: str | None = None) -> tuple[int, Break | None]:
    """→ (entries checked, the first broken link or None). Reads only."""
    with uow:
        return uow.audit.verify(tenant)
