"""The key store: each subject's data key, wrapped by the master key, in its own database.

The key store is deliberately not the main store. A copy of the main store
(a backup, a dump, a stolen disk) holds only ciphertexts; the data keys live
here, and shredding a subject deletes its key here (with SQLite's
secure_delete so the bytes are overwritten). See
docs/decisions/001-key-storage-and-crypto-shredding.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, tuple_, update

from baomat.store import crypto
from baomat.store.bulk import insert_rows
from baomat.store.tables import data_keys, key_events


class KeyStore:
    """Creates, unwraps, shreds and rewraps per-subject data keys."""

    def __init__(self, engine: Engine, candidates: Sequence[crypto.MasterKey]) -> None:
        self.engine = engine
        self.master = self._choose_master(candidates)

    def _choose_master(self, candidates: Sequence[crypto.MasterKey]) -> crypto.MasterKey:
        """The candidate whose id the key store last recorded as active.

        A fresh key store takes the first candidate. A rotation interrupted after
        its commit leaves `master.key.next` as the matching candidate.
        """
        if not candidates:
            raise crypto.KeyMissing("no master key was given")
        with self.engine.connect() as conn:
            active = conn.execute(
                select(key_events.c.master_key_id).order_by(key_events.c.id.desc()).limit(1)
            ).scalar_one_or_none()
        if active is None:
            return candidates[0]
        for candidate in candidates:
            if candidate.key_id == active:
                return candidate
        raise crypto.WrongMasterKey(active, candidates[0].key_id)

    @property
    def active_key_id(self) -> str:
        return self.master.key_id

    def record_active(self, at: dt.datetime) -> None:
        """Writes the first `activate` event of a fresh key store; no-op afterwards."""
        with self.engine.begin() as conn:
            exists = conn.execute(select(key_events.c.id).limit(1)).first()
            if exists is None:
                conn.execute(
                    insert(key_events).values(
                        at=at, action="activate", master_key_id=self.master.key_id, detail="{}"
                    )
                )

    def create(self, tenant: str, subject_ids: Sequence[str]) -> dict[str, bytes]:
        """New data keys for these subjects, stored wrapped, committed → {subject: key}."""
        keys = {sid: crypto.new_data_key() for sid in subject_ids}
        rows = [
            {
                "tenant_id": tenant,
                "subject_id": sid,
                "wrapped": crypto.wrap_data_key(self.master, key, tenant, sid),
            }
            for sid, key in keys.items()
        ]
        if rows:
            with self.engine.begin() as conn:
                insert_rows(conn, data_keys, rows)
        return keys

    def get(self, tenant: str, subject_id: str) -> bytes | None:
        """The subject's data key, or None once it has been shredded."""
        with self.engine.connect() as conn:
            wrapped = conn.execute(
                select(data_keys.c.wrapped).where(
                    data_keys.c.tenant_id == tenant, data_keys.c.subject_id == subject_id
                )
            ).scalar_one_or_none()
        if wrapped is None:
            return None
        return crypto.unwrap_data_key(self.master, wrapped, tenant, subject_id)

    def get_many(self, tenant: str, subject_ids: Iterable[str]) -> dict[str, bytes]:
        ids = list(subject_ids)
        found: dict[str, bytes] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = conn.execute(
                    select(data_keys.c.subject_id, data_keys.c.wrapped).where(
                        data_keys.c.tenant_id == tenant, data_keys.c.subject_id.in_(chunk)
                    )
                )
                for sid, wrapped in rows:
                    found[sid] = crypto.unwrap_data_key(self.master, wrapped, tenant, sid)
        return found

    def shred(self, tenant: str, subject_ids: Sequence[str]) -> int:
        """Deletes the subjects' data keys for good → how many were deleted."""
        if not subject_ids:
            return 0
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(data_keys).where(
                    tuple_(data_keys.c.tenant_id, data_keys.c.subject_id).in_(
                        [(tenant, sid) for sid in subject_ids]
                    )
                )
            )
        if self.engine.dialect.name == "sqlite":
            # Deleted pages may survive in the write-ahead log until a checkpoint.
            # Outside any transaction, on the driver's own connection.
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        return int(result.rowcount or 0)

    def rotate(self, new_master: crypto.MasterKey, at: dt.datetime) -> int:
        """Rewraps every data key under `new_master` in one transaction → keys rewrapped.

        Field ciphertexts in the main store are untouched: only the wraps change.
        """
        count = 0
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(data_keys.c.tenant_id, data_keys.c.subject_id, data_keys.c.wrapped)
            ).all()
            batch: list[dict[str, object]] = []
            for tenant, sid, wrapped in rows:
                batch.append(
                    {
                        "t": tenant,
                        "s": sid,
                        "w": crypto.rewrap(self.master, new_master, wrapped, tenant, sid),
                    }
                )
                if len(batch) >= 5000:
                    count += self._write_wraps(conn, batch)
                    batch = []
            count += self._write_wraps(conn, batch)
            conn.execute(
                insert(key_events).values(
                    at=at,
                    action="rotate",
                    master_key_id=new_master.key_id,
                    detail=json.dumps({"previous": self.master.key_id, "rewrapped": count}),
                )
            )
        self.master = new_master
        return count

    @staticmethod
    def _write_wraps(conn: Connection, batch: list[dict[str, object]]) -> int:
        if not batch:
            return 0
        conn.execute(
            update(data_keys)
            .where(
                data_keys.c.tenant_id == bindparam("t"),
                data_keys.c.subject_id == bindparam("s"),
            )
            .values(wrapped=bindparam("w")),
            batch,
        )
        return len(batch)


def rotate_master_key(keystore: KeyStore, home: Path, at: dt.datetime) -> tuple[str, int]:
    """Generates a new master key file, rewraps all data keys, retires the old file.

    Order matters for a crash at any point: the new key is written as
    `master.key.next` first, the rewrap commits and records the new key id, and
    only then does `master.key.next` replace `master.key`. Loading takes both
    files as candidates and picks the one the key store names as active; a
    rotation left half-way is finished or restarted here.
    """
    pending = home / "keys" / crypto.NEXT_MASTER_KEY_FILE
    if pending.exists():
        if crypto.MasterKey.from_text(pending.read_text(), str(pending)).key_id == (
            keystore.active_key_id
        ):
            crypto.promote_next_master_key(home)  # the rewrap had committed
        else:
            pending.unlink()  # the rewrap never committed: the old key still rules
    new = crypto.MasterKey.generate()
    crypto.write_master_key(home, new, next_=True)
    count = keystore.rotate(new, at)
    crypto.promote_next_master_key(home)
    return new.key_id, count
