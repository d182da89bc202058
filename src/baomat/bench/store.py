"""`store.*`: storing subjects with encrypted, indexed fields and their audit entries.

baomat's path (`services.subjects.register`, in batches of `BATCH`) against
the same rows inserted as plaintext through the sqlite3 driver.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import time
from pathlib import Path
from typing import TextIO

from baomat import bootstrap
from baomat.bench import _policies
from baomat.services import subjects, tenants

BATCH = 1000


def measure(app: bootstrap.App, scratch: Path, n: int, at: dt.datetime, out: TextIO) -> None:
    """Stores `n` generated subjects both ways → `store.*` lines; `app` keeps them for `audit`."""
    generated = records(n)
    baseline = _plain_sql_insert(scratch / "plain.sqlite3", generated, at)
    policy, text = _policies.document(_policies.STORE)
    tenants.publish_policy(app.uow(), policy, text, "bench", at)
    start = time.perf_counter()
    for lo in range(0, n, BATCH):
        subjects.register(app.uow(), policy, "customer", generated[lo : lo + BATCH], "bench", at)
    ours = time.perf_counter() - start
    out.write(f"BENCH store.subjects {n} subjects\n")
    out.write(f"BENCH store.baomat_s {ours:.3f} s\n")
    out.write(f"BENCH store.plain_sql_s {baseline:.3f} s\n")
    out.write(f"BENCH store.overhead_ratio {ours / baseline:.2f} ratio\n")
    out.flush()


def records(n: int, seed: int = 7) -> list[dict[str, str]]:
    """Generated, never real: Vietnamese-looking names, mobiles, emails, addresses, CCCDs."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Ngọc"]
    streets = ["Lê Văn Lương", "Ngô Quyền", "Hồng Lĩnh", "Kim Giang", "Lê Thánh Tôn"]
    out = []
    for i in range(n):
        out.append(
            {
                "full_name": f"{rng.choice(family)} Văn {rng.choice(given)}",
                "phone": f"09{rng.choice('0134678')}{rng.randrange(10**7):07d}",
                "email": f"khach{i}@example.vn",
                "address": f"{rng.randrange(1, 300)} {rng.choice(streets)}, Hà Nội",
                "citizen_id": f"001{rng.choice('01')}{rng.randrange(40, 100):02d}{i % 10**6:06d}",
            }
        )
    return out


def _plain_sql_insert(path: Path, generated: list[dict[str, str]], at: dt.datetime) -> float:
    """The baseline: the same rows, plaintext, through the sqlite3 driver → seconds."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(
        """
        CREATE TABLE subjects (tenant_id TEXT, id TEXT, subject_type TEXT, policy_version INT,
            status TEXT, created_at TEXT, updated_at TEXT, PRIMARY KEY (tenant_id, id));
        CREATE TABLE field_values (tenant_id TEXT, subject_id TEXT, field TEXT, value TEXT,
            PRIMARY KEY (tenant_id, subject_id, field));
        CREATE INDEX ix_lookup ON field_values (tenant_id, field, value);
        CREATE TABLE audit_entries (tenant_id TEXT, seq INT, at TEXT, actor TEXT, action TEXT,
            subject TEXT, fields TEXT, PRIMARY KEY (tenant_id, seq));
        """
    )
    stamp = at.isoformat()
    start = time.perf_counter()
    seq = 0
    for lo in range(0, len(generated), BATCH):
        chunk = generated[lo : lo + BATCH]
        ids = [os.urandom(16).hex() for _ in chunk]
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO subjects VALUES ('bench', ?, 'customer', 1, 'active', ?, ?)",
            [(sid, stamp, stamp) for sid in ids],
        )
        db.executemany(
            "INSERT INTO field_values VALUES ('bench', ?, ?, ?)",
            [(sid, k, v) for sid, rec in zip(ids, chunk, strict=True) for k, v in rec.items()],
        )
        rows = []
        for sid, rec in zip(ids, chunk, strict=True):
            seq += 1
            rows.append((seq, stamp, "bench", "subject.create", sid, ",".join(sorted(rec))))
        db.executemany("INSERT INTO audit_entries VALUES ('bench', ?, ?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed
