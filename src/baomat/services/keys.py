"""Use case: rotate the master key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from baomat.domain.audit import AuditEvent
from baomat.store.keystore import rotate_master_key
from baomat.store.uow import UnitOfWork


def rotate(uow: UnitOfWork, home: Path, actor: str, at: dt.datetime) -> tuple[str, int]:
    """Rewraps every data key under a new master key → (new key id, keys rewrapped).

    The old master key file is destroyed afterwards, so copies of the key store
    taken before the rotation can no longer be unwrapped with the key files
    kept here. Each tenant's audit chain records the rotation.
    """
    previous = uow.keystore.active_key_id
    key_id, count = rotate_master_key(uow.keystore, home, at)
    with uow:
        for tenant in uow.tenants.ids():
            uow.audit.append(
                tenant,
                [
                    AuditEvent(
                        actor,
                        "keys.rotate",
                        detail={"previous_key_id": previous, "key_id": key_id},
                    )
                ],
                at,
            )
        uow.commit()
    return key_id, count
